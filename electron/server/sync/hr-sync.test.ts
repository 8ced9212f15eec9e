/**
 * HR sync against the reference HR server (e2e/hr-server) over real HTTP on 127.0.0.1, with real
 * SQLite files on both sides: exactly-once delivery through crashes, lost answers, outages, rate
 * limits, permanent rejections, forged or garbled answers; roster and template sharing.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startHrServer, type HrServer } from '../../../e2e/hr-server/server'
import { emb, LIVE, TEST_MODEL } from '../testing/fixtures'
import { embeddingToBase64, signedHeaders } from './protocol'
import { retryAfter, wireEvent } from './hr-sync'
import { kioskForSync, TEST_SECRET, type SyncKiosk } from './testing/kiosk-for-sync'
import { correctAttendance, voidAttendance } from '../store/attendance-store'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
let tmp: string
let server: HrServer
const kiosks: SyncKiosk[] = []

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hadir-sync-'))
  server = await startHrServer({ dbFile: join(tmp, 'hr.db'), secret: TEST_SECRET })
})
afterEach(async () => {
  for (const k of kiosks.splice(0)) await k.close().catch(() => undefined)
  await server.close()
  rmSync(tmp, { recursive: true, force: true })
})

async function kiosk(opts: Partial<Parameters<typeof kioskForSync>[0]> = {}): Promise<SyncKiosk> {
  const k = await kioskForSync({ dbFile: join(tmp, `${opts.kioskId ?? 'kiosk'}.db`), hrUrl: server.url, ...opts })
  kiosks.push(k)
  return k
}

/** Rounds until the queue is empty (or `max` rounds), forcing past the backoff. */
async function drain(k: SyncKiosk, max = 100): Promise<number> {
  for (let i = 0; i < max; i++) {
    await k.app.sync.syncOnce({ force: true })
    if (k.app.sync.status().queued === 0) return i + 1
  }
  throw new Error(`not drained after ${max} rounds: ${JSON.stringify(k.app.sync.status())}`)
}

