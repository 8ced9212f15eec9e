import { describe, expect, it } from 'vitest'
import { ChallengeVerifier, pickChallenge, CHALLENGE_KINDS, recheckChallenge } from './challenge-rule'

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

describe('prompt choice and the main side\'s re-check', () => {
  it('turns only when the evidence leans to an attack; a retry never repeats the prompt that failed', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 60; i++) seen.add(pickChallenge(() => i / 60, { turnsOnly: true }))
    expect([...seen].sort()).toEqual(['turn-left', 'turn-right'])
    for (let i = 0; i < 60; i++) expect(pickChallenge(() => i / 60, { not: 'turn-left' })).not.toBe('turn-left')
    const all = new Set<string>()
    for (let i = 0; i < 60; i++) all.add(pickChallenge(() => i / 60))
    expect(all.size).toBe(3)
  })

  it('the verifier keeps the frames it was fed (times from the prompt) for the main side', () => {
    const v = new ChallengeVerifier('turn-left', 1000)
    v.feed(s(1000, 0))
    v.feed(s(1400, 16))
    expect(v.samples).toEqual([{ t: 0, yawDeg: 0, eyeOpenness: 0.3 }, { t: 400, yawDeg: 16, eyeOpenness: 0.3 }])
  })

  it('re-check: the frames must pass the same verifier, in order, and a turn must change the face\'s shape', () => {
    const turn = { kind: 'turn-left' as const, passed: true, ms: 400, samples: [s(0, 0), s(400, 16)], turnNonPlanarity: 0.09 }
    expect(recheckChallenge(turn)).toBeNull()
    expect(recheckChallenge({ ...turn, samples: [] })).toBe('no-samples')
    expect(recheckChallenge({ ...turn, samples: [s(400, 16), s(0, 0)] })).toBe('out-of-order')
    expect(recheckChallenge({ ...turn, kind: 'turn-right' })).toBe('not-passed')
    expect(recheckChallenge({ ...turn, turnNonPlanarity: 0.02 })).toBe('flat-turn')
    expect(recheckChallenge({ ...turn, samples: [s(0, 0), s(7000, 16)] })).toBe('not-passed')
    const blink = { kind: 'blink' as const, passed: true, ms: 500, samples: [s(0, 0, 0.3), s(200, 0, 0.1), s(400, 0, 0.3)] }
    expect(recheckChallenge(blink)).toBeNull()
    expect(recheckChallenge({ ...blink, samples: [s(0, 0, 0.3), s(200, 0, 0.3)] })).toBe('not-passed')
  })
})
