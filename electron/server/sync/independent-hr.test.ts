/**
 * The HR protocol against an HR server written from the protocol document alone, in its own process
 * (e2e/attacker/independent-hr.mjs: node built-ins only): the checks the outside test made.
 * - a correction or void never reaches HR before the event it refers to is accepted, even when that
 *   event is rejected first and retried later; what does not depend on it keeps flowing;
 * - an unsigned 429 asking for an hour is ignored (normal back-off), the kiosk's own queue intact;
 * - every id on the wire is what the document says (UUIDs).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { correctAttendance, voidAttendance } from '../store/attendance-store'
import { kioskForSync, TEST_SECRET, type SyncKiosk } from './testing/kiosk-for-sync'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
type Received = { batch: number; id: string; kind: string; corrects: string | null; status: string }

let tmp: string
let hr: ChildProcess | null = null
let kiosk: SyncKiosk | null = null

async function startIndependentHr(opts: object): Promise<{ url: string; received: Received[] }> {
  const child = spawn(process.execPath, [join(ROOT, 'e2e', 'attacker', 'independent-hr.mjs'), JSON.stringify({ secret: TEST_SECRET, ...opts })], { stdio: ['ignore', 'pipe', 'inherit'] })
  hr = child
  const received: Received[] = []
  let buf = ''
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as { listening?: string } & Received
        buf = buf.slice(nl + 1)
        if (line.listening) resolveUrl(line.listening)
        else received.push(line)
      }
    })
    child.once('exit', (code) => reject(new Error(`independent HR exited ${code}`)))
  })
  return { url, received }
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hadir-indep-hr-'))
})
afterEach(async () => {
  await kiosk?.close()
  kiosk = null
  if (hr && hr.exitCode === null) {
    const gone = new Promise((r) => hr?.once('exit', r))
    hr.kill('SIGTERM')
    await gone
  }
  hr = null
  rmSync(tmp, { recursive: true, force: true })
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('an independently written HR server', () => {
  it('a correction and a void are delivered only after the event they refer to is accepted; ids are UUIDs', async () => {
    const server = await startIndependentHr({ rejectUntilRetried: 'E1' })
    kiosk = await kioskForSync({ dbFile: join(tmp, 'kiosk.db'), hrUrl: server.url, sync: { backoff: { baseMs: 10, capMs: 50 } } })
    const [e, f, g] = kiosk.queue(3, { personId: (i) => ['E1', 'E2', 'E1'][i] as string }) as [string, string, string]
    const ctx = { now: Date.now(), actor: 'admin', kioskId: 'kiosk-test' }
    const c = correctAttendance(kiosk.app.db, { eventId: e, direction: 'out', reason: 'pressed the wrong button' }, ctx).id
    voidAttendance(kiosk.app.db, { eventId: c, reason: 'not a correction after all' }, ctx)
    voidAttendance(kiosk.app.db, { eventId: f, reason: 'double scan' }, ctx)
    for (let i = 0; i < 4; i++) await kiosk.app.sync.syncOnce({ force: true })
    // E and G (E1) rejected once and parked; F (E2) and its void accepted; the correction of E and its void held
    expect(kiosk.app.sync.status()).toMatchObject({ parked: 2, held: 2 })
    expect(server.received.filter((r) => r.kind !== 'event').map((r) => r.corrects)).toEqual([f])
    expect(kiosk.app.sync.retryParked()).toBe(2)
    for (let i = 0; i < 6 && kiosk.app.sync.status().queued > 0; i++) await kiosk.app.sync.syncOnce({ force: true })
    expect(kiosk.app.sync.status(), JSON.stringify(server.received)).toMatchObject({ queued: 0, parked: 0, held: 0 })
    // HR's own record, in arrival order: nothing refers to an event HR had not accepted before it
    const acceptedAt = new Map<string, number>()
    server.received.forEach((r, i) => {
      if (r.status === 'accepted' && !acceptedAt.has(r.id)) acceptedAt.set(r.id, i)
    })
    for (const [i, r] of server.received.entries()) {
      if (r.kind === 'event') continue
      const target = acceptedAt.get(r.corrects as string)
      expect(target, `${r.kind} ${r.id} before ${r.corrects} was accepted`).toBeDefined()
      expect(target as number, `${r.kind} ${r.id}`).toBeLessThan(i)
      expect(server.received[target as number]?.batch, `${r.kind} ${r.id} in the same batch as its event`).toBeLessThan(r.batch)
    }
    expect(server.received.filter((r) => r.status === 'rejected-unknown-target')).toEqual([])
    expect(new Set(server.received.filter((r) => r.status === 'accepted').map((r) => r.id)).size).toBe(6)
    for (const r of server.received) expect(r.id).toMatch(UUID)
    expect(server.received.find((r) => r.id === g)?.status).toBe('rejected')
  })

  it('an unsigned 429 asking for an hour is ignored: the next try comes after the normal back-off', async () => {
    const server = await startIndependentHr({ unsignedRateLimit: 3600 })
    kiosk = await kioskForSync({ dbFile: join(tmp, 'kiosk.db'), hrUrl: server.url, sync: { backoff: { baseMs: 10, capMs: 50 } } })
    const ids = kiosk.queue(5)
    const t0 = Date.now()
    await kiosk.app.sync.syncOnce()
    const s = kiosk.app.sync.status()
    expect(s.lastError).toMatchObject({ code: 'hr-rate-limited' })
    expect((s.nextAttemptAt as number) - t0).toBeLessThan(5_000)
    await new Promise((r) => setTimeout(r, Math.max(0, (s.nextAttemptAt as number) - Date.now()) + 10))
    await kiosk.app.sync.syncOnce()
    expect(kiosk.app.sync.status()).toMatchObject({ queued: 0, lastError: null })
    expect(server.received.map((r) => r.id).sort()).toEqual([...ids].sort())
  })
})
