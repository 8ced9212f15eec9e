import { describe, expect, it } from 'vitest'
import { attemptRate, decide, fuseEmbeddings, levelExpectations, levelThreshold, perComparisonRate, rateAtThreshold, thresholdAtRate, type RecognitionConfig, type ScoreTable } from './decide'

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

describe('levels that follow the gallery size (score table)', () => {
  // a synthetic exponential tail: rate = 10^(-(t - 0.1) / 0.05), observed down to 1e-6
  const tail: Array<[number, number]> = []
  for (let k = 4; k <= 48; k++) tail.push([10 ** (-k / 4), 0.1 + 0.05 * (k / 4)])
  const table: ScoreTable = {
    modelId: 'm',
    modelVersion: 'v',
    targetFpir: { normal: 0.01, high: 0.001, 'very-high': 0.0001 },
    impostorTail: tail,
    observedDownTo: 1e-6,
    genuineMiss: [
      [0.1, 0],
      [0.5, 0.02],
      [0.9, 1],
    ],
  }
  const withTable: RecognitionConfig = { ...cfg, scoreTable: table }

  it('per-comparison rate: the level target for one template, about target/n for many, 1 for none', () => {
    expect(perComparisonRate(0.001, 1)).toBeCloseTo(0.001, 12)
    expect(perComparisonRate(0.001, 1000) * 1000).toBeCloseTo(0.001, 6)
    expect(perComparisonRate(0.001, 0)).toBe(1)
    expect(attemptRate(perComparisonRate(0.001, 100_000), 100_000)).toBeCloseTo(0.001, 9)
    expect(() => perComparisonRate(0, 10)).toThrow(RangeError)
    expect(() => perComparisonRate(0.01, Number.NaN)).toThrow(RangeError)
  })

  it('thresholds interpolate the table in log rate and invert', () => {
    expect(thresholdAtRate(table, 1e-3)).toBeCloseTo(0.25, 9)
    expect(thresholdAtRate(table, 10 ** -3.5)).toBeCloseTo(0.275, 9)
    expect(rateAtThreshold(table, 0.275)).toBeCloseTo(10 ** -3.5, 9)
    // clamped at both ends
    expect(thresholdAtRate(table, 0.5)).toBeCloseTo(0.15, 9)
    expect(thresholdAtRate(table, 1e-20)).toBeCloseTo(0.7, 9)
  })

  it('the same level is stricter in a larger gallery; galleries of 0, 1 and 100,000 give clear figures', () => {
    const t1 = levelThreshold(withTable, 'high', 1)
    const t400 = levelThreshold(withTable, 'high', 400)
    const t100k = levelThreshold(withTable, 'high', 100_000)
    expect(t1).toBeCloseTo(0.25, 6)
    expect(t400).toBeGreaterThan(t1)
    expect(t100k).toBeGreaterThan(t400)
    expect(t100k).toBeCloseTo(0.1 + 0.05 * 8, 2)
    const [none, one, big] = [0, 1, 100_000].map((n) => levelExpectations(withTable, n))
    expect(none?.every((l) => l.strangerAcceptance === 0 && l.missRate === 1)).toBe(true)
    for (const e of [one, big]) for (const l of e ?? []) expect(l.strangerAcceptance).toBeCloseTo(l.targetFpir as number, 6)
    expect(one?.map((l) => l.extrapolated)).toEqual([false, false, false])
    expect(big?.find((l) => l.level === 'very-high')?.extrapolated).toBe(true)
    expect(big?.find((l) => l.level === 'high')?.missRate).toBeGreaterThan(one?.find((l) => l.level === 'high')?.missRate as number)
  })

  it('decide uses the gallery-size threshold when given the size, the fixed one otherwise', () => {
    const h = hit('ani', 0.42)
    expect(decide(h, [], withTable, 'high', 10).decision).toBe('match')
    expect(decide(h, [], withTable, 'high', 1_000_000_000).decision).toBe('unknown')
    expect(decide(h, [], withTable, 'high').decision).toBe('unknown') // fixed 0.5
    expect(decide(h, [], cfg, 'normal', 10).decision).toBe('match') // no table: fixed 0.4
  })
})
