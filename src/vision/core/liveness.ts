/**
 * Passive liveness on one frame: fr_liveness.onnx's P(live) for the face is the score; the screen
 * cues (gamut, bezel) and Human's antispoof and liveness are computed as evidence only (kept in the
 * layers and the audit, never in the decision).
 *
 * Why the screen cues left the decision: their anchors were fitted on the two webcams the set had
 * then (spp77, sudipto); on webcams they had never seen they made the live side worse than
 * fr_liveness alone (issue #13's outside measurement: 47% of live frames doubted). Human's two models
 * are at chance on prints and on screens. `v1Decision` keeps the old fused rule (0.7·fr + 0.3·screen,
 * live at 0.5, uncertain from 0.35) only so `npm run eval:liveness` can print it next to the new one.
 *
 * A single frame cannot tell a screen that fills the camera's view from a face (a TV replay scores
 * 1.00 on fr_liveness on one developer webcam): the decision is made over the whole presentation
 * (track-liveness.ts, shared/face/liveness-rule.ts), and one frame alone is `live` only at a score
 * few attacks reach (`decideFrame`).
 */
import { decideFrame, LIVENESS_RULE, type LivenessOutcome, type LivenessReason, type LivenessRule } from '../../shared/face/liveness-rule'
import type { OrtModule } from './embedder'
import type { DetectedFace } from './face-pipeline'
import type { Box, RgbFrame } from './frame'
import { SCREEN_CUE_DEFAULTS, screenCues, type ScreenCueOptions } from './screen-cues'

/** Side of fr_liveness.onnx's input crop. */
export const FR_LIVENESS_SIZE = 128
/** How far the square face box is grown about its centre for fr_liveness.onnx (its package's value). */
export const FR_LIVENESS_SCALE = 2.7

/**
 * The region fr_liveness.onnx sees, in frame pixels (x, y, w, h), as its package's
 * `alignLivenessImage`: a square of side = the face box's height with the same centre, grown by
 * `scale` about its centre, the scale reduced so the square fits in the frame, then shifted inside.
 */
export function frLivenessCropBox(box: Box, width: number, height: number, scale = FR_LIVENESS_SCALE): Box {
  const side = box[3]
  const cx = box[0] + box[2] / 2
  const cy = box[1] + box[3] / 2
  const s = Math.min((height - 1) / side, (width - 1) / side, scale)
  const n = side * s
  let x0 = cx - n / 2
  let y0 = cy - n / 2
  let x1 = cx + n / 2
  let y1 = cy + n / 2
  if (x0 < 0) {
    x1 -= x0
    x0 = 0
  }
  if (y0 < 0) {
    y1 -= y0
    y0 = 0
  }
  if (x1 > width - 1) {
    x0 -= x1 - (width - 1)
    x1 = width - 1
  }
  if (y1 > height - 1) {
    y0 -= y1 - (height - 1)
    y1 = height - 1
  }
  x0 = Math.max(0, x0)
  y0 = Math.max(0, y0)
  return [x0, y0, x1 - x0, y1 - y0]
}

/**
 * Resamples the frame region `rect` to `size`×`size` (bilinear, pixel-centre convention as
 * OpenCV's resize) into NCHW planes B, G, R with raw 0–255 values.
 */
export function cropToBgrTensor(frame: RgbFrame, rect: Box, size = FR_LIVENESS_SIZE): Float32Array {
  const { data, width, height, channels } = frame
  const out = new Float32Array(3 * size * size)
  const plane = size * size
  const sx = rect[2] / size
  const sy = rect[3] / size
  for (let v = 0; v < size; v++) {
    const y = Math.min(height - 1, Math.max(0, rect[1] + (v + 0.5) * sy - 0.5))
    const y0 = Math.floor(y)
    const y1 = Math.min(height - 1, y0 + 1)
    const fy = y - y0
    for (let u = 0; u < size; u++) {
      const x = Math.min(width - 1, Math.max(0, rect[0] + (u + 0.5) * sx - 0.5))
      const x0 = Math.floor(x)
      const x1 = Math.min(width - 1, x0 + 1)
      const fx = x - x0
      const o00 = (y0 * width + x0) * channels
      const o01 = (y0 * width + x1) * channels
      const o10 = (y1 * width + x0) * channels
      const o11 = (y1 * width + x1) * channels
      const i = v * size + u
      for (let c = 0; c < 3; c++) {
        const top = (data[o00 + c] as number) * (1 - fx) + (data[o01 + c] as number) * fx
        const bottom = (data[o10 + c] as number) * (1 - fx) + (data[o11 + c] as number) * fx
        // c = 0 (R) goes to plane 2, c = 2 (B) to plane 0
        out[(2 - c) * plane + i] = top * (1 - fy) + bottom * fy
      }
    }
  }
  return out
}

/** Softmax of raw model outputs. */
export function softmax(xs: ArrayLike<number>): number[] {
  let mx = -Infinity
  for (let i = 0; i < xs.length; i++) mx = Math.max(mx, xs[i] as number)
  const e = Array.from(xs, (x) => Math.exp(x - mx))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((x) => x / s)
}

/** fr_liveness.onnx alone: P(live) for one face. */
export type FrLivenessModel = { run(frame: RgbFrame, box: Box): Promise<number>; dispose(): Promise<void> }

