import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HadirError } from '../../../src/shared/api/result'
import { SECURITY_LEVELS, type RecognitionConfig, type ScoreTable, type SecurityLevel } from '../../../src/shared/face/decide'

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
  /** decision rule and pipeline options of an embedding model (see README: how they were calibrated) */
  recognition?: {
    flipAverage: boolean
    thresholds: Record<SecurityLevel, number>
    margin: number
    minAgreement: number
    defaultLevel: SecurityLevel
  }
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

/** The embedding model's manifest entry, with its recognition block required. */
function embeddingEntry(dir: string): ModelEntry & { recognition: NonNullable<ModelEntry['recognition']> } {
  const m = modelEntry('fr-feature', dir)
  if (!m.recognition) throw new HadirError('model-corrupt', 'models/manifest.json: fr-feature has no recognition block (thresholds)')
  return m as ModelEntry & { recognition: NonNullable<ModelEntry['recognition']> }
}

/**
 * The tag stored with every template: model id, and a version that also names the pipeline mode
 * (flip averaging changes the embedding, so templates of the two modes never mix).
 */
export function embeddingModelTag(dir = modelsDir()): { modelId: string; modelVersion: string; dim: number; flipAverage: boolean } {
  const m = embeddingEntry(dir)
  const flipAverage = m.recognition.flipAverage
  return { modelId: m.id, modelVersion: `${m.modelVersion ?? m.version}${flipAverage ? '+flip' : ''}`, dim: m.embeddingDim ?? 512, flipAverage }
}

/** Where the embedding model's score table lives (numbers only; `npm run eval -- --write-table` writes it). */
export const SCORE_TABLE_FILE = 'fr-feature.score-table.json'

/**
 * The score table of the embedding model (models/fr-feature.score-table.json), or null when there is
 * none. A table of another model or pipeline mode, or a malformed one, is `model-corrupt`: levels
 * calibrated for other embeddings would silently mean something else.
 */
export function readScoreTable(dir = modelsDir()): ScoreTable | null {
  const file = join(dir, SCORE_TABLE_FILE)
  if (!existsSync(file)) return null
  const tag = embeddingModelTag(dir)
  let t: ScoreTable
  try {
    t = JSON.parse(readFileSync(file, 'utf8')) as ScoreTable
  } catch {
    throw new HadirError('model-corrupt', `models/${SCORE_TABLE_FILE} is not valid JSON. Write it again with \`npm run eval -- --write-table\`.`, { file: `models/${SCORE_TABLE_FILE}` })
  }
  const bad = (why: string) => new HadirError('model-corrupt', `models/${SCORE_TABLE_FILE}: ${why}. Write it again with \`npm run eval -- --write-table\`.`, { file: `models/${SCORE_TABLE_FILE}` })
  if (t.modelId !== tag.modelId || t.modelVersion !== tag.modelVersion) throw bad(`it is for ${t.modelId}@${t.modelVersion}, the model is ${tag.modelId}@${tag.modelVersion}`)
  for (const l of SECURITY_LEVELS) if (!(t.targetFpir?.[l] > 0 && t.targetFpir[l] < 1)) throw bad(`targetFpir.${l} must be in (0, 1)`)
  const rows = (xs: unknown): xs is Array<[number, number]> => Array.isArray(xs) && xs.length >= 2 && xs.every((r) => Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number' && Number.isFinite(v)))
  if (!rows(t.impostorTail) || !t.impostorTail.every((r, i, a) => i === 0 || (r[0] < (a[i - 1] as [number, number])[0] && r[1] >= (a[i - 1] as [number, number])[1]))) throw bad('impostorTail must be [rate, threshold] rows, rates falling and thresholds rising')
  if (!rows(t.genuineMiss) || !t.genuineMiss.every((r, i, a) => i === 0 || (r[0] > (a[i - 1] as [number, number])[0] && r[1] >= (a[i - 1] as [number, number])[1]))) throw bad('genuineMiss must be [threshold, miss] rows, both rising')
  return { modelId: t.modelId, modelVersion: t.modelVersion, targetFpir: { ...t.targetFpir }, impostorTail: t.impostorTail, observedDownTo: t.observedDownTo, genuineMiss: t.genuineMiss }
}

/** The calibrated decision rule of the embedding model, from the manifest (and its score table, when there is one). */
export function recognitionConfig(dir = modelsDir()): RecognitionConfig {
  const { thresholds, margin, minAgreement, defaultLevel } = embeddingEntry(dir).recognition
  const scoreTable = readScoreTable(dir)
  return { thresholds: { ...thresholds }, margin, minAgreement, defaultLevel, ...(scoreTable ? { scoreTable } : {}) }
}

/**
 * Checks every model file against its sha256; throws `model-missing` / `model-corrupt` naming the
 * first bad file and how to fix it. Returns the verified bytes by model id, so a caller that loads
 * a model need not read and hash it again.
 */
export function verifyModels(dir = modelsDir()): Map<string, Buffer> {
  return new Map(readManifest(dir).map((m) => [m.id, readVerified(m, dir)]))
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

/** The manifest's model files with their size on disk (0 when missing), for diagnostics. */
export function modelInventory(dir = modelsDir()): Array<{ id: string; file: string; sha256: string; bytes: number }> {
  let entries: ModelEntry[]
  try {
    entries = readManifest(dir)
    if (!Array.isArray(entries)) return []
  } catch {
    return []
  }
  return entries.map((m) => {
    let bytes = 0
    try {
      bytes = statSync(join(dir, m.path)).size
    } catch {
      // a missing file shows as 0 bytes
    }
    return { id: m.id, file: `models/${m.path}`, sha256: m.sha256, bytes }
  })
}
