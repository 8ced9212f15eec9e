/**
 * One presence, one record: timelines of sightings replayed through the real dispatcher on a real
 * SQLite file, with an injected clock. A standing person comes back to the core every 4–6 s (the
 * kiosk's banner hold plus the tracker's gap); the core alone decides what one presence is.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import type { ApiArgs, ApiData, ApiMethod } from '../../../src/shared/api/contract'
import type { ApiResult } from '../../../src/shared/api/result'
import type { KioskOutcome } from '../../../src/shared/domain/types'
import { dispatch } from '../dispatch'
import { createHandlers, type ServerHandlers } from '../handlers'
import { FaceIndex } from '../recognition/face-index'
import { loadTemplates } from '../store/template-store'
import { loadSqlite } from '../db/sqlite'
import { migrate } from '../db/migrate'
import { newDataKey } from '../secrets/data-key'
import { bindDataKey } from '../secrets/store-key'
import { emb, fakeClock, TEST_MODEL, testHostInfo, testRecognition, track } from '../testing/fixtures'
import { Presences, planScan } from './presence'
import { DEFAULT_RULES } from './rules'

const T0 = new Date(2025, 0, 6, 8, 1, 0).getTime() // Monday 08:01 local
const S = 1000
const MIN = 60 * S
const FACE = { E1: [1, 0, 0, 0], E2: [0, 1, 0, 0] } as const

let dir: string
let db: Database
let handlers: ServerHandlers
let clock: ReturnType<typeof fakeClock>
const key = newDataKey()

function open(): Database {
  const Sqlite = loadSqlite()
  const d = new Sqlite(join(dir, 'hadir.db'))
  d.pragma('journal_mode = WAL')
  d.pragma('foreign_keys = ON')
  migrate(d)
  bindDataKey(d, key)
  return d
}

async function makeHandlers(): Promise<ServerHandlers> {
  const index = new FaceIndex(TEST_MODEL)
  for (const t of loadTemplates(db, TEST_MODEL)) index.add(t.personId, t.embedding)
  // the host's default cooldown, 60 s, as in the observed bug
  const h = createHandlers({ db, index, hostInfo: () => testHostInfo(), recognition: testRecognition(0.5), cooldownMs: 60 * S, now: clock.now, kioskId: 'kiosk-A' })
  return h
}

async function call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiData<M>> {
  const res = (await dispatch(handlers, method, args, { transport: 'direct' })) as ApiResult<ApiData<M>>
  if (!res.ok) throw new Error(`${method} failed: ${res.error.code} ${res.error.message}`)
  return res.data
}

/** One recognition of `who` at `at` (what the kiosk sends after each track). */
async function sight(who: keyof typeof FACE, at: number): Promise<KioskOutcome> {
  clock.set(at)
  return call('kiosk/recognize', track([...FACE[who]]))
}

/** Sightings of `who` from `from` to `to` every 4–6 s (a fixed pattern, like the banner hold + track gap). */
async function stand(who: keyof typeof FACE, from: number, to: number): Promise<KioskOutcome[]> {
  const out: KioskOutcome[] = []
  const steps = [4 * S, 5 * S, 6 * S, 4.5 * S]
  for (let t = from, i = 0; t <= to; t += steps[i++ % steps.length] as number) out.push(await sight(who, t))
  return out
}

