import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import type { ApiArgs, ApiData, ApiMethod } from '../../src/shared/api/contract'
import type { ApiResult } from '../../src/shared/api/result'
import { openDb } from './db/open-db'
import { dispatch } from './dispatch'
import { RATE_MAX_TRIES } from './handlers-fallback'
import { createHandlers, type HandlerContext, type ServerHandlers } from './handlers'
import { FaceIndex } from './recognition/face-index'
import { newDataKey } from './secrets/data-key'
import { bindDataKey } from './secrets/store-key'
import { listOutbox } from './store/attendance-store'
import { listAudit } from './store/audit-log'
import { emb, fakeClock, TEST_MODEL, testHostInfo, testRecognition, track } from './testing/fixtures'
import { wireEvent } from './sync/hr-sync'

/**
 * When the face fails (issue #12 item 2), through the real dispatcher on a real SQLite file: PIN
 * and badge check-ins, the 3-try lock (surviving a reopened file), face AND PIN, fallbacks off,
 * the review list, and an audit row for every try.
 */
const T0 = new Date(2025, 0, 6, 8, 0, 0).getTime()
const MIN = 60_000

let dir: string
let file: string
let key: Uint8Array
let db: Database
let index: FaceIndex
let handlers: ServerHandlers
let clock: ReturnType<typeof fakeClock>

function open(): void {
  db = openDb(file)
  bindDataKey(db, key)
  index = new FaceIndex(TEST_MODEL)
  handlers = createHandlers({ db, index, hostInfo: () => testHostInfo(), recognition: testRecognition(0.5), cooldownMs: 5 * MIN, now: clock.now, kioskId: 'kiosk-A' })
}

