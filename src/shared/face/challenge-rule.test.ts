import { describe, expect, it } from 'vitest'
import { ChallengeVerifier, pickChallenge, CHALLENGE_KINDS } from './challenge-rule'

const s = (t: number, yawDeg = 0, eyeOpenness = 0.3) => ({ t, yawDeg, eyeOpenness })

describe('active challenge', () => {
  it('turn left passes on a yaw increase of 15°, not on a turn the other way', () => {
    const v = new ChallengeVerifier('turn-left', 0)
    expect(v.feed(s(0, 2))).toBe('pending')
    expect(v.feed(s(300, -20))).toBe('pending')
    expect(v.feed(s(600, 18))).toBe('passed')
    const r = new ChallengeVerifier('turn-right', 0)
    r.feed(s(0, 2))
    expect(r.feed(s(300, 20))).toBe('pending')
    expect(r.feed(s(600, -14))).toBe('passed')
  })

  it('blink needs the eyes to close and open again; a still picture never does', () => {
    const v = new ChallengeVerifier('blink', 0)
    v.feed(s(0, 0, 0.3))
    expect(v.feed(s(100, 0, 0.28))).toBe('pending')
    expect(v.feed(s(200, 0, 0.1))).toBe('pending')
    expect(v.feed(s(300, 0, 0.29))).toBe('passed')
    const still = new ChallengeVerifier('blink', 0)
    for (let t = 0; t <= 7000; t += 100) still.feed(s(t, 0, 0.3))
    expect(still.feed(s(7100, 0, 0.3))).toBe('timeout')
  })

  it('blink is measured against the most open eyes, so a half-closed first frame still works', () => {
    const v = new ChallengeVerifier('blink', 0)
    v.feed(s(0, 0, 0.16)) // mid-blink when asked
    v.feed(s(100, 0, 0.32))
    expect(v.feed(s(200, 0, 0.15))).toBe('pending')
    expect(v.feed(s(300, 0, 0.3))).toBe('passed')
  })

  it('times out, and stays decided', () => {
    const v = new ChallengeVerifier('turn-left', 1000)
    v.feed(s(1000))
    expect(v.expire(9000)).toBe('timeout')
    expect(v.feed(s(9100, 40))).toBe('timeout')
  })

  it('picks every kind of prompt', () => {
    expect(CHALLENGE_KINDS.map((_, i) => pickChallenge(() => (i + 0.5) / CHALLENGE_KINDS.length))).toEqual([...CHALLENGE_KINDS])
  })
})
