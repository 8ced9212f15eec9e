/**
 * The reference HR server of the Hadir sync protocol (docs/hr-sync-protocol.md).
 *
 * It is a worked example an HR team can read next to the documentation, and the counterpart the
 * kiosk's sync client is tested against: real HTTP (node:http) on 127.0.0.1 only, real SQLite
 * (better-sqlite3, WAL), every request verified and every response signed with the shared secret,
 * and fault switches (errors, rate limits, hangs, lost answers, bad signatures, garbage, clock skew)
 * to prove the client's at-least-once delivery turns into exactly-once at HR.
 *
 * Not a production server: no TLS (put one in front of it), one process, one secret.
 */
import http from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'
import type { Database as Db } from 'better-sqlite3'
import {
  HEADER_KIOSK,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  PATHS,
  PROTOCOL_VERSION,
  embeddingFromBase64,
  signature,
  signedHeaders,
  verifySignature,
} from '../../electron/server/sync/protocol'
import type {
  AttendanceBatchResponse,
  EventResult,
  HeartbeatRequest,
  HeartbeatResponse,
  RosterResponse,
  Tombstone,
  TemplatesPullResponse,
  TemplatesPushResponse,
  WireEvent,
  WireTemplate,
} from '../../electron/server/sync/protocol'

/** Most events in one attendance batch (more → 413). */
export const MAX_BATCH_EVENTS = 1000
/** Most templates + tombstones in one template push (more → 413). */
export const MAX_BATCH_TEMPLATES = 1000
/** Largest request body in bytes (more → 413). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024
/** Page size of roster / template pulls when `limit` is absent, and the largest one allowed. */
export const DEFAULT_PAGE = 500
export const MAX_PAGE = 1000

/** Which endpoint a fault is aimed at ('any' = whichever request comes next). */
export type FaultTarget = keyof typeof PATHS | 'any'

export type FaultControl = {
  /** The next n requests answer `status` (500/502/503…) without doing anything. */
  fail(n: number, status?: number, on?: FaultTarget): void
  /**
   * The next n requests answer 429 with `Retry-After: retryAfterS`, without doing anything; signed like
   * every answer of this server, or (`unsigned`) as a proxy in between would send it — the kiosk
   * then ignores its Retry-After.
   */
  rateLimit(n: number, retryAfterS: number, on?: FaultTarget, opts?: { unsigned?: boolean }): void
  /** The next n requests never answer: the socket stays open until the client gives up (or close()). */
  hang(n: number, on?: FaultTarget): void
  /** Every response is delayed by ms after the work is done (0 = off). */
  slow(ms: number): void
  /** The next n attendance batches are committed, then the socket is destroyed without an answer. */
  dropAfterCommit(n: number): void
  /** The next n requests are processed, but their responses carry a wrong signature. */
  badSignature(n: number, on?: FaultTarget): void
  /** The next n requests are processed, but their responses carry no signature headers. */
  unsigned(n: number, on?: FaultTarget): void
  /**
   * The next n requests are processed, but their responses are garbage: 'html' = an unsigned HTML
   * error page with status 200 (a proxy's), 'truncated-json' = the JSON cut in half (correctly signed,
   * so only parsing fails).
   */
  garbage(n: number, kind: 'html' | 'truncated-json', on?: FaultTarget): void
  /** The server's clock (checking request timestamps, signing responses) is offset by ms. */
  clockSkewMs(ms: number): void
  /** All faults off. */
  reset(): void
  /** What is still armed (for tests and the control endpoint). */
  state(): FaultState
}

type CountedKind = 'fail' | 'rateLimit' | 'hang' | 'badSignature' | 'unsigned' | 'garbage'
export type ArmedFault = {
  kind: CountedKind
  remaining: number
  on: FaultTarget
  status?: number
  retryAfterS?: number
  /** rateLimit: the 429 goes out without signature headers (a proxy's) */
  unsignedAnswer?: boolean
  garbage?: 'html' | 'truncated-json'
}
export type FaultState = { armed: ArmedFault[]; slowMs: number; dropAfterCommit: number; clockSkewMs: number }

export type HrStats = {
  /** distinct events stored */
  events: number
  /** protocol requests received (the control endpoints not counted) */
  requests: number
  /** events answered 'duplicate' */
  duplicates: number
  /** events answered 'rejected' */
  rejected: number
  /** attendance batches processed (signature verified, body valid) */
  batches: number
  /** the last heartbeat of each kiosk */
  heartbeats: Record<string, HeartbeatRequest>
  /** templates stored and not erased by a tombstone */
  templates: number
  tombstones: number
}

