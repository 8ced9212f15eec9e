/** Screen cues on synthetic frames: what each measure responds to. */
import { describe, expect, it } from 'vitest'
import type { Box, RgbFrame } from './frame'
import { SCREEN_CUE_DEFAULTS, faceSaturation, longestLine, ramp, screenCues } from './screen-cues'

function frame(w: number, h: number, px: (x: number, y: number) => [number, number, number]): RgbFrame {
  const data = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(px(x, y), (y * w + x) * 3)
  return { data, width: w, height: h, channels: 3 }
}

const FACE: Box = [270, 190, 100, 100]
const CTX: Box = [185, 105, 270, 270]
// soft noise so that a plain frame has no strong edges
const noise = (x: number, y: number) => ((x * 7 + y * 13) % 5) - 2

describe('screen cues', () => {
  it('ramp is 1 at or below the live anchor, 0 at or above the screen anchor, linear between', () => {
    expect(ramp(0.1, 0.2, 0.3)).toBe(1)
    expect(ramp(0.25, 0.2, 0.3)).toBeCloseTo(0.5)
    expect(ramp(0.4, 0.2, 0.3)).toBe(0)
  })

  it('gamut: a grey face is live-looking, a vivid one screen-looking', () => {
    const grey = frame(640, 480, (x, y) => [128 + noise(x, y), 128, 128])
    const vivid = frame(640, 480, () => [220, 120, 60])
    expect(faceSaturation(grey, FACE)).toBeLessThan(0.05)
    expect(faceSaturation(vivid, FACE)).toBeGreaterThan(0.6)
    expect(screenCues(grey, FACE, CTX).gamut).toBe(1)
    expect(screenCues(vivid, FACE, CTX).gamut).toBe(0)
  })

  it('bezel: a dark rectangle round the face is a long straight edge; a plain wall has none; edges inside the face box do not count', () => {
    const plain = frame(640, 480, (x, y) => [120 + noise(x, y), 120, 120])
    const phone = frame(640, 480, (x, y) => {
      const inPhone = x >= 230 && x < 410 && y >= 130 && y < 350
      return inPhone ? [200, 200, 200] : [30, 30, 30]
    })
    const faceOnly = frame(640, 480, (x, y) => (x >= 280 && x < 360 && y >= 200 && y < 280 ? [250, 250, 250] : [120, 120, 120]))
    expect(longestLine(plain, FACE, CTX)).toBeLessThan(0.05)
    expect(longestLine(phone, FACE, CTX)).toBeGreaterThan(SCREEN_CUE_DEFAULTS.lineScreen)
    expect(longestLine(faceOnly, FACE, CTX)).toBeLessThan(0.05)
    expect(screenCues(phone, FACE, CTX).bezel).toBe(0)
    expect(screenCues(plain, FACE, CTX).bezel).toBe(1)
  })

  it('screen is the mean of gamut and bezel, in 0..1', () => {
    const c = screenCues(frame(320, 240, (x, y) => [100 + noise(x, y), 90, 80]), [120, 80, 80, 80], [40, 0, 240, 239])
    expect(c.screen).toBeCloseTo((c.gamut + c.bezel) / 2)
    for (const v of [c.gamut, c.bezel, c.screen]) expect(v >= 0 && v <= 1).toBe(true)
  })
})
