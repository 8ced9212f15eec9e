import { describe, expect, it } from 'vitest'
import { decide, fuseEmbeddings, type RecognitionConfig } from './decide'

const cfg: RecognitionConfig = { thresholds: { normal: 0.4, high: 0.5, 'very-high': 0.6 }, margin: 0.05, minAgreement: 0.6, defaultLevel: 'normal' }
const hit = (personId: string, similarity: number, secondSimilarity = 0.1, secondPersonId: string | null = 'other') => ({ personId, similarity, secondPersonId, secondSimilarity })

describe('decide', () => {
  it('matches at or above the level threshold with a clear margin and agreeing frames', () => {
    const d = decide(hit('ani', 0.55), [hit('ani', 0.5), hit('ani', 0.6)], cfg, 'normal')
    expect(d).toMatchObject({ decision: 'match', personId: 'ani', confidence: 'high', agreement: 1 })
  })
  it('the same evidence is unknown at a stricter level', () => {
    expect(decide(hit('ani', 0.55), [], cfg, 'very-high')).toMatchObject({ decision: 'unknown', reason: 'below-threshold', personId: 'ani' })
  })
  it('refuses look-alikes: too small a gap to the second-best person', () => {
    expect(decide(hit('ani', 0.7, 0.68), [], cfg, 'normal')).toMatchObject({ decision: 'unknown', reason: 'ambiguous' })
    expect(decide(hit('ani', 0.7, 0.68, null), [], cfg, 'normal').decision).toBe('match')
  })
  it('refuses a track whose frames disagree', () => {
    const d = decide(hit('ani', 0.6), [hit('budi', 0.5), hit('budi', 0.5), hit('ani', 0.7)], cfg, 'normal')
    expect(d).toMatchObject({ decision: 'unknown', reason: 'inconsistent' })
    expect(d.agreement).toBeCloseTo(1 / 3)
  })
  it('an empty gallery is unknown with no candidate', () => {
    expect(decide(null, [null], cfg, 'normal')).toMatchObject({ decision: 'unknown', reason: 'empty-gallery', personId: null })
  })
})

describe('fuseEmbeddings', () => {
  it('averages directions and normalises', () => {
    const f = fuseEmbeddings([
      [1, 0],
      [0, 2],
    ])
    expect(f[0]).toBeCloseTo(Math.SQRT1_2)
    expect(f[1]).toBeCloseTo(Math.SQRT1_2)
  })
  it('rejects mixed lengths and zero vectors', () => {
    expect(() => fuseEmbeddings([[1, 0], [1]])).toThrow(RangeError)
    expect(() => fuseEmbeddings([[0, 0]])).toThrow(RangeError)
    expect(() => fuseEmbeddings([])).toThrow(RangeError)
  })
})
