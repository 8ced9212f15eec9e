/**
 * Scene motion on real consecutive webcam frames (../shared/faces/sequences) and on synthetic
 * frames where the answer is known by construction.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../../electron/cli/decode-image'
import { sharedVision } from '../../../electron/cli/testing/shared-vision'
import { chooseSubject } from './face-pipeline'
import type { Box, RgbFrame } from './frame'
import { greyThumb, meshCentre, pairMotion, regionsAround, sceneMotion, type SceneSample } from './scene-motion'
import { flattenMesh } from './temporal'

const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/faces')

/** A textured 320×240 frame (noise) with a bright square "face" at (fx, fy), the texture shifted by (bx, by). */
function synthetic(fx: number, fy: number, bx: number, by: number): RgbFrame {
  const w = 320
  const h = 240
  const data = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = x - bx
      const sy = y - by
      // a fixed pseudo-random texture, coarse enough to survive the thumbnail
      const v = ((Math.floor(sx / 6) * 73856093) ^ (Math.floor(sy / 6) * 19349663)) & 0xff
      const o = (y * w + x) * 3
      data[o] = data[o + 1] = data[o + 2] = v
    }
  }
  for (let y = fy; y < fy + 60; y++) for (let x = fx; x < fx + 50; x++) data.set([200, 170, 150], (y * w + x) * 3)
  return { data, width: w, height: h, channels: 3 }
}
const sample = (frame: RgbFrame, box: Box, t: number): SceneSample & { t: number } => ({ thumb: greyThumb(frame), box, centre: [box[0] + box[2] / 2, box[1] + box[3] / 2], t })

describe('scene motion, by construction', () => {
  it('a face moving in front of a still room: the ring stays with the room (follow −1)', () => {
    const a = sample(synthetic(130, 80, 0, 0), [130, 80, 50, 60], 0)
    const b = sample(synthetic(150, 80, 0, 0), [150, 80, 50, 60], 200)
    const p = pairMotion(a, b)
    expect(p.follow).toBeLessThan(-0.8)
  })

  it('a picture carried in a hand: everything around the face moves with it (follow +1)', () => {
    const a = sample(synthetic(130, 80, 0, 0), [130, 80, 50, 60], 0)
    const b = sample(synthetic(150, 84, 20, 4), [150, 84, 50, 60], 200)
    expect(pairMotion(a, b).follow).toBeGreaterThan(0.8)
  })

  it('a face that does not move gives no evidence; a plain wall gives no evidence', () => {
    const a = sample(synthetic(130, 80, 0, 0), [130, 80, 50, 60], 0)
    expect(pairMotion(a, sample(synthetic(130, 80, 0, 0), [130, 80, 50, 60], 200)).follow).toBeNull()
    const plain = (fx: number): RgbFrame => {
      const f = synthetic(fx, 80, 0, 0)
      for (let i = 0; i < f.data.length; i++) f.data[i] = 128
      return f
    }
    expect(pairMotion(sample(plain(130), [130, 80, 50, 60], 0), sample(plain(150), [150, 80, 50, 60], 200)).follow).toBeNull()
    expect(sceneMotion([a]).follow).toBeNull()
  })

  it('the ring is beside and above the face, never below the chin; the background is far from it', () => {
    const t = greyThumb(synthetic(130, 80, 0, 0))
    const { ring, background } = regionsAround([130, 80, 50, 60], t)
    expect(ring.length).toBeGreaterThan(5)
    expect(background.length).toBeGreaterThan(5)
    const faceBottom = (80 + 60) / t.scale
    const cx = (130 + 25) / t.scale
    for (const [x, y] of ring) expect(!(y > faceBottom && Math.abs(x + 4 - cx) < 50 / t.scale)).toBe(true)
  })
})

describe('scene motion on real webcam runs', () => {
  const run = (source: string, label: string) => {
    const dir = join(FACES, 'sequences', source, label)
    const r = readdirSync(dir)[0] as string
    return readdirSync(join(dir, r))
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .filter((_, i) => i % 4 === 0)
      .slice(0, 7)
      .map((f, i) => ({ file: join(dir, r, f), t: i * 140 }))
  }
  const track = async (source: string, label: string) => {
    const { pipeline } = await sharedVision()
    const out: Array<SceneSample & { t: number }> = []
    for (const { file, t } of run(source, label)) {
      const frame = await decodeImageFile(file)
      const faces = await pipeline.detect(frame)
      const c = chooseSubject(faces, frame.width, frame.height)
      if (c.kind !== 'one') continue
      const face = faces[c.index]
      if (face) out.push({ thumb: greyThumb(frame), box: face.box, centre: meshCentre(flattenMesh(face.mesh)), t })
    }
    return sceneMotion(out)
  }
  it('a live person in a still room (spp77, rounak) against a phone carried in a hand (spp77, kalyani)', async () => {
    expect((await track('spp77', 'live')).follow as number).toBeLessThan(-0.4)
    expect((await track('rounak', 'live')).follow as number).toBeLessThan(-0.2)
    expect((await track('spp77', 'spoof')).follow as number).toBeGreaterThan(0.4)
    expect((await track('kalyani', 'spoof')).follow as number).toBeGreaterThan(0.2)
  })
})
