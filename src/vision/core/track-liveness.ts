/**
 * One decision per presentation: the frames of one tracked face (about a second) gathered into the
 * evidence the liveness rule decides on (shared/face/liveness-rule.ts). The kiosk loop and the
 * CLI's `liveness --track` both use this, so they decide alike.
 *
 * Each frame keeps its box, mesh, eye openness and yaw, a small grey thumbnail for scene motion
 * (in memory only) and, for quality-passed frames, its passive scores. The evidence is:
 * - the passive score: fr_liveness.onnx, mean of its log-odds over the scored frames;
 * - scene motion (scene-motion.ts): does the face move against a room that stays put?
 * - planar motion, blinks (temporal.ts);
 * and the rule's outcome with its reasons.
 */
import type { LivenessEvidence, TrackEvidence } from '../../shared/domain/types'
import { decideTrack, LIVENESS_RULE, meanLogOdds, reasonOf, type LivenessRule } from '../../shared/face/liveness-rule'
import type { Box } from './frame'
import type { LivenessResult } from './liveness'
import { meshCentre, sceneMotion, type Thumb } from './scene-motion'
import { summarizeTemporal } from './temporal'

export type TrackFrame = {
  /** ms */
  t: number
  box: Box
  /** mesh points (x, y) flattened, frame pixels */
  mesh: Float32Array
  eyeOpenness: number
  yawDeg: number
  thumb: Thumb
  /** passive scores of a quality-passed frame; null when the frame was not scored */
  passive: LivenessResult | null
}

/** Frames kept per track (about 4 s at the kiosk's rate); the first stays (motion is measured from it). */
export const MAX_TRACK_FRAMES = 40

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4

/** The evidence and the rule's outcome for a track's frames (oldest first). */
export function trackEvidence(frames: readonly TrackFrame[], rule: LivenessRule = LIVENESS_RULE): LivenessEvidence & { track: TrackEvidence } {
  const scored = frames.filter((f) => f.passive !== null && !f.passive.reasons.includes('quality_low'))
  const score = r4(meanLogOdds(scored.map((f) => (f.passive as LivenessResult).score)))
  const layers: Record<string, number | null> = {}
  for (const key of Object.keys(scored[0]?.passive?.layers ?? {})) {
    const xs = scored.map((f) => f.passive?.layers[key]).filter((x): x is number => typeof x === 'number')
    layers[key] = xs.length ? r4(xs.reduce((a, b) => a + b, 0) / xs.length) : null
  }
  const scene = sceneMotion(frames.map((f) => ({ thumb: f.thumb, box: f.box, centre: meshCentre(f.mesh), t: f.t })))
  const temporal = summarizeTemporal(frames.map((f) => ({ t: f.t, box: f.box, mesh: f.mesh, eyeOpenness: f.eyeOpenness })))
  const first = frames[0]
  const last = frames[frames.length - 1]
  const spanMs = first && last ? Math.round(last.t - first.t) : 0
  const follow = scene.follow === null ? null : r4(scene.follow)
  const d = decideTrack({ scoredFrames: scored.length, spanMs, follow, score, rigidMotion: temporal.rigidMotion }, rule)
  const track: TrackEvidence = {
    frames: frames.length,
    scoredFrames: scored.length,
    spanMs,
    follow,
    followPairs: scene.pairs,
    maxFaceShift: r4(scene.maxFaceShift),
    outcome: d.outcome,
    reasons: d.reasons,
  }
  const reason = reasonOf(d.outcome)
  return { decision: reason ?? 'live', score, layers, challenge: null, temporal, track }
}

/**
 * The frames of the tracked face, and when they are enough to decide: the rule's minimum frames and
 * span, and then either scene evidence or `maxWaitMs` of waiting for it (a person who stands still
 * gives none; after that the rule decides without it, which means a challenge).
 */
export class TrackLiveness {
  private list: TrackFrame[] = []

  constructor(
    private readonly rule: LivenessRule = LIVENESS_RULE,
    readonly maxWaitMs = 2000,
  ) {}

  get frames(): readonly TrackFrame[] {
    return this.list
  }

  add(f: TrackFrame): void {
    this.list.push(f)
    if (this.list.length > MAX_TRACK_FRAMES) this.list.splice(1, 1)
  }

  reset(): void {
    this.list = []
  }

  get spanMs(): number {
    const a = this.list[0]
    const b = this.list[this.list.length - 1]
    return a && b ? b.t - a.t : 0
  }

  get scoredFrames(): number {
    return this.list.filter((f) => f.passive !== null).length
  }

  /** The evidence when it is enough to decide, else null (keep gathering). */
  ready(): (LivenessEvidence & { track: TrackEvidence }) | null {
    if (this.scoredFrames < this.rule.minFrames || this.spanMs < this.rule.minSpanMs) return null
    const e = trackEvidence(this.list, this.rule)
    if (e.track.outcome === 'live' || e.track.outcome === 'spoof') return e
    if (e.track.follow === null && this.spanMs < this.maxWaitMs) return null
    return e
  }
}
