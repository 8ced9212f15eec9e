/**
 * Offline-first delivery to the company's HR server (docs/hr-sync-protocol.md).
 *
 * Attendance: the outbox (written in the same transaction as each event) is sent in insertion
 * order, in batches of up to 500. Delivery is at-least-once: an outbox row is marked sent only after
 * a signed answer names its id `accepted` or `duplicate`; the event id is HR's idempotency key, so a
 * batch resent after a crash, a timeout or a lost response is counted once at HR. A `rejected`
 * event is parked for the admin (never deleted) and the rest keep flowing, except the corrections
 * and voids that refer to it: a correction or void is sent only after HR accepted the event it
 * refers to (outbox.depends_on), so HR never gets one before its event. A failure (network,
 * timeout, 5xx, 429, 401, an unsigned, stale or badly signed answer, HTML or garbage) backs off
 * exponentially with full jitter (1 s … 5 min), honouring a Retry-After only on an answer signed by
 * HR (up to an hour; an unsigned one is ignored); because the queue's head blocks what is behind
 * it, each person's events reach HR in the order they happened.
 *
 * Roster: employees new, changed or deactivated since a cursor are applied to the local people.
 * Templates (only when an admin turned sharing on): local enrollments and tombstones are pushed,
 * other kiosks' are pulled since a cursor; a template of another embedding model is skipped.
 * Heartbeat: version, queue depth, parked count and the last error, every minute.
 *
 * All state lives in SQLite (outbox rows, sync_state), so a restart or a SIGKILL loses nothing.
 */
import type { Database } from 'better-sqlite3'
import type { ParkedEvent, SyncStatus } from '../../../src/shared/api/contract'
import type { ModelTag } from '../../../src/shared/domain/types'
import { withDbErrors } from '../db/sqlite'
import type { FaceIndex } from '../recognition/face-index'
import { templateSharingAllowed, type SettingsService } from '../settings'
import { OUTBOX_ATTENDANCE, OUTBOX_CORRECTION } from '../store/attendance-store'
import { appendAudit } from '../store/audit-log'
import { addTemplate, readTemplateEmbedding, reindexPerson } from '../store/template-store'
import {
  embeddingFromBase64,
  embeddingToBase64,
  endpoint,
  HEADER_KIOSK,
  PATHS,
  PROTOCOL_VERSION,
  signedHeaders,
  verifySignature,
  type AttendanceBatchRequest,
  type AttendanceBatchResponse,
  type HeartbeatRequest,
  type RosterResponse,
  type TemplatesPullResponse,
  type TemplatesPushRequest,
  type TemplatesPushResponse,
  type WireEvent,
} from './protocol'

export type SyncOptions = {
  db: Database
  settings: SettingsService
  kioskId: string
  version: string
  now: () => number
  /** the embedding model of this kiosk: pulled templates of another model are skipped */
  model: ModelTag & { dim: number }
  index: FaceIndex
  fetch?: typeof fetch
  random?: () => number
  log?: (line: string) => void
  /** per request; default 15 s */
  timeoutMs?: number
  /** events per attendance batch; default 500 */
  batchSize?: number
  /** roster and template pulls; default every 60 s */
  pullEveryMs?: number
  /** default every 60 s */
  heartbeatEveryMs?: number
  /** backoff: delay = random · min(cap, base · 2^attempt) */
  backoff?: { baseMs: number; capMs: number }
  /** how often an idle, unconfigured worker looks at the settings again; default 5 s */
  idleMs?: number
}

/** Why a request failed, as shown in status and logs (stable codes). */
export type SyncErrorCode =
  | 'hr-unreachable'
  | 'hr-timeout'
  | 'hr-server-error'
  | 'hr-rate-limited'
  | 'hr-unauthorized'
  | 'hr-bad-signature'
  | 'hr-stale-response'
  | 'hr-bad-response'
  | 'hr-rejected-request'
  | 'hr-bad-cursor'

export class SyncError extends Error {
  override name = 'SyncError'
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    /** ms to wait, from Retry-After */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message)
  }
}

