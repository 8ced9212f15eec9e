import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import type { Diagnostics, HostInfo } from '../../src/shared/api/contract'
import type { ApiResult } from '../../src/shared/api/result'
import type { RecognitionConfig } from '../../src/shared/face/decide'
import { openDb } from './db/open-db'
import { dispatch as dispatchCore } from './dispatch'
import { createHandlers, type HandlerContext, type HandlerDeps, type ServerHandlers } from './handlers'
import type { HrSync } from './sync/hr-sync'
import { FaceIndex } from './recognition/face-index'
import { getSetting, setSetting } from './store/settings-store'
import { loadTemplates } from './store/template-store'

export type EmbeddingModelInfo = { modelId: string; modelVersion: string; dim: number }

export type CreateAppOptions = {
  /** SQLite file (or ':memory:') */
  dbFile: string
  hostKind: HostInfo['kind']
  /** base URL for model files, trailing slash */
  modelBaseUrl: string
  /** base URL for wasm binaries, trailing slash */
  wasmBaseUrl: string
  /** the embedding model the index is built for (from models/manifest.json) */
  embeddingModel: EmbeddingModelInfo
  /** decision rule for this model: thresholds per security level, margin, frame agreement */
  recognition: RecognitionConfig
  /** repeat-scan cooldown, ms; default 60 000 */
  cooldownMs?: number
  /** clock, epoch ms; default Date.now */
  now?: () => number
  /** app version for host/info; default '0.0.0-dev' */
  version?: string
  /** UI language; default from the OS locale ('id' if it starts with id, else 'en') */
  locale?: HostInfo['locale']
  /** kiosk id stamped on events; default a UUID created once and kept in `settings` */
  kioskId?: string
  /** verified model files, for diagnostics */
  models?: () => Diagnostics['models']
  /** start the HR sync worker (hosts: yes; CLI and most tests: no, they call syncOnce themselves) */
  startSync?: boolean
  /** HR sync options beyond the defaults (tests) */
  sync?: HandlerDeps['sync']
}

export type App = {
  db: Database
  index: FaceIndex
  handlers: ServerHandlers
  hostInfo: HostInfo
  kioskId: string
  /** the HR sync worker (started only with `startSync`) */
  sync: HrSync
  /** stops the sync worker; call before close() */
  stopSync: () => Promise<void>
  /** never rejects; ctx defaults to { transport: 'direct' } */
  dispatch: (method: string, args: unknown, ctx?: HandlerContext) => Promise<ApiResult<unknown>>
  close: () => void
}

export const DEFAULT_COOLDOWN_MS = 60_000
const KIOSK_ID_KEY = 'kiosk.id'

export function osLocale(): HostInfo['locale'] {
  const loc = Intl.DateTimeFormat().resolvedOptions().locale.toLowerCase()
  return loc.startsWith('id') || loc.startsWith('in') ? 'id' : 'en'
}

/**
 * The service wiring shared by Electron main, the HTTP host and the CLI:
 * opens + migrates the database, builds the face index from the stored templates of
 * `embeddingModel`, and creates the handlers and a bound dispatch.
 * Throws HadirError ('db-not-writable', 'db-from-future', …) when the store cannot be opened.
 */
export function createApp(opts: CreateAppOptions): App {
  const { embeddingModel, recognition } = opts
  for (const [level, t] of Object.entries(recognition.thresholds)) {
    if (!(t > 0 && t < 1)) throw new RangeError(`threshold of ${level} must be in (0, 1), got ${t}`)
  }
  const cooldownMs = opts.cooldownMs ?? DEFAULT_COOLDOWN_MS
  if (!(cooldownMs >= 0)) throw new RangeError(`cooldownMs must be ≥ 0, got ${cooldownMs}`)
  const now = opts.now ?? Date.now

  const db = openDb(opts.dbFile)
  try {
    let kioskId = opts.kioskId ?? getSetting<string>(db, KIOSK_ID_KEY)
    if (!kioskId) {
      kioskId = randomUUID()
      setSetting(db, KIOSK_ID_KEY, kioskId)
    }

    const index = new FaceIndex(embeddingModel)
    for (const t of loadTemplates(db, embeddingModel)) index.add(t.personId, t.embedding)

    const hostInfo: HostInfo = {
      kind: opts.hostKind,
      version: opts.version ?? '0.0.0-dev',
      modelBaseUrl: opts.modelBaseUrl,
      wasmBaseUrl: opts.wasmBaseUrl,
      locale: opts.locale ?? osLocale(),
      embeddingModel: { modelId: embeddingModel.modelId, modelVersion: embeddingModel.modelVersion, dim: embeddingModel.dim },
      cooldownMs,
    }
    let sync: HrSync | null = null
    const handlers = createHandlers({
      db,
      index,
      hostInfo: () => hostInfo,
      recognition,
      cooldownMs,
      now,
      kioskId,
      dbFile: opts.dbFile,
      ...(opts.models ? { models: opts.models } : {}),
      ...(opts.sync ? { sync: opts.sync } : {}),
      onSync: (s) => (sync = s),
    })
    const worker = sync as unknown as HrSync
    if (opts.startSync) worker.start()
    let closed = false
    return {
      db,
      index,
      handlers,
      hostInfo,
      kioskId,
      sync: worker,
      stopSync: () => worker.stop(),
      dispatch: (method, args, ctx = { transport: 'direct' }) => dispatchCore(handlers, method, args, ctx),
      close: () => {
        if (closed) return
        closed = true
        void worker.stop()
        index.clear()
        db.close()
      },
    }
  } catch (err) {
    db.close()
    throw err
  }
}
