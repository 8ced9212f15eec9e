import type { Confidence } from '../domain/types'

/**
 * Returns a new Float32Array scaled to unit L2 norm.
 * Throws `RangeError` for a zero-length, all-zero or non-finite vector (it has no direction).
 */
export function l2normalize(v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length)
  let sum = 0
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number
    sum += x * x
  }
  const norm = Math.sqrt(sum)
  if (!Number.isFinite(norm) || norm === 0) throw new RangeError('cannot normalise a zero or non-finite vector')
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) / norm
  return out
}

/**
 * Cosine similarity of two vectors of the same length, in [-1, 1].
 * Throws `RangeError` on a length mismatch or a zero vector.
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`)
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number
    const y = b[i] as number
    dot += x * y
    na += x * x
    nb += y * y
  }
  if (na === 0 || nb === 0) throw new RangeError('cosine of a zero vector')
  return dot / Math.sqrt(na * nb)
}

/** Margin above the threshold for `high` confidence. */
export const HIGH_CONFIDENCE_MARGIN = 0.15
/** Margin above the threshold for `medium` confidence. */
export const MEDIUM_CONFIDENCE_MARGIN = 0.05

/**
 * How sure a match is, from its cosine similarity and the model's decision threshold:
 * `high` at ≥ threshold + 0.15, `medium` at ≥ threshold + 0.05, else `low`.
 */
export function confidenceFor(similarity: number, threshold: number): Confidence {
  // small epsilon so that e.g. 0.4 + 0.15 computed in floating point still counts as high
  const eps = 1e-9
  if (similarity + eps >= threshold + HIGH_CONFIDENCE_MARGIN) return 'high'
  if (similarity + eps >= threshold + MEDIUM_CONFIDENCE_MARGIN) return 'medium'
  return 'low'
}

/**
 * Enrollment from photos: a photo of a person's folder must reach this cosine to one of the folder's
 * photos stored before it, or it shows someone else (`photo-mismatch`). On calibration/ (fr-feature,
 * flip averaging) 0.8% of same-person pairs score below it and 0.3% of different-person pairs above.
 */
export const SAME_PERSON_MIN_COSINE = 0.3

/**
 * The stored photo of this run most like `embedding`, when even that one is below
 * SAME_PERSON_MIN_COSINE (the new photo shows someone else); null when it matches one, or there is none yet.
 */
export function photoMismatch(earlier: readonly { file: string; embedding: Float32Array }[], embedding: Float32Array): { file: string; similarity: number } | null {
  if (earlier.length === 0) return null
  const best = earlier.map((x) => ({ file: x.file, similarity: cosine(x.embedding, embedding) })).reduce((a, b) => (b.similarity > a.similarity ? b : a))
  return best.similarity < SAME_PERSON_MIN_COSINE ? best : null
}