const ATTENDANCE_KINDS = [OUTBOX_ATTENDANCE, OUTBOX_CORRECTION]
const IN_KINDS = `kind IN (${ATTENDANCE_KINDS.map((k) => `'${k}'`).join(', ')})`

type OutboxRowDb = { rowid: number; id: string; kind: string; payload: string; attempts: number }

/** SQL over outbox `o`: the row refers to no event, or to one already delivered (or not in the outbox). */
const DEPENDENCY_SENT = '(o.depends_on IS NULL OR NOT EXISTS (SELECT 1 FROM outbox d WHERE d.id = o.depends_on AND d.sent_at IS NULL))'

/** The wire form of one outbox row. */
export function wireEvent(row: { id: string; kind: string; payload: string }, kioskId: string): WireEvent {
  const p = JSON.parse(row.payload) as Record<string, unknown>
  const str = (k: string): string => (typeof p[k] === 'string' ? (p[k] as string) : '')
  const at = typeof p['at'] === 'number' ? (p['at'] as number) : 0
  const voided = p['voided'] === true
  const kind: WireEvent['kind'] = row.kind === OUTBOX_CORRECTION ? (voided ? 'void' : 'correction') : 'event'
  return {
    id: row.id,
    kind,
    kioskId: str('kioskId') || kioskId,
    personId: str('personId'),
    personName: str('personName'),
    direction: p['direction'] === 'out' ? 'out' : 'in',
    at,
    atIso: new Date(at).toISOString(),
    source: p['source'] === 'cli' || p['source'] === 'manual' || p['source'] === 'pin' || p['source'] === 'badge' ? p['source'] : 'kiosk',
    similarity: typeof p['similarity'] === 'number' ? Math.round((p['similarity'] as number) * 1e4) / 1e4 : 0,
    // a void names the event it cancels; a correction the one it replaces
    corrects: kind === 'void' ? str('id') || null : kind === 'correction' ? str('corrects') || null : null,
    reason: str('reason') || null,
  }
}

export type HrSync = {
  start(): void
  stop(): Promise<void>
  /** something was queued (or settings changed): try soon */
  nudge(): void
  /** one full round now: deliver everything due, then pulls and heartbeat when due (tests, "sync now") */
  syncOnce(opts?: { force?: boolean }): Promise<void>
  status(): SyncStatus
  parked(): ParkedEvent[]
  /** puts parked events back in the queue (all, or the given ids); returns how many */
  retryParked(ids?: string[]): number
}