/** Every answer the server gave about one event id (proof of exactly-once: stored ≤ 1 whatever the retries). */
export type EventReceipts = { stored: number; accepted: number; duplicate: number; rejected: number }

export type EmployeeInput = { id: string; name: string; department?: string | null; active?: boolean }

export type HrServerOptions = {
  /** 0 = an ephemeral port (default) */
  port?: number
  host?: '127.0.0.1'
  dbFile: string
  secret: string
  now?: () => number
  log?: (line: string) => void
  /** events of these people are answered 'rejected' with reason 'unknown employee' */
  rejectPersonIds?: string[]
}

export type HrServer = {
  /** base URL with a trailing slash, e.g. http://127.0.0.1:4488/ */
  url: string
  port: number
  faults: FaultControl
  stats(): HrStats
  /** ids of the stored events, in the order they were stored */
  eventIds(): string[]
  /** the stored events as received */
  storedEvents(): WireEvent[]
  /** per event id: how many rows are stored (0 or 1) and how often each answer was given */
  eventReceipts(): Record<string, EventReceipts>
  /** add or change an employee (a new roster change) */
  setEmployee(entry: EmployeeInput): void
  /** mark an employee inactive (a new roster change); false if unknown */
  deactivateEmployee(id: string): boolean
  /** replace the rejection rule (events of these people → 'rejected', 'unknown employee') */
  setRejectPersonIds(ids: string[]): void
  close(): Promise<void>
  db: Db
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,           -- the idempotency key
  kiosk_id    TEXT NOT NULL,
  person_id   TEXT NOT NULL,
  kind        TEXT NOT NULL,
  direction   TEXT NOT NULL,
  at          REAL NOT NULL,
  corrects    TEXT,
  json        TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (
  event_id TEXT NOT NULL,
  status   TEXT NOT NULL,
  at       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS receipts_event ON receipts(event_id);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS employees (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  department TEXT,
  active     INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  seq        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS employees_seq ON employees(seq);
CREATE TABLE IF NOT EXISTS templates (
  id            TEXT PRIMARY KEY,
  person_id     TEXT NOT NULL,
  model_id      TEXT NOT NULL,
  model_version TEXT NOT NULL,
  dim           INTEGER NOT NULL,
  embedding     TEXT NOT NULL,
  kiosk_id      TEXT NOT NULL,
  created_at    REAL NOT NULL,
  pushed_by     TEXT NOT NULL,
  erased        INTEGER NOT NULL DEFAULT 0,
  seq           INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS templates_seq ON templates(seq);
CREATE TABLE IF NOT EXISTS tombstones (
  person_id  TEXT NOT NULL,
  deleted_at REAL NOT NULL,
  kiosk_id   TEXT NOT NULL,
  pushed_by  TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  UNIQUE (person_id, deleted_at, kiosk_id)
);
CREATE INDEX IF NOT EXISTS tombstones_seq ON tombstones(seq);
`

type Reply = { status: number; body: unknown; headers?: Record<string, string>; note?: string }
type ResponseFault = { kind: 'badSignature' | 'unsigned' | 'garbage'; garbage?: 'html' | 'truncated-json' }

const ROUTES: Array<{ method: 'GET' | 'POST'; target: keyof typeof PATHS }> = [
  { method: 'POST', target: 'attendanceBatch' },
  { method: 'GET', target: 'roster' },
  { method: 'POST', target: 'templatesPush' },
  { method: 'GET', target: 'templatesPull' },
  { method: 'POST', target: 'heartbeat' },
]

const ID_RE = /^[A-Za-z0-9._:-]{1,64}$/

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
function nonEmpty(v: unknown, max = 256): v is string {
  return typeof v === 'string' && v.trim() !== '' && v.length <= max
}
function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

/** Why an event is refused, or null if it is well-formed. */
export function validateEvent(e: unknown): string | null {
  if (!isObject(e)) return 'not an object'
  if (typeof e.id !== 'string' || !ID_RE.test(e.id)) return 'id must be 1-64 characters of A-Z a-z 0-9 . _ : -'
  if (e.kind !== 'event' && e.kind !== 'correction' && e.kind !== 'void') return 'kind must be event, correction or void'
  if (!nonEmpty(e.personId)) return 'personId required'
  if (e.direction !== 'in' && e.direction !== 'out') return 'direction must be in or out'
  if (!finite(e.at)) return 'at must be a finite number (Unix ms)'
  if (e.kind !== 'event' && !nonEmpty(e.corrects, 64)) return `corrects required for a ${e.kind}`
  if (e.kioskId !== undefined && typeof e.kioskId !== 'string') return 'kioskId must be a string'
  return null
}

/** Why a template is refused, or null. */
export function validateTemplate(t: unknown): string | null {
  if (!isObject(t)) return 'not an object'
  if (typeof t.id !== 'string' || !ID_RE.test(t.id)) return 'id must be 1-64 characters of A-Z a-z 0-9 . _ : -'
  if (!nonEmpty(t.personId)) return 'personId required'
  if (!nonEmpty(t.modelId) || !nonEmpty(t.modelVersion)) return 'modelId and modelVersion required'
  if (typeof t.dim !== 'number' || !Number.isInteger(t.dim) || t.dim < 1 || t.dim > 4096) return 'dim must be an integer 1..4096'
  if (typeof t.embedding !== 'string' || embeddingFromBase64(t.embedding, t.dim) === null) return 'embedding must be base64 of dim float32 values'
  if (!nonEmpty(t.kioskId)) return 'kioskId required'
  if (!finite(t.createdAt)) return 'createdAt must be a finite number (Unix ms)'
  return null
}

function validateTombstone(t: unknown): string | null {
  if (!isObject(t)) return 'not an object'
  if (!nonEmpty(t.personId)) return 'personId required'
  if (!finite(t.deletedAt)) return 'deletedAt must be a finite number (Unix ms)'
  if (!nonEmpty(t.kioskId)) return 'kioskId required'
  return null
}

/** `since` → a sequence number (absent or '' = from the beginning); null if malformed. */
function parseCursor(s: string | null): number | null {
  if (s === null || s === '') return 0
  return /^\d{1,15}$/.test(s) ? Number(s) : null
}
function parseLimit(s: string | null): number {
  const n = s === null ? NaN : Number(s)
  if (!Number.isInteger(n) || n < 1) return DEFAULT_PAGE
  return Math.min(n, MAX_PAGE)
}

const HTML_ERROR_PAGE = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n'

export async function startHrServer(opts: HrServerOptions): Promise<HrServer> {
  const secret = opts.secret
  if (!secret) throw new Error('startHrServer: a secret is required')
  const clock = opts.now ?? Date.now
  const log = opts.log ?? (() => {})
  let rejectPersons = new Set(opts.rejectPersonIds ?? [])

  const db: Db = new Database(opts.dbFile)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.exec(SCHEMA)

  // ---- faults --------------------------------------------------------------------------------
  let armed: ArmedFault[] = []
  let slowMs = 0
  let dropAfterCommitLeft = 0
  let skewMs = 0
  const serverNow = (): number => clock() + skewMs
  const count = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0)
  const arm = (f: ArmedFault): void => {
    if (f.remaining > 0) armed.push(f)
  }
  const faults: FaultControl = {
    fail: (n, status = 500, on = 'any') => arm({ kind: 'fail', remaining: count(n), status, on }),
    rateLimit: (n, retryAfterS, on = 'any', o = {}) => arm({ kind: 'rateLimit', remaining: count(n), retryAfterS: Math.max(0, Math.round(retryAfterS)), on, ...(o.unsigned ? { unsignedAnswer: true } : {}) }),
    hang: (n, on = 'any') => arm({ kind: 'hang', remaining: count(n), on }),
    slow: (ms) => {
      slowMs = Math.max(0, ms)
    },
    dropAfterCommit: (n) => {
      dropAfterCommitLeft = count(n)
    },
    badSignature: (n, on = 'any') => arm({ kind: 'badSignature', remaining: count(n), on }),
    unsigned: (n, on = 'any') => arm({ kind: 'unsigned', remaining: count(n), on }),
    garbage: (n, kind, on = 'any') => arm({ kind: 'garbage', remaining: count(n), garbage: kind, on }),
    clockSkewMs: (ms) => {
      skewMs = ms
    },
    reset: () => {
      armed = []
      slowMs = 0
      dropAfterCommitLeft = 0
      skewMs = 0
    },
    state: () => ({ armed: armed.map((f) => ({ ...f })), slowMs, dropAfterCommit: dropAfterCommitLeft, clockSkewMs: skewMs }),
  }
  /** Takes one count of the first armed fault of these kinds aimed at this endpoint. */
  const take = (kinds: CountedKind[], target: FaultTarget): ArmedFault | null => {
    const f = armed.find((a) => kinds.includes(a.kind) && (a.on === 'any' || a.on === target))
    if (!f) return null
    f.remaining--
    if (f.remaining <= 0) armed = armed.filter((a) => a !== f)
    return f
  }

  // ---- counters --------------------------------------------------------------------------------
  let requests = 0
  let duplicates = 0
  let rejected = 0
  let batches = 0
  const heartbeats: Record<string, HeartbeatRequest> = {}

  // ---- statements ------------------------------------------------------------------------------
  const nextSeq = db.prepare<[string], { value: number }>(
    `INSERT INTO sequences(name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`,
  )
  const currentSeq = db.prepare<[string], { value: number }>('SELECT value FROM sequences WHERE name = ?')
  const seqOf = (name: string): number => currentSeq.get(name)?.value ?? 0
  const eventExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM events WHERE id = ?')
  const insertEvent = db.prepare(
    `INSERT INTO events(id, kiosk_id, person_id, kind, direction, at, corrects, json, received_at)
     VALUES (@id, @kioskId, @personId, @kind, @direction, @at, @corrects, @json, @receivedAt)`,
  )
  const insertReceipt = db.prepare('INSERT INTO receipts(event_id, status, at) VALUES (?, ?, ?)')
  const upsertEmployee = db.prepare(
    `INSERT INTO employees(id, name, department, active, updated_at, seq) VALUES (@id, @name, @department, @active, @updatedAt, @seq)
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, department = excluded.department, active = excluded.active,
       updated_at = excluded.updated_at, seq = excluded.seq`,
  )
  const rosterPage = db.prepare<[number, number], { id: string; name: string; department: string | null; active: number; updated_at: number; seq: number }>(
    'SELECT id, name, department, active, updated_at, seq FROM employees WHERE seq > ? ORDER BY seq LIMIT ?',
  )
  const templateExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM templates WHERE id = ?')
  const lastTombstone = db.prepare<[string], { deleted_at: number | null }>('SELECT MAX(deleted_at) AS deleted_at FROM tombstones WHERE person_id = ?')
  const insertTemplate = db.prepare(
    `INSERT INTO templates(id, person_id, model_id, model_version, dim, embedding, kiosk_id, created_at, pushed_by, seq)
     VALUES (@id, @personId, @modelId, @modelVersion, @dim, @embedding, @kioskId, @createdAt, @pushedBy, @seq)`,
  )
  const insertTombstone = db.prepare(
    `INSERT INTO tombstones(person_id, deleted_at, kiosk_id, pushed_by, seq) VALUES (@personId, @deletedAt, @kioskId, @pushedBy, @seq)
     ON CONFLICT(person_id, deleted_at, kiosk_id) DO NOTHING`,
  )
  const eraseTemplates = db.prepare('UPDATE templates SET erased = 1 WHERE person_id = ? AND created_at <= ? AND erased = 0')
  const changesPage = db.prepare<
    [number, string, number, string, number],
    { type: 'template' | 'tombstone'; seq: number; id: string | null; person_id: string; model_id: string | null; model_version: string | null; dim: number | null; embedding: string | null; kiosk_id: string; at: number }
  >(
    `SELECT 'template' AS type, seq, id, person_id, model_id, model_version, dim, embedding, kiosk_id, created_at AS at
       FROM templates WHERE seq > ? AND erased = 0 AND pushed_by <> ?
     UNION ALL
     SELECT 'tombstone' AS type, seq, NULL, person_id, NULL, NULL, NULL, NULL, kiosk_id, deleted_at AS at
       FROM tombstones WHERE seq > ? AND pushed_by <> ?
     ORDER BY seq LIMIT ?`,
  )

  // ---- handlers --------------------------------------------------------------------------------
  /** Validation, dedupe and inserts of one batch in ONE transaction: a retry can never store an id twice. */
  const storeBatch = db.transaction((kioskId: string, events: unknown[], at: number): EventResult[] => {
    const results: EventResult[] = []
    for (const raw of events) {
      const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : ''
      const invalid = validateEvent(raw)
      let result: EventResult
      if (invalid !== null) {
        result = { id, status: 'rejected', reason: invalid }
      } else {
        const e = raw as WireEvent
        if (eventExists.get(e.id)) result = { id, status: 'duplicate' }
        else if (rejectPersons.has(e.personId)) result = { id, status: 'rejected', reason: 'unknown employee' }
        else {
          insertEvent.run({
            id: e.id,
            kioskId: typeof e.kioskId === 'string' && e.kioskId !== '' ? e.kioskId : kioskId,
            personId: e.personId,
            kind: e.kind,
            direction: e.direction,
            at: e.at,
            corrects: e.corrects ?? null,
            json: JSON.stringify(e),
            receivedAt: at,
          })
          result = { id, status: 'accepted' }
        }
      }
      insertReceipt.run(id, result.status, at)
      results.push(result)
    }
    return results
  })

  function attendance(body: unknown): Reply {
    if (!isObject(body)) return { status: 400, body: { error: 'bad-request', detail: 'body must be a JSON object' } }
    if (body.protocol !== PROTOCOL_VERSION) return { status: 400, body: { error: 'unsupported-protocol', supported: [PROTOCOL_VERSION] } }
    if (!nonEmpty(body.kioskId)) return { status: 400, body: { error: 'bad-request', detail: 'kioskId required' } }
    if (!Array.isArray(body.events)) return { status: 400, body: { error: 'bad-request', detail: 'events must be an array' } }
    if (body.events.length > MAX_BATCH_EVENTS) return { status: 413, body: { error: 'too-many-events', limit: MAX_BATCH_EVENTS } }
    const results = storeBatch(body.kioskId, body.events, serverNow())
    batches++
    const n = { accepted: 0, duplicate: 0, rejected: 0 }
    for (const r of results) n[r.status]++
    duplicates += n.duplicate
    rejected += n.rejected
    const response: AttendanceBatchResponse = { results }
    return { status: 200, body: response, note: `kiosk=${body.kioskId} events=${results.length} accepted=${n.accepted} duplicate=${n.duplicate} rejected=${n.rejected}` }
  }

  function roster(q: URLSearchParams): Reply {
    const since = parseCursor(q.get('since'))
    if (since === null) return { status: 400, body: { error: 'bad-cursor' } }
    const limit = parseLimit(q.get('limit'))
    const read = db.transaction(() => ({ rows: rosterPage.all(since, limit + 1), head: seqOf('roster') }))
    const { rows, head } = read()
    const more = rows.length > limit
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const response: RosterResponse = {
      employees: page.map((r) => ({ id: r.id, name: r.name, department: r.department, active: r.active === 1, updatedAt: r.updated_at })),
      cursor: String(more && last ? last.seq : Math.max(head, since)),
      more,
    }
    return { status: 200, body: response, note: `since=${since} employees=${page.length} more=${more}` }
  }

  const storeTemplates = db.transaction((pushedBy: string, templates: unknown[], tombstones: unknown[]) => {
    const results: TemplatesPushResponse['results'] = []
    let erased = 0
    // Tombstones first: templates of the same push created after the erasure survive it.
    for (const raw of tombstones) {
      if (validateTombstone(raw) !== null) continue
      const t = raw as Tombstone
      const info = insertTombstone.run({ personId: t.personId, deletedAt: t.deletedAt, kioskId: t.kioskId, pushedBy, seq: nextSeq.get('templates')?.value ?? 0 })
      if (info.changes > 0) erased += eraseTemplates.run(t.personId, t.deletedAt).changes
    }
    for (const raw of templates) {
      const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : ''
      const invalid = validateTemplate(raw)
      if (invalid !== null) {
        results.push({ id, status: 'rejected', reason: invalid })
        continue
      }
      const t = raw as WireTemplate
      if (templateExists.get(t.id)) {
        results.push({ id, status: 'duplicate' })
        continue
      }
      const erasedAt = lastTombstone.get(t.personId)?.deleted_at ?? null
      if (erasedAt !== null && t.createdAt <= erasedAt) {
        results.push({ id, status: 'rejected', reason: 'the person was erased after this template was created' })
        continue
      }
      insertTemplate.run({ ...t, pushedBy, seq: nextSeq.get('templates')?.value ?? 0 })
      results.push({ id, status: 'accepted' })
    }
    return { results, erased }
  })

  function templatesPush(body: unknown): Reply {
    if (!isObject(body)) return { status: 400, body: { error: 'bad-request', detail: 'body must be a JSON object' } }
    if (body.protocol !== PROTOCOL_VERSION) return { status: 400, body: { error: 'unsupported-protocol', supported: [PROTOCOL_VERSION] } }
    if (!nonEmpty(body.kioskId)) return { status: 400, body: { error: 'bad-request', detail: 'kioskId required' } }
    const templates = body.templates ?? []
    const tombstones = body.tombstones ?? []
    if (!Array.isArray(templates) || !Array.isArray(tombstones)) return { status: 400, body: { error: 'bad-request', detail: 'templates and tombstones must be arrays' } }
    const badTombstone = tombstones.map(validateTombstone).find((r) => r !== null)
    if (badTombstone) return { status: 400, body: { error: 'bad-request', detail: `tombstone: ${badTombstone}` } }
    if (templates.length + tombstones.length > MAX_BATCH_TEMPLATES) return { status: 413, body: { error: 'too-many-templates', limit: MAX_BATCH_TEMPLATES } }
    const { results, erased } = storeTemplates(body.kioskId, templates, tombstones)
    const response: TemplatesPushResponse = { results }
    return { status: 200, body: response, note: `kiosk=${body.kioskId} templates=${templates.length} tombstones=${tombstones.length} erased=${erased}` }
  }

  function templatesPull(q: URLSearchParams): Reply {
    const since = parseCursor(q.get('since'))
    if (since === null) return { status: 400, body: { error: 'bad-cursor' } }
    const limit = parseLimit(q.get('limit'))
    const kioskId = q.get('kioskId') ?? ''
    const read = db.transaction(() => ({ rows: changesPage.all(since, kioskId, since, kioskId, limit + 1), head: seqOf('templates') }))
    const { rows, head } = read()
    const more = rows.length > limit
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const response: TemplatesPullResponse = { templates: [], tombstones: [], cursor: String(more && last ? last.seq : Math.max(head, since)), more }
    for (const r of page) {
      if (r.type === 'tombstone') response.tombstones.push({ personId: r.person_id, deletedAt: r.at, kioskId: r.kiosk_id })
      else
        response.templates.push({
          id: r.id ?? '',
          personId: r.person_id,
          modelId: r.model_id ?? '',
          modelVersion: r.model_version ?? '',
          dim: r.dim ?? 0,
          embedding: r.embedding ?? '',
          kioskId: r.kiosk_id,
          createdAt: r.at,
        })
    }
    return { status: 200, body: response, note: `kiosk=${kioskId || '-'} since=${since} templates=${response.templates.length} tombstones=${response.tombstones.length} more=${more}` }
  }

  function heartbeat(body: unknown): Reply {
    if (!isObject(body) || !nonEmpty(body.kioskId)) return { status: 400, body: { error: 'bad-request', detail: 'kioskId required' } }
    if (body.protocol !== PROTOCOL_VERSION) return { status: 400, body: { error: 'unsupported-protocol', supported: [PROTOCOL_VERSION] } }
    heartbeats[body.kioskId] = body as HeartbeatRequest
    const response: HeartbeatResponse = { serverTime: serverNow() }
    return { status: 200, body: response, note: `kiosk=${body.kioskId} queue=${String(body.queueDepth)} parked=${String(body.parked)}` }
  }

  // ---- HTTP ------------------------------------------------------------------------------------
  let closed = false
  const timers = new Set<NodeJS.Timeout>()
  const sockets = new Set<Socket>()

  /** Reads the body; past MAX_BODY_BYTES it keeps draining but stops keeping (→ 413). */
  function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      let tooLarge = false
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_BODY_BYTES) {
          tooLarge = true
          chunks.length = 0
        } else chunks.push(c)
      })
      req.on('end', () => resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge }))
      req.on('error', reject)
    })
  }

  function later(fn: () => void, ms: number): void {
    if (ms <= 0) return fn()
    const t = setTimeout(() => {
      timers.delete(t)
      if (!closed) fn()
    }, ms)
    timers.add(t)
  }

  /** Sends a reply: JSON, signed with the server's clock, unless a response fault says otherwise. */
  function send(res: ServerResponse, reply: Reply, fault: ResponseFault | null, done: (status: number, note: string) => void): void {
    later(() => {
      if (res.destroyed) return done(0, 'client gone')
      let body = JSON.stringify(reply.body)
      let status = reply.status
      let contentType = 'application/json; charset=utf-8'
      let headers: Record<string, string> = signedHeaders(secret, body, serverNow())
      let note = ''
      if (fault?.kind === 'garbage' && fault.garbage === 'html') {
        status = 200
        body = HTML_ERROR_PAGE
        contentType = 'text/html'
        headers = {}
        note = 'fault:garbage-html'
      } else if (fault?.kind === 'garbage') {
        body = body.slice(0, Math.max(1, Math.floor(body.length / 2)))
        headers = signedHeaders(secret, body, serverNow())
        note = 'fault:truncated-json'
      } else if (fault?.kind === 'badSignature') {
        const ts = Number(headers[HEADER_TIMESTAMP])
        headers[HEADER_SIGNATURE] = signature(`${secret}-not-the-secret`, ts, body)
        note = 'fault:bad-signature'
      } else if (fault?.kind === 'unsigned') {
        headers = {}
        note = 'fault:unsigned'
      }
      res.writeHead(status, { ...headers, ...reply.headers, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' })
      res.end(body)
      done(status, note)
    }, slowMs)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = req.method ?? 'GET'
    const line = (status: number | string, note: string): void =>
      log(`${new Date(serverNow()).toISOString()} ${method} ${url.pathname}${url.search} → ${status} ${Date.now() - started}ms${note ? ` ${note}` : ''}`)

    // Control endpoints for local demos: unsigned, 127.0.0.1 only (the server binds nowhere else).
    if (url.pathname === '/__faults' || url.pathname === '/__stats') return control(req, res, url, method, line)

    requests++
    const route = ROUTES.find((r) => `/${PATHS[r.target]}` === url.pathname)
    const target: FaultTarget = route?.target ?? 'any'
    const { text, tooLarge } = await readBody(req)
    const finish = (status: number, note: string): void => line(status, note)

    const pre = take(['hang', 'fail', 'rateLimit'], target)
    if (pre?.kind === 'hang') return line('(hang)', 'fault:hang') // never answered; close() destroys the socket
    if (pre?.kind === 'fail') return send(res, { status: pre.status ?? 500, body: { error: 'injected-fault' } }, null, (s) => finish(s, 'fault:fail'))
    if (pre?.kind === 'rateLimit')
      return send(res, { status: 429, body: { error: 'rate-limited' }, headers: { 'retry-after': String(pre.retryAfterS ?? 1) } }, pre.unsignedAnswer ? { kind: 'unsigned' } : null, (s) =>
        finish(s, pre.unsignedAnswer ? 'fault:rate-limit unsigned' : 'fault:rate-limit'),
      )

    const respond = (reply: Reply): void => {
      const rf = take(['badSignature', 'unsigned', 'garbage'], target)
      const fault: ResponseFault | null = rf ? { kind: rf.kind as ResponseFault['kind'], garbage: rf.garbage } : null
      send(res, reply, fault, (s, note) => finish(s, [reply.note, note].filter(Boolean).join(' ')))
    }

    if (!route) return respond({ status: 404, body: { error: 'not-found' } })
    if (route.method !== method) return respond({ status: 405, body: { error: 'method-not-allowed' }, headers: { allow: route.method } })
    if (tooLarge) return respond({ status: 413, body: { error: 'too-large', limitBytes: MAX_BODY_BYTES } })

    // GET: the body signed is '' (the query is not part of the signature).
    const signed = route.method === 'GET' ? '' : text
    const check = verifySignature(secret, (name) => headerOf(req, name), signed, serverNow())
    if (!check.ok) return respond({ status: 401, body: { error: check.reason }, note: `kiosk=${headerOf(req, HEADER_KIOSK) ?? '-'}` })

    let parsed: unknown = null
    if (route.method === 'POST') {
      try {
        parsed = JSON.parse(text)
      } catch {
        return respond({ status: 400, body: { error: 'bad-json' } })
      }
    }
    let reply: Reply
    switch (route.target) {
      case 'attendanceBatch':
        reply = attendance(parsed)
        break
      case 'roster':
        reply = roster(url.searchParams)
        break
      case 'templatesPush':
        reply = templatesPush(parsed)
        break
      case 'templatesPull':
        reply = templatesPull(url.searchParams)
        break
      case 'heartbeat':
        reply = heartbeat(parsed)
        break
    }
    if (route.target === 'attendanceBatch' && reply.status === 200 && dropAfterCommitLeft > 0) {
      dropAfterCommitLeft--
      req.socket.destroy() // committed, but the kiosk never hears back
      return line('(dropped)', `${reply.note ?? ''} fault:drop-after-commit`)
    }
    respond(reply)
  }

  function control(req: IncomingMessage, res: ServerResponse, url: URL, method: string, line: (s: number, n: string) => void): void {
    const reply = (status: number, body: unknown): void => {
      const text = JSON.stringify(body)
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) })
      res.end(text)
      line(status, 'control')
    }
    if (url.pathname === '/__stats') return reply(200, { ...stats(), faults: faults.state() })
    if (method !== 'POST') return reply(405, { error: 'method-not-allowed' })
    readBody(req).then(({ text }) => {
      let ops: unknown
      try {
        ops = JSON.parse(text)
      } catch {
        return reply(400, { error: 'bad-json' })
      }
      const list = Array.isArray(ops) ? ops : [ops]
      for (const op of list) {
        const err = applyFaultOp(faults, op)
        if (err) return reply(400, { error: 'bad-fault', detail: err })
      }
      reply(200, faults.state())
    }, () => reply(400, { error: 'bad-request' }))
  }

  function stats(): HrStats {
    const n = (sql: string): number => (db.prepare<[], { n: number }>(sql).get()?.n ?? 0)
    return {
      events: n('SELECT COUNT(*) AS n FROM events'),
      requests,
      duplicates,
      rejected,
      batches,
      heartbeats: structuredClone(heartbeats),
      templates: n('SELECT COUNT(*) AS n FROM templates WHERE erased = 0'),
      tombstones: n('SELECT COUNT(*) AS n FROM tombstones'),
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
      if (!res.headersSent && !res.destroyed) {
        const body = JSON.stringify({ error: 'internal' })
        res.writeHead(500, { ...signedHeaders(secret, body, serverNow()), 'content-type': 'application/json; charset=utf-8' })
        res.end(body)
      }
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    url: `http://${host}:${port}/`,
    port,
    faults,
    stats,
    eventIds: () => db.prepare<[], { id: string }>('SELECT id FROM events ORDER BY seq').all().map((r) => r.id),
    storedEvents: () => db.prepare<[], { json: string }>('SELECT json FROM events ORDER BY seq').all().map((r) => JSON.parse(r.json) as WireEvent),
    eventReceipts: () => {
      const out: Record<string, EventReceipts> = {}
      const row = (id: string): EventReceipts => (out[id] ??= { stored: 0, accepted: 0, duplicate: 0, rejected: 0 })
      for (const r of db.prepare<[], { id: string; n: number }>('SELECT id, COUNT(*) AS n FROM events GROUP BY id').all()) row(r.id).stored = r.n
      for (const r of db.prepare<[], { event_id: string; status: EventResult['status']; n: number }>('SELECT event_id, status, COUNT(*) AS n FROM receipts GROUP BY event_id, status').all())
        row(r.event_id)[r.status] = r.n
      return out
    },
    setEmployee: (e) => {
      if (!nonEmpty(e.id) || !nonEmpty(e.name)) throw new Error('setEmployee: id and name required')
      db.transaction(() => {
        upsertEmployee.run({ id: e.id, name: e.name, department: e.department ?? null, active: e.active === false ? 0 : 1, updatedAt: serverNow(), seq: nextSeq.get('roster')?.value ?? 0 })
      })()
    },
    deactivateEmployee: (id) =>
      db.transaction(() => {
        const row = db.prepare<[string], { id: string; name: string; department: string | null }>('SELECT id, name, department FROM employees WHERE id = ?').get(id)
        if (!row) return false
        upsertEmployee.run({ id: row.id, name: row.name, department: row.department, active: 0, updatedAt: serverNow(), seq: nextSeq.get('roster')?.value ?? 0 })
        return true
      })(),
    setRejectPersonIds: (ids) => {
      rejectPersons = new Set(ids)
    },
    close: async () => {
      if (closed) return
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const done = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      for (const s of sockets) s.destroy() // hung requests included
      await done
      db.close()
    },
    db,
  }
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()]
  if (Array.isArray(v)) return v.join(' ')
  return v ?? null
}

/** One operation of the POST /__faults control endpoint, e.g. {"op":"fail","n":3,"status":503}. */
export function applyFaultOp(faults: FaultControl, op: unknown): string | null {
  if (!isObject(op) || typeof op.op !== 'string') return 'expected {"op": "...", ...}'
  const n = typeof op.n === 'number' ? op.n : 1
  const targets: FaultTarget[] = ['any', ...(Object.keys(PATHS) as Array<keyof typeof PATHS>)]
  const on: FaultTarget = typeof op.on === 'string' && (targets as string[]).includes(op.on) ? (op.on as FaultTarget) : 'any'
  switch (op.op) {
    case 'fail':
      faults.fail(n, typeof op.status === 'number' ? op.status : 500, on)
      return null
    case 'rateLimit':
      faults.rateLimit(n, typeof op.retryAfterS === 'number' ? op.retryAfterS : 1, on, { unsigned: op.unsigned === true })
      return null
    case 'hang':
      faults.hang(n, on)
      return null
    case 'slow':
      faults.slow(typeof op.ms === 'number' ? op.ms : 0)
      return null
    case 'dropAfterCommit':
      faults.dropAfterCommit(n)
      return null
    case 'badSignature':
      faults.badSignature(n, on)
      return null
    case 'unsigned':
      faults.unsigned(n, on)
      return null
    case 'garbage':
      if (op.kind !== 'html' && op.kind !== 'truncated-json') return 'garbage needs kind "html" or "truncated-json"'
      faults.garbage(n, op.kind, on)
      return null
    case 'clockSkewMs':
      faults.clockSkewMs(typeof op.ms === 'number' ? op.ms : 0)
      return null
    case 'reset':
      faults.reset()
      return null
    default:
      return `unknown op ${op.op}`
  }
}

/** A random secret for local demos (HR_SECRET unset). */
export function randomSecret(): string {
  return `whsec_${randomUUID().replaceAll('-', '')}`
}

