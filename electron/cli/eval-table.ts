/**
 * The score table behind the security levels (models/fr-feature.score-table.json) and the open-set
 * figures of the shipped decision at each level. Pure functions over similarity scores.
 *
 * A level is a target FPIR: the share of a stranger's attempts (one search of the whole gallery)
 * accepted as someone. For a gallery of n templates each comparison may then falsely match with
 * 1 − (1 − FPIR)^(1/n) (perComparisonRate); the table gives the cosine threshold of each
 * per-comparison rate. Rates the calibration set observed are read off its impostor pairs; lower
 * ones (large galleries, strict levels) come from an exponential fit of the tail (log rate linear in
 * the score), which falls more slowly than the Gaussian-like real tail, so it errs towards higher
 * thresholds.
 */
import { decide, levelThreshold, SECURITY_LEVELS, type RecognitionConfig, type ScoreTable, type SearchHit, type SecurityLevel } from '../../src/shared/face/decide'

/** The levels' targets: share of a stranger's attempts accepted as someone. */
export const TARGET_FPIR: Record<SecurityLevel, number> = { normal: 0.01, high: 0.001, 'very-high': 0.0001 }

const r6 = (x: number) => Math.round(x * 1e6) / 1e6

/** Builds the table from all impostor and genuine pair scores of a calibration set. */
export function buildScoreTable(genuine: ArrayLike<number>, impostor: ArrayLike<number>, tag: { modelId: string; modelVersion: string }, targetFpir = TARGET_FPIR): ScoreTable & { fit: { slope: number; from: number } } {
  const imp = Float64Array.from(impostor).sort().reverse()
  const n = imp.length
  if (n < 1000) throw new RangeError(`a score table needs at least 1,000 impostor pairs, got ${n}`)
  // observed down to the rate where 10 impostors are left above the threshold
  const observedDownTo = 10 / n
  const rates: number[] = []
  for (let k = 4; k <= 48; k++) rates.push(10 ** (-k / 4))
  const empirical = (rate: number) => imp[Math.max(0, Math.floor(rate * n) - 1)] as number
  // fit log10(rate) = a + slope·t over the observed tail rates 1e-3 .. observedDownTo
  const pts = rates.filter((r) => r <= 1e-3 && r >= observedDownTo).map((r) => [empirical(r), Math.log10(r)] as const)
  if (pts.length < 3) throw new RangeError(`too few impostor pairs (${n}) to fit the tail: need rates down to 1e-3.5 observed`)
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length
  const slope = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0)
  if (!(slope < 0)) throw new RangeError('the impostor tail does not fall: cannot fit it')
  const lastObserved = rates.filter((r) => r >= observedDownTo).at(-1) as number
  const anchor = empirical(lastObserved)
  const impostorTail: Array<[number, number]> = []
  let prev = -Infinity
  for (const r of rates) {
    const t = r >= observedDownTo ? empirical(r) : anchor + (Math.log10(r) - Math.log10(lastObserved)) / slope
    prev = Math.max(prev, t)
    impostorTail.push([Number(r.toPrecision(4)), r6(prev)])
  }
  const gen = Float64Array.from(genuine).sort()
  const genuineMiss: Array<[number, number]> = []
  let gi = 0
  for (let k = 10; k <= 90; k++) {
    const t = k / 100
    while (gi < gen.length && (gen[gi] as number) < t) gi++
    genuineMiss.push([t, r6(gi / gen.length)])
  }
  return { modelId: tag.modelId, modelVersion: tag.modelVersion, targetFpir: { ...targetFpir }, impostorTail, observedDownTo: Number(observedDownTo.toPrecision(4)), genuineMiss, fit: { slope: r6(slope), from: r6(anchor) } }
}

/** One probe's search over the enrolled gallery: the top two people. */
export type ProbeSearch = { truePersonId: string | null; hit: SearchHit | null }

/** The shipped decision (one frame: threshold of the gallery's size, margin) at each level, over mated and stranger searches. */
export function levelFigures(cfg: RecognitionConfig, templates: number, mated: readonly ProbeSearch[], strangers: readonly ProbeSearch[]) {
  return Object.fromEntries(
    SECURITY_LEVELS.map((level) => {
      let right = 0
      let wrong = 0
      for (const p of mated) {
        const d = decide(p.hit, [], cfg, level, templates)
        if (d.decision === 'match' && d.personId === p.truePersonId) right++
        else if (d.decision === 'match') wrong++
      }
      let strangerIn = 0
      for (const p of strangers) if (decide(p.hit, [], cfg, level, templates).decision === 'match') strangerIn++
      const all = mated.length + strangers.length
      return [
        level,
        {
          threshold: r6(levelThreshold(cfg, level, templates)),
          targetFpir: cfg.scoreTable?.targetFpir[level] ?? null,
          /** strangers accepted as someone, per attempt */
          strangerAcceptance: r6(strangers.length ? strangerIn / strangers.length : Number.NaN),
          /** enrolled people accepted as someone else */
          enrolledAsWrongPerson: r6(mated.length ? wrong / mated.length : Number.NaN),
          /** every probe (enrolled or stranger) accepted as a person it is not */
          wrongPersonOfAllProbes: r6(all ? (wrong + strangerIn) / all : Number.NaN),
          /** enrolled people not accepted as themselves */
          missRate: r6(mated.length ? 1 - right / mated.length : Number.NaN),
        },
      ]
    }),
  ) as Record<SecurityLevel, { threshold: number; targetFpir: number | null; strangerAcceptance: number; enrolledAsWrongPerson: number; wrongPersonOfAllProbes: number; missRate: number }>
}