export function createHrSync(o: SyncOptions): HrSync {
  const { db, settings } = o
  const fetchFn = o.fetch ?? globalThis.fetch
  const random = o.random ?? Math.random
  const log = o.log ?? (() => {})
  const timeoutMs = o.timeoutMs ?? 15_000
  let batchSize = o.batchSize ?? 500
  const pullEveryMs = o.pullEveryMs ?? 60_000
  const heartbeatEveryMs = o.heartbeatEveryMs ?? 60_000
  const backoff = o.backoff ?? { baseMs: 1_000, capMs: 300_000 }
  const idleMs = o.idleMs ?? 5_000

  let running = false
  let loop: Promise<void> | null = null
  let wake: (() => void) | null = null
  let nudged = false
  let attempt = 0
  let nextAttemptAt = 0
  let lastAttemptAt: number | null = null
  let lastPullAt = 0
  let lastHeartbeatAt = 0
  let online: boolean | null = null
  let lastError: SyncStatus['lastError'] = readState<SyncStatus['lastError']>('lastError') ?? null
  let lastSuccessAt: number | null = readState<number>('lastSuccessAt') ?? null

  function readState<T>(key: string): T | undefined {
    const row = db.prepare('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined
    return row ? (JSON.parse(row.value) as T) : undefined
  }
  function writeState(key: string, value: unknown): void {
    db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value))
  }

  const config = (): { url: string; key: string } | null => {
    const url = settings.get().hr.url
    const key = settings.hrKey()
    return url && key ? { url, key } : null
  }

  /** One signed request; the answer must be signed too, fresh, and JSON. */
  async function call<T>(cfg: { url: string; key: string }, method: 'GET' | 'POST', path: string, body: unknown, query?: Record<string, string>): Promise<T> {
    const text = method === 'GET' ? '' : JSON.stringify(body)
    const url = endpoint(cfg.url, path, query)
    let res: Response
    lastAttemptAt = o.now()
    try {
      res = await fetchFn(url, {
        method,
        headers: { ...signedHeaders(cfg.key, text, o.now()), [HEADER_KIOSK]: o.kioskId, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        ...(method === 'POST' ? { body: text } : {}),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      })
    } catch (err) {
      const name = err instanceof Error ? err.name : ''
      if (name === 'TimeoutError' || name === 'AbortError') throw new SyncError('hr-timeout', `HR did not answer within ${Math.round(timeoutMs / 1000)} s (${url})`)
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
      throw new SyncError('hr-unreachable', `cannot reach HR at ${url}${cause}`)
    }
    let raw: string
    try {
      raw = await res.text()
    } catch {
      throw new SyncError('hr-bad-response', `HR's answer was cut off (${url})`)
    }
    if (res.status === 429 || res.status === 503) {
      // Retry-After only from HR itself: an answer that is not signed with the shared key (a proxy, or
      // someone in between) gets the normal back-off, never a wait it chose (up to an hour)
      const signed = verifySignature(cfg.key, (h) => res.headers.get(h), raw, o.now()).ok
      const wait = signed ? retryAfter(res.headers.get('retry-after'), o.now()) : null
      throw new SyncError(res.status === 429 ? 'hr-rate-limited' : 'hr-server-error', `HR answered ${res.status}${signed || !res.headers.get('retry-after') ? '' : ' (unsigned: its Retry-After is ignored)'}`, wait)
    }
    if (res.status >= 500) throw new SyncError('hr-server-error', `HR answered ${res.status}`)
    if (res.status === 401 || res.status === 403) {
      if (/"stale"/.test(raw)) throw new SyncError('hr-stale-response', "HR refused the request's time: this kiosk's clock and HR's differ by more than 5 minutes")
      throw new SyncError('hr-unauthorized', `HR refused the kiosk's signature (${res.status}): check the HR key in admin settings`)
    }
    if (res.status === 413) throw new SyncError('hr-rejected-request', 'HR refused the batch as too large')
    if (res.status === 400 && /"bad-cursor"/.test(raw)) throw new SyncError('hr-bad-cursor', 'HR did not know the sync cursor: the next pull starts from the beginning')
    if (res.status !== 200) throw new SyncError('hr-rejected-request', `HR answered ${res.status}`)
    const v = verifySignature(cfg.key, (h) => res.headers.get(h), raw, o.now())
    if (!v.ok) {
      if (v.reason === 'stale') throw new SyncError('hr-stale-response', "HR's answer is more than 5 minutes off this kiosk's clock: check both clocks")
      throw new SyncError('hr-bad-signature', v.reason === 'unsigned' ? "HR's answer is not signed" : "HR's answer has a wrong signature: check the HR key")
    }
    try {
      return JSON.parse(raw) as T
    } catch {
      throw new SyncError('hr-bad-response', `HR's answer is not JSON (${(res.headers.get('content-type') ?? 'no content type').slice(0, 60)})`)
    }
  }

  function failed(err: unknown): void {
    const e = err instanceof SyncError ? err : new SyncError('hr-bad-response', err instanceof Error ? err.message : String(err))
    if (e.code === 'hr-rejected-request' && /too large/.test(e.message) && batchSize > 1) batchSize = Math.max(1, Math.floor(batchSize / 2))
    attempt++
    const jitter = random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(attempt, 30))
    const wait = e.retryAfterMs !== null ? Math.max(e.retryAfterMs, backoff.baseMs) + random() * backoff.baseMs : jitter
    nextAttemptAt = Math.round(o.now() + wait)
    online = e.code === 'hr-unreachable' || e.code === 'hr-timeout' ? false : online
    lastError = { code: e.code, message: e.message, at: o.now() }
    withDbErrors(() => writeState('lastError', lastError))
    log(`[hadir sync] ${e.code}: ${e.message}; next try in ${Math.round(wait / 100) / 10} s`)
  }

  function succeeded(): void {
    attempt = 0
    nextAttemptAt = 0
    online = true
    lastSuccessAt = o.now()
    lastError = null
    withDbErrors(() => {
      writeState('lastSuccessAt', lastSuccessAt)
      writeState('lastError', null)
    })
  }

  /** Sends due attendance in batches until the queue is empty or a batch fails. */
  async function drainAttendance(cfg: { url: string; key: string }): Promise<boolean> {
    for (;;) {
      // a correction or void waits until HR has accepted the event it refers to (never in the same
      // batch either: that event may be rejected there); everything else flows in insertion order
      const rows = db
        .prepare(`SELECT rowid, id, kind, payload, attempts FROM outbox o WHERE sent_at IS NULL AND parked = 0 AND ${IN_KINDS} AND ${DEPENDENCY_SENT} ORDER BY rowid LIMIT ?`)
        .all(batchSize) as OutboxRowDb[]
      if (rows.length === 0) return true
      const events = rows.map((r) => wireEvent(r, o.kioskId))
      const req: AttendanceBatchRequest = { protocol: PROTOCOL_VERSION, kioskId: o.kioskId, events }
      const now = o.now()
      try {
        const res = await call<AttendanceBatchResponse>(cfg, 'POST', PATHS.attendanceBatch, req)
        if (!res || !Array.isArray(res.results)) throw new SyncError('hr-bad-response', "HR's answer has no results list")
        const byId = new Map(res.results.filter((r) => r && typeof r.id === 'string').map((r) => [r.id, r]))
        let missing = 0
        withDbErrors(() =>
          db.transaction(() => {
            const sent = db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_attempt_at = ?, last_error = NULL WHERE id = ? AND sent_at IS NULL')
            const park = db.prepare('UPDATE outbox SET parked = 1, parked_reason = ?, attempts = attempts + 1, last_attempt_at = ? WHERE id = ?')
            for (const r of rows) {
              const result = byId.get(r.id)
              if (result?.status === 'accepted' || result?.status === 'duplicate') sent.run(now, now, r.id)
              else if (result?.status === 'rejected') {
                const reason = typeof result.reason === 'string' && result.reason ? result.reason.slice(0, 500) : 'rejected by HR'
                park.run(reason, now, r.id)
                appendAudit(db, { at: now, actor: 'hr-sync', action: 'sync.parked', subject: r.id, details: { reason } })
              } else missing++
            }
          })(),
        )
        if (missing > 0) throw new SyncError('hr-bad-response', `HR's answer left out ${missing} of ${rows.length} events`)
        succeeded()
        log(`[hadir sync] delivered ${rows.length} events`)
      } catch (err) {
        withDbErrors(() => {
          const e = err instanceof SyncError ? err.code : 'hr-bad-response'
          const upd = db.prepare('UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE id = ? AND sent_at IS NULL')
          db.transaction(() => {
            for (const r of rows) upd.run(now, e, r.id)
          })()
        })
        failed(err)
        return false
      }
    }
  }

  /** Applies the roster since the cursor (new, changed and deactivated employees). */
  async function pullRoster(cfg: { url: string; key: string }): Promise<void> {
    for (let page = 0; page < 100; page++) {
      const cursor = readState<string>('roster.cursor') ?? ''
      const res = await call<RosterResponse>(cfg, 'GET', PATHS.roster, undefined, { since: cursor, limit: '500' }).catch((err: unknown) => {
        if (err instanceof SyncError && err.code === 'hr-bad-cursor') withDbErrors(() => writeState('roster.cursor', ''))
        throw err
      })
      if (!res || !Array.isArray(res.employees) || typeof res.cursor !== 'string') throw new SyncError('hr-bad-response', "HR's roster answer is malformed")
      let invalid = 0
      let changed = 0
      withDbErrors(() =>
        db.transaction(() => {
          const now = o.now()
          for (const e of res.employees) {
            const id = typeof e?.id === 'string' ? e.id.trim() : ''
            const name = typeof e?.name === 'string' ? e.name.trim() : ''
            if (!id || id.length > 64 || !name || name.length > 200 || typeof e.active !== 'boolean') {
              invalid++
              continue
            }
            const department = typeof e.department === 'string' && e.department.trim() ? e.department.trim().slice(0, 200) : null
            const cur = db.prepare('SELECT name, department, active FROM people WHERE id = ?').get(id) as { name: string; department: string | null; active: number } | undefined
            const active = e.active ? 1 : 0
            if (!cur) {
              db.prepare('INSERT INTO people (id, name, department, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, name, department, active, now, now)
              appendAudit(db, { at: now, actor: 'hr-sync', action: 'person.create', subject: id, details: { name, department, active: e.active, from: 'hr-roster' } })
              changed++
            } else if (cur.name !== name || cur.department !== department || cur.active !== active) {
              db.prepare('UPDATE people SET name = ?, department = ?, active = ?, updated_at = ? WHERE id = ?').run(name, department, active, now, id)
              appendAudit(db, { at: now, actor: 'hr-sync', action: 'person.update', subject: id, details: { from: { name: cur.name, department: cur.department, active: cur.active === 1 }, to: { name, department, active: e.active } } })
              if (cur.active !== active) reindexPerson(db, o.index, id)
              changed++
            }
          }
          writeState('roster.cursor', res.cursor)
          if (invalid > 0) {
            const msg = `${invalid} roster entr${invalid === 1 ? 'y' : 'ies'} without a valid id, name or active flag were skipped`
            appendAudit(db, { at: now, actor: 'hr-sync', action: 'sync.roster-invalid', subject: null, details: { skipped: invalid } })
            log(`[hadir sync] ${msg}`)
          }
        })(),
      )
      if (changed) log(`[hadir sync] roster: ${changed} people added or changed`)
      if (!res.more) return
    }
  }

  /** Pushes this kiosk's new templates and tombstones; pulls other kiosks' (template sharing on). */
  async function syncTemplates(cfg: { url: string; key: string }): Promise<void> {
    const local = db
      .prepare('SELECT id, uid, person_id, model_id, model_version, dim, embedding, sealed, created_at FROM face_templates WHERE origin_kiosk IS NULL AND shared_at IS NULL ORDER BY id LIMIT 200')
      .all() as Array<{ id: number; uid: string; person_id: string; model_id: string; model_version: string; dim: number; embedding: Buffer; sealed: number; created_at: number }>
    const stones = db.prepare('SELECT id, person_id, deleted_at FROM tombstones WHERE shared_at IS NULL ORDER BY id LIMIT 200').all() as Array<{ id: number; person_id: string; deleted_at: number }>
    if (local.length || stones.length) {
      const req: TemplatesPushRequest = {
        protocol: PROTOCOL_VERSION,
        kioskId: o.kioskId,
        templates: local.map((t) => ({
          id: t.uid,
          personId: t.person_id,
          modelId: t.model_id,
          modelVersion: t.model_version,
          dim: t.dim,
          embedding: embeddingToBase64(readTemplateEmbedding(db, t)),
          kioskId: o.kioskId,
          createdAt: t.created_at,
        })),
        tombstones: stones.map((s) => ({ personId: s.person_id, deletedAt: s.deleted_at, kioskId: o.kioskId })),
      }
      const res = await call<TemplatesPushResponse>(cfg, 'POST', PATHS.templatesPush, req)
      if (!res || !Array.isArray(res.results)) throw new SyncError('hr-bad-response', "HR's template answer has no results list")
      const done = new Set(res.results.filter((r) => r.status === 'accepted' || r.status === 'duplicate' || r.status === 'rejected').map((r) => r.id))
      const now = o.now()
      withDbErrors(() =>
        db.transaction(() => {
          for (const t of local) if (done.has(t.uid)) db.prepare('UPDATE face_templates SET shared_at = ? WHERE id = ?').run(now, t.id)
          // tombstones have no id of their own on the wire: a 200 answer takes them all
          for (const s of stones) db.prepare('UPDATE tombstones SET shared_at = ? WHERE id = ?').run(now, s.id)
        })(),
      )
    }
    for (let page = 0; page < 100; page++) {
      const cursor = readState<string>('templates.cursor') ?? ''
      const res = await call<TemplatesPullResponse>(cfg, 'GET', PATHS.templatesPull, undefined, { since: cursor, limit: '200', kioskId: o.kioskId }).catch((err: unknown) => {
        if (err instanceof SyncError && err.code === 'hr-bad-cursor') withDbErrors(() => writeState('templates.cursor', ''))
        throw err
      })
      if (!res || !Array.isArray(res.templates) || !Array.isArray(res.tombstones) || typeof res.cursor !== 'string') throw new SyncError('hr-bad-response', "HR's template pull answer is malformed")
      let unknownModel = 0
      let added = 0
      withDbErrors(() =>
        db.transaction(() => {
          const now = o.now()
          for (const s of res.tombstones) {
            if (typeof s?.personId !== 'string' || s.kioskId === o.kioskId) continue
            const n = db.prepare('DELETE FROM face_templates WHERE person_id = ? AND created_at <= ?').run(s.personId, s.deletedAt).changes
            if (n > 0) {
              appendAudit(db, { at: now, actor: 'hr-sync', action: 'templates.clear', subject: s.personId, details: { count: n, from: s.kioskId } })
              reindexPerson(db, o.index, s.personId)
            }
          }
          for (const t of res.templates) {
            if (typeof t?.id !== 'string' || typeof t.personId !== 'string' || t.kioskId === o.kioskId) continue
            if (t.modelId !== o.model.modelId || t.modelVersion !== o.model.modelVersion || t.dim !== o.model.dim) {
              unknownModel++
              continue
            }
            if (db.prepare('SELECT 1 FROM face_templates WHERE uid = ?').get(t.id)) continue
            const embedding = embeddingFromBase64(t.embedding, t.dim)
            if (!embedding) {
              unknownModel++
              continue
            }
            if (!db.prepare('SELECT 1 FROM people WHERE id = ?').get(t.personId)) {
              // enrolled elsewhere before the roster reached us: the roster fills in the name later
              db.prepare('INSERT INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run(t.personId, t.personId, now, now)
            }
            addTemplate(db, { personId: t.personId, model: o.model, embedding, source: 'hr', uid: t.id, originKiosk: t.kioskId }, { now, actor: 'hr-sync' })
            const active = db.prepare('SELECT active FROM people WHERE id = ?').get(t.personId) as { active: number }
            if (active.active === 1) o.index.add(t.personId, embedding)
            added++
          }
          writeState('templates.cursor', res.cursor)
          if (unknownModel) appendAudit(db, { at: now, actor: 'hr-sync', action: 'sync.template-skipped', subject: null, details: { skipped: unknownModel, reason: 'unknown model or malformed' } })
        })(),
      )
      if (unknownModel) log(`[hadir sync] ${unknownModel} shared templates of another model (or malformed) were skipped`)
      if (added) log(`[hadir sync] ${added} templates from other kiosks added`)
      if (!res.more) return
    }
  }

  function counts(): { queued: number; parked: number; held: number; oldest: number | null } {
    const r = db
      .prepare(
        `SELECT sum(parked = 0) AS queued, sum(parked = 1) AS parked, sum(parked = 0 AND NOT ${DEPENDENCY_SENT}) AS held, min(CASE WHEN parked = 0 THEN created_at END) AS oldest FROM outbox o WHERE sent_at IS NULL AND ${IN_KINDS}`,
      )
      .get() as { queued: number | null; parked: number | null; held: number | null; oldest: number | null }
    return { queued: r.queued ?? 0, parked: r.parked ?? 0, held: r.held ?? 0, oldest: r.oldest }
  }

  async function heartbeat(cfg: { url: string; key: string }): Promise<void> {
    const c = counts()
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n
    const req: HeartbeatRequest = {
      protocol: PROTOCOL_VERSION,
      kioskId: o.kioskId,
      version: o.version,
      at: o.now(),
      queueDepth: c.queued,
      parked: c.parked,
      lastError: lastError ? `${lastError.code}: ${lastError.message}` : null,
      people: n('SELECT count(*) AS n FROM people'),
      templates: n('SELECT count(*) AS n FROM face_templates'),
    }
    await call(cfg, 'POST', PATHS.heartbeat, req)
  }

  let round: Promise<void> | null = null
  async function syncOnce(opts: { force?: boolean } = {}): Promise<void> {
    // one round at a time (the loop and an admin's "sync now" never interleave)
    while (round) await round.catch(() => undefined)
    round = (async () => {
      const cfg = config()
      if (!cfg) {
        online = null
        return
      }
      if (!opts.force && o.now() < nextAttemptAt) return
      if (!(await drainAttendance(cfg))) return
      const now = o.now()
      try {
        if (opts.force || now - lastPullAt >= pullEveryMs) {
          await pullRoster(cfg)
          // templates (biometric data) only over https: (plain http: only to this machine), whatever is stored
          if (settings.get().hr.shareTemplates && templateSharingAllowed(cfg.url)) await syncTemplates(cfg)
          lastPullAt = o.now()
          succeeded()
        }
        if (opts.force || now - lastHeartbeatAt >= heartbeatEveryMs) {
          await heartbeat(cfg)
          lastHeartbeatAt = o.now()
        }
      } catch (err) {
        failed(err)
      }
    })()
    try {
      await round
    } finally {
      round = null
    }
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms)
      function done() {
        clearTimeout(t)
        wake = null
        resolve()
      }
      wake = done
      if (nudged) done()
    })

  async function run(): Promise<void> {
    while (running) {
      nudged = false
      try {
        await syncOnce()
      } catch (err) {
        // a database error (disk full…) must not end the worker: try again later
        log(`[hadir sync] round failed: ${err instanceof Error ? err.message : String(err)}`)
      }
      if (!running) break
      const cfg = config()
      const due = cfg ? Math.max(0, Math.min(nextAttemptAt || Infinity, lastPullAt + pullEveryMs, lastHeartbeatAt + heartbeatEveryMs) - o.now()) : idleMs
      await sleep(Math.min(Math.max(due, 50), cfg ? 60_000 : idleMs))
    }
  }

  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    async stop() {
      running = false
      wake?.()
      await loop
      loop = null
    },
    nudge() {
      nudged = true
      // a new event while backing off after an outage waits for the backoff; otherwise it leaves now
      wake?.()
    },
    syncOnce,
    status() {
      const c = counts()
      const cfg = config()
      return {
        configured: cfg !== null,
        online: cfg ? online : null,
        queued: c.queued,
        parked: c.parked,
        oldestQueuedAt: c.oldest,
        lastSuccessAt,
        lastAttemptAt,
        nextAttemptAt: nextAttemptAt || null,
        lastError,
        shareTemplates: settings.get().hr.shareTemplates,
        held: c.held,
      }
    },
    parked() {
      const rows = db.prepare(`SELECT id, kind, payload, parked_reason, last_attempt_at FROM outbox WHERE parked = 1 AND sent_at IS NULL AND ${IN_KINDS} ORDER BY rowid`).all() as Array<{
        id: string
        kind: string
        payload: string
        parked_reason: string | null
        last_attempt_at: number | null
      }>
      return rows.map((r) => {
        const w = wireEvent(r, o.kioskId)
        return { id: r.id, kind: w.kind, personId: w.personId, at: w.at, reason: r.parked_reason ?? 'rejected by HR', parkedAt: r.last_attempt_at }
      })
    },
    retryParked(ids) {
      const n = withDbErrors(() =>
        db.transaction(() => {
          if (!ids) return db.prepare('UPDATE outbox SET parked = 0, parked_reason = NULL WHERE parked = 1 AND sent_at IS NULL').run().changes
          let c = 0
          for (const id of ids) c += db.prepare('UPDATE outbox SET parked = 0, parked_reason = NULL WHERE id = ? AND parked = 1').run(id).changes
          return c
        })(),
      )
      if (n > 0) {
        nextAttemptAt = 0
        this.nudge()
      }
      return n
    },
  }
}

/** Retry-After as ms: seconds, or an HTTP date. */
export function retryAfter(v: string | null, nowMs: number): number | null {
  if (!v) return null
  const s = v.trim()
  if (/^\d+$/.test(s)) return Math.min(3600, Number(s)) * 1000
  const t = Date.parse(s)
  return Number.isFinite(t) ? Math.max(0, Math.min(3600_000, t - nowMs)) : null
}
