import type { Confidence } from '../domain/types'
import { confidenceFor } from './match'

/**
 * Security levels an admin picks. With a score table each is a share of a stranger's attempts
 * accepted as someone (the same at any gallery size); without one, a fixed cosine threshold.
 */
export type SecurityLevel = 'normal' | 'high' | 'very-high'
export const SECURITY_LEVELS: readonly SecurityLevel[] = ['normal', 'high', 'very-high']

/** The recognition decision rule of one embedding model (from models/manifest.json). */
export type RecognitionConfig = {
  /** cosine threshold per level (accept when similarity ≥ threshold) */
  thresholds: Record<SecurityLevel, number>
  /** minimum gap between the best and the second-best person (look-alikes, twins) */
  margin: number
  /** share of a track's frames whose own best person must agree with the fused decision */
  minAgreement: number
  defaultLevel: SecurityLevel
  /**
   * When present, a level is a target share of a stranger's attempts accepted as someone
   * (`scoreTable.targetFpir`), and its threshold follows the gallery size (levelThreshold). Without
   * it `thresholds` are fixed per comparison.
   */
  scoreTable?: ScoreTable
}

/**
 * The embedding model's calibrated score distributions (models/fr-feature.score-table.json, written
 * by `npm run eval -- --write-table`): numbers only.
 */
export type ScoreTable = {
  modelId: string
  modelVersion: string
  /** target false-positive identification rate per attempt (one stranger's search of the whole gallery), per level */
  targetFpir: Record<SecurityLevel, number>
  /** [false-match rate of one comparison, cosine threshold]: rates decreasing, thresholds increasing */
  impostorTail: Array<[number, number]>
  /** rates at or above this were observed on the calibration set; lower ones come from the fitted tail */
  observedDownTo: number
  /** [cosine threshold, share of genuine comparisons (one enrolled photo) below it]: thresholds increasing */
  genuineMiss: Array<[number, number]>
}

/**
 * The false-match rate one comparison may have so that a stranger searching `comparisons` templates
 * is accepted as someone with probability `fpir`: 1 − (1 − fpir)^(1/n). 1 for an empty gallery.
 */
export function perComparisonRate(fpir: number, comparisons: number): number {
  if (!(fpir > 0 && fpir < 1)) throw new RangeError(`target FPIR must be in (0, 1), got ${fpir}`)
  if (!(comparisons >= 0) || !Number.isFinite(comparisons)) throw new RangeError(`comparisons must be a finite count ≥ 0, got ${comparisons}`)
  if (comparisons < 1) return 1
  return -Math.expm1(Math.log1p(-fpir) / comparisons)
}

/** Share of a stranger's attempts accepted as someone when each of `comparisons` comparisons falsely matches with `rate`. */
export function attemptRate(rate: number, comparisons: number): number {
  if (comparisons < 1) return 0
  return -Math.expm1(comparisons * Math.log1p(-Math.min(rate, 1 - 1e-16)))
}

/** Cosine threshold whose per-comparison false-match rate is `rate` (log-linear between table rows, clamped at the ends). */
export function thresholdAtRate(table: ScoreTable, rate: number): number {
  const t = table.impostorTail
  const first = t[0]
  const last = t[t.length - 1]
  if (!first || !last) throw new RangeError('score table has no impostor tail')
  if (rate >= first[0]) return first[1]
  if (rate <= last[0]) return last[1]
  const lr = Math.log10(rate)
  for (let i = 1; i < t.length; i++) {
    const [r1, th1] = t[i] as [number, number]
    const [r0, th0] = t[i - 1] as [number, number]
    if (rate >= r1) {
      const f = (Math.log10(r0) - lr) / (Math.log10(r0) - Math.log10(r1))
      return th0 + f * (th1 - th0)
    }
  }
  return last[1]
}

/** Per-comparison false-match rate of a cosine threshold (inverse of thresholdAtRate). */
export function rateAtThreshold(table: ScoreTable, threshold: number): number {
  const t = table.impostorTail
  const first = t[0]
  const last = t[t.length - 1]
  if (!first || !last) throw new RangeError('score table has no impostor tail')
  if (threshold <= first[1]) return first[0]
  if (threshold >= last[1]) return last[0]
  for (let i = 1; i < t.length; i++) {
    const [r1, th1] = t[i] as [number, number]
    const [r0, th0] = t[i - 1] as [number, number]
    if (threshold <= th1) {
      const f = th1 === th0 ? 1 : (threshold - th0) / (th1 - th0)
      return 10 ** (Math.log10(r0) + f * (Math.log10(r1) - Math.log10(r0)))
    }
  }
  return last[0]
}

/** Share of genuine comparisons below `threshold` (linear between table rows). */
export function missAtThreshold(table: ScoreTable, threshold: number): number {
  const g = table.genuineMiss
  const first = g[0]
  const last = g[g.length - 1]
  if (!first || !last) throw new RangeError('score table has no genuine distribution')
  if (threshold <= first[0]) return first[1]
  if (threshold >= last[0]) return last[1]
  for (let i = 1; i < g.length; i++) {
    const [t1, m1] = g[i] as [number, number]
    const [t0, m0] = g[i - 1] as [number, number]
    if (threshold <= t1) return m0 + ((threshold - t0) / (t1 - t0)) * (m1 - m0)
  }
  return last[1]
}

