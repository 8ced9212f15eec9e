import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HadirError } from '../../../src/shared/api/result'

/** One entry of models/manifest.json. */
export type ModelEntry = {
  id: string
  role: string
  package: string
  version: string
  from: string
  path: string
  sha256: string
  inputShape?: number[]
  embeddingDim?: number
  modelVersion?: string
  licence: string
  thresholds?: { match: number }
}

/** The project root (where package.json and models/ live), found from this file or HADIR_ROOT. */
export function projectRoot(): string {
  if (process.env['HADIR_ROOT']) return resolve(process.env['HADIR_ROOT'])
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'models', 'manifest.json'))) return dir
    dir = dirname(dir)
  }
  throw new HadirError('model-missing', 'cannot find models/manifest.json: set HADIR_ROOT to the Hadir folder')
}

export function modelsDir(root = projectRoot()): string {
  return join(root, 'models')
}

export function readManifest(dir = modelsDir()): ModelEntry[] {
  const file = join(dir, 'manifest.json')
  if (!existsSync(file)) throw new HadirError('model-missing', `models/manifest.json not found in ${dir}`)
  return (JSON.parse(readFileSync(file, 'utf8')) as { models: ModelEntry[] }).models
}

export function modelEntry(id: string, dir = modelsDir()): ModelEntry {
  const m = readManifest(dir).find((e) => e.id === id)
  if (!m) throw new HadirError('model-missing', `model '${id}' is not listed in models/manifest.json`)
  return m
}

/** The embedding model the store indexes (fr_feature.onnx), as a tag for templates. */
export function embeddingModelTag(dir = modelsDir()): { modelId: string; modelVersion: string; dim: number } {
  const m = modelEntry('fr-feature', dir)
  return { modelId: m.id, modelVersion: m.modelVersion ?? m.version, dim: m.embeddingDim ?? 512 }
}

/** Default match threshold (cosine) of the embedding model, from the manifest. */
export function defaultMatchThreshold(dir = modelsDir()): number {
  return modelEntry('fr-feature', dir).thresholds?.match ?? 0.45
}

/**
 * Checks every model file against its sha256; throws `model-missing` / `model-corrupt` naming the
 * first bad file and how to fix it. Returns the number of files checked.
 */
export function verifyModels(dir = modelsDir()): number {
  const entries = readManifest(dir)
  for (const m of entries) readVerified(m, dir)
  return entries.length
}

/** Reads one model file after checking its sha256. */
export function readVerified(m: ModelEntry, dir = modelsDir()): Buffer {
  const file = join(dir, m.path)
  if (!existsSync(file)) {
    throw new HadirError('model-missing', `model file missing: models/${m.path} (${m.id}). Run \`npm run models\` to provision it.`, { file: `models/${m.path}` })
  }
  const bytes = readFileSync(file)
  if (createHash('sha256').update(bytes).digest('hex') !== m.sha256) {
    throw new HadirError('model-corrupt', `model file corrupt: models/${m.path} (${m.id}) does not match its sha256 in models/manifest.json. Run \`npm run models\` to restore it.`, { file: `models/${m.path}` })
  }
  return bytes
}