const rows = async (personId?: string) => (await call('attendance/list', personId ? { personId } : {})).map((e) => e.direction)
const kinds = (outs: KioskOutcome[]) => outs.map((o) => (o.kind === 'recorded' || o.kind === 'already-recorded' ? `${o.kind}:${o.presence ?? ''}` : o.kind))

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hadir-presence-'))
  db = open()
  clock = fakeClock(T0 - 10 * MIN)
  handlers = await makeHandlers()
  await call('people/upsert', { id: 'E1', name: 'Ani' })
  await call('people/upsert', { id: 'E2', name: 'Budi' })
  await call('enrollment/add-template', { ...emb([...FACE.E1]), personId: 'E1', consentBy: 'test admin' })
  await call('enrollment/add-template', { ...emb([...FACE.E2]), personId: 'E2', consentBy: 'test admin' })
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('one presence, one record (default rules: cooldown 60 s, presence 2 min, confirm 10 min)', () => {
  it('stays 5 min, seen every 4–6 s: one check-in, then quiet "already recorded"', async () => {
    const outs = await stand('E1', T0, T0 + 5 * MIN)
    expect(outs.length).toBeGreaterThan(50)
    expect(kinds(outs)[0]).toBe('recorded:new')
    expect(new Set(kinds(outs).slice(1))).toEqual(new Set(['already-recorded:continued']))
    expect(await rows()).toEqual(['in'])
  })

  it('the observed bug: standing still 150 s is recorded once, not in-out-in', async () => {
    await stand('E1', T0, T0 + 150 * S)
    expect(await rows()).toEqual(['in'])
  })

  it('leaves 30 s and returns: the same presence', async () => {
    await stand('E1', T0, T0 + 60 * S)
    const back = await stand('E1', T0 + 90 * S, T0 + 150 * S)
    expect(new Set(kinds(back))).toEqual(new Set(['already-recorded:continued']))
    expect(await rows()).toEqual(['in'])
  })

  it('walks away and comes back 66 s later: no check-out', async () => {
    await sight('E1', T0)
    const back = await sight('E1', T0 + 66 * S)
    expect(back).toMatchObject({ kind: 'already-recorded', presence: 'continued', event: { direction: 'in' } })
    expect(await rows()).toEqual(['in'])
  })

  it('walks away and comes back 66 s later with a 30 s presence window: asked, not recorded', async () => {
    await call('settings/update', { rules: { presenceMs: 30 * S } })
    await sight('E1', T0)
    const back = await sight('E1', T0 + 66 * S)
    expect(back).toMatchObject({ kind: 'needs-direction', suggested: 'out', last: { direction: 'in' } })
    // still standing there without answering: the same presence, asked once
    expect(await sight('E1', T0 + 71 * S)).toMatchObject({ kind: 'already-recorded', presence: 'continued' })
    expect(await rows()).toEqual(['in'])
  })

  it('leaves 5 min and returns: "Check out now?"; yes records the check-out with the hours', async () => {
    await stand('E1', T0, T0 + 20 * S)
    const back = await sight('E1', T0 + 5 * MIN + 20 * S)
    expect(back).toMatchObject({ kind: 'needs-direction', suggested: 'out' })
    expect(await rows()).toEqual(['in'])
    if (back.kind !== 'needs-direction') throw new Error('expected a question')
    clock.advance(3 * S)
    const out = await call('kiosk/confirm', { ticket: back.ticket, direction: 'out' })
    expect(out).toMatchObject({ kind: 'recorded', presence: 'new', event: { direction: 'out', at: T0 + 5 * MIN + 20 * S }, workedTodayMs: 5 * MIN + 20 * S })
    // still there after the answer: quiet
    const after = await stand('E1', T0 + 5 * MIN + 30 * S, T0 + 7 * MIN)
    expect(new Set(kinds(after))).toEqual(new Set(['already-recorded:continued']))
    expect(await rows()).toEqual(['out', 'in'])
  })

  it('"Check out now?" can only be answered with the direction asked; not answering records nothing', async () => {
    await sight('E1', T0)
    const q = await sight('E1', T0 + 5 * MIN)
    if (q.kind !== 'needs-direction') throw new Error('expected a question')
    const res = await dispatch(handlers, 'kiosk/confirm', { ticket: q.ticket, direction: 'in' }, { transport: 'direct' })
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(await rows()).toEqual(['in'])
  })

  it('leaves 15 min (past the confirm window) and returns: checked out at once, with hours today', async () => {
    await sight('E1', T0)
    const out = await sight('E1', T0 + 15 * MIN)
    expect(out).toMatchObject({ kind: 'recorded', presence: 'new', event: { direction: 'out' }, workedTodayMs: 15 * MIN })
    expect(await rows()).toEqual(['out', 'in'])
  })

  it('two people alternating in front of the kiosk for 150 s: one record each', async () => {
    const outs: KioskOutcome[] = []
    for (let t = T0, i = 0; t <= T0 + 150 * S; t += 2.5 * S, i++) outs.push(await sight(i % 2 === 0 ? 'E1' : 'E2', t))
    expect(kinds(outs).filter((k) => k.startsWith('recorded'))).toHaveLength(2)
    expect(await rows('E1')).toEqual(['in'])
    expect(await rows('E2')).toEqual(['in'])
  })

  it('a restart within the presence window goes on from the last record (presences in memory are gone)', async () => {
    await sight('E1', T0)
    handlers = await makeHandlers()
    expect(await sight('E1', T0 + 90 * S)).toMatchObject({ kind: 'already-recorded', presence: 'continued' })
    expect(await rows()).toEqual(['in'])
  })

  it('the cooldown is still the floor between records with the presence window off', async () => {
    await call('settings/update', { rules: { presenceMs: 0, confirmChangeMs: 0 } })
    await sight('E1', T0)
    expect(await sight('E1', T0 + 30 * S)).toMatchObject({ kind: 'already-recorded', presence: 'new' })
    // past the cooldown, with no presence and no question: the old toggle
    expect(await sight('E1', T0 + 61 * S)).toMatchObject({ kind: 'recorded', event: { direction: 'out' } })
  })

  it('ask mode: asked once per presence; after the answer, quiet', async () => {
    await call('settings/update', { rules: { mode: 'ask' } })
    const q = await sight('E1', T0)
    expect(q).toMatchObject({ kind: 'needs-direction' })
    if (q.kind !== 'needs-direction') throw new Error('expected a question')
    expect(q.suggested).toBeUndefined()
    expect(await call('kiosk/confirm', { ticket: q.ticket, direction: 'in' })).toMatchObject({ kind: 'recorded', event: { direction: 'in' } })
    const outs = await stand('E1', T0 + 4 * S, T0 + 150 * S)
    expect(new Set(kinds(outs))).toEqual(new Set(['already-recorded:continued']))
    expect(await rows()).toEqual(['in'])
  })

  it('window mode: standing through the check-in limit stays one record; a later return is a check-out', async () => {
    await call('settings/update', { rules: { mode: 'window', checkInUntil: '08:03' } })
    await stand('E1', T0, T0 + 4 * MIN) // 08:01 to 08:05, across 08:03
    expect(await rows()).toEqual(['in'])
    expect(await sight('E1', T0 + 30 * MIN)).toMatchObject({ kind: 'recorded', event: { direction: 'out' }, workedTodayMs: 30 * MIN })
  })
})

