/**
 * Guided camera enrollment as a small state machine, separate from React so it can be tested:
 * pose steps (frontal, slightly left, slightly right, slightly up), each captured automatically
 * once the face holds the pose with enrollment quality and a live face for a few frames in a row.
 */
import type { QualityMetrics, QualityThresholds } from '../../vision/core/quality'
import { ENROLL_QUALITY } from '../../vision/core/quality'

export type PoseStep = 'frontal' | 'left' | 'right' | 'up'

export const POSE_STEPS: readonly PoseStep[] = ['frontal', 'left', 'right', 'up']

/** Fewest and most templates one enrollment stores. */
export const MIN_CAPTURES = 3
export const MAX_CAPTURES = 5
/** Good frames in a row before a capture (a face passing through the pose is not enough). */
export const STABLE_FRAMES = 3
/**
 * Two captures more similar than this are the same picture (a still frame): the second adds nothing
 * and is not stored.
 */
export const SAME_PICTURE_COSINE = 0.995

/**
 * Pose windows in degrees (yaw positive = the person turns to their own left, pitch positive = chin
 * up; head-pose.ts). "Slightly": enough to add a view, not so far that the mesh or the embedding
 * degrades (the recognition gate accepts up to 30° yaw).
 */
export function poseMatches(step: PoseStep, m: Pick<QualityMetrics, 'yawDeg' | 'pitchDeg'>): boolean {
  const { yawDeg: y, pitchDeg: p } = m
  switch (step) {
    case 'frontal':
      return Math.abs(y) <= 10 && Math.abs(p) <= 10
    case 'left':
      return y >= 8 && y <= 28 && Math.abs(p) <= 15
    case 'right':
      return y <= -8 && y >= -28 && Math.abs(p) <= 15
    case 'up':
      return p >= 5 && p <= 22 && Math.abs(y) <= 12
  }
}

/** Enrollment's quality gate with the head-pose limits opened for the pose steps (the step's window decides the pose). */
export const ENROLL_POSE_QUALITY: QualityThresholds = { ...ENROLL_QUALITY, maxYawDeg: 30, maxPitchDeg: 25 }

/** 0..1 figure stored with a template: sharpness relative to a clearly sharp face, dimmed by poor light. */
export function captureQuality(m: Pick<QualityMetrics, 'sharpness' | 'brightness'>): number {
  const sharp = Math.min(1, m.sharpness / 0.15)
  const light = m.brightness < 80 ? m.brightness / 80 : m.brightness > 200 ? Math.max(0, (255 - m.brightness) / 55) : 1
  return Math.round(Math.max(0, Math.min(1, sharp * light)) * 1000) / 1000
}

export type Capture = { step: PoseStep; templateId: number; quality: number; metrics: Pick<QualityMetrics, 'faceWidthPx' | 'sharpness' | 'brightness' | 'yawDeg' | 'pitchDeg'>; liveness: number }

/** Where a guided enrollment stands. */
export class EnrollSession {
  private stepIndex = 0
  private streak = 0
  /** after the four poses, further frontal captures until MIN_CAPTURES (a person who cannot turn) */
  private extra = false
  readonly captures: Capture[] = []

  /** The pose asked for now, or null when the enrollment is complete. */
  get step(): PoseStep | null {
    if (this.done) return null
    if (this.extra) return 'frontal'
    return POSE_STEPS[this.stepIndex] ?? 'frontal'
  }

  get done(): boolean {
    return this.captures.length >= MAX_CAPTURES || (this.captures.length >= MIN_CAPTURES && (this.extra || this.stepIndex >= POSE_STEPS.length))
  }

  /** Finishing early is allowed once there are enough templates. */
  get canFinish(): boolean {
    return this.captures.length >= MIN_CAPTURES
  }

  /** Frames in a row that met the current step so far. */
  get stableFrames(): number {
    return this.streak
  }

  /**
   * One frame: true when this frame completes a stable run of the current step and should be
   * captured. `ok` = quality passed, face live and the pose matches.
   */
  observe(ok: boolean): boolean {
    if (this.done) return false
    this.streak = ok ? this.streak + 1 : 0
    return this.streak >= STABLE_FRAMES
  }

  /** A capture was stored for the current step; moves on. */
  captured(c: Capture): void {
    this.captures.push(c)
    this.streak = 0
    this.advance()
  }

  /** A stable frame that could not be used (the same picture again): look for another. */
  rejected(): void {
    this.streak = 0
  }

  /** The admin skips a pose the person cannot do. */
  skip(): void {
    this.streak = 0
    this.advance()
  }

  private advance(): void {
    if (this.extra) return
    this.stepIndex++
    if (this.stepIndex >= POSE_STEPS.length && this.captures.length < MIN_CAPTURES) this.extra = true
  }
}

/** A button under the camera enrollment. */
export type EnrollAction = 'skip' | 'finish' | 'cancel'

/**
 * The buttons under the camera enrollment, in order: "skip" while a step is asked for, then exactly
 * one way out — "finish" once enough templates are stored (or all steps are done), else "cancel"
 * (also after an error). Never two Cancel buttons, never a disabled one.
 */
export function enrollActions(state: { finished: boolean; canFinish: boolean; error: boolean }): EnrollAction[] {
  const out: EnrollAction[] = []
  if (!state.finished && !state.error) out.push('skip')
  out.push(state.finished || state.canFinish ? 'finish' : 'cancel')
  return out
}
