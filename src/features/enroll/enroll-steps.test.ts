import { describe, expect, it } from 'vitest'
import { captureQuality, EnrollSession, MIN_CAPTURES, poseMatches, STABLE_FRAMES, type Capture } from './enroll-steps'

const cap = (step: Capture['step'], templateId: number): Capture => ({
  step,
  templateId,
  quality: 0.9,
  liveness: 0.9,
  metrics: { faceWidthPx: 200, sharpness: 0.2, brightness: 120, yawDeg: 0, pitchDeg: 0 },
})

describe('poseMatches', () => {
  it('frontal, slightly left / right (own left = positive yaw), slightly up', () => {
    expect(poseMatches('frontal', { yawDeg: 3, pitchDeg: -4 })).toBe(true)
    expect(poseMatches('frontal', { yawDeg: 14, pitchDeg: 0 })).toBe(false)
    expect(poseMatches('left', { yawDeg: 15, pitchDeg: 0 })).toBe(true)
    expect(poseMatches('left', { yawDeg: -15, pitchDeg: 0 })).toBe(false)
    expect(poseMatches('right', { yawDeg: -15, pitchDeg: 2 })).toBe(true)
    expect(poseMatches('right', { yawDeg: -35, pitchDeg: 0 })).toBe(false) // too far
    expect(poseMatches('up', { yawDeg: 2, pitchDeg: 12 })).toBe(true)
    expect(poseMatches('up', { yawDeg: 2, pitchDeg: -12 })).toBe(false) // that is down
  })
})

describe('EnrollSession', () => {
  it('captures only after STABLE_FRAMES good frames in a row; a bad frame restarts the count', () => {
    const s = new EnrollSession()
    for (let i = 0; i < STABLE_FRAMES - 1; i++) expect(s.observe(true)).toBe(false)
    expect(s.observe(false)).toBe(false)
    for (let i = 0; i < STABLE_FRAMES - 1; i++) expect(s.observe(true)).toBe(false)
    expect(s.observe(true)).toBe(true)
  })

  it('walks the four poses and is done after them with at least three captures', () => {
    const s = new EnrollSession()
    expect(s.step).toBe('frontal')
    s.captured(cap('frontal', 1))
    expect(s.step).toBe('left')
    s.captured(cap('left', 2))
    s.skip() // right
    expect(s.step).toBe('up')
    expect(s.canFinish).toBe(false)
    s.captured(cap('up', 3))
    expect(s.done).toBe(true)
    expect(s.step).toBeNull()
  })

  it('a person who cannot turn: skipped poses are made up with further frontal captures', () => {
    const s = new EnrollSession()
    s.captured(cap('frontal', 1))
    s.skip()
    s.skip()
    s.skip()
    expect(s.done).toBe(false)
    expect(s.step).toBe('frontal')
    s.captured(cap('frontal', 2))
    expect(s.done).toBe(false)
    s.captured(cap('frontal', 3))
    expect(s.captures).toHaveLength(MIN_CAPTURES)
    expect(s.done).toBe(true)
  })

  it('a rejected stable frame (same picture) looks again', () => {
    const s = new EnrollSession()
    for (let i = 0; i < STABLE_FRAMES; i++) s.observe(true)
    s.rejected()
    expect(s.stableFrames).toBe(0)
    expect(s.step).toBe('frontal')
  })
})

describe('captureQuality', () => {
  it('is 1 for a sharp, well-lit face and lower for blur or poor light', () => {
    expect(captureQuality({ sharpness: 0.3, brightness: 120 })).toBe(1)
    expect(captureQuality({ sharpness: 0.05, brightness: 120 })).toBeCloseTo(0.333, 2)
    expect(captureQuality({ sharpness: 0.3, brightness: 40 })).toBe(0.5)
  })
})
