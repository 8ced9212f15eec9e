/**
 * The reference HR server (e2e/hr-server/server.ts) over real HTTP on 127.0.0.1: signatures both ways,
 * per-event results, atomic dedupe, roster and template cursors, and every fault switch.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startHrServer } from '../../../e2e/hr-server/server'
import type { HrServer, HrServerOptions } from '../../../e2e/hr-server/server'
import {
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  PATHS,
  PROTOCOL_VERSION,
  embeddingToBase64,
  endpoint,
  signedHeaders,
  verifySignature,
} from './protocol'
import type {
  AttendanceBatchResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  RosterResponse,
  TemplatesPullResponse,
  TemplatesPushResponse,
  Tombstone,
  WireEvent,
  WireTemplate,
} from './protocol'

const SECRET = 'whsec_test_secret'
const KIOSK = 'kiosk-a'

type Reply = { status: number; headers: Headers; text: string; ms: number }
type CallOpts = { body?: unknown; raw?: string; query?: Record<string, string>; secret?: string | null; nowMs?: number; timeoutMs?: number }

let dir: string
let servers: HrServer[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-server-'))
})
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
  fs.rmSync(dir, { recursive: true, force: true })
})

async function start(extra: Partial<HrServerOptions> = {}): Promise<HrServer> {
  const s = await startHrServer({ dbFile: path.join(dir, 'hr.db'), secret: SECRET, ...extra })
  servers.push(s)
  return s
}

/** A signed call (secret null = unsigned); a GET unless there is a body. */
async function call(s: HrServer, p: string, o: CallOpts = {}): Promise<Reply> {
  const body = o.raw ?? (o.body === undefined ? '' : JSON.stringify(o.body))
  const method = o.raw !== undefined || o.body !== undefined ? 'POST' : 'GET'
  const secret = o.secret === undefined ? SECRET : o.secret
  const headers: Record<string, string> = { 'content-type': 'application/json', 'hadir-kiosk-id': KIOSK }
  if (secret !== null) Object.assign(headers, signedHeaders(secret, body, o.nowMs ?? Date.now()))
  const t0 = Date.now()
  const res = await fetch(endpoint(s.url, p, o.query), {
    method,
    headers,
    body: method === 'POST' ? body : undefined,
    signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, ms: Date.now() - t0 }
}

function verified(r: Reply, secret = SECRET, nowMs = Date.now()): boolean {
  return verifySignature(secret, (n) => r.headers.get(n), r.text, nowMs).ok
}
function json<T>(r: Reply): T {
  return JSON.parse(r.text) as T
}

let n = 0
function ev(over: Partial<WireEvent> = {}): WireEvent {
  n++
  const at = Date.UTC(2025, 10, 20, 7, 0, n)
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    kind: 'event',
    kioskId: KIOSK,
    personId: 'E001',
    personName: 'Budi Santoso',
    direction: 'in',
    at,
    atIso: new Date(at).toISOString(),
    source: 'kiosk',
    similarity: 0.82,
    corrects: null,
    reason: null,
    ...over,
  }
}
const batch = (events: unknown[], kioskId = KIOSK): { protocol: number; kioskId: string; events: unknown[] } => ({ protocol: PROTOCOL_VERSION, kioskId, events })
const postEvents = (s: HrServer, events: unknown[], o: CallOpts = {}): Promise<Reply> => call(s, PATHS.attendanceBatch, { body: batch(events), ...o })

function tpl(id: string, personId: string, kioskId: string, createdAt = 1_000): WireTemplate {
  const v = new Float32Array(8).map((_, i) => (i + 1) / 10)
  return { id, personId, modelId: 'fr_feature', modelVersion: '1', dim: 8, embedding: embeddingToBase64(v), kioskId, createdAt }
}
const push = (s: HrServer, kioskId: string, templates: unknown[], tombstones: Tombstone[] = []): Promise<Reply> =>
  call(s, PATHS.templatesPush, { body: { protocol: PROTOCOL_VERSION, kioskId, templates, tombstones } })
const pull = (s: HrServer, kioskId: string, since = '', limit = '100'): Promise<Reply> => call(s, PATHS.templatesPull, { query: { since, limit, kioskId } })

