/**
 * The active challenge, as both sides verify it: the renderer while the person acts, the main side
 * again from the frames' figures the renderer sends with its result (a "passed" without the frames
 * that passed it is not a pass). Pure: mesh figures in, verdict out.
 */
import type { ChallengeEvidence, ChallengeKind, ChallengeSample } from '../domain/types'

/** One frame's measurements of the tracked face, from its mesh (vision/core/head-pose.ts): `yawDeg` + when the nose points to image-right of the raw camera frame, i.e. the person's own left; `eyeOpenness` the eye aspect ratio of the more open eye. */
export type { ChallengeSample }

/** Limits of the active challenge. */
export type ChallengeOptions = {
  /** time to do what was asked, ms */
  timeoutMs: number
  /** head turn, degrees of yaw away from where the head was when asked */
  turnDeg: number
  /**
   * blink: eyes at most this share of their open value (the most open seen since the prompt),
   * then back to at least `reopen` of it
   */
  blinkClosed: number
  reopen: number
  /**
   * a turn must change the face's shape as a head does: homography residual between the mesh at the
   * prompt and at the pass at least this. Measured on ../shared/faces/sequences: every pair of
   * frames of a live run whose yaw differs by ≥ 15° is at ≥ 0.069 (rounak, spp77: 798 pairs); any
   * two frames of a photo on a hand-held phone stay ≤ 0.045 (kalyani, ramkh, rounak)
   */
  minTurnNonPlanarity: number
}

export const CHALLENGE_DEFAULTS: ChallengeOptions = { timeoutMs: 6000, turnDeg: 15, blinkClosed: 0.55, reopen: 0.8, minTurnNonPlanarity: 0.06 }

/**
 * The prompts a flat picture cannot follow: a photo cannot blink, and turning a photo does not move
 * the nose against the face outline. ("Come closer" is left out: moving a photo closer passes it.)
 */
export const CHALLENGE_KINDS: readonly ChallengeKind[] = ['blink', 'turn-left', 'turn-right']

/**
 * A random prompt (a flat picture cannot know in advance which one; never a fixed order). `turnsOnly`
 * when the evidence leaned to an attack: a video on a phone blinks by itself now and then, it does
 * not turn its head on cue. `not`: the prompt just failed (a retry asks for something else).
 */
export function pickChallenge(random: () => number = Math.random, opts: { turnsOnly?: boolean; not?: ChallengeKind | null } = {}): ChallengeKind {
  const kinds = CHALLENGE_KINDS.filter((k) => !(opts.turnsOnly && k === 'blink') && k !== opts.not)
  const pool = kinds.length ? kinds : CHALLENGE_KINDS
  return pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))] as ChallengeKind
}

export type ChallengeState = 'pending' | 'passed' | 'timeout'

/**
 * Verifies one prompt from the mesh over the frames that follow it. The baseline is the first
 * sample; a photo or a screen moved rigidly cannot blink, and turning a flat picture does not move
 * the nose against the face outline the way a head does.
 */
export class ChallengeVerifier {
  private baseline: ChallengeSample | null = null
  /** the most open the eyes have been since the prompt (a half-closed first frame is no baseline) */
  private openEyes = 0
  private closedSeen = false
  private state: ChallengeState = 'pending'
  private readonly seen: ChallengeSample[] = []
  readonly startedAt: number

  constructor(
    readonly kind: ChallengeKind,
    startedAt: number,
    private readonly opts: ChallengeOptions = CHALLENGE_DEFAULTS,
  ) {
    this.startedAt = startedAt
  }

  get result(): ChallengeState {
    return this.state
  }

  /** Feeds one frame; returns the state after it. */
  feed(s: ChallengeSample): ChallengeState {
    if (this.state !== 'pending') return this.state
    if (s.t - this.startedAt > this.opts.timeoutMs) return (this.state = 'timeout')
    this.seen.push({ t: Math.round(s.t - this.startedAt), yawDeg: Math.round(s.yawDeg * 10) / 10, eyeOpenness: Math.round(s.eyeOpenness * 1000) / 1000 })
    const b = (this.baseline ??= s)
    this.openEyes = Math.max(this.openEyes, s.eyeOpenness)
    switch (this.kind) {
      case 'turn-left':
        if (s.yawDeg - b.yawDeg >= this.opts.turnDeg) this.state = 'passed'
        break
      case 'turn-right':
        if (b.yawDeg - s.yawDeg >= this.opts.turnDeg) this.state = 'passed'
        break
      case 'blink':
        if (s.eyeOpenness <= this.openEyes * this.opts.blinkClosed) this.closedSeen = true
        else if (this.closedSeen && s.eyeOpenness >= this.openEyes * this.opts.reopen) this.state = 'passed'
        break
    }
    return this.state
  }

  /** The frames fed so far (times relative to the prompt), as the main side re-verifies them. */
  get samples(): ChallengeSample[] {
    return [...this.seen]
  }

  /** Ends the challenge when the face left or the time ran out without a verdict. */
  expire(now: number): ChallengeState {
    if (this.state === 'pending' && now - this.startedAt > this.opts.timeoutMs) this.state = 'timeout'
    return this.state
  }
}

/**
 * The main side's check of a challenge the renderer says was passed: the samples it sent must pass
 * the same verifier, in time order, within the time limit, and a turn must have changed the face's
 * shape like a head. Returns null when it holds, else why not.
 */
export function recheckChallenge(c: ChallengeEvidence, opts: ChallengeOptions = CHALLENGE_DEFAULTS): 'no-samples' | 'out-of-order' | 'not-passed' | 'flat-turn' | null {
  const samples = c.samples ?? []
  if (samples.length === 0) return 'no-samples'
  for (let i = 1; i < samples.length; i++) if ((samples[i] as ChallengeSample).t < (samples[i - 1] as ChallengeSample).t) return 'out-of-order'
  const v = new ChallengeVerifier(c.kind, 0, opts)
  let state: ChallengeState = 'pending'
  for (const s of samples) state = v.feed(s)
  if (state !== 'passed') return 'not-passed'
  if (c.kind !== 'blink' && !((c.turnNonPlanarity ?? 0) >= opts.minTurnNonPlanarity)) return 'flat-turn'
  return null
}
