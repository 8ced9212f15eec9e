import { describe, expect, it } from 'vitest'
import { FaceTrack, iou } from './tracker'

const e = (x: number) => new Float32Array([x, 1])

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint boxes', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1)
    expect(iou([0, 0, 10, 10], [20, 20, 5, 5])).toBe(0)
    expect(iou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(50 / 150)
  })
})

describe('FaceTrack', () => {
  it('gathers frames of one face until ready, then starts afresh', () => {
    const t = new FaceTrack({ minIou: 0.3, maxGapMs: 500, framesForDecision: 3 })
    expect(t.observe([100, 100, 80, 80], 0)).toBe(true)
    t.add(e(1))
    expect(t.observe([104, 102, 80, 80], 100)).toBe(false)
    t.add(e(2))
    expect(t.ready).toBe(false)
    t.observe([106, 100, 82, 80], 200)
    t.add(e(3))
    expect(t.ready).toBe(true)
    expect(t.take()).toHaveLength(3)
    expect(t.frames).toBe(0)
  })

  it('a different face (no overlap) resets the evidence', () => {
    const t = new FaceTrack({ minIou: 0.3, maxGapMs: 500, framesForDecision: 3 })
    t.observe([100, 100, 80, 80], 0)
    t.add(e(1))
    t.add(e(2))
    expect(t.observe([400, 100, 80, 80], 100)).toBe(true)
    expect(t.frames).toBe(0)
  })

  it('a face that leaves for longer than the gap resets the track; a short dropout does not', () => {
    const t = new FaceTrack({ minIou: 0.3, maxGapMs: 500, framesForDecision: 3 })
    t.observe([100, 100, 80, 80], 0)
    t.add(e(1))
    t.observe(null, 200)
    expect(t.frames).toBe(1)
    expect(t.observe([101, 100, 80, 80], 300)).toBe(false)
    t.observe(null, 900)
    expect(t.frames).toBe(0)
  })
})