describe('signatures', () => {
  it('refuses an unsigned, a stale and a wrongly signed request with 401 and its reason, storing nothing', async () => {
    const s = await start()
    const unsigned = await postEvents(s, [ev()], { secret: null })
    const stale = await postEvents(s, [ev()], { nowMs: Date.now() - 301_000 })
    const future = await postEvents(s, [ev()], { nowMs: Date.now() + 301_000 })
    const bad = await postEvents(s, [ev()], { secret: 'another-secret' })
    expect([unsigned.status, stale.status, future.status, bad.status]).toEqual([401, 401, 401, 401])
    expect([unsigned, stale, future, bad].map((r) => json<{ error: string }>(r).error)).toEqual(['unsigned', 'stale', 'stale', 'bad-signature'])
    for (const r of [unsigned, stale, bad]) expect(verified(r)).toBe(true) // the 401s are signed too
    expect(s.stats().events).toBe(0)
  })

  it('accepts a request signed within the tolerance, and a GET is signed over the empty body', async () => {
    const s = await start()
    expect((await postEvents(s, [ev()], { nowMs: Date.now() - 290_000 })).status).toBe(200)
    expect((await call(s, PATHS.roster, { secret: null })).status).toBe(401)
    expect((await call(s, PATHS.roster, { raw: undefined })).status).toBe(200)
  })

  it('refuses a body changed after signing', async () => {
    const s = await start()
    const body = JSON.stringify(batch([ev()]))
    const headers = { ...signedHeaders(SECRET, body, Date.now()), 'content-type': 'application/json' }
    const res = await fetch(endpoint(s.url, PATHS.attendanceBatch), { method: 'POST', headers, body: body.replace('Budi', 'Bude') })
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: string }).error).toBe('bad-signature')
  })

  it('signs every response: it verifies with the secret and fails with another one', async () => {
    const s = await start()
    const r = await postEvents(s, [ev()])
    expect(r.status).toBe(200)
    expect(r.headers.get('webhook-id')).toBeTruthy()
    expect(verified(r)).toBe(true)
    expect(verified(r, 'another-secret')).toBe(false)
    expect(verifySignature(SECRET, (h) => r.headers.get(h), `${r.text} `, Date.now()).ok).toBe(false)
    const g = await call(s, PATHS.roster)
    expect(verified(g)).toBe(true)
  })
})

