import { describe, expect, it } from 'vitest'
import { cosine } from '../../../src/shared/face/match'
import { FaceIndex } from './face-index'

const M = { modelId: 'm', modelVersion: '1' }

/** deterministic pseudo-random vectors */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}
const randVec = (r: () => number, dim: number) => Array.from({ length: dim }, r)

describe('FaceIndex', () => {
  it('returns null on an empty index (caller answers unknown)', () => {
    const idx = new FaceIndex({ ...M, dim: 3 })
    expect(idx.search([1, 0, 0])).toBeNull()
  })

  it('finds the best person (max over templates) and the best other person', () => {
    const idx = new FaceIndex({ ...M, dim: 3 })
    idx.add('A', [1, 0, 0])
    idx.add('A', [0, 1, 0])
    idx.add('B', [1, 1, 0])
    idx.add('C', [0, 0, 1])
    const r = idx.search([0, 2, 0])
    expect(r?.personId).toBe('A')
    expect(r?.similarity).toBeCloseTo(1, 6)
    expect(r?.secondPersonId).toBe('B')
    expect(r?.secondSimilarity).toBeCloseTo(Math.SQRT1_2, 6)
  })

  it('single person: no second', () => {
    const idx = new FaceIndex({ ...M, dim: 2 })
    idx.add('A', [1, 0])
    expect(idx.search([1, 1])).toEqual({ personId: 'A', similarity: expect.closeTo(Math.SQRT1_2, 6), secondPersonId: null, secondSimilarity: -1 })
  })

  it('agrees with a brute-force cosine reference (dim not a multiple of 4) and grows by doubling', () => {
    const r = rng(42)
    const dim = 130
    const idx = new FaceIndex({ ...M, dim }, 2)
    const gallery: Array<[string, number[]]> = []
    for (let p = 0; p < 40; p++) {
      for (let t = 0; t < 3; t++) {
        const v = randVec(r, dim)
        gallery.push([`P${p}`, v])
        idx.add(`P${p}`, v)
      }
    }
    expect(idx.size).toBe(120)
    expect(idx.personCount).toBe(40)
    expect(idx.capacity).toBe(128)
    for (let k = 0; k < 10; k++) {
      const probe = randVec(r, dim)
      const perPerson = new Map<string, number>()
      for (const [id, v] of gallery) perPerson.set(id, Math.max(perPerson.get(id) ?? -Infinity, cosine(probe, v)))
      const sorted = [...perPerson.entries()].sort((a, b) => b[1] - a[1])
      const got = idx.search(probe)
      expect(got?.personId).toBe(sorted[0]?.[0])
      expect(got?.similarity).toBeCloseTo(sorted[0]?.[1] as number, 5)
      expect(got?.secondPersonId).toBe(sorted[1]?.[0])
      expect(got?.secondSimilarity).toBeCloseTo(sorted[1]?.[1] as number, 5)
    }
  })

  it('removePerson drops all their rows and keeps others searchable', () => {
    const idx = new FaceIndex({ ...M, dim: 2 })
    idx.add('A', [1, 0])
    idx.add('B', [0, 1])
    idx.add('A', [1, 0.1])
    idx.add('C', [-1, 0])
    expect(idx.removePerson('A')).toBe(2)
    expect(idx.removePerson('A')).toBe(0)
    expect(idx.size).toBe(2)
    expect(idx.personCount).toBe(2)
    expect(idx.hasPerson('A')).toBe(false)
    expect(idx.search([1, 0])?.personId).not.toBe('A')
    expect(idx.search([-1, 0.01])?.personId).toBe('C')
    expect(idx.search([0, 1])?.personId).toBe('B')
    idx.add('A', [1, 0])
    expect(idx.search([1, 0])?.personId).toBe('A')
  })

  it('rejects wrong dim, NaN, Infinity and zero vectors with invalid-args', () => {
    const idx = new FaceIndex({ ...M, dim: 2 })
    idx.add('A', [1, 0])
    expect(() => idx.search([1, 0, 0])).toThrow(expect.objectContaining({ code: 'invalid-args' }))
    expect(() => idx.search([Number.NaN, 0])).toThrow(expect.objectContaining({ code: 'invalid-args' }))
    expect(() => idx.search([Infinity, 0])).toThrow(expect.objectContaining({ code: 'invalid-args' }))
    expect(() => idx.search([0, 0])).toThrow(expect.objectContaining({ code: 'invalid-args' }))
    expect(() => idx.add('B', [0, 0])).toThrow(expect.objectContaining({ code: 'invalid-args' }))
    expect(idx.size).toBe(1)
  })
})
