import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../testing/create-test-db'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { HadirError } from '../../../src/shared/api/result'
import { openDb } from '../db/open-db'
import {
  addManualAttendance,
  correctAttendance,
  getAttendanceRow,
  lastEventOf,
  listAttendance,
  listAttendanceRows,
  listOutbox,
  OUTBOX_ATTENDANCE,
  OUTBOX_CORRECTION,
  recordAttendance,
  voidAttendance,
} from './attendance-store'
import { listAudit } from './audit-log'

let db: Database
beforeEach(() => {
  db = createTestDb()
})
afterEach(() => db.close())

describe('attendance-store', () => {
  const draft = (at: number, direction: 'in' | 'out' = 'in', personId = 'E1') => ({
    personId,
    personName: 'Ani',
    direction,
    at,
    similarity: 0.8,
    source: 'kiosk' as const,
    kioskId: 'kiosk-1',
  })

  it('writes event and outbox row together; outbox id = event id', () => {
    const ev = recordAttendance(db, draft(1000), { now: 1001, id: 'ev-1' })
    expect(ev).toEqual({ id: 'ev-1', personId: 'E1', personName: 'Ani', direction: 'in', at: 1000, similarity: 0.8, source: 'kiosk' })
    expect(listOutbox(db)).toEqual([
      {
        id: 'ev-1',
        kind: OUTBOX_ATTENDANCE,
        payload: { ...ev, kioskId: 'kiosk-1' },
        createdAt: 1001,
        attempts: 0,
        nextAttemptAt: 1001,
        lastErrorCode: null,
        sentAt: null,
      },
    ])
    const generated = recordAttendance(db, draft(2000), { now: 2001 })
    expect(generated.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('is atomic: if the outbox insert fails, no event is stored', () => {
    db.prepare(`INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at) VALUES ('dup', 'x', '{}', 1, 1)`).run()
    expect(() => recordAttendance(db, draft(1000), { now: 1001, id: 'dup' })).toThrow(expect.objectContaining({ code: 'conflict' }))
    expect(listAttendance(db)).toEqual([])
  })

  it('lists with from (inclusive) / to (exclusive) / personId / limit, newest first', () => {
    recordAttendance(db, draft(100), { now: 1, id: 'a' })
    recordAttendance(db, draft(200, 'out'), { now: 2, id: 'b' })
    recordAttendance(db, draft(300), { now: 3, id: 'c' })
    recordAttendance(db, draft(250, 'in', 'E2'), { now: 4, id: 'd' })
    expect(listAttendance(db).map((e) => e.id)).toEqual(['c', 'd', 'b', 'a'])
    expect(listAttendance(db, { from: 200, to: 300 }).map((e) => e.id)).toEqual(['d', 'b'])
    expect(listAttendance(db, { personId: 'E1', limit: 2 }).map((e) => e.id)).toEqual(['c', 'b'])
    expect(lastEventOf(db, 'E1')?.id).toBe('c')
    expect(lastEventOf(db, 'E1', 299)?.id).toBe('b')
    expect(lastEventOf(db, 'E9')).toBeNull()
  })
})


describe('attendance-store on a full disk', () => {
  it('maps a real SQLITE_FULL to disk-full and keeps the database consistent', () => {
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
    const bigName = 'x'.repeat(200_000)
    expect(() =>
      recordAttendance(db, { personId: 'E1', personName: bigName, direction: 'in', at: 1, similarity: 0.9, source: 'kiosk', kioskId: 'k' }, { now: 1 }),
    ).toThrow(expect.objectContaining({ code: 'disk-full' }))
    expect(listAttendance(db)).toEqual([])
    expect(listOutbox(db)).toEqual([])
  })
})

describe('corrections', () => {
  const ctx = (id: string, now = 10_000) => ({ now, actor: 'admin', kioskId: 'office-pc', id })
  const scan = (id: string, at: number, direction: 'in' | 'out' = 'in', personId = 'E1') =>
    recordAttendance(db, { personId, personName: 'Ani', direction, at, similarity: 0.812, source: 'kiosk', kioskId: 'kiosk-1' }, { now: at + 1, id })
  const auditRows = () => listAudit(db).filter((a) => a.action.startsWith('attendance.'))
  const rowCounts = () => ({
    events: (db.prepare('SELECT count(*) AS n FROM attendance_events').get() as { n: number }).n,
    outbox: listOutbox(db).length,
    audit: auditRows().length,
  })
  function errorOf(fn: () => unknown): HadirError {
    try {
      fn()
    } catch (e) {
      if (e instanceof HadirError) return e
      throw e
    }
    throw new Error('expected a HadirError')
  }

  it('correctAttendance keeps the original, links both ways, audits and queues the correction', () => {
    scan('a', 1_000)
    const fixed = correctAttendance(db, { eventId: 'a', at: 900, direction: 'out', reason: '  pressed the wrong time  ' }, ctx('fix-1', 5_000))
    expect(fixed).toEqual({ id: 'fix-1', personId: 'E1', personName: 'Ani', direction: 'out', at: 900, similarity: 0, source: 'manual' })

    expect(getAttendanceRow(db, 'a')).toMatchObject({ id: 'a', at: 1_000, direction: 'in', source: 'kiosk', similarity: 0.812, supersededBy: 'fix-1', voided: false, kioskId: 'kiosk-1' })
    expect(getAttendanceRow(db, 'fix-1')).toEqual({
      ...fixed,
      kioskId: 'office-pc',
      createdAt: 5_000,
      supersededBy: null,
      voided: false,
      reason: 'pressed the wrong time',
      corrects: 'a',
    })
    expect(listAttendance(db)).toEqual([fixed])
    expect(listAttendance(db, { includeSuperseded: true }).map((e) => e.id)).toEqual(['a', 'fix-1'])
    expect(listAttendanceRows(db).map((r) => [r.id, r.corrects, r.reason])).toEqual([['fix-1', 'a', 'pressed the wrong time']])

    expect(auditRows()).toEqual([
      {
        id: expect.any(Number),
        at: 5_000,
        actor: 'admin',
        action: 'attendance.correct',
        subject: 'a',
        details: {
          personId: 'E1',
          personName: 'Ani',
          original: { id: 'a', at: 1_000, direction: 'in', source: 'kiosk', similarity: 0.812, kioskId: 'kiosk-1', reason: null },
          corrected: { id: 'fix-1', at: 900, direction: 'out', kioskId: 'office-pc' },
          reason: 'pressed the wrong time',
        },
      },
    ])
    const out = listOutbox(db).find((o) => o.id === 'fix-1')
    expect(out).toMatchObject({
      kind: OUTBOX_CORRECTION,
      createdAt: 5_000,
      payload: { ...fixed, kioskId: 'office-pc', corrects: 'a', voided: false, reason: 'pressed the wrong time' },
    })
  })

  it('only the time or only the direction may change; a change of nothing is refused', () => {
    scan('a', 1_000)
    expect(correctAttendance(db, { eventId: 'a', direction: 'out', reason: 'was leaving' }, ctx('f1'))).toMatchObject({ at: 1_000, direction: 'out' })
    expect(correctAttendance(db, { eventId: 'f1', at: 2_000, reason: 'clock was late' }, ctx('f2'))).toMatchObject({ at: 2_000, direction: 'out' })
    const before = rowCounts()
    expect(errorOf(() => correctAttendance(db, { eventId: 'f2', at: 2_000, direction: 'out', reason: 'same' }, ctx('f3'))).code).toBe('invalid-args')
    expect(errorOf(() => correctAttendance(db, { eventId: 'f2', reason: 'nothing given' }, ctx('f3'))).code).toBe('invalid-args')
    expect(rowCounts()).toEqual(before)
  })

  it('a superseded entry is a conflict naming the newer one; the newer one can be corrected (chain)', () => {
    scan('a', 1_000)
    correctAttendance(db, { eventId: 'a', at: 1_100, reason: 'first fix' }, ctx('f1'))
    const before = rowCounts()
    const e = errorOf(() => correctAttendance(db, { eventId: 'a', at: 1_200, reason: 'second fix' }, ctx('f2')))
    expect(e.code).toBe('conflict')
    expect(e.message).toBe('this entry was already corrected: correct the newer one')
    expect(e.details).toEqual({ supersededBy: 'f1' })
    expect(rowCounts()).toEqual(before)
    correctAttendance(db, { eventId: 'f1', at: 1_200, reason: 'second fix' }, ctx('f2'))
    expect(listAttendanceRows(db, { includeSuperseded: true }).map((r) => [r.id, r.supersededBy, r.corrects])).toEqual([
      ['f2', null, 'f1'],
      ['f1', 'f2', 'a'],
      ['a', 'f1', null],
    ])
    expect(errorOf(() => voidAttendance(db, { eventId: 'f1', reason: 'x' }, ctx('v'))).details).toEqual({ supersededBy: 'f2' })
  })

  it('validates the reason (required, at most 500 characters) and writes nothing on error', () => {
    scan('a', 1_000)
    const before = rowCounts()
    for (const reason of ['', '   \n\t', 'x'.repeat(501), '王'.repeat(501)]) {
      const e = errorOf(() => correctAttendance(db, { eventId: 'a', at: 1_100, reason }, ctx('f')))
      expect(e.code).toBe('invalid-args')
      expect(e.details).toEqual({ field: 'reason', problem: reason.trim() === '' ? 'reason-required' : 'reason-too-long' })
      expect(errorOf(() => voidAttendance(db, { eventId: 'a', reason }, ctx('v'))).code).toBe('invalid-args')
      expect(errorOf(() => addManualAttendance(db, { personId: 'E1', personName: 'Ani', at: 500, direction: 'in', reason }, ctx('m'))).code).toBe('invalid-args')
    }
    expect(errorOf(() => correctAttendance(db, { eventId: 'a', at: 1_100, reason: undefined as unknown as string }, ctx('f'))).code).toBe('invalid-args')
    expect(rowCounts()).toEqual(before)
    // 500 characters, also when each is several UTF-8 bytes
    correctAttendance(db, { eventId: 'a', at: 1_100, reason: '王'.repeat(500) }, ctx('f'))
    expect(getAttendanceRow(db, 'f')?.reason).toBe('王'.repeat(500))
  })

  it('unknown events are not-found; bad times and directions are invalid-args', () => {
    scan('a', 1_000)
    expect(errorOf(() => correctAttendance(db, { eventId: 'nope', at: 1, reason: 'r' }, ctx('f'))).code).toBe('not-found')
    expect(errorOf(() => voidAttendance(db, { eventId: 'nope', reason: 'r' }, ctx('f'))).code).toBe('not-found')
    expect(errorOf(() => correctAttendance(db, { eventId: 'a', at: 10_000 + 60_001, reason: 'future' }, ctx('f'))).details).toEqual({ field: 'at', problem: 'future' })
    expect(errorOf(() => correctAttendance(db, { eventId: 'a', at: 1.5, reason: 'frac' }, ctx('f'))).details).toMatchObject({ field: 'at' })
    expect(errorOf(() => correctAttendance(db, { eventId: 'a', direction: 'up' as 'in', reason: 'dir' }, ctx('f'))).details).toMatchObject({ field: 'direction' })
    expect(errorOf(() => correctAttendance(db, { eventId: 'a', at: 1_100, reason: 'r' }, { now: 10_000, actor: ' ', kioskId: 'k' })).details).toMatchObject({ field: 'actor' })
    expect(listAttendance(db).map((e) => e.id)).toEqual(['a'])
  })

  it('is atomic: a failing outbox insert leaves the original effective and no audit row', () => {
    scan('a', 1_000)
    db.prepare(`INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at) VALUES ('taken', 'x', '{}', 1, 1)`).run()
    const before = rowCounts()
    expect(errorOf(() => correctAttendance(db, { eventId: 'a', at: 1_100, reason: 'r' }, ctx('taken'))).code).toBe('conflict')
    expect(rowCounts()).toEqual(before)
    expect(getAttendanceRow(db, 'a')?.supersededBy).toBeNull()
    expect(errorOf(() => addManualAttendance(db, { personId: 'E1', personName: 'Ani', at: 500, direction: 'in', reason: 'r' }, ctx('taken'))).code).toBe('conflict')
    expect(rowCounts()).toEqual(before)
  })

  it('addManualAttendance records a forgotten scan for a known person, audited and queued as an attendance event', () => {
    db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E7', 'Siti Nurhaliza', 1, 1)`).run()
    const ev = addManualAttendance(db, { personId: 'E7', personName: 'Siti Nurhaliza', at: 8_000, direction: 'in', reason: 'forgot to scan' }, ctx('m1'))
    expect(ev).toEqual({ id: 'm1', personId: 'E7', personName: 'Siti Nurhaliza', direction: 'in', at: 8_000, similarity: 0, source: 'manual' })
    expect(getAttendanceRow(db, 'm1')).toMatchObject({ reason: 'forgot to scan', corrects: null, kioskId: 'office-pc', voided: false })
    expect(listOutbox(db)).toEqual([
      expect.objectContaining({ id: 'm1', kind: OUTBOX_ATTENDANCE, payload: { ...ev, kioskId: 'office-pc', corrects: null, voided: false, reason: 'forgot to scan' } }),
    ])
    expect(auditRows()).toEqual([
      expect.objectContaining({
        action: 'attendance.add',
        actor: 'admin',
        subject: 'm1',
        details: { personId: 'E7', personName: 'Siti Nurhaliza', added: { id: 'm1', at: 8_000, direction: 'in', kioskId: 'office-pc' }, reason: 'forgot to scan' },
      }),
    ])
    expect(lastEventOf(db, 'E7')).toEqual(ev)
  })

  it('addManualAttendance accepts a person known only from history and refuses an unknown id', () => {
    scan('a', 1_000, 'in', 'GONE')
    expect(addManualAttendance(db, { personId: 'GONE', personName: 'Ani', at: 2_000, direction: 'out', reason: 'left without scanning' }, ctx('m1')).id).toBe('m1')
    const e = errorOf(() => addManualAttendance(db, { personId: 'TYPO', personName: 'X', at: 2_000, direction: 'out', reason: 'r' }, ctx('m2')))
    expect(e.code).toBe('not-found')
    expect(e.details).toEqual({ personId: 'TYPO' })
    expect(errorOf(() => addManualAttendance(db, { personId: 'GONE', personName: ' ', at: 2_000, direction: 'out', reason: 'r' }, ctx('m2'))).details).toEqual({
      field: 'personName',
    })
    expect(errorOf(() => addManualAttendance(db, { personId: 'GONE', personName: 'Ani', at: 2_000, direction: 'sideways' as 'in', reason: 'r' }, ctx('m2'))).code).toBe(
      'invalid-args',
    )
  })

  it('voidAttendance keeps the row, hides it, audits and queues a void; it cannot be voided or corrected again', () => {
    scan('a', 1_000)
    scan('b', 2_000, 'out')
    const voided = voidAttendance(db, { eventId: 'b', reason: 'double scan' }, ctx('unused', 6_000))
    expect(voided).toMatchObject({ id: 'b', voided: true, supersededBy: null, direction: 'out', at: 2_000 })
    expect(getAttendanceRow(db, 'b')?.voided).toBe(true)
    expect(listAttendance(db).map((e) => e.id)).toEqual(['a'])
    expect(listAttendance(db, { includeSuperseded: true }).map((e) => e.id)).toEqual(['b', 'a'])
    expect(auditRows()).toEqual([
      expect.objectContaining({
        action: 'attendance.void',
        subject: 'b',
        at: 6_000,
        details: {
          personId: 'E1',
          personName: 'Ani',
          original: { id: 'b', at: 2_000, direction: 'out', source: 'kiosk', similarity: 0.812, kioskId: 'kiosk-1', reason: null },
          voided: true,
          kioskId: 'office-pc',
          reason: 'double scan',
        },
      }),
    ])
    // a void has its own UUID (HR's idempotency key), like every other event on the wire
    const voidRow = listOutbox(db).find((o) => o.kind === OUTBOX_CORRECTION && (o.payload as { voided?: boolean }).voided === true)
    expect(voidRow?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(db.prepare('SELECT depends_on FROM outbox WHERE id = ?').get(voidRow?.id)).toEqual({ depends_on: 'b' })
    expect(voidRow).toMatchObject({
      kind: OUTBOX_CORRECTION,
      payload: { id: 'b', personId: 'E1', direction: 'out', at: 2_000, kioskId: 'kiosk-1', corrects: null, voided: true, reason: 'double scan' },
    })
    const again = errorOf(() => voidAttendance(db, { eventId: 'b', reason: 'again' }, ctx('v2')))
    expect(again.code).toBe('conflict')
    expect(errorOf(() => correctAttendance(db, { eventId: 'b', at: 2_100, reason: 'r' }, ctx('f'))).code).toBe('conflict')
  })

  it('lastEventOf ignores superseded and voided events (they drive neither direction nor cooldown)', () => {
    scan('a', 1_000)
    scan('b', 5_000, 'out')
    expect(lastEventOf(db, 'E1')?.id).toBe('b')
    voidAttendance(db, { eventId: 'b', reason: 'not me' }, ctx('x'))
    expect(lastEventOf(db, 'E1')?.id).toBe('a')
    correctAttendance(db, { eventId: 'a', at: 3_000, reason: 'late' }, ctx('f1'))
    expect(lastEventOf(db, 'E1')?.id).toBe('f1')
    expect(lastEventOf(db, 'E1', 2_000)).toBeNull()
    expect(lastEventOf(db, 'E1', 3_000)?.id).toBe('f1')
  })

  it('listAttendance filters by direction and lists rows without limit when asked', () => {
    for (let i = 0; i < 6; i++) scan(`e${i}`, 1_000 * (i + 1), i % 2 === 0 ? 'in' : 'out')
    expect(listAttendance(db, { direction: 'out' }).map((e) => e.id)).toEqual(['e5', 'e3', 'e1'])
    expect(listAttendance(db, { direction: 'in', from: 2_000 }).map((e) => e.id)).toEqual(['e4', 'e2'])
    expect(listAttendance(db, { limit: 2 })).toHaveLength(2)
    expect(listAttendanceRows(db, { limit: null })).toHaveLength(6)
    // AttendanceEvent objects keep exactly their existing fields
    expect(Object.keys(listAttendance(db)[0] ?? {}).sort()).toEqual(['at', 'direction', 'id', 'personId', 'personName', 'similarity', 'source'])
  })

  it('a second connection on the same file sees the correction and gets the conflict', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-corr-'))
    const file = path.join(dir, 'hadir.db')
    const one = openDb(file)
    const two = openDb(file)
    try {
      recordAttendance(one, { personId: 'E1', personName: 'Ani', direction: 'in', at: 1_000, similarity: 0.9, source: 'kiosk', kioskId: 'k' }, { now: 1_001, id: 'a' })
      correctAttendance(one, { eventId: 'a', at: 1_100, reason: 'one' }, ctx('f1'))
      const e = errorOf(() => correctAttendance(two, { eventId: 'a', at: 1_200, reason: 'two' }, ctx('f2')))
      expect(e.code).toBe('conflict')
      expect(e.details).toEqual({ supersededBy: 'f1' })
      expect(listAttendance(two).map((x) => x.id)).toEqual(['f1'])
    } finally {
      one.close()
      two.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
