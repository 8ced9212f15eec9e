import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { ATTESTED_METHODS, type ApiMethod, type Diagnostics, type HostInfo } from '../../src/shared/api/contract'
import { toApiError, type ApiResult } from '../../src/shared/api/result'
import type { RecognitionConfig } from '../../src/shared/face/decide'
import { HadirError } from '../../src/shared/api/result'
import { openDb } from './db/open-db'
import { withDbErrors } from './db/sqlite'
import { dispatch as dispatchCore } from './dispatch'
import { createHandlers, type HandlerContext, type HandlerDeps, type ServerHandlers } from './handlers'
import type { HrSync } from './sync/hr-sync'
import { FaceIndex } from './recognition/face-index'
import { DATA_KEY_BYTES } from './secrets/crypto-box'
import { keyFileFor, loadOrCreateKeyFile, newDataKey } from './secrets/data-key'
import { bindDataKey, hasKeyCheck, unbindDataKey, verifyKeyCheck, writeKeyCheck } from './secrets/store-key'
import { readSecretSetting, sealClearSecrets, SECRET_SETTINGS } from './settings'
import { appendAudit } from './store/audit-log'
import { sealLegacyPin } from './admin/admin-auth'
import { createKioskSessions, type KioskSessions } from './pairing/kiosk-sessions'
import { createSecurityAudit, type SecurityAudit } from './pairing/security-audit'
import { getSetting, setSetting } from './store/settings-store'
import { countSealedTemplates, loadTemplates, readTemplateEmbedding, sealClearTemplates, type TemplateRow } from './store/template-store'

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
  /**
   * The data key (32 bytes) sealing face templates and secrets at rest (Electron: from the OS keychain,
   * electron/main/data-key-electron.ts). Default: the key file `hadir.key` in the database's folder,
   * created on first use (mode 0600); for ':memory:' a random key that dies with the process.
   */
  dataKey?: Uint8Array
  /** Electron: the admin's exit */
  onQuit?: () => void
  /** Electron: apply settings that live outside the store (start at login) */
  onSettingsChanged?: HandlerDeps['onSettingsChanged']
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
  /**
   * never rejects; ctx defaults to { transport: 'direct' }. Over IPC and HTTP an attested method
   * (ATTESTED_METHODS) runs only when its counter and MAC verify; refusals are audited (throttled).
   */
  dispatch: (method: string, args: unknown, ctx?: HandlerContext) => Promise<ApiResult<unknown>>
  /** paired pages: pairing codes, session tokens, attested-call verification */
  sessions: KioskSessions
  /** audit rows for refused security checks (throttled) */
  securityAudit: SecurityAudit
  close: () => void
}

export const DEFAULT_COOLDOWN_MS = 60_000
/** Error codes of refused security checks that the dispatcher audits as `security.refused` (throttled). */
const AUDITED_REFUSALS: ReadonlySet<string> = new Set(['pair-code-invalid', 'pair-code-used', 'admin-locked', 'admin-setup-required'])
const KIOSK_ID_KEY = 'kiosk.id'