export async function createFrLivenessModel(ort: OrtModule, modelBytes: Uint8Array): Promise<FrLivenessModel> {
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' })
  const inputName = session.inputNames[0] as string
  const outputName = session.outputNames[0] as string
  return {
    async run(frame, box) {
      const rect = frLivenessCropBox(box, frame.width, frame.height)
      const input = new ort.Tensor('float32', cropToBgrTensor(frame, rect), [1, 3, FR_LIVENESS_SIZE, FR_LIVENESS_SIZE])
      let out: { data: unknown; dispose(): void } | undefined
      try {
        out = (await session.run({ [inputName]: input }))[outputName]
        if (!out) throw new Error(`liveness model gave no output '${outputName}'`)
        const raw = out.data as Float32Array
        if (raw.length !== 3) throw new Error(`liveness model gave ${raw.length} values, expected 3`)
        return softmax(raw)[0] as number
      } finally {
        input.dispose()
        out?.dispose()
      }
    },
    async dispose() {
      await session.release()
    },
  }
}

/** Every layer's score, 0..1, 1 = live; null when the layer did not run. */
export type LivenessLayers = {
  frLiveness: number
  humanAntispoof: number | null
  humanLiveness: number | null
  /** mean of gamut and bezel */
  screen: number | null
  /** face colour saturation cue (see screen-cues.ts) */
  gamut: number | null
  /** straight edge / bezel around the face cue */
  bezel: number | null
  [cue: string]: number | null
}

export type { LivenessReason } from '../../shared/face/liveness-rule'

export type LivenessResult = {
  /** the one-frame outcome is `live` */
  live: boolean
  /** fr_liveness.onnx's P(live) (0 when the face is too small to score) */
  score: number
  layers: LivenessLayers
  reasons: LivenessReason[]
  /** the one-frame outcome (shared/face/liveness-rule.ts `decideFrame`) */
  outcome: LivenessOutcome
}

export type LivenessOptions = {
  /** faces whose box is smaller than this (pixels, height) are `quality_low`, not scored */
  minFacePx: number
  screen: ScreenCueOptions
  rule: LivenessRule
}

export const LIVENESS_DEFAULTS: LivenessOptions = { minFacePx: 40, screen: SCREEN_CUE_DEFAULTS, rule: LIVENESS_RULE }

/**
 * The decision shipped before issue #13, for comparison tables only: 0.7·frLiveness + 0.3·screen,
 * live at 0.5, 0.35–0.5 uncertain (a challenge), below that a spoof; on a track the mean of the
 * frames' fused scores, and a picture moved rigidly needs a challenge.
 */
export function v1Decision(fused: number, rigidMotion = false): LivenessOutcome {
  if (fused >= 0.5) return rigidMotion ? 'challenge' : 'live'
  return fused >= 0.35 ? 'challenge' : 'spoof'
}

/** The old fused score of one frame's layers (see v1Decision). */
export function v1Fused(layers: Pick<LivenessLayers, 'frLiveness' | 'screen'>): number {
  return layers.screen === null ? layers.frLiveness : 0.7 * layers.frLiveness + 0.3 * layers.screen
}

export type LivenessScorer = {
  /**
   * Scores one face of one frame. `human` overrides the face's own `real` / `live` (Human's
   * antispoof / liveness, when enabled in the Human config).
   */
  score(frame: RgbFrame, face: DetectedFace, human?: { real?: number; live?: number }): Promise<LivenessResult>
  dispose(): Promise<void>
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4

/** Creates the scorer from fr_liveness.onnx's bytes (already checked against the manifest's sha256). */
export async function createLivenessScorer(ort: OrtModule, modelBytes: Uint8Array, options: Partial<LivenessOptions> = {}): Promise<LivenessScorer> {
  const o: LivenessOptions = { ...LIVENESS_DEFAULTS, ...options }
  const model = await createFrLivenessModel(ort, modelBytes)
  return {
    async score(frame, face, human) {
      const real = human?.real ?? face.real
      const live = human?.live ?? face.live
      const humanAntispoof = typeof real === 'number' ? round4(real) : null
      const humanLiveness = typeof live === 'number' ? round4(live) : null
      if (face.box[3] < o.minFacePx || face.box[2] < o.minFacePx / 2) {
        const layers: LivenessLayers = { frLiveness: 0, humanAntispoof, humanLiveness, screen: null, gamut: null, bezel: null }
        return { live: false, score: 0, layers, reasons: ['quality_low'], outcome: 'challenge' }
      }
      const frLiveness = await model.run(frame, face.box)
      const cues = screenCues(frame, face.box, frLivenessCropBox(face.box, frame.width, frame.height), o.screen)
      const layers: LivenessLayers = {
        frLiveness: round4(frLiveness),
        humanAntispoof,
        humanLiveness,
        screen: round4(cues.screen),
        gamut: round4(cues.gamut),
        bezel: round4(cues.bezel),
      }
      const score = round4(frLiveness)
      const d = decideFrame(score, o.rule)
      return { score, layers, live: d.outcome === 'live', outcome: d.outcome, reasons: d.outcome === 'live' ? [] : [d.outcome === 'spoof' ? 'spoof_detected' : 'liveness_uncertain'] }
    },
    dispose: () => model.dispose(),
  }
}
