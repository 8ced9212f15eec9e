import type * as Ort from 'onnxruntime-web'
import { ARCFACE_112, estimateSimilarity, warpToBgrTensor } from './align'
import type { Point, RgbFrame } from './frame'

/** The ONNX runtime module (onnxruntime-web), injected so the same code runs in Chromium and Node. */
export type OrtModule = typeof Ort

/** Identifies the embedding model; stored with every template. */
export type EmbedderInfo = { modelId: string; modelVersion: string; dim: number }

/** Face embedder over `fr_feature.onnx`: aligned 112×112 BGR face → L2-normalised 512-d vector. */
export type Embedder = {
  info: EmbedderInfo
  /** Embeds the face whose five ArcFace points (frame pixels) are given. */
  embed(frame: RgbFrame, points: readonly Point[]): Promise<Float32Array>
  dispose(): Promise<void>
}

const SIZE = 112

/** How embeddings are computed; part of the template tag (templates of two modes never mix). */
export type EmbedderOptions = {
  /**
   * Test-time flip averaging: embed the aligned crop and its mirror image and average the two
   * (then L2-normalise). Costs a second model run (~30 ms on WASM).
   */
  flipAverage: boolean
}

/** Mirrors each 112-wide row of the three NCHW planes in place. */
export function mirrorPlanes(t: Float32Array, size: number): Float32Array {
  const out = new Float32Array(t.length)
  for (let row = 0; row < t.length / size; row++) {
    const base = row * size
    for (let x = 0; x < size; x++) out[base + x] = t[base + size - 1 - x] as number
  }
  return out
}

/** Creates the embedder from the model's bytes (already checked against the manifest's sha256). */
export async function createEmbedder(ort: OrtModule, modelBytes: Uint8Array, info: EmbedderInfo, options: EmbedderOptions = { flipAverage: false }): Promise<Embedder> {
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' })
  const inputName = session.inputNames[0] as string
  const outputName = session.outputNames[0] as string
  async function run(crop: Float32Array): Promise<Float32Array> {
    const input = new ort.Tensor('float32', crop, [1, 3, SIZE, SIZE])
    const result = await session.run({ [inputName]: input })
    const out = result[outputName]
    if (!out) throw new Error(`embedding model gave no output '${outputName}'`)
    const raw = out.data as Float32Array
    if (raw.length !== info.dim) throw new Error(`embedding model gave ${raw.length} values, expected ${info.dim}`)
    const v = normalize(raw)
    input.dispose()
    out.dispose()
    return v
  }
  return {
    info,
    async embed(frame, points) {
      const m = estimateSimilarity(points, ARCFACE_112)
      const crop = warpToBgrTensor(frame, m, SIZE, 127, 128)
      const v = await run(crop)
      if (!options.flipAverage) return v
      const w = await run(mirrorPlanes(crop, SIZE))
      for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) + (w[i] as number)
      return normalize(v)
    },
    async dispose() {
      await session.release()
    },
  }
}

/** L2-normalised copy; throws on a zero or non-finite vector. */
export function normalize(raw: ArrayLike<number>): Float32Array {
  let s = 0
  for (let i = 0; i < raw.length; i++) s += (raw[i] as number) * (raw[i] as number)
  const n = Math.sqrt(s)
  if (!Number.isFinite(n) || n === 0) throw new Error('embedding is zero or not finite')
  const v = new Float32Array(raw.length)
  for (let i = 0; i < raw.length; i++) v[i] = (raw[i] as number) / n
  return v
}