describe('attendance batches', () => {
  it('answers accepted, duplicate and rejected per event, storing only the accepted ones', async () => {
    const s = await start({ rejectPersonIds: ['E404'] })
    const good = ev()
    const correction = ev({ kind: 'correction', corrects: good.id, direction: 'out', reason: 'wrong button' })
    const invalid = [
      ev({ direction: 'sideways' as 'in' }),
      ev({ kind: 'void', corrects: null }),
      ev({ id: 'x'.repeat(65) }),
      ev({ id: '' }),
      ev({ personId: '' }),
      { ...ev(), at: 'yesterday' },
      ev({ kind: 'undo' as 'event' }),
    ]
    const unknown = ev({ personId: 'E404' })
    const r = await postEvents(s, [good, correction, ...invalid, unknown])
    expect(r.status).toBe(200)
    const { results } = json<AttendanceBatchResponse>(r)
    expect(results.map((x) => x.status)).toEqual(['accepted', 'accepted', ...invalid.map(() => 'rejected'), 'rejected'])
    expect(results.at(-1)).toEqual({ id: unknown.id, status: 'rejected', reason: 'unknown employee' })
    for (const x of results.slice(2)) expect(x.reason).toBeTruthy()
    expect(results[2]?.reason).toMatch(/direction/)
    expect(results[3]?.reason).toMatch(/corrects/)

    const again = json<AttendanceBatchResponse>(await postEvents(s, [good, correction, ev()]))
    expect(again.results.map((x) => x.status)).toEqual(['duplicate', 'duplicate', 'accepted'])
    expect(s.eventIds()).toEqual([good.id, correction.id, again.results[2]?.id])
    expect(s.storedEvents()[1]).toEqual(correction)
    expect(s.stats()).toMatchObject({ events: 3, duplicates: 2, rejected: invalid.length + 1, batches: 2, requests: 2 })
  })

  it('a rejected event can be sent again later and is accepted once the rule allows it', async () => {
    const s = await start({ rejectPersonIds: ['E009'] })
    const e = ev({ personId: 'E009' })
    expect(json<AttendanceBatchResponse>(await postEvents(s, [e])).results[0]?.status).toBe('rejected')
    s.setRejectPersonIds([])
    expect(json<AttendanceBatchResponse>(await postEvents(s, [e])).results[0]?.status).toBe('accepted')
    expect(s.eventReceipts()[e.id]).toEqual({ stored: 1, accepted: 1, duplicate: 0, rejected: 1 })
  })

  it('counts an id repeated inside one batch once', async () => {
    const s = await start()
    const e = ev()
    const { results } = json<AttendanceBatchResponse>(await postEvents(s, [e, e, { ...e, direction: 'out' }]))
    expect(results.map((x) => x.status)).toEqual(['accepted', 'duplicate', 'duplicate'])
    expect(s.stats().events).toBe(1)
  })

  it('dedupes atomically: the same batch sent twice at once stores each id once', async () => {
    const s = await start()
    const events = Array.from({ length: 200 }, () => ev())
    const replies = await Promise.all([postEvents(s, events), postEvents(s, events), postEvents(s, events)])
    const statuses = replies.flatMap((r) => json<AttendanceBatchResponse>(r).results.map((x) => x.status))
    expect(statuses.filter((x) => x === 'accepted')).toHaveLength(200)
    expect(statuses.filter((x) => x === 'duplicate')).toHaveLength(400)
    const ids = s.eventIds()
    expect(ids).toHaveLength(200)
    expect(new Set(ids).size).toBe(200)
    expect(Object.values(s.eventReceipts()).every((x) => x.stored === 1 && x.accepted === 1 && x.duplicate === 2)).toBe(true)
  })

  it('keeps exactly-once across a restart on the same database', async () => {
    const first = await start()
    const e = ev()
    await postEvents(first, [e])
    await first.close()
    const second = await start()
    expect(json<AttendanceBatchResponse>(await postEvents(second, [e])).results[0]?.status).toBe('duplicate')
    expect(second.stats().events).toBe(1)
  })

  it('answers 413 past 1000 events or 5 MB, signed, storing nothing', async () => {
    const s = await start()
    const many = await postEvents(s, Array.from({ length: 1001 }, () => ev()))
    expect(many.status).toBe(413)
    expect(verified(many)).toBe(true)
    const big = await postEvents(s, [ev({ reason: 'x'.repeat(5 * 1024 * 1024) })])
    expect(big.status).toBe(413)
    expect(verified(big)).toBe(true)
    expect((await postEvents(s, Array.from({ length: 1000 }, () => ev()))).status).toBe(200)
    expect(s.stats().events).toBe(1000)
  })

  it('answers 400 to a signed body that is not a batch', async () => {
    const s = await start()
    expect((await call(s, PATHS.attendanceBatch, { raw: '{"protocol":1,' })).status).toBe(400)
    expect(json<{ error: string }>(await call(s, PATHS.attendanceBatch, { body: { ...batch([ev()]), protocol: 99 } })).error).toBe('unsupported-protocol')
    expect((await call(s, PATHS.attendanceBatch, { body: { protocol: 1, kioskId: KIOSK } })).status).toBe(400)
    expect(s.stats().events).toBe(0)
  })
})

describe('roster', () => {
  it('pages employees changed since a cursor, and a change moves an employee past the cursor', async () => {
    const s = await start()
    const names = ['Budi Santoso', 'Siti Rahayu', 'Agus Wijaya', 'Dewi Lestari', 'Rina Kusuma']
    names.forEach((name, i) => s.setEmployee({ id: `E00${i + 1}`, name, department: 'Produksi' }))
    const seen: string[] = []
    let cursor = ''
    let pages = 0
    for (;;) {
      const page = json<RosterResponse>(await call(s, PATHS.roster, { query: { since: cursor, limit: '2' } }))
      seen.push(...page.employees.map((e) => e.id))
      cursor = page.cursor
      pages++
      if (!page.more) break
    }
    expect(seen).toEqual(['E001', 'E002', 'E003', 'E004', 'E005'])
    expect(pages).toBe(3)
    const idle = json<RosterResponse>(await call(s, PATHS.roster, { query: { since: cursor } }))
    expect(idle).toEqual({ employees: [], cursor, more: false })

    expect(s.deactivateEmployee('E002')).toBe(true)
    expect(s.deactivateEmployee('nobody')).toBe(false)
    s.setEmployee({ id: 'E006', name: 'Wahyu Pratama', department: null })
    const next = json<RosterResponse>(await call(s, PATHS.roster, { query: { since: cursor } }))
    expect(next.employees.map((e) => [e.id, e.active])).toEqual([
      ['E002', false],
      ['E006', true],
    ])
    expect(next.employees[0]).toMatchObject({ name: 'Siti Rahayu', department: 'Produksi' })
    expect(Number(next.cursor)).toBeGreaterThan(Number(cursor))
  })

  it('refuses a malformed cursor', async () => {
    const s = await start()
    expect(json<{ error: string }>(await call(s, PATHS.roster, { query: { since: 'abc' } })).error).toBe('bad-cursor')
  })
})