/** The threshold of `level` for a gallery of `templates` templates (fixed thresholds when there is no score table). */
export function levelThreshold(cfg: RecognitionConfig, level: SecurityLevel, templates: number): number {
  const table = cfg.scoreTable
  if (!table) return cfg.thresholds[level]
  return thresholdAtRate(table, perComparisonRate(table.targetFpir[level], Math.max(1, templates)))
}

/** What a level means for the current gallery: its threshold, and the expected stranger acceptance and miss rate per attempt. */
export type LevelExpectation = {
  level: SecurityLevel
  threshold: number
  /** the level's target share of a stranger's attempts accepted as someone (null: fixed thresholds) */
  targetFpir: number | null
  /** expected share of a stranger's attempts accepted as an enrolled person, at this gallery size */
  strangerAcceptance: number | null
  /** expected share of an enrolled person's attempts (one frame, one enrolled photo) below the threshold */
  missRate: number | null
  /** the threshold needs a false-match rate below what the calibration set observed (fitted tail) */
  extrapolated: boolean
}

export function levelExpectations(cfg: RecognitionConfig, templates: number): LevelExpectation[] {
  const table = cfg.scoreTable
  return SECURITY_LEVELS.map((level) => {
    const threshold = levelThreshold(cfg, level, templates)
    if (!table) return { level, threshold, targetFpir: null, strangerAcceptance: null, missRate: null, extrapolated: false }
    const rate = rateAtThreshold(table, threshold)
    return {
      level,
      threshold,
      targetFpir: table.targetFpir[level],
      strangerAcceptance: templates < 1 ? 0 : attemptRate(rate, templates),
      missRate: templates < 1 ? 1 : missAtThreshold(table, threshold),
      extrapolated: templates >= 1 && perComparisonRate(table.targetFpir[level], templates) < table.observedDownTo,
    }
  })
}

/** The best and second-best person of one search. */
export type SearchHit = { personId: string; similarity: number; secondPersonId: string | null; secondSimilarity: number }

/** Why a face was not matched. */
export type UnknownReason = 'empty-gallery' | 'below-threshold' | 'ambiguous' | 'inconsistent'

export type Decision =
  | { decision: 'match'; personId: string; similarity: number; secondSimilarity: number; confidence: Confidence; agreement: number }
  | { decision: 'unknown'; reason: UnknownReason; personId: string | null; similarity: number; secondSimilarity: number; confidence: 'low'; agreement: number }

/**
 * Decides over the evidence of one tracked face: `fused` is the search with the mean of the track's
 * embeddings, `frames` the search of each frame on its own. A match needs the fused similarity at or
 * above the level's threshold, a gap of at least `margin` to the second-best person, and at least
 * `minAgreement` of the frames naming the same person first. `templates`: the gallery's size, for a
 * level whose threshold follows it (levelThreshold); omitted, the fixed `thresholds` apply.
 */
export function decide(fused: SearchHit | null, frames: readonly (SearchHit | null)[], cfg: RecognitionConfig, level: SecurityLevel, templates?: number): Decision {
  if (!fused) return { decision: 'unknown', reason: 'empty-gallery', personId: null, similarity: 0, secondSimilarity: 0, confidence: 'low', agreement: 0 }
  const threshold = templates === undefined ? cfg.thresholds[level] : levelThreshold(cfg, level, templates)
  const similarity = Math.max(0, fused.similarity)
  const secondSimilarity = Math.max(0, fused.secondSimilarity)
  const agreeing = frames.filter((f) => f?.personId === fused.personId).length
  const agreement = frames.length ? agreeing / frames.length : 1
  const unknown = (reason: UnknownReason): Decision => ({ decision: 'unknown', reason, personId: fused.personId, similarity, secondSimilarity, confidence: 'low', agreement })
  if (similarity < threshold) return unknown('below-threshold')
  if (fused.secondPersonId !== null && similarity - secondSimilarity < cfg.margin) return unknown('ambiguous')
  if (agreement + 1e-9 < cfg.minAgreement) return unknown('inconsistent')
  return { decision: 'match', personId: fused.personId, similarity, secondSimilarity, confidence: confidenceFor(similarity, threshold), agreement }
}

/** Mean of L2-normalised embeddings (the fused evidence of a track), itself normalised. */
export function fuseEmbeddings(embeddings: readonly ArrayLike<number>[]): Float32Array {
  const first = embeddings[0]
  if (!first) throw new RangeError('no embeddings to fuse')
  const out = new Float32Array(first.length)
  for (const e of embeddings) {
    if (e.length !== out.length) throw new RangeError(`embeddings of different lengths: ${e.length} vs ${out.length}`)
    let n = 0
    for (let i = 0; i < e.length; i++) n += (e[i] as number) * (e[i] as number)
    n = Math.sqrt(n)
    if (!Number.isFinite(n) || n === 0) throw new RangeError('zero or non-finite embedding')
    for (let i = 0; i < e.length; i++) out[i] = (out[i] as number) + (e[i] as number) / n
  }
  let n = 0
  for (let i = 0; i < out.length; i++) n += (out[i] as number) * (out[i] as number)
  n = Math.sqrt(n)
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / n
  return out
}