function sentCount(k: SyncKiosk): number {
  return (k.app.db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NOT NULL').get() as { n: number }).n
}

function exactlyOnce(ids: string[]): void {
  const receipts = server.eventReceipts()
  const stored = new Set(server.eventIds())
  for (const id of ids) {
    expect(stored.has(id), id).toBe(true)
    expect(receipts[id]?.stored, id).toBe(1)
  }
  expect(server.stats().events).toBe(ids.length)
}

describe('wire format', () => {
  it('maps events, corrections and voids; Retry-After in seconds or as a date', () => {
    const ev = { id: 'a', kind: 'attendance-event', payload: JSON.stringify({ id: 'a', personId: 'E1', personName: 'Ani', direction: 'in', at: 1000, similarity: 0.81234, source: 'kiosk', kioskId: 'k' }) }
    expect(wireEvent(ev, 'k')).toEqual({ id: 'a', kind: 'event', kioskId: 'k', personId: 'E1', personName: 'Ani', direction: 'in', at: 1000, atIso: '1970-01-01T00:00:01.000Z', source: 'kiosk', similarity: 0.8123, corrects: null, reason: null })
    const corr = { id: 'b', kind: 'attendance-correction', payload: JSON.stringify({ id: 'b', personId: 'E1', direction: 'out', at: 2000, source: 'manual', corrects: 'a', voided: false, reason: 'wrong button' }) }
    expect(wireEvent(corr, 'k')).toMatchObject({ kind: 'correction', corrects: 'a', reason: 'wrong button', source: 'manual' })
    // voids queued before issue #14 kept the id '<event id>:void'; new ones have their own UUID
    const voided = { id: 'a:void', kind: 'attendance-correction', payload: JSON.stringify({ id: 'a', personId: 'E1', direction: 'in', at: 1000, voided: true, reason: 'test scan' }) }
    expect(wireEvent(voided, 'k')).toMatchObject({ id: 'a:void', kind: 'void', corrects: 'a' })
    expect(retryAfter('7', 0)).toBe(7000)
    expect(retryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000)
    expect(retryAfter('soon', 0)).toBeNull()
  })
})

describe('attendance delivery', () => {
  it('10,000 events queued offline drain in batches: HR holds exactly 10,000', async () => {
    const k = await kiosk()
    const ids = k.queue(10_000)
    const t0 = performance.now()
    const rounds = await drain(k)
    const s = (performance.now() - t0) / 1000
    process.stderr.write(`sync drain: 10000 events in ${s.toFixed(2)} s (${Math.round(10_000 / s)} events/s), ${server.stats().batches} batches, ${rounds} rounds\n`)
    exactlyOnce(ids)
    expect(server.stats().batches).toBe(20) // batches of 500
    expect(sentCount(k)).toBe(10_000)
    expect(k.app.sync.status()).toMatchObject({ queued: 0, parked: 0, online: true, lastError: null })
  }, 120_000)

  it('an answer lost after HR committed: the batch is resent and HR counts each event once', async () => {
    const k = await kiosk()
    const ids = k.queue(50)
    server.faults.dropAfterCommit(1)
    await k.app.sync.syncOnce({ force: true })
    expect(k.app.sync.status()).toMatchObject({ queued: 50, lastError: { code: expect.stringMatching(/hr-unreachable|hr-bad-response|hr-timeout/) } })
    expect(server.stats().events).toBe(50) // HR has them, the kiosk does not know
    await drain(k)
    exactlyOnce(ids)
    expect(server.stats().duplicates).toBe(50)
    expect(sentCount(k)).toBe(50)
  })

  it('the kiosk killed (SIGKILL) in the middle of a batch and restarted: exactly once', async () => {
    const setup = await kioskForSync({ dbFile: join(tmp, 'killed.db'), hrUrl: server.url })
    const ids = setup.queue(1_200)
    await setup.close()
    server.faults.slow(3_000) // HR commits the first batch, then takes 3 s to answer
    const run = () => spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'electron/server/sync/testing/sync-child.ts'), join(tmp, 'killed.db')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const first = run()
    const deadline = Date.now() + 30_000
    while (server.stats().batches < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(server.stats().batches).toBe(1)
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    expect(server.stats().events).toBe(500) // committed at HR, never acknowledged to the kiosk
    server.faults.slow(0)
    const second = run()
    let out = ''
    second.stdout?.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>((r) => second.once('exit', r))
    expect(code, out).toBe(0)
    expect(out).toContain('drained')
    exactlyOnce(ids)
    expect(server.stats().duplicates).toBeGreaterThanOrEqual(500)
  }, 90_000)

  it('HR failing for a while (500s, then 429 with Retry-After): the worker recovers by itself', async () => {
    const k = await kiosk({ sync: { backoff: { baseMs: 20, capMs: 100 }, pullEveryMs: 60_000 } })
    const ids = k.queue(30)
    server.faults.fail(3, 500)
    server.faults.rateLimit(1, 1)
    k.app.sync.start()
    const t0 = Date.now()
    while (k.app.sync.status().queued > 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50))
    expect(k.app.sync.status()).toMatchObject({ queued: 0, online: true, lastError: null })
    // the 429 asked for 1 s: the worker waited at least that long
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000)
    exactlyOnce(ids)
  }, 30_000)

  it('one event permanently rejected: parked and visible, the others delivered; a retry after HR is fixed delivers it', async () => {
    const k = await kiosk()
    server.setRejectPersonIds(['GHOST'])
    const ids = k.queue(9, { personId: (i) => (i === 4 ? 'GHOST' : `E${i}`) })
    await drain(k)
    expect(server.stats().events).toBe(8)
    const parked = k.app.sync.parked()
    expect(parked).toEqual([expect.objectContaining({ id: ids[4], personId: 'GHOST', reason: 'unknown employee', kind: 'event' })])
    expect(k.app.sync.status()).toMatchObject({ queued: 0, parked: 1 })
    server.setRejectPersonIds([])
    expect(k.app.sync.retryParked([ids[4] as string])).toBe(1)
    await drain(k)
    exactlyOnce(ids)
    expect(k.app.sync.status()).toMatchObject({ queued: 0, parked: 0 })
  })

  it('a correction or void is never delivered before HR accepted the event it refers to; what does not depend on a rejected event flows', async () => {
    // every batch the kiosk sends, as HR receives it
    const batches: string[][] = []
    const recording: typeof fetch = async (input, init) => {
      if (String(input).includes('attendance/batch') && typeof init?.body === 'string') batches.push((JSON.parse(init.body) as { events: Array<{ id: string }> }).events.map((e) => e.id))
      return fetch(input, init)
    }
    const k = await kiosk({ sync: { fetch: recording, backoff: { baseMs: 20, capMs: 100 } } })
    server.setRejectPersonIds(['E1'])
    const [e, f] = k.queue(2, { personId: (i) => (i === 0 ? 'E1' : 'E2') }) as [string, string]
    const ctx = { now: Date.now(), actor: 'admin', kioskId: 'kiosk-test' }
    const c = correctAttendance(k.app.db, { eventId: e, direction: 'out', reason: 'wrong button' }, ctx).id
    const v = voidAttendance(k.app.db, { eventId: f, reason: 'double scan' }, ctx)
    const voidId = (k.app.db.prepare("SELECT id FROM outbox WHERE depends_on = ? AND json_extract(payload, '$.voided') = 1").get(f) as { id: string }).id
    expect(v.voided).toBe(true)
    expect(voidId).toMatch(/^[0-9a-f-]{36}$/) // a UUID of its own, as the protocol says
    await k.app.sync.syncOnce({ force: true })
    await k.app.sync.syncOnce({ force: true })
    // E rejected and parked; its correction held (not parked, not sent); F and its void delivered, in that order
    expect(k.app.sync.status()).toMatchObject({ parked: 1, queued: 1, held: 1 })
    expect(server.eventIds().sort()).toEqual([f, voidId].sort())
    expect(batches.flat()).not.toContain(c)
    const batchOf = (id: string) => batches.findIndex((b) => b.includes(id))
    expect(batchOf(voidId)).toBeGreaterThan(batchOf(f))
    // HR fixed, the admin retries E: E first, then (never in E's batch) its correction
    server.setRejectPersonIds([])
    expect(k.app.sync.retryParked()).toBe(1)
    await drain(k)
    expect(k.app.sync.status()).toMatchObject({ parked: 0, queued: 0, held: 0 })
    const lastE = batches.map((b, i) => (b.includes(e) ? i : -1)).filter((i) => i >= 0).at(-1) as number
    expect(batchOf(c)).toBeGreaterThan(lastE)
    exactlyOnce([e, f, c, voidId])
  })

  it('Retry-After only from a signed answer: an unsigned 429 asking for an hour gets the normal back-off, a signed one is honoured', async () => {
    const k = await kiosk({ sync: { backoff: { baseMs: 20, capMs: 100 } } })
    k.queue(3)
    server.faults.rateLimit(1, 3600, 'attendanceBatch', { unsigned: true })
    const t0 = Date.now()
    await k.app.sync.syncOnce({ force: true })
    const unsigned = k.app.sync.status()
    expect(unsigned.lastError).toMatchObject({ code: 'hr-rate-limited', message: expect.stringContaining('unsigned: its Retry-After is ignored') })
    expect((unsigned.nextAttemptAt as number) - t0).toBeLessThan(60_000)
    server.faults.rateLimit(1, 3600, 'attendanceBatch')
    const t1 = Date.now()
    await k.app.sync.syncOnce({ force: true })
    const signed = k.app.sync.status()
    expect(signed.lastError).toMatchObject({ code: 'hr-rate-limited', message: 'HR answered 429' })
    expect((signed.nextAttemptAt as number) - t1).toBeGreaterThanOrEqual(3_600_000)
    expect(signed.queued).toBe(3)
  })

  it('forged, unsigned, stale, HTML or cut answers and a wrong key: clear errors, nothing marked sent, nothing lost', async () => {
    const k = await kiosk()
    const ids = k.queue(20)
    const expectError = async (arm: () => void, code: string) => {
      arm()
      await k.app.sync.syncOnce({ force: true })
      expect(k.app.sync.status().lastError?.code).toBe(code)
    }
    await expectError(() => server.faults.badSignature(1), 'hr-bad-signature')
    await expectError(() => server.faults.unsigned(1), 'hr-bad-signature')
    await expectError(() => server.faults.garbage(1, 'html'), 'hr-bad-signature') // a proxy's page is not signed
    await expectError(() => server.faults.garbage(1, 'truncated-json'), 'hr-bad-response')
    server.faults.clockSkewMs(10 * 60_000)
    await expectError(() => undefined, 'hr-stale-response') // HR refuses our timestamp: the clocks differ
    server.faults.clockSkewMs(0)
    // everything HR committed meanwhile is recognised as a duplicate later; nothing was marked sent on a bad answer
    expect(sentCount(k)).toBe(0)
    const wrong = await kiosk({ kioskId: 'wrong-key', key: 'whsec_not_the_right_key_0123456789' })
    wrong.queue(3)
    await wrong.app.sync.syncOnce({ force: true })
    expect(wrong.app.sync.status()).toMatchObject({ queued: 3, lastError: { code: 'hr-unauthorized' } })
    await drain(k)
    exactlyOnce(ids)
  })

  it('a check-in leaves within a second when HR is reachable', async () => {
    const k = await kiosk({ sync: { backoff: { baseMs: 20, capMs: 100 } } })
    k.app.sync.start()
    await k.app.dispatch('people/upsert', { id: 'E1', name: 'Ani' })
    await k.app.dispatch('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'test admin' })
    await new Promise((r) => setTimeout(r, 300)) // the first round (roster, heartbeat) is over
    const t0 = Date.now()
    const r = await k.app.dispatch('kiosk/recognize', { modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embeddings: [[1, 0, 0, 0]], liveness: LIVE })
    expect(r).toMatchObject({ ok: true, data: { kind: 'recorded' } })
    while (server.stats().events < 1 && Date.now() - t0 < 5_000) await new Promise((res) => setTimeout(res, 10))
    const ms = Date.now() - t0
    process.stderr.write(`sync: check-in reached HR after ${ms} ms\n`)
    expect(server.stats().events).toBe(1)
    expect(ms).toBeLessThan(1_000)
  })
})