async function call<M extends ApiMethod>(method: M, args: ApiArgs<M>, ctx: HandlerContext = { transport: 'direct' }): Promise<ApiData<M>> {
  const res = (await dispatch(handlers, method, args, ctx)) as ApiResult<ApiData<M>>
  if (!res.ok) throw new Error(`${method} failed: ${res.error.code} ${res.error.message}`)
  return res.data
}
const callRaw = (method: string, args: unknown, ctx: HandlerContext = { transport: 'direct' }) => dispatch(handlers, method, args, ctx)
const actions = () => listAudit(db, 1000).map((a) => a.action).reverse()
const events = () => db.prepare('SELECT person_id, source, direction FROM attendance_events ORDER BY created_at, rowid').all()

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-fallback-'))
  file = path.join(dir, 'hadir.db')
  key = newDataKey()
  clock = fakeClock(T0)
  open()
  await call('people/upsert', { id: 'E1', name: 'Ani' })
  await call('people/upsert', { id: 'E2', name: 'Budi' })
  await call('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'Rina (admin)' })
  await call('settings/update', { fallback: { mode: 'pin-badge' } })
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('PIN check-in', () => {
  it('sets a PIN (hashed, sealed: not in the file), checks in by PIN, records source pin on the outbox and the HR wire', async () => {
    expect(await call('people/set-pin', { personId: 'E2', pin: '4821' })).toEqual({ personId: 'E2', pinSet: true, badge: null, lockedUntil: null })
    const raw = db.prepare('SELECT pin_sealed FROM person_credentials WHERE person_id = ?').get('E2') as { pin_sealed: Buffer }
    expect(raw.pin_sealed.includes(Buffer.from('4821'))).toBe(false)
    expect(raw.pin_sealed.includes(Buffer.from('scrypt'))).toBe(false)

    const out = await call('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })
    expect(out).toMatchObject({ kind: 'recorded', personName: 'Budi', review: true, event: { personId: 'E2', direction: 'in', source: 'pin', similarity: 0 } })
    expect(events()).toEqual([{ person_id: 'E2', source: 'pin', direction: 'in' }])
    const row = db.prepare('SELECT id, kind, payload FROM outbox').get() as { id: string; kind: string; payload: string }
    expect(wireEvent(row, 'kiosk-A')).toMatchObject({ source: 'pin', personId: 'E2', kind: 'event' })
    // within the cooldown: already recorded, nothing new
    clock.advance(MIN)
    expect(await call('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })).toMatchObject({ kind: 'already-recorded' })
    // toggle rules apply as to a face: the next one after the cooldown is a check-out
    clock.advance(10 * MIN)
    expect(await call('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })).toMatchObject({ kind: 'recorded', event: { direction: 'out' } })
    expect(listOutbox(db)).toHaveLength(2)
    expect(actions().filter((a) => a.startsWith('fallback.') || a.startsWith('people.pin'))).toEqual(['people.pin-set', 'fallback.checkin', 'fallback.checkin', 'fallback.checkin'])
    // the PIN never reaches the audit log
    expect(JSON.stringify(listAudit(db, 1000))).not.toContain('4821')
  })

  it('bad input: wrong length, letters, unknown id, no PIN set — a stable code each, nothing recorded, each try audited', async () => {
    await call('people/set-pin', { personId: 'E2', pin: '4821' })
    const codes = []
    for (const args of [
      { employeeId: 'E2', pin: '123' },
      { employeeId: 'E2', pin: '123456789' },
      { employeeId: 'E2', pin: '12a4' },
      { employeeId: 'E2', pin: '' },
      { employeeId: 'NOBODY', pin: '4821' },
      { employeeId: 'E1', pin: '4821' },
    ]) {
      const r = await callRaw('kiosk/pin-checkin', args)
      codes.push(r.ok ? 'ok' : r.error.code)
    }
    expect(codes).toEqual(['pin-format', 'pin-format', 'pin-format', 'pin-format', 'person-unknown', 'person-pin-not-set'])
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: 4821 })).toMatchObject({ ok: false, error: { code: 'pin-format' } })
    expect(await callRaw('kiosk/pin-checkin', { pin: '4821' })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    expect(events()).toEqual([])
    // format errors do not count as wrong PINs: the right one still works
    expect(await call('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })).toMatchObject({ kind: 'recorded' })
    const refused = listAudit(db, 1000).filter((a) => a.action === 'fallback.refused').map((a) => a.details?.code).reverse()
    expect(refused).toEqual(['pin-format', 'pin-format', 'pin-format', 'pin-format', 'person-unknown', 'person-pin-not-set'])
    // the admin's own bad PIN: pin-format, nothing stored
    expect(await callRaw('people/set-pin', { personId: 'E1', pin: '12' })).toMatchObject({ ok: false, error: { code: 'pin-format' } })
    expect(await callRaw('people/set-pin', { personId: 'ghost', pin: '1234' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })

  it('three wrong PINs lock that person for 5 minutes (injected clock), the lock survives reopening the database, then the PIN works again', async () => {
    await call('people/set-pin', { personId: 'E2', pin: '4821' })
    await call('people/set-pin', { personId: 'E1', pin: '1111' })
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'pin-wrong', details: { triesLeft: 2 } } })
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '0001' })).toMatchObject({ ok: false, error: { code: 'pin-wrong', details: { triesLeft: 1 } } })
    const locked = await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '0002' })
    expect(locked).toMatchObject({ ok: false, error: { code: 'pin-locked', details: { lockedUntil: T0 + 5 * MIN } } })
    // even the right PIN is refused while locked; another person is not locked
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })).toMatchObject({ ok: false, error: { code: 'pin-locked' } })
    expect(await call('kiosk/pin-checkin', { employeeId: 'E1', pin: '1111' })).toMatchObject({ kind: 'recorded' })

    // a restart forgives nothing
    db.close()
    clock.advance(4 * MIN)
    open()
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })).toMatchObject({ ok: false, error: { code: 'pin-locked', details: { lockedUntil: T0 + 5 * MIN } } })
    expect((await call('people/credentials', {})).find((c) => c.personId === 'E2')).toEqual({ personId: 'E2', pinSet: true, badge: null, lockedUntil: T0 + 5 * MIN })
    clock.advance(MIN)
    expect(await call('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })).toMatchObject({ kind: 'recorded', event: { personId: 'E2' } })
    expect(events()).toEqual([
      { person_id: 'E1', source: 'pin', direction: 'in' },
      { person_id: 'E2', source: 'pin', direction: 'in' },
    ])
    const mine = listAudit(db, 1000).filter((a) => a.subject === 'E2' && a.action.startsWith('fallback.')).map((a) => [a.action, a.details?.code ?? null]).reverse()
    expect(mine).toEqual([
      ['fallback.pin-wrong', null],
      ['fallback.pin-wrong', null],
      ['fallback.pin-locked', null],
      ['fallback.refused', 'pin-locked'],
      ['fallback.refused', 'pin-locked'],
      ['fallback.checkin', null],
    ])
  })

  it('fallbacks off: refused with fallback-off; pin only: a badge is refused with badge-off', async () => {
    await call('people/set-pin', { personId: 'E2', pin: '4821' })
    await call('people/set-badge', { personId: 'E2', badge: '0099887766' })
    await call('settings/update', { fallback: { mode: 'off' } })
    expect((await call('settings/get', {})).fallback).toEqual({ mode: 'off', requireFacePin: false })
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })).toMatchObject({ ok: false, error: { code: 'fallback-off' } })
    await call('settings/update', { fallback: { mode: 'pin' } })
    expect(await callRaw('kiosk/pin-checkin', { badge: '0099887766', pin: '4821' })).toMatchObject({ ok: false, error: { code: 'badge-off' } })
    expect(events()).toEqual([])
    expect(await call('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })).toMatchObject({ kind: 'recorded' })
  })

  it('turning a fallback on over HTTP asks for the admin PIN again (a PIN alone is a weaker way in)', async () => {
    await call('settings/update', { fallback: { mode: 'off' } })
    await call('admin/set-pin', { pin: '246813' })
    const { token } = await call('admin/login', { pin: '246813' }, { transport: 'http', session: 's1' })
    expect(await callRaw('settings/update', { token, fallback: { mode: 'pin' } }, { transport: 'http', session: 's1' })).toMatchObject({ ok: false, error: { code: 'pin-required' } })
    expect(await callRaw('settings/update', { token, pin: '246813', fallback: { mode: 'pin' } }, { transport: 'http', session: 's1' })).toMatchObject({ ok: true })
    // turning it off needs no PIN
    expect(await callRaw('settings/update', { token, fallback: { mode: 'off' } }, { transport: 'http', session: 's1' })).toMatchObject({ ok: true })
  })

  it('ask mode: the direction comes with the PIN; without it nothing is counted or recorded', async () => {
    await call('people/set-pin', { personId: 'E2', pin: '4821' })
    await call('settings/update', { rules: { mode: 'ask' } })
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'invalid-args', details: { field: 'direction' } } })
    expect(await call('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821', direction: 'out' })).toMatchObject({ kind: 'recorded', event: { direction: 'out' } })
    expect((await call('people/credentials', {}))[0]).toMatchObject({ lockedUntil: null })
  })

  it('rate limit: a paired page gets 10 tries a minute, then rate-limited (audited once), then again after the window', async () => {
    await call('people/set-pin', { personId: 'E2', pin: '4821' })
    const page: HandlerContext = { transport: 'http', session: 'page-1' }
    for (let i = 0; i < RATE_MAX_TRIES; i++) {
      const r = await callRaw('kiosk/pin-checkin', { employeeId: `X${i}`, pin: '4821' }, page)
      expect(r).toMatchObject({ ok: false, error: { code: 'person-unknown' } })
    }
    for (let i = 0; i < 5; i++) expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' }, page)).toMatchObject({ ok: false, error: { code: 'rate-limited' } })
    // another page is not limited by this one
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' }, { transport: 'http', session: 'page-2' })).toMatchObject({ ok: true })
    expect(listAudit(db, 1000).filter((a) => a.details?.code === 'rate-limited')).toHaveLength(1)
    clock.advance(MIN)
    expect(await callRaw('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' }, page)).toMatchObject({ ok: true, data: { kind: 'already-recorded' } })
  })
})

