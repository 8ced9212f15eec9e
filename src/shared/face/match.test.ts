import { describe, expect, it } from 'vitest'
import { confidenceFor, cosine, l2normalize } from './match'

describe('l2normalize', () => {
  it('scales to unit length without touching the input', () => {
    const input = [3, 4]
    const out = l2normalize(input)
    expect(Array.from(out)).toEqual([0.6000000238418579, 0.800000011920929])
    expect(input).toEqual([3, 4])
  })
  it('rejects zero and non-finite vectors', () => {
    expect(() => l2normalize([0, 0])).toThrow(RangeError)
    expect(() => l2normalize([])).toThrow(RangeError)
    expect(() => l2normalize([1, Number.NaN])).toThrow(RangeError)
  })
})

describe('cosine', () => {
  it('is 1 for parallel, 0 for orthogonal, -1 for opposite', () => {
    expect(cosine([1, 2], [2, 4])).toBeCloseTo(1, 12)
    expect(cosine([1, 0], [0, 5])).toBe(0)
    expect(cosine([1, 1], [-1, -1])).toBeCloseTo(-1, 12)
  })
  it('is scale invariant', () => {
    expect(cosine([1, 2, 3], [4, 5, 6])).toBeCloseTo(cosine([10, 20, 30], [4, 5, 6]), 12)
    expect(cosine([1, 2, 3], [4, 5, 6])).toBeCloseTo(32 / Math.sqrt(14 * 77), 12)
  })
  it('rejects length mismatch and zero vectors', () => {
    expect(() => cosine([1], [1, 2])).toThrow(RangeError)
    expect(() => cosine([0, 0], [1, 2])).toThrow(RangeError)
  })
})

describe('confidenceFor', () => {
  it('uses threshold + 0.15 / + 0.05 bands', () => {
    expect(confidenceFor(0.55, 0.4)).toBe('high')
    expect(confidenceFor(0.9, 0.4)).toBe('high')
    expect(confidenceFor(0.549, 0.4)).toBe('medium')
    expect(confidenceFor(0.45, 0.4)).toBe('medium')
    expect(confidenceFor(0.449, 0.4)).toBe('low')
    expect(confidenceFor(0.4, 0.4)).toBe('low')
    expect(confidenceFor(0.1, 0.4)).toBe('low')
  })
})
