import { describe, expect, it } from 'vitest'
import { decideFrame, decideTrack, LIVENESS_RULE, meanLogOdds, reasonOf } from './liveness-rule'

const good = { scoredFrames: 6, spanMs: 900, follow: -0.8, score: 0.9, rigidMotion: false }

describe('the liveness rule', () => {
  it('live needs the whole of it: enough frames over enough time, a passive score, a face moving against a still room, no flat motion', () => {
    expect(decideTrack(good)).toEqual({ outcome: 'live', reasons: [] })
    expect(decideTrack({ ...good, scoredFrames: 2 }).reasons).toContain('too-few-frames')
    expect(decideTrack({ ...good, spanMs: 300 }).reasons).toContain('too-short')
    expect(decideTrack({ ...good, follow: null }).reasons).toEqual(['no-scene-evidence'])
    expect(decideTrack({ ...good, follow: 0 }).reasons).toEqual(['moves-with-surroundings'])
    expect(decideTrack({ ...good, rigidMotion: true }).reasons).toEqual(['rigid-motion'])
    for (const r of [{ scoredFrames: 2 }, { follow: null }, { rigidMotion: true }]) expect(decideTrack({ ...good, ...r }).outcome).toBe('challenge')
  })

  it('a lower passive score is enough only with clear room evidence, and never below the print ceiling', () => {
    const mid = { ...good, score: (LIVENESS_RULE.strongScore + LIVENESS_RULE.liveScore) / 2 }
    expect(decideTrack({ ...mid, follow: LIVENESS_RULE.strongFollow }).outcome).toBe('live')
    expect(decideTrack({ ...mid, follow: LIVENESS_RULE.liveFollow }).reasons).toEqual(['passive-low'])
    expect(decideTrack({ ...good, score: 0.12, follow: -1 }).outcome).toBe('challenge')
    expect(LIVENESS_RULE.strongScore).toBeGreaterThan(0.12)
  })

  it('refused outright only when the surroundings moved with the face and the model refuses it too', () => {
    expect(decideTrack({ ...good, follow: 0.9, score: 0.001 })).toEqual({ outcome: 'spoof', reasons: ['picture-in-hand'] })
    expect(decideTrack({ ...good, follow: 0.9, score: 0.5 }).outcome).toBe('challenge')
    expect(decideTrack({ ...good, follow: -1, score: 0.0001 }).outcome).toBe('challenge')
  })

  it('one frame is never live (it cannot show the room); a challenge unless the model is all but certain of a picture', () => {
    expect(decideFrame(1).outcome).toBe('challenge')
    expect(decideFrame(0.5).outcome).toBe('challenge')
    expect(decideFrame(0).outcome).toBe('spoof')
    expect([reasonOf('live'), reasonOf('challenge'), reasonOf('spoof')]).toEqual([null, 'liveness_uncertain', 'spoof_detected'])
  })

  it('a track\'s passive score is the mean of its frames\' log-odds', () => {
    expect(meanLogOdds([0.9, 0.1])).toBeCloseTo(0.5)
    expect(meanLogOdds([0.99, 0.99, 0.01])).toBeCloseTo(0.822, 3)
    expect(meanLogOdds([])).toBe(0)
  })
})