describe('badge check-in', () => {
  it('badge then PIN checks in with source badge; unknown and garbage badges are refused and audited; a badge is unique', async () => {
    await call('people/set-pin', { personId: 'E2', pin: '4821' })
    expect(await call('people/set-badge', { personId: 'E2', badge: '0099887766' })).toMatchObject({ badge: '0099887766' })
    expect(await callRaw('people/set-badge', { personId: 'E1', badge: '0099887766' })).toMatchObject({ ok: false, error: { code: 'badge-taken' } })
    expect(await callRaw('people/set-badge', { personId: 'E1', badge: '00 99;' })).toMatchObject({ ok: false, error: { code: 'badge-format' } })

    expect(await callRaw('kiosk/pin-checkin', { badge: '1234567890', pin: '4821' })).toMatchObject({ ok: false, error: { code: 'badge-unknown' } })
    expect(await callRaw('kiosk/pin-checkin', { badge: '%$#@!', pin: '4821' })).toMatchObject({ ok: false, error: { code: 'badge-format' } })
    expect(await callRaw('kiosk/pin-checkin', { badge: 'x'.repeat(300), pin: '4821' })).toMatchObject({ ok: false, error: { code: 'badge-format' } })
    expect(events()).toEqual([])
    const out = await call('kiosk/pin-checkin', { badge: '0099887766', pin: '4821' })
    expect(out).toMatchObject({ kind: 'recorded', personName: 'Budi', event: { source: 'badge', personId: 'E2' } })
    // the export says how each was recorded (similarity left empty: no face)
    await call('people/set-pin', { personId: 'E1', pin: '1357' })
    await call('kiosk/pin-checkin', { employeeId: 'E1', pin: '1357' })
    const csv = await call('attendance/export', { from: T0 - MIN, to: T0 + MIN, kind: 'events', lang: 'id' })
    if (csv.format !== 'csv') throw new Error('expected csv')
    const lines = csv.csv.split('\r\n').filter((l) => l.startsWith('E'))
    expect(lines.map((l) => l.split(';').slice(0, 2).concat(l.split(';')[6] ?? '', l.split(';')[7] ?? ''))).toEqual([
      ['E1', 'Ani', 'PIN', ''],
      ['E2', 'Budi', 'Kartu + PIN', ''],
    ])
    const refused = listAudit(db, 1000).filter((a) => a.action === 'fallback.refused')
    expect(refused.map((a) => a.details?.code).reverse()).toEqual(['badge-unknown', 'badge-format', 'badge-format'])
    // the unknown badge's tail only, for the admin to recognise it
    expect(refused.at(-1)?.details).toMatchObject({ badgeTail: '7890' })
    // a deactivated person's badge no longer works
    await call('people/update', { id: 'E2', active: false })
    clock.advance(10 * MIN)
    expect(await callRaw('kiosk/pin-checkin', { badge: '0099887766', pin: '4821' })).toMatchObject({ ok: false, error: { code: 'badge-unknown' } })
  })
})

