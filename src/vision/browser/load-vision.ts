import { Human } from '@vladmandic/human'
import * as ort from 'onnxruntime-web/wasm'
import { createEmbedder } from '../core/embedder'
import { FacePipeline } from '../core/face-pipeline'
import { humanConfig } from '../core/human-config'
import { createLivenessScorer, type LivenessScorer } from '../core/liveness'
import { ModelLoadError } from './model-load-error'

export { ModelLoadError }

/** Where the host serves models and wasm, and the embedding model tag its store uses (from `host/info`). */
export type VisionHost = {
  modelBaseUrl: string
  wasmBaseUrl: string
  embeddingModel: { modelId: string; modelVersion: string; dim: number }
}

type ManifestEntry = { id: string; path: string; sha256: string; recognition?: { flipAverage: boolean } }

async function fetchBytes(url: string, file: string): Promise<Uint8Array> {
  let res: Response
  try {
    res = await fetch(url)
  } catch (err) {
    throw new ModelLoadError(`cannot fetch ${file}: ${String(err)}`, file)
  }
  if (!res.ok) throw new ModelLoadError(`model file missing: ${file} (HTTP ${res.status})`, file)
  return new Uint8Array(await res.arrayBuffer())
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Loads the renderer's vision pipeline from local URLs only: Human (WASM backend) for detection and
 * mesh, `fr_feature.onnx` through onnxruntime-web for the embedding, its bytes checked against the
 * manifest's sha256 before use.
 */
export async function loadVision(urls: VisionHost): Promise<{ pipeline: FacePipeline; liveness: LivenessScorer }> {
  const manifestRes = await fetch(`${urls.modelBaseUrl}manifest.json`)
  if (!manifestRes.ok) throw new ModelLoadError('models/manifest.json not found', 'models/manifest.json')
  const manifest = (await manifestRes.json()) as { models: ManifestEntry[] }
  const listed = (id: string): ManifestEntry => {
    const e = manifest.models.find((m) => m.id === id)
    if (!e) throw new ModelLoadError(`${id} is not listed in models/manifest.json`, 'models/manifest.json')
    return e
  }
  const verified = async (e: ManifestEntry): Promise<Uint8Array> => {
    const file = `models/${e.path}`
    const bytes = await fetchBytes(`${urls.modelBaseUrl}${e.path}`, file)
    if ((await sha256Hex(bytes)) !== e.sha256) throw new ModelLoadError(`model file corrupt: ${file} does not match models/manifest.json`, file)
    return bytes
  }
  const entry = listed('fr-feature')
  const livenessEntry = listed('fr-liveness')
  // every file is fetched and checked at once (in parallel), before any model is built from it
  const [bytes, livenessBytes] = await Promise.all([
    verified(entry),
    verified(livenessEntry),
    ...manifest.models.filter((e) => /^human-(blazeface|facemesh|antispoof|liveness)/.test(e.id)).map(verified),
  ])
  ort.env.wasm.wasmPaths = `${urls.wasmBaseUrl}ort/`
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? 2 : 1
  const human = new Human(humanConfig({ modelBasePath: `${urls.modelBaseUrl}human/`, wasmPath: `${urls.wasmBaseUrl}tfjs/`, maxFaces: 5, antispoof: true }))
  // Human's WASM backend and onnxruntime-web's sessions start together
  const [, embedder, liveness] = await Promise.all([
    human.load().then(() => human.tf.ready()),
    // the tag comes from the host, so the renderer's embeddings always match the store's templates
    createEmbedder(ort as unknown as Parameters<typeof createEmbedder>[0], bytes as Uint8Array, { ...urls.embeddingModel }, { flipAverage: entry.recognition?.flipAverage ?? false }),
    createLivenessScorer(ort as unknown as Parameters<typeof createLivenessScorer>[0], livenessBytes as Uint8Array),
  ])
  return { pipeline: new FacePipeline(human, embedder), liveness }
}
