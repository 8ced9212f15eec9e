import { createRequire } from 'node:module'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Human } from '@vladmandic/human'
import * as ort from 'onnxruntime-web'
import { createEmbedder } from '../../src/vision/core/embedder'
import { FacePipeline } from '../../src/vision/core/face-pipeline'
import { humanConfig } from '../../src/vision/core/human-config'
import { createLivenessScorer, type LivenessScorer } from '../../src/vision/core/liveness'
import { embeddingModelTag, modelEntry, modelsDir, verifyModels, readVerified } from '../server/models/manifest'

const requireCjs = createRequire(import.meta.url)

/**
 * Human's node-wasm build loads models with `fetch`, which in Node cannot read `file://` URLs.
 * Serve those from disk (and only those); every other request goes to the real fetch.
 */
function allowFileFetch(): void {
  const g = globalThis as { fetch: typeof fetch; __hadirFileFetch?: boolean }
  if (g.__hadirFileFetch) return
  const realFetch = g.fetch.bind(globalThis)
  g.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (url.startsWith('file://')) {
      const bytes = await readFile(fileURLToPath(url))
      return new Response(bytes, { status: 200, headers: { 'content-type': url.endsWith('.json') ? 'application/json' : 'application/octet-stream' } })
    }
    return realFetch(input, init)
  }
  g.__hadirFileFetch = true
}

/**
 * The vision pipeline in Node: Human's node-wasm build (imported by file path) and onnxruntime-web,
 * the same code and models as the renderer. Checks every model file against the manifest first.
 * `liveness: true` also loads fr_liveness.onnx (checked like fr-feature) and turns on Human's
 * antispoof and liveness models (their scores ride on each DetectedFace as `real` / `live`), and
 * returns the liveness scorer.
 */
export async function createNodePipeline(opts: { maxFaces?: number; dir?: string; flipAverage?: boolean; eyes?: 'contour' | 'iris'; liveness?: boolean } = {}): Promise<{ pipeline: FacePipeline; loadMs: number; liveness?: LivenessScorer }> {
  const t0 = performance.now()
  const dir = opts.dir ?? modelsDir()
  const verified = verifyModels(dir)
  const bytesOf = (id: string): Buffer => verified.get(id) ?? readVerified(modelEntry(id, dir), dir)
  allowFileFetch()
  const humanPath = join(dirname(requireCjs.resolve('@vladmandic/human')), 'human.node-wasm.js')
  const wasmDir = dirname(requireCjs.resolve('@tensorflow/tfjs-backend-wasm')) + '/'
  const mod = requireCjs(humanPath) as { Human: new (config: object) => Human }
  const human = new mod.Human(humanConfig({ modelBasePath: `${pathToFileURL(join(dir, 'human')).href}/`, wasmPath: wasmDir, maxFaces: opts.maxFaces ?? 20, iris: opts.eyes === 'iris', antispoof: opts.liveness ?? false }))
  await human.load()
  await human.tf.ready()
  ort.env.wasm.numThreads = 1
  const tag = embeddingModelTag(dir)
  const embedder = await createEmbedder(ort, bytesOf('fr-feature'), { modelId: tag.modelId, modelVersion: tag.modelVersion, dim: tag.dim }, { flipAverage: opts.flipAverage ?? tag.flipAverage })
  const pipeline = new FacePipeline(human, embedder, opts.eyes ?? 'contour')
  if (!opts.liveness) return { pipeline, loadMs: performance.now() - t0 }
  const liveness = await createLivenessScorer(ort, bytesOf('fr-liveness'))
  return { pipeline, loadMs: performance.now() - t0, liveness }
}