describe('face AND PIN', () => {
  it('a recognised face waits for its PIN: nothing recorded before, a wrong PIN may be retried, the right one records the face event', async () => {
    await call('people/set-pin', { personId: 'E1', pin: '2580' })
    await call('settings/update', { fallback: { requireFacePin: true } })
    const face = await call('kiosk/recognize', track([1, 0, 0, 0]))
    expect(face).toMatchObject({ kind: 'needs-pin', identification: { personId: 'E1', name: 'Ani' } })
    if (face.kind !== 'needs-pin') throw new Error('expected needs-pin')
    expect(events()).toEqual([])
    expect(await callRaw('kiosk/face-pin', { ticket: face.ticket, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'pin-wrong', details: { triesLeft: 2 } } })
    const out = await call('kiosk/face-pin', { ticket: face.ticket, pin: '2580' })
    expect(out).toMatchObject({ kind: 'recorded', event: { personId: 'E1', source: 'kiosk', direction: 'in' } })
    // the ticket is used up
    expect(await callRaw('kiosk/face-pin', { ticket: face.ticket, pin: '2580' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    // an exact face match is not low confidence: not on the review list
    expect(await call('review/list', {})).toEqual([])
    expect(actions()).toContain('fallback.checkin')
  })

  it('an expired ticket records nothing', async () => {
    await call('people/set-pin', { personId: 'E1', pin: '2580' })
    await call('settings/update', { fallback: { requireFacePin: true } })
    const face = await call('kiosk/recognize', track([1, 0, 0, 0]))
    if (face.kind !== 'needs-pin') throw new Error('expected needs-pin')
    clock.advance(2 * MIN)
    expect(await callRaw('kiosk/face-pin', { ticket: face.ticket, pin: '2580' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect(events()).toEqual([])
  })
})

describe('review list', () => {
  it('PIN, badge and low-confidence face events are listed; approve (audited) and void (attendance/void) take them off', async () => {
    await call('people/set-pin', { personId: 'E2', pin: '4821' })
    await call('people/set-badge', { personId: 'E1', badge: '55501' })
    await call('people/set-pin', { personId: 'E1', pin: '1357' })
    const byPin = await call('kiosk/pin-checkin', { employeeId: 'E2', pin: '4821' })
    clock.advance(1000)
    const byBadge = await call('kiosk/pin-checkin', { badge: '55501', pin: '1357' })
    clock.advance(10 * MIN)
    // similarity 0.52 at threshold 0.5: accepted, confidence low
    const low = await call('kiosk/recognize', track([0.52, Math.sqrt(1 - 0.52 ** 2), 0, 0].map((x) => x)))
    expect(low).toMatchObject({ kind: 'recorded', identification: { confidence: 'low' } })
    // a sure face is not flagged
    clock.advance(10 * MIN)
    expect(await call('kiosk/recognize', track([1, 0, 0, 0]))).toMatchObject({ kind: 'recorded', identification: { confidence: 'high' } })

    const list = await call('review/list', {})
    expect(list.map((r) => [r.personId, r.source, r.reviewReason])).toEqual([
      ['E2', 'pin', 'pin'],
      ['E1', 'badge', 'badge'],
      ['E1', 'kiosk', 'low-confidence'],
    ])
    if (byPin.kind !== 'recorded' || byBadge.kind !== 'recorded') throw new Error('expected recorded')
    expect(await call('review/approve', { eventId: byPin.event.id })).toEqual({ eventId: byPin.event.id, approvedAt: clock.now() })
    expect(await callRaw('review/approve', { eventId: byPin.event.id })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    await call('attendance/void', { eventId: byBadge.event.id, reason: 'not Ani: her badge was borrowed' })
    expect(await callRaw('review/approve', { eventId: byBadge.event.id })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(await callRaw('review/approve', { eventId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    expect((await call('review/list', {})).map((r) => r.reviewReason)).toEqual(['low-confidence'])
    // the approved one still counts, the voided one does not
    const effective = (await call('attendance/list', {})).map((r) => r.id)
    expect(effective).toContain(byPin.event.id)
    expect(effective).not.toContain(byBadge.event.id)
    const approved = listAudit(db, 1000).find((a) => a.action === 'attendance.review-approved')
    expect(approved).toMatchObject({ subject: byPin.event.id, details: { personId: 'E2', reason: 'pin', source: 'pin' } })
    expect(listAudit(db, 1000).find((a) => a.action === 'attendance.void')).toMatchObject({ subject: byBadge.event.id })
  })

  it('deleting a person deletes their PIN and badge', async () => {
    await call('people/set-pin', { personId: 'E2', pin: '4821' })
    await call('people/set-badge', { personId: 'E2', badge: '77' })
    await call('people/delete', { personId: 'E2' })
    expect(db.prepare('SELECT count(*) AS n FROM person_credentials').get()).toEqual({ n: 0 })
  })
})