describe('templates', () => {
  it('stores pushed templates once, and a pull excludes the puller’s own pushes but advances its cursor', async () => {
    const s = await start()
    const r = json<TemplatesPushResponse>(await push(s, 'kiosk-a', [tpl('t1', 'E001', 'kiosk-a'), tpl('t2', 'E001', 'kiosk-a'), { ...tpl('t3', 'E001', 'kiosk-a'), dim: 9 }]))
    expect(r.results.map((x) => x.status)).toEqual(['accepted', 'accepted', 'rejected'])
    const again = json<TemplatesPushResponse>(await push(s, 'kiosk-a', [tpl('t1', 'E001', 'kiosk-a')]))
    expect(again.results).toEqual([{ id: 't1', status: 'duplicate' }])
    await push(s, 'kiosk-b', [tpl('t4', 'E002', 'kiosk-b')])

    const b = json<TemplatesPullResponse>(await pull(s, 'kiosk-b'))
    expect(b.templates.map((t) => t.id)).toEqual(['t1', 't2'])
    expect(b.templates[0]).toEqual(tpl('t1', 'E001', 'kiosk-a'))
    expect(b.more).toBe(false)
    const a = json<TemplatesPullResponse>(await pull(s, 'kiosk-a'))
    expect(a.templates.map((t) => t.id)).toEqual(['t4'])
    expect(a.cursor).toBe(b.cursor) // the puller's own changes are skipped, not left behind
    expect(json<TemplatesPullResponse>(await pull(s, 'kiosk-b', b.cursor)).templates).toEqual([])

    const paged = json<TemplatesPullResponse>(await pull(s, 'kiosk-c', '', '2'))
    expect([paged.templates.length, paged.more]).toEqual([2, true])
    const rest = json<TemplatesPullResponse>(await pull(s, 'kiosk-c', paged.cursor, '2'))
    expect([rest.templates.map((t) => t.id), rest.more]).toEqual([['t4'], false])
  })

  it('a tombstone erases the person’s older templates and reaches the other kiosks', async () => {
    const s = await start()
    await push(s, 'kiosk-a', [tpl('t1', 'E001', 'kiosk-a', 1_000), tpl('t2', 'E002', 'kiosk-a', 1_000)])
    const b0 = json<TemplatesPullResponse>(await pull(s, 'kiosk-b'))
    expect(b0.templates).toHaveLength(2)
    // kiosk-a re-enrolls E001: the tombstone and the new template in one push
    const tomb: Tombstone = { personId: 'E001', deletedAt: 2_000, kioskId: 'kiosk-a' }
    const r = json<TemplatesPushResponse>(await push(s, 'kiosk-a', [tpl('t5', 'E001', 'kiosk-a', 3_000)], [tomb]))
    expect(r.results).toEqual([{ id: 't5', status: 'accepted' }])
    expect(s.stats()).toMatchObject({ templates: 2, tombstones: 1 })
    const b1 = json<TemplatesPullResponse>(await pull(s, 'kiosk-b', b0.cursor))
    expect(b1.tombstones).toEqual([tomb])
    expect(b1.templates.map((t) => t.id)).toEqual(['t5'])
    // a late retry of a template the tombstone erased does not bring it back
    expect(json<TemplatesPushResponse>(await push(s, 'kiosk-a', [tpl('t1', 'E001', 'kiosk-a', 1_000)])).results[0]?.status).toBe('duplicate')
    expect(json<TemplatesPushResponse>(await push(s, 'kiosk-c', [tpl('t9', 'E001', 'kiosk-c', 1_500)])).results[0]?.status).toBe('rejected')
    // the same tombstone again is idempotent; kiosk-a does not get its own tombstone back
    await push(s, 'kiosk-a', [], [tomb])
    expect(s.stats().tombstones).toBe(1)
    expect(json<TemplatesPullResponse>(await pull(s, 'kiosk-a')).tombstones).toEqual([])
    const fresh = json<TemplatesPullResponse>(await pull(s, 'kiosk-c'))
    expect(fresh.templates.map((t) => t.id)).toEqual(['t2', 't5'])
  })
})