describe('presence plan (pure)', () => {
  const rules = { ...DEFAULT_RULES, timeZone: 'UTC' }
  const at = Date.UTC(2025, 0, 6, 9, 0, 0)
  const last = { id: 'x', personId: 'E1', personName: 'Ani', direction: 'in' as const, at: at - 5 * MIN, similarity: 0.9, source: 'kiosk' as const }

  it('asks a change of direction inside the confirm window, records it after', () => {
    expect(planScan({ last, prev: last, at, rules, continued: false })).toEqual({ kind: 'confirm', direction: 'out' })
    expect(planScan({ last, prev: last, at: at + 6 * MIN, rules, continued: false })).toEqual({ kind: 'record', direction: 'out' })
    expect(planScan({ last, prev: last, at, rules, continued: true })).toEqual({ kind: 'already', why: 'presence' })
    expect(planScan({ last: null, prev: null, at, rules, continued: true })).toEqual({ kind: 'record', direction: 'in' })
  })

  it('a presence window is extended by every sighting', () => {
    const p = new Presences()
    expect(p.sight('E1', 0, 2 * MIN, null)).toBe(false)
    for (let t = 100 * S; t <= 10 * MIN; t += 100 * S) expect(p.sight('E1', t, 2 * MIN, null)).toBe(true)
    expect(p.sight('E1', 10 * MIN + 2 * MIN, 2 * MIN, null)).toBe(false)
    expect(p.sight('E2', 0, 0, 0)).toBe(false)
  })
})
