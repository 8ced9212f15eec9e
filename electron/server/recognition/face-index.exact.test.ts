import { describe, expect, it } from 'vitest'
import { cosine } from '../../../src/shared/face/match'
import { FaceIndex, type SearchResult } from './face-index'
import { Int8Rows } from './int8-rows'

/**
 * Exactness of FaceIndex.search against a plain float64 brute-force scan: the same normalised
 * float32 values, score = Σ probe[i]·row[i] in float64 in index order, person = max over their rows,
 * ties to the smaller personId. Results must be identical (toEqual on numbers, not closeTo).
 */

const M = { modelId: 'm', modelVersion: '1' }

function rng(seed: number) {
  let s = seed >>> 0 || 1
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}
const randVec = (r: () => number, dim: number) => Array.from({ length: dim }, r)

/** L2-normalise to float32 exactly as FaceIndex does */
function norm32(v: ArrayLike<number>): Float32Array {
  let sum = 0
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) * (v[i] as number)
  const inv = 1 / Math.sqrt(sum)
  return Float32Array.from(Array.from(v, (x) => x * inv))
}

class BruteForce {
  rows: Array<[string, Float32Array]> = []
  add(id: string, v: ArrayLike<number>) {
    this.rows.push([id, norm32(v)])
  }
  removePerson(id: string) {
    this.rows = this.rows.filter(([p]) => p !== id)
  }
  search(probe: ArrayLike<number>): SearchResult | null {
    if (this.rows.length === 0) return null
    const q = norm32(probe)
    const best = new Map<string, number>()
    for (const [id, row] of this.rows) {
      let s = 0
      for (let i = 0; i < q.length; i++) s += (q[i] as number) * (row[i] as number)
      if (!best.has(id) || s > (best.get(id) as number)) best.set(id, s)
    }
    const sorted = [...best.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    const clamp = (x: number) => Math.max(-1, Math.min(1, x))
    const [first, second] = sorted as [[string, number], [string, number] | undefined]
    return { personId: first[0], similarity: clamp(first[1]), secondPersonId: second ? second[0] : null, secondSimilarity: second ? clamp(second[1]) : -1 }
  }
}

function both(dim: number, cap = 4) {
  return { idx: new FaceIndex({ ...M, dim }, cap), ref: new BruteForce() }
}

describe('FaceIndex exactness (int8 prefilter + float64 rescoring)', () => {
  it('normalises like the reference', () => {
    const r = rng(1)
    const idx = new FaceIndex({ ...M, dim: 37 })
    for (let k = 0; k < 20; k++) {
      const v = randVec(r, 37)
      expect(idx.normalizeProbe(v)).toEqual(norm32(v))
    }
  })

  const shapes: Array<{ dim: number; people: number; perPerson: (p: number) => number; name: string }> = [
    { name: 'one person, one template', dim: 3, people: 1, perPerson: () => 1 },
    { name: 'one person, many templates', dim: 33, people: 1, perPerson: () => 57 },
    { name: 'two people', dim: 5, people: 2, perPerson: (p) => p + 1 },
    { name: 'dim 7 (not a multiple of 4)', dim: 7, people: 9, perPerson: () => 3 },
    { name: 'dim 17 (not a multiple of 16)', dim: 17, people: 40, perPerson: (p) => 1 + (p % 4) },
    { name: 'dim 130', dim: 130, people: 60, perPerson: () => 4 },
    { name: 'dim 512, uneven templates per person', dim: 512, people: 150, perPerson: (p) => (p % 10 === 0 ? 25 : 1 + (p % 3)) },
    { name: 'dim 513', dim: 513, people: 50, perPerson: () => 2 },
  ]
  for (const shape of shapes) {
    it(`equals the float64 brute force: ${shape.name}`, () => {
      const r = rng(shape.dim * 1000 + shape.people)
      const { idx, ref } = both(shape.dim)
      const templates: number[][] = []
      for (let p = 0; p < shape.people; p++) {
        for (let t = 0; t < shape.perPerson(p); t++) {
          const v = randVec(r, shape.dim)
          templates.push(v)
          idx.add(`P${p}`, v)
          ref.add(`P${p}`, v)
        }
      }
      for (let k = 0; k < 40; k++) {
        // half the probes are noisy copies of an enrolled template (a genuine match), half random
        const base = templates[Math.floor((r() + 0.5) * templates.length)] as number[]
        const probe = k % 2 === 0 ? base.map((x) => x + 0.3 * r()) : randVec(r, shape.dim)
        const got = idx.search(probe)
        expect(got).toEqual(ref.search(probe))
        // and close to the cosine of the raw vectors
        expect(got?.similarity).toBeCloseTo(Math.max(...templates.map((t, i) => (ref.rows[i]?.[0] === got?.personId ? cosine(probe, t) : -2))), 5)
      }
    })
  }

  it('breaks exact ties by the smaller personId, for the best and the second person', () => {
    const { idx, ref } = both(64)
    const r = rng(9)
    const v = randVec(r, 64)
    const w = randVec(r, 64)
    for (const id of ['zed', 'amy', 'mia']) {
      idx.add(id, v)
      ref.add(id, v)
    }
    for (const id of ['bob', 'al']) {
      idx.add(id, w)
      ref.add(id, w)
    }
    expect(idx.search(v)).toEqual({ personId: 'amy', similarity: expect.closeTo(1, 6), secondPersonId: 'mia', secondSimilarity: expect.closeTo(1, 6) })
    expect(idx.search(v)).toEqual(ref.search(v))
    expect(idx.search(w)?.personId).toBe('al')
    expect(idx.search(w)?.secondPersonId).toBe('bob')
    expect(idx.search(w)).toEqual(ref.search(w))
    // a probe equidistant from both groups: every candidate rescored, still the reference order
    const mid = v.map((x, i) => x / Math.hypot(...v) + (w[i] as number) / Math.hypot(...w))
    expect(idx.search(mid)).toEqual(ref.search(mid))
  })

  it('quantisation never changes the decision: near-identical templates that int8 cannot tell apart', () => {
    const dim = 512
    const r = rng(77)
    const centre = randVec(r, dim)
    const { idx, ref } = both(dim)
    const q8 = new Int8Rows(dim, 4)
    // 300 people whose templates differ from one centre by ~1e-4: far below the int8 step (~1e-3)
    const rows: Array<[string, Float32Array]> = []
    for (let p = 0; p < 300; p++) {
      for (let t = 0; t < 1 + (p % 3); t++) {
        const v = centre.map((x) => x + 2e-4 * r())
        idx.add(`P${p}`, v)
        ref.add(`P${p}`, v)
        rows.push([`P${p}`, norm32(v)])
      }
    }
    q8.reserve(rows.length)
    const scales = rows.map(([, v], i) => q8.setRow(i, v).scale)
    let approxWrong = 0
    for (let k = 0; k < 30; k++) {
      const probe = centre.map((x) => x + 2e-4 * r())
      const want = ref.search(probe)
      expect(idx.search(probe)).toEqual(want)
      // the int8 scores alone would often pick someone else
      q8.setProbe(norm32(probe))
      const dots = q8.scan(rows.length)
      let bi = 0
      for (let i = 1; i < rows.length; i++) if ((dots[i] as number) * (scales[i] as number) > (dots[bi] as number) * (scales[bi] as number)) bi = i
      if (rows[bi]?.[0] !== want?.personId) approxWrong++
    }
    expect(approxWrong).toBeGreaterThan(0)
    expect(idx.lastRescoredRows).toBeGreaterThan(100)
  })

  it('rescoring touches few rows on a well-separated gallery', () => {
    const dim = 512
    const r = rng(5)
    const { idx } = both(dim, 2000)
    const templates: number[][] = []
    for (let i = 0; i < 2000; i++) {
      const v = randVec(r, dim)
      templates.push(v)
      idx.add(`P${i % 700}`, v)
    }
    idx.search((templates[123] as number[]).map((x) => x + 0.1 * r()))
    expect(idx.lastRescoredRows).toBeLessThan(20)
  })

  it('stays exact through removePerson in the middle, re-adds and clear', () => {
    const dim = 48
    const r = rng(3)
    const { idx, ref } = both(dim, 1)
    const people = Array.from({ length: 30 }, (_, p) => `P${p}`)
    for (let round = 0; round < 3; round++) {
      for (const [p, id] of people.entries()) {
        for (let t = 0; t < 1 + ((p + round) % 4); t++) {
          const v = randVec(r, dim)
          idx.add(id, v)
          ref.add(id, v)
        }
      }
    }
    const check = () => {
      for (let k = 0; k < 15; k++) {
        const probe = randVec(r, dim)
        expect(idx.search(probe)).toEqual(ref.search(probe))
      }
      expect(idx.size).toBe(ref.rows.length)
      expect(idx.personCount).toBe(new Set(ref.rows.map(([p]) => p)).size)
    }
    check()
    for (const id of ['P0', 'P15', 'P29', 'P7', 'P8']) {
      expect(idx.removePerson(id)).toBe(ref.rows.filter(([p]) => p === id).length)
      ref.removePerson(id)
      check()
    }
    // a removed person's near-duplicate probe must not find them
    const v = randVec(r, dim)
    idx.add('P15', v)
    ref.add('P15', v)
    expect(idx.search(v)?.personId).toBe('P15')
    check()
    while (idx.personCount > 1) {
      const id = ref.rows[Math.floor(ref.rows.length / 2)]?.[0] as string
      idx.removePerson(id)
      ref.removePerson(id)
      check()
    }
    idx.clear()
    expect(idx.search(v)).toBeNull()
    idx.add('X', v)
    expect(idx.search(v)).toEqual({ personId: 'X', similarity: expect.closeTo(1, 6), secondPersonId: null, secondSimilarity: -1 })
  })

  it('uses the WebAssembly SIMD kernel on Node and reports its memory per template', () => {
    const idx = new FaceIndex({ ...M, dim: 512 })
    expect(idx.simd).toBe(true)
    expect(idx.bytesPerTemplate).toBe(512 * 4 + 512 + 4 + 4 + 4)
  })
})
