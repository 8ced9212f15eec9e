import { describe, expect, it } from 'vitest'
import { equalErrorRate, fnirAtFpir, shareAtOrAbove, tarAtFar, thresholdAtRate } from './eval-metrics'

describe('eval metrics', () => {
  const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000) // 0 .. 0.999
  it('picks the threshold that accepts at most rate·n impostors', () => {
    const t = thresholdAtRate(impostor, 0.01)
    expect(shareAtOrAbove(impostor, t)).toBeLessThanOrEqual(0.01)
    expect(shareAtOrAbove(impostor, t)).toBeCloseTo(0.01, 3)
    expect(thresholdAtRate(impostor, 0)).toBeGreaterThan(0.999)
  })
  it('TAR at FAR counts genuine scores at or above that threshold', () => {
    const genuine = [0.5, 0.995, 0.999, 1]
    const { tar, threshold } = tarAtFar(genuine, impostor, 0.001)
    expect(threshold).toBeGreaterThan(0.998)
    expect(tar).toBe(0.5)
  })
  it('EER is 0 for separated scores and 0.5 for identical ones', () => {
    expect(equalErrorRate([0.9, 0.8], [0.1, 0.2]).eer).toBe(0)
    expect(equalErrorRate([0.5, 0.5], [0.5, 0.5]).eer).toBeCloseTo(0.5)
  })
  it('FNIR counts wrong top candidates and scores under the threshold as misses', () => {
    const nonMated = Array.from({ length: 100 }, (_, i) => i / 200) // max 0.495
    const mated = [
      { truePersonId: 'a', topPersonId: 'a', topScore: 0.9 },
      { truePersonId: 'b', topPersonId: 'c', topScore: 0.9 },
      { truePersonId: 'd', topPersonId: 'd', topScore: 0.3 },
      { truePersonId: 'e', topPersonId: 'e', topScore: 0.6 },
    ]
    const r = fnirAtFpir(mated, nonMated, 0.01)
    expect(r.threshold).toBeGreaterThan(0.49)
    expect(r.fnir).toBe(0.5)
  })
})
