import type { ChallengeKind } from '../../shared/domain/types'

/** One frame's measurements of the tracked face, from its mesh (see quality.ts / head-pose.ts). */
export type ChallengeSample = {
  /** ms */
  t: number
  /** + when the nose points to image-right of the raw camera frame, i.e. the person's own left */
  yawDeg: number
  /** eye aspect ratio of the more open eye */
  eyeOpenness: number
}

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
}

export const CHALLENGE_DEFAULTS: ChallengeOptions = { timeoutMs: 7000, turnDeg: 15, blinkClosed: 0.55, reopen: 0.8 }

/**
 * The prompts a flat picture cannot follow: a photo cannot blink, and turning a photo does not move
 * the nose against the face outline. ("Come closer" is left out: moving a photo closer passes it.)
 */
export const CHALLENGE_KINDS: readonly ChallengeKind[] = ['blink', 'turn-left', 'turn-right']

/** A random prompt (a flat picture cannot know in advance which one). */
export function pickChallenge(random: () => number = Math.random): ChallengeKind {
  return CHALLENGE_KINDS[Math.min(CHALLENGE_KINDS.length - 1, Math.floor(random() * CHALLENGE_KINDS.length))] as ChallengeKind
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

  /** Ends the challenge when the face left or the time ran out without a verdict. */
  expire(now: number): ChallengeState {
    if (this.state === 'pending' && now - this.startedAt > this.opts.timeoutMs) this.state = 'timeout'
    return this.state
  }
}
