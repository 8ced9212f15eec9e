/**
 * Passive liveness: the fr_liveness.onnx crop as its package and MODELS.md describe it, the fusion
 * rule, and the real Node pipeline on real photos (../shared/faces, or HADIR_FACES_DIR).
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../../electron/cli/decode-image'
import { sharedVision } from '../../../electron/cli/testing/shared-vision'
import { mostProminentFace, type FacePipeline } from './face-pipeline'
import type { RgbFrame } from './frame'
import { decideFrame, LIVENESS_RULE } from '../../shared/face/liveness-rule'
import { FR_LIVENESS_SIZE, cropToBgrTensor, frLivenessCropBox, softmax, v1Decision, v1Fused, type LivenessScorer } from './liveness'

const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/faces')

describe('fr_liveness crop geometry', () => {
  it('a central face: square of side = box height, same centre, grown 2.7×', () => {
    const [x, y, w, h] = frLivenessCropBox([300, 200, 50, 60], 640, 480)
    expect(w).toBeCloseTo(162)
    expect(h).toBeCloseTo(162)
    expect(x + w / 2).toBeCloseTo(325)
    expect(y + h / 2).toBeCloseTo(230)
  })

  it('near the corner: same size, shifted inside the frame', () => {
    expect(frLivenessCropBox([0, 0, 40, 40], 640, 480)).toEqual([0, 0, 108, 108])
    const [x, y, w, h] = frLivenessCropBox([610, 450, 30, 30], 640, 480)
    expect([w, h]).toEqual([81, 81])
    expect(x + w).toBeCloseTo(639)
    expect(y + h).toBeCloseTo(479)
  })

  it('a large face: the scale shrinks so the square fits (side = frame height − 1)', () => {
    const [x, y, w, h] = frLivenessCropBox([220, 40, 200, 400], 640, 480)
    expect(w).toBeCloseTo(479)
    expect(h).toBeCloseTo(479)
    expect(y).toBeCloseTo(0)
    expect(x + w / 2).toBeCloseTo(320)
  })

  it('the tensor is NCHW B, G, R with raw 0–255 values', () => {
    const data = new Uint8Array(64 * 64 * 4)
    for (let i = 0; i < 64 * 64; i++) data.set([10, 20, 30, 255], i * 4)
    const frame: RgbFrame = { data, width: 64, height: 64, channels: 4 }
    const t = cropToBgrTensor(frame, [0, 0, 63, 63])
    const plane = FR_LIVENESS_SIZE * FR_LIVENESS_SIZE
    expect(t.length).toBe(3 * plane)
    expect([t[0], t[plane], t[2 * plane]]).toEqual([30, 20, 10])
    expect([t[plane - 1], t[2 * plane - 1], t[3 * plane - 1]]).toEqual([30, 20, 10])
  })

  it('bilinear resampling keeps a horizontal ramp monotonic and in range', () => {
    const frame: RgbFrame = { data: new Uint8Array(256 * 4 * 3), width: 256, height: 4, channels: 3 }
    for (let x = 0; x < 256; x++) for (let y = 0; y < 4; y++) frame.data.set([x, x, x], (y * 256 + x) * 3)
    const t = cropToBgrTensor(frame, [0, 0, 255, 3])
    for (let u = 1; u < FR_LIVENESS_SIZE; u++) expect(t[u] as number).toBeGreaterThan(t[u - 1] as number)
    expect(t[0] as number).toBeGreaterThanOrEqual(0)
    expect(t[FR_LIVENESS_SIZE - 1] as number).toBeLessThanOrEqual(255)
  })
})

describe('scores and the one-frame rule', () => {
  it('softmax sums to 1', () => {
    const p = softmax([2, 0, -1])
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1)
    expect(p[0]).toBeGreaterThan(p[1] as number)
  })

  it('one frame: live only at the shipped high score, spoof only far below, a challenge in between', () => {
    expect(decideFrame(LIVENESS_RULE.frameLiveScore).outcome).toBe('live')
    expect(decideFrame(0.9).outcome).toBe('challenge')
    expect(decideFrame(LIVENESS_RULE.frameSpoofScore).outcome).toBe('challenge')
    expect(decideFrame(LIVENESS_RULE.frameSpoofScore / 2).outcome).toBe('spoof')
  })

  it('the decision shipped before (kept for the comparison tables): 0.7·fr + 0.3·screen, live at 0.5, uncertain from 0.35', () => {
    expect(v1Fused({ frLiveness: 0.3, screen: 1 })).toBeCloseTo(0.51)
    expect(v1Fused({ frLiveness: 0.4, screen: null })).toBe(0.4)
    expect([v1Decision(0.6), v1Decision(0.6, true), v1Decision(0.4), v1Decision(0.2)]).toEqual(['live', 'challenge', 'challenge', 'spoof'])
  })
})

describe('liveness on real photos (Node pipeline)', () => {
  let pipeline: FacePipeline
  let scorer: LivenessScorer
  beforeAll(async () => {
    const p = await sharedVision()
    pipeline = p.pipeline
    scorer = p.liveness
  })

  const files = (dir: string, n: number) =>
    readdirSync(join(FACES, dir))
      .sort()
      .filter((_, i, a) => i % Math.max(1, Math.floor(a.length / n)) === 0)
      .map((f) => join(FACES, dir, f))

  it('every layer is in 0..1 (Human\'s antispoof and liveness present), the score is fr_liveness (its own layer)', async () => {
    const all = [...files('spoof/live', 3), ...files('spoof/spoof', 3), ...files('spoof-screen/live', 3), ...files('spoof-screen/spoof', 3)]
    let scored = 0
    for (const file of all) {
      const frame = await decodeImageFile(file)
      const faces = await pipeline.detect(frame)
      const i = mostProminentFace(faces, frame.width, frame.height)
      if (i < 0) continue
      const face = faces[i] as (typeof faces)[number]
      expect(typeof face.real).toBe('number')
      expect(typeof face.live).toBe('number')
      const r = await scorer.score(frame, face)
      scored++
      for (const [name, v] of Object.entries(r.layers)) {
        expect(v, `${file} ${name}`).not.toBeNull()
        expect(v as number, `${file} ${name}`).toBeGreaterThanOrEqual(0)
        expect(v as number, `${file} ${name}`).toBeLessThanOrEqual(1)
      }
      expect(r.score).toBe(r.layers.frLiveness)
    }
    expect(scored).toBeGreaterThanOrEqual(10)
  })

  it('a NUAA live frame scores high (one frame alone is a challenge, never live), its printed photo is refused; Human\'s scores can be overridden', async () => {
    const live = await decodeImageFile(join(FACES, 'spoof/live/nuaa_s0001_0001_00_00_01_0.jpg'))
    const print = await decodeImageFile(join(FACES, 'spoof/spoof/nuaa_s0001_0001_00_00_01_0.jpg'))
    const lf = (await pipeline.detect(live))[0]
    const pf = (await pipeline.detect(print))[0]
    if (!lf || !pf) throw new Error('no face')
    const l = await scorer.score(live, lf)
    const p = await scorer.score(print, pf, { real: 0.25, live: 0.75 })
    expect(l).toMatchObject({ live: false, outcome: 'challenge' })
    expect(l.layers.frLiveness).toBeGreaterThan(0.9)
    expect(p.live).toBe(false)
    expect(p.layers.frLiveness).toBeLessThan(0.1)
    expect([p.layers.humanAntispoof, p.layers.humanLiveness]).toEqual([0.25, 0.75])
  })

  it('a face too small to judge is quality_low', async () => {
    const frame = await decodeImageFile(join(FACES, 'spoof/live/nuaa_s0001_0001_00_00_01_0.jpg'))
    const face = (await pipeline.detect(frame))[0]
    if (!face) throw new Error('no face')
    const r = await scorer.score(frame, { ...face, box: [face.box[0], face.box[1], 20, 20] })
    expect(r).toMatchObject({ live: false, score: 0, reasons: ['quality_low'] })
  })
})
