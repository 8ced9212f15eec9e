/**
 * Biometric accuracy figures from similarity scores (higher = more alike). Pure functions, so the
 * evaluation, the calibration and their tests share one definition of each number.
 */

const desc = (xs: ArrayLike<number>): Float64Array => Float64Array.from(xs).sort().reverse()

/** The p-th percentile (0..100, nearest rank) of `xs`; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}

/**
 * The lowest threshold t (accept when score ≥ t) at which at most `rate` of `impostor` scores are
 * accepted. With n impostors, at most floor(rate·n) may pass; t sits just above the next one.
 */
export function thresholdAtRate(impostor: ArrayLike<number>, rate: number): number {
  const s = desc(impostor)
  if (s.length === 0) return Number.NaN
  const k = Math.floor(rate * s.length)
  if (k >= s.length) return -Infinity
  return nextUp(s[k] as number)
}

/** The smallest double above x, so that "score ≥ t" excludes x itself. */
function nextUp(x: number): number {
  return x + Math.max(Math.abs(x) * Number.EPSILON, Number.MIN_VALUE) * 2
}

/** Share of `scores` at or above `t`. */
export function shareAtOrAbove(scores: ArrayLike<number>, t: number): number {
  let n = 0
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) >= t) n++
  return scores.length === 0 ? Number.NaN : n / scores.length
}

/** Verification: true-accept rate at the threshold giving false-accept rate `far`. */
export function tarAtFar(genuine: ArrayLike<number>, impostor: ArrayLike<number>, far: number): { tar: number; threshold: number } {
  const threshold = thresholdAtRate(impostor, far)
  return { tar: shareAtOrAbove(genuine, threshold), threshold }
}

/** Equal error rate: where the false-reject and false-accept rates cross (linear scan over scores). */
export function equalErrorRate(genuine: ArrayLike<number>, impostor: ArrayLike<number>): { eer: number; threshold: number } {
  const g = Float64Array.from(genuine).sort()
  const im = Float64Array.from(impostor).sort()
  if (g.length === 0 || im.length === 0) return { eer: Number.NaN, threshold: Number.NaN }
  // walk thresholds over all distinct scores; FRR = share of genuine < t, FAR = share of impostor ≥ t
  const all = Float64Array.from([...g, ...im]).sort()
  let gi = 0
  let ii = 0
  let best = { gap: Infinity, eer: 1, threshold: 0 }
  for (const t of all) {
    while (gi < g.length && (g[gi] as number) < t) gi++
    while (ii < im.length && (im[ii] as number) < t) ii++
    const frr = gi / g.length
    const far = (im.length - ii) / im.length
    const gap = Math.abs(frr - far)
    if (gap < best.gap) best = { gap, eer: (frr + far) / 2, threshold: t }
  }
  return { eer: best.eer, threshold: best.threshold }
}

/** One open-set search of a probe whose person is enrolled. */
export type MatedSearch = { truePersonId: string; topPersonId: string | null; topScore: number }

/**
 * Open-set identification: false-negative identification rate at the threshold that gives a
 * false-positive identification rate `fpir` over the non-mated searches (their top scores).
 * A mated search is a miss when its top candidate is wrong or scores below the threshold.
 */
export function fnirAtFpir(mated: readonly MatedSearch[], nonMatedTop: ArrayLike<number>, fpir: number): { fnir: number; threshold: number } {
  const threshold = thresholdAtRate(nonMatedTop, fpir)
  let miss = 0
  for (const m of mated) if (m.topPersonId !== m.truePersonId || m.topScore < threshold) miss++
  return { fnir: mated.length ? miss / mated.length : Number.NaN, threshold }
}
