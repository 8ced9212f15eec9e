import type { Confidence } from '../domain/types'
import { confidenceFor } from './match'

/** Security levels an admin picks; each maps to a threshold calibrated at a false-match rate. */
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
 * `minAgreement` of the frames naming the same person first.
 */
export function decide(fused: SearchHit | null, frames: readonly (SearchHit | null)[], cfg: RecognitionConfig, level: SecurityLevel): Decision {
  if (!fused) return { decision: 'unknown', reason: 'empty-gallery', personId: null, similarity: 0, secondSimilarity: 0, confidence: 'low', agreement: 0 }
  const threshold = cfg.thresholds[level]
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