/** What `host/info` says, from the host's options (also used by recovery mode, which has no store). */
export function hostInfoOf(opts: Pick<CreateAppOptions, 'hostKind' | 'version' | 'modelBaseUrl' | 'wasmBaseUrl' | 'locale' | 'embeddingModel' | 'cooldownMs'>): HostInfo {
  const m = opts.embeddingModel
  return {
    kind: opts.hostKind,
    version: opts.version ?? '0.0.0-dev',
    modelBaseUrl: opts.modelBaseUrl,
    wasmBaseUrl: opts.wasmBaseUrl,
    locale: opts.locale ?? osLocale(),
    embeddingModel: { modelId: m.modelId, modelVersion: m.modelVersion, dim: m.dim },
    cooldownMs: opts.cooldownMs ?? DEFAULT_COOLDOWN_MS,
  }
}

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

  if (opts.dataKey && opts.dataKey.byteLength !== DATA_KEY_BYTES) throw new RangeError(`dataKey must be ${DATA_KEY_BYTES} bytes, got ${opts.dataKey.byteLength}`)

  const db = openDb(opts.dbFile)
  try {
    unlockStore(db, opts.dataKey ?? defaultDataKey(db, opts.dbFile), now)
    if (sealLegacyPin(db)) {
      // the clear PIN hash of an older install: sealed now, and the file rewritten so no clear copy stays in a free page
      withDbErrors(() => {
        appendAudit(db, { at: now(), actor: 'system', action: 'data.sealed', subject: null, details: { secrets: 'admin.pin' } })
        if (opts.dbFile !== ':memory:') {
          db.exec('VACUUM')
          db.pragma('wal_checkpoint(TRUNCATE)')
        }
      })
    }
    let kioskId = opts.kioskId ?? getSetting<string>(db, KIOSK_ID_KEY)
    if (!kioskId) {
      kioskId = randomUUID()
      setSetting(db, KIOSK_ID_KEY, kioskId)
    }

    const index = new FaceIndex(embeddingModel)
    for (const t of loadTemplates(db, embeddingModel)) index.add(t.personId, t.embedding)

    const hostInfo = hostInfoOf({ ...opts, cooldownMs })
    let sync: HrSync | null = null
    const sessions = createKioskSessions(db, { now })
    const securityAudit = createSecurityAudit(db, { now, log: (line) => console.error(line) })
    const handlers = createHandlers({
      db,
      sessions,
      index,
      hostInfo: () => hostInfo,
      recognition,
      cooldownMs,
      now,
      kioskId,
      dbFile: opts.dbFile,
      ...(opts.models ? { models: opts.models } : {}),
      ...(opts.sync ? { sync: opts.sync } : {}),
      ...(opts.onQuit ? { onQuit: opts.onQuit } : {}),
      ...(opts.onSettingsChanged ? { onSettingsChanged: opts.onSettingsChanged } : {}),
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
      sessions,
      securityAudit,
      dispatch: async (method, args, ctx = { transport: 'direct' }) => {
        if (ctx.transport !== 'direct' && ATTESTED_METHODS.has(method as ApiMethod)) {
          // over the raw arguments, before validation: the MAC covers exactly what the page sent
          try {
            const { session } = sessions.verify(method, args, ctx.attest, ctx.transport === 'http' ? (ctx.session ?? null) : null)
            ctx = { ...ctx, session }
          } catch (err) {
            const error = toApiError(err)
            securityAudit.refused(error.code, { method, transport: ctx.transport, session: ctx.session ?? null })
            return { ok: false, error }
          }
        }
        const r = await dispatchCore(handlers, method, args, ctx)
        // refusals an attacker produces: audited here (throttled); wrong PINs are audited by admin-auth itself
        if (!r.ok && AUDITED_REFUSALS.has(r.error.code)) securityAudit.refused(r.error.code, { method, transport: ctx.transport, session: ctx.session ?? null })
        return r
      },
      close: () => {
        if (closed) return
        closed = true
        void worker.stop()
        index.clear()
        unbindDataKey(db)
        db.close()
      },
    }
  } catch (err) {
    unbindDataKey(db)
    db.close()
    throw err
  }
}

/** True when the store holds data sealed under some key (so a new key would not open it). */
function holdsSealedData(db: Database): boolean {
  if (hasKeyCheck(db) || countSealedTemplates(db).sealed > 0) return true
  return SECRET_SETTINGS.some((name) => {
    const v = getSetting<unknown>(db, name)
    return v !== undefined && typeof v !== 'string'
  })
}

/**
 * The key file beside the database: created on first use, but never for a database that already
 * holds sealed data (a new key could not open it: that is a lost key, said as such).
 */
function defaultDataKey(db: Database, dbFile: string): Uint8Array {
  if (dbFile === ':memory:') return newDataKey()
  const file = keyFileFor(dbFile)
  const locked = holdsSealedData(db)
  try {
    return loadOrCreateKeyFile(file, { create: !locked }).key
  } catch (err) {
    if (err instanceof HadirError && err.code === 'data-key-missing' && locked) {
      throw new HadirError(
        'data-key-missing',
        `The database ${dbFile} is encrypted, but its data key ${file} is missing. Restore hadir.key from your backup into that folder; the database alone cannot be read. Nothing was changed.`,
        { path: file },
      )
    }
    throw err
  }
}

/**
 * Checks `key` against the store and binds it to `db`. On the first unlock (no key check yet) every
 * template and secret still stored in clear (an install from before sealing) is sealed, in one
 * transaction with the key check, and the file is then rewritten (VACUUM, WAL truncated) so no
 * clear copy stays in free pages. Throws 'data-key-wrong' (nothing written) when the key is not the store's.
 */
function unlockStore(db: Database, key: Uint8Array, now: () => number): void {
  const sealed = withDbErrors(() =>
    db.transaction(() => {
      if (verifyKeyCheck(db, key)) return 0
      // no key check yet, but sealed data (a deleted check?): the key must open it before it is recorded
      const probe = db.prepare('SELECT uid, person_id, model_id, model_version, dim, embedding, sealed FROM face_templates WHERE sealed = 1 LIMIT 1').get() as TemplateRow | undefined
      bindDataKey(db, key)
      if (probe) readTemplateEmbedding(db, probe).fill(0)
      for (const name of SECRET_SETTINGS) if (typeof getSetting<unknown>(db, name) !== 'string') readSecretSetting(db, name)
      const templates = sealClearTemplates(db, key)
      const secrets = sealClearSecrets(db, key)
      writeKeyCheck(db, key)
      if (templates > 0 || secrets.length > 0) {
        appendAudit(db, { at: now(), actor: 'system', action: 'data.sealed', subject: null, details: { templates, secrets: secrets.join(',') } })
      }
      return templates + secrets.length
    })(),
  )
  bindDataKey(db, key)
  if (sealed > 0) {
    // the clear values may survive in free pages (0060 rebuilt face_templates) and in the WAL
    withDbErrors(() => {
      db.exec('VACUUM')
      db.pragma('wal_checkpoint(TRUNCATE)')
    })
  }
}