describe('roster and templates', () => {
  it('the roster arrives: new, renamed and deactivated employees', async () => {
    server.setEmployee({ id: 'E1', name: 'Siti Aminah', department: 'Keuangan' })
    server.setEmployee({ id: 'E2', name: 'Budi Santoso' })
    const k = await kiosk()
    await k.app.sync.syncOnce({ force: true })
    const people = () => k.app.db.prepare('SELECT id, name, department, active FROM people ORDER BY id').all()
    expect(people()).toEqual([
      { id: 'E1', name: 'Siti Aminah', department: 'Keuangan', active: 1 },
      { id: 'E2', name: 'Budi Santoso', department: null, active: 1 },
    ])
    server.setEmployee({ id: 'E2', name: 'Budi S.' })
    server.deactivateEmployee('E1')
    await k.app.sync.syncOnce({ force: true })
    expect(people()).toEqual([
      { id: 'E1', name: 'Siti Aminah', department: 'Keuangan', active: 0 },
      { id: 'E2', name: 'Budi S.', department: null, active: 1 },
    ])
  })

  it('a cursor HR no longer knows: the roster is pulled again from the beginning', async () => {
    server.setEmployee({ id: 'E1', name: 'Siti Aminah' })
    const k = await kiosk()
    k.app.db.prepare(`INSERT INTO sync_state (key, value) VALUES ('roster.cursor', '"not-a-cursor"')`).run()
    await k.app.sync.syncOnce({ force: true })
    expect(k.app.sync.status().lastError?.code).toBe('hr-bad-cursor')
    await k.app.sync.syncOnce({ force: true })
    expect(k.app.db.prepare('SELECT id FROM people').all()).toEqual([{ id: 'E1' }])
    expect(k.app.sync.status().lastError).toBeNull()
  })

  it('an enrollment at the front door is recognised at the warehouse; a deletion follows as a tombstone', async () => {
    const front = await kiosk({ kioskId: 'front-door', shareTemplates: true })
    const warehouse = await kiosk({ kioskId: 'warehouse', shareTemplates: true })
    await front.app.dispatch('people/upsert', { id: 'E7', name: 'Dewi' })
    await front.app.dispatch('enrollment/add-template', { ...emb([0, 0, 1, 0]), personId: 'E7', consentBy: 'test admin' })
    await front.app.sync.syncOnce({ force: true })
    await warehouse.app.sync.syncOnce({ force: true })
    expect(await warehouse.app.dispatch('recognition/identify', emb([0, 0.05, 1, 0]))).toMatchObject({ ok: true, data: { decision: 'match', personId: 'E7' } })
    await front.app.dispatch('people/delete', { personId: 'E7' })
    await front.app.sync.syncOnce({ force: true })
    await warehouse.app.sync.syncOnce({ force: true })
    expect(await warehouse.app.dispatch('recognition/identify', emb([0, 0.05, 1, 0]))).toMatchObject({ ok: false, error: { code: 'empty-gallery' } })
  })

  it('templates stay on the kiosk unless an admin turns sharing on', async () => {
    const k = await kiosk({ kioskId: 'private' })
    await k.app.dispatch('people/upsert', { id: 'E8', name: 'Eka' })
    await k.app.dispatch('enrollment/add-template', { ...emb([0, 1, 0, 0]), personId: 'E8', consentBy: 'test admin' })
    await k.app.sync.syncOnce({ force: true })
    expect(server.stats().templates).toBe(0)
  })
})

