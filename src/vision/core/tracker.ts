import type { Box } from './frame'

/** Intersection over union of two boxes (x, y, w, h). */
export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a[0], b[0])
  const y1 = Math.max(a[1], b[1])
  const x2 = Math.min(a[0] + a[2], b[0] + b[2])
  const y2 = Math.min(a[1] + a[3], b[1] + b[3])
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1)
  const union = a[2] * a[3] + b[2] * b[3] - inter
  return union > 0 ? inter / union : 0
}

/** Options of the face track. */
export type TrackOptions = {
  /** a face whose box overlaps the previous one by less than this is a new face (IoU) */
  minIou: number
  /** a track with no face for longer than this (ms) is over */
  maxGapMs: number
  /** quality-passed frames gathered before a decision */
  framesForDecision: number
}

export const DEFAULT_TRACK: TrackOptions = { minIou: 0.3, maxGapMs: 700, framesForDecision: 3 }

/**
 * One tracked face across frames: gathers the embeddings of its quality-passed frames until there
 * are enough to decide. A face that leaves (no face, or a box that does not overlap) resets it.
 */
export class FaceTrack {
  private box: Box | null = null
  private lastSeen = 0
  private evidence: Float32Array[] = []
  /** when the current track began (ms), for decision latency */
  startedAt = 0

  constructor(private readonly opts: TrackOptions = DEFAULT_TRACK) {}

  /** Feeds the subject's box of this frame (null: no face). Returns true when the track was reset. */
  observe(box: Box | null, now: number): boolean {
    const continues = box !== null && this.box !== null && now - this.lastSeen <= this.opts.maxGapMs && iou(box, this.box) >= this.opts.minIou
    if (box === null) {
      if (this.box !== null && now - this.lastSeen > this.opts.maxGapMs) this.reset()
      return this.box === null
    }
    const reset = !continues
    if (reset) {
      this.reset()
      this.startedAt = now
    }
    this.box = box
    this.lastSeen = now
    return reset
  }

  /** Adds the embedding of a quality-passed frame of this track. */
  add(embedding: Float32Array): void {
    this.evidence.push(embedding)
    if (this.evidence.length > this.opts.framesForDecision) this.evidence.shift()
  }

  get ready(): boolean {
    return this.evidence.length >= this.opts.framesForDecision
  }

  get frames(): number {
    return this.evidence.length
  }

  /** Takes the gathered evidence for a decision and starts gathering afresh (same face). */
  take(): Float32Array[] {
    const e = this.evidence
    this.evidence = []
    return e
  }

  reset(): void {
    this.box = null
    this.evidence = []
  }
}