describe('heartbeat', () => {
  it('answers the server time and keeps the last heartbeat per kiosk', async () => {
    const s = await start({ now: () => 1_763_800_000_000 })
    const hb = (queueDepth: number): HeartbeatRequest => ({ protocol: 1, kioskId: KIOSK, version: '0.1.0', at: 1_763_799_990_000, queueDepth, parked: 1, lastError: null, people: 12, templates: 48 })
    const r = await call(s, PATHS.heartbeat, { body: hb(5), nowMs: 1_763_800_000_000 })
    expect(json<HeartbeatResponse>(r)).toEqual({ serverTime: 1_763_800_000_000 })
    expect(verified(r, SECRET, 1_763_800_000_000)).toBe(true)
    await call(s, PATHS.heartbeat, { body: hb(0), nowMs: 1_763_800_000_000 })
    expect(s.stats().heartbeats).toEqual({ [KIOSK]: hb(0) })
  })
})

describe('faults', () => {
  it('fail(n, status): the next n requests fail without doing anything', async () => {
    const s = await start()
    s.faults.fail(2, 503)
    const e = ev()
    const a = await postEvents(s, [e])
    const b = await postEvents(s, [e])
    expect([a.status, b.status]).toEqual([503, 503])
    expect(s.stats().events).toBe(0)
    expect(json<AttendanceBatchResponse>(await postEvents(s, [e])).results[0]?.status).toBe('accepted')
    expect(s.stats()).toMatchObject({ requests: 3, batches: 1 })
  })

  it('rateLimit(n, s): 429 with Retry-After, signed like every answer (or, as a proxy would, unsigned)', async () => {
    const s = await start()
    s.faults.rateLimit(1, 7)
    const r = await postEvents(s, [ev()])
    expect(r.status).toBe(429)
    expect(r.headers.get('retry-after')).toBe('7')
    expect(verifySignature(SECRET, (h) => r.headers.get(h), r.text, Date.now())).toEqual({ ok: true })
    expect(s.stats().events).toBe(0)
    s.faults.rateLimit(1, 3600, 'any', { unsigned: true })
    const proxy = await postEvents(s, [ev()])
    expect(proxy.status).toBe(429)
    expect(proxy.headers.get(HEADER_SIGNATURE)).toBeNull()
    expect((await postEvents(s, [ev()])).status).toBe(200)
  })

  it('error answers (400, 401, 404, 413, 5xx) are signed too', async () => {
    const s = await start()
    s.faults.fail(1, 503)
    const replies = [await postEvents(s, [ev()]), await call(s, '/v1/nope'), await call(s, `/${PATHS.roster}`, { secret: null }), await call(s, `/${PATHS.attendanceBatch}`, { raw: '{' })]
    expect(replies.map((r) => r.status)).toEqual([503, 404, 401, 400])
    for (const r of replies) expect(verifySignature(SECRET, (h) => r.headers.get(h), r.text, Date.now()), String(r.status)).toEqual({ ok: true })
  })

  it('a fault aimed at one endpoint leaves the others alone', async () => {
    const s = await start()
    s.faults.fail(1, 502, 'attendanceBatch')
    expect((await call(s, PATHS.roster)).status).toBe(200)
    expect((await postEvents(s, [ev()])).status).toBe(502)
    expect((await postEvents(s, [ev()])).status).toBe(200)
  })

  it('hang(n): the request never answers until the client gives up, and close() ends it', async () => {
    const s = await start()
    s.faults.hang(1)
    const e = ev()
    await expect(postEvents(s, [e], { timeoutMs: 400 })).rejects.toThrow()
    expect(s.stats().events).toBe(0)
    expect(json<AttendanceBatchResponse>(await postEvents(s, [e])).results[0]?.status).toBe('accepted')
    s.faults.hang(1)
    const pending = postEvents(s, [ev()], { timeoutMs: 20_000 }).then(
      () => 'answered',
      () => 'failed',
    )
    await new Promise((r) => setTimeout(r, 100))
    const t0 = Date.now()
    await s.close()
    expect(await pending).toBe('failed')
    expect(Date.now() - t0).toBeLessThan(2_000)
  })

  it('slow(ms): every response is delayed', async () => {
    const s = await start()
    s.faults.slow(400)
    expect((await postEvents(s, [ev()])).ms).toBeGreaterThanOrEqual(390)
    expect((await call(s, PATHS.roster)).ms).toBeGreaterThanOrEqual(390)
    s.faults.slow(0)
    expect((await call(s, PATHS.roster)).ms).toBeLessThan(390)
  })

  it('dropAfterCommit(n): the kiosk never hears back, but the events are stored; the retry gets duplicates', async () => {
    const s = await start()
    s.faults.dropAfterCommit(1)
    const events = [ev(), ev()]
    await expect(postEvents(s, events)).rejects.toThrow()
    expect(s.eventIds()).toEqual(events.map((e) => e.id))
    const retry = json<AttendanceBatchResponse>(await postEvents(s, events))
    expect(retry.results.map((x) => x.status)).toEqual(['duplicate', 'duplicate'])
    expect(s.stats().events).toBe(2)
  })

  it('badSignature(n) and unsigned(n): the work is done, the answer cannot be trusted', async () => {
    const s = await start()
    s.faults.badSignature(1)
    const bad = await postEvents(s, [ev()])
    expect(bad.status).toBe(200)
    expect(bad.headers.get(HEADER_SIGNATURE)).toMatch(/^v1,/)
    expect(verified(bad)).toBe(false)
    s.faults.unsigned(1)
    const none = await postEvents(s, [ev()])
    expect(none.headers.get(HEADER_SIGNATURE)).toBeNull()
    expect(none.headers.get(HEADER_TIMESTAMP)).toBeNull()
    expect(verified(none)).toBe(false)
    expect(s.stats().events).toBe(2)
    expect(verified(await postEvents(s, [ev()]))).toBe(true)
  })

  it('garbage(n, kind): an HTML page with 200, or cut JSON', async () => {
    const s = await start()
    s.faults.garbage(1, 'html')
    const html = await postEvents(s, [ev()])
    expect(html.status).toBe(200)
    expect(html.headers.get('content-type')).toMatch(/text\/html/)
    expect(() => JSON.parse(html.text)).toThrow()
    s.faults.garbage(1, 'truncated-json')
    const cut = await postEvents(s, [ev()])
    expect(cut.status).toBe(200)
    expect(verified(cut)).toBe(true)
    expect(() => JSON.parse(cut.text)).toThrow()
    expect(s.stats().events).toBe(2)
  })

  it('clockSkewMs(ms): request timestamps are judged, and responses signed, by the skewed clock', async () => {
    const s = await start()
    s.faults.clockSkewMs(10 * 60_000)
    const r = await postEvents(s, [ev()])
    expect(r.status).toBe(401)
    expect(json<{ error: string }>(r).error).toBe('stale')
    expect(verifySignature(SECRET, (h) => r.headers.get(h), r.text, Date.now())).toEqual({ ok: false, reason: 'stale' })
    expect(verified(r, SECRET, Date.now() + 10 * 60_000)).toBe(true)
    expect((await postEvents(s, [ev()], { nowMs: Date.now() + 10 * 60_000 })).status).toBe(200)
  })

  it('reset() turns everything off', async () => {
    const s = await start()
    s.faults.fail(5)
    s.faults.slow(2_000)
    s.faults.dropAfterCommit(3)
    s.faults.clockSkewMs(3_600_000)
    s.faults.reset()
    expect(s.faults.state()).toEqual({ armed: [], slowMs: 0, dropAfterCommit: 0, clockSkewMs: 0 })
    const r = await postEvents(s, [ev()])
    expect(r.status).toBe(200)
    expect(r.ms).toBeLessThan(2_000)
    expect(verified(r)).toBe(true)
  })

  it('POST /__faults arms faults without a signature, for local demos', async () => {
    const s = await start()
    expect(new URL(s.url).hostname).toBe('127.0.0.1')
    const res = await fetch(new URL('__faults', s.url), { method: 'POST', body: JSON.stringify([{ op: 'fail', n: 1, status: 502 }, { op: 'rateLimit', n: 1, retryAfterS: 3 }]) })
    expect(res.status).toBe(200)
    expect((await postEvents(s, [ev()])).status).toBe(502)
    expect((await postEvents(s, [ev()])).status).toBe(429)
    expect((await postEvents(s, [ev()])).status).toBe(200)
    const bad = await fetch(new URL('__faults', s.url), { method: 'POST', body: '{"op":"explode"}' })
    expect(bad.status).toBe(400)
    expect(s.stats().requests).toBe(3)
  })
})