describe('an HR server that sends bad data', () => {
  /** A tiny HR that answers every request with one signed body (the reference server never sends bad data). */
  async function badHr(body: (path: string) => unknown): Promise<{ url: string; close(): Promise<void> }> {
    const srv = http.createServer((req, res) => {
      const text = JSON.stringify(body(req.url ?? ''))
      res.writeHead(200, { 'content-type': 'application/json', ...signedHeaders(TEST_SECRET, text, Date.now()) })
      res.end(text)
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`, close: () => new Promise((r) => srv.close(() => r())) }
  }

  it('a roster entry without an id and a template of another model are skipped and logged; the rest applies', async () => {
    const other = new Float32Array([0, 0, 0, 1])
    const hr = await badHr((path) =>
      path.includes('roster')
        ? { employees: [{ name: 'No Id', active: true }, { id: 'E3', name: 'Citra', active: true }], cursor: '2', more: false }
        : path.includes('templates?') || path.includes('v1/templates?')
          ? {
              templates: [
                { id: 't1', personId: 'E3', modelId: 'another-model', modelVersion: '9', dim: 4, embedding: embeddingToBase64(other), kioskId: 'x', createdAt: 1 },
                { id: 't2', personId: 'E3', modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, dim: 4, embedding: embeddingToBase64(other), kioskId: 'x', createdAt: 1 },
              ],
              tombstones: [],
              cursor: '1',
              more: false,
            }
          : { results: [], serverTime: Date.now() },
    )
    try {
      const k = await kioskForSync({ dbFile: join(tmp, 'bad.db'), hrUrl: hr.url, shareTemplates: true })
      kiosks.push(k)
      await k.app.sync.syncOnce({ force: true })
      expect(k.app.db.prepare('SELECT id, name FROM people').all()).toEqual([{ id: 'E3', name: 'Citra' }])
      expect(k.app.db.prepare('SELECT uid FROM face_templates').all()).toEqual([{ uid: 't2' }])
      const actions = (k.app.db.prepare('SELECT action, details FROM audit_log').all() as Array<{ action: string; details: string }>).map((r) => r.action)
      expect(actions).toEqual(expect.arrayContaining(['sync.roster-invalid', 'sync.template-skipped']))
    } finally {
      await hr.close()
    }
  })
})
