import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../testing/create-test-db'
import { listAttendance, lastEventOf, listOutbox, recordAttendance, OUTBOX_ATTENDANCE } from './attendance-store'

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
