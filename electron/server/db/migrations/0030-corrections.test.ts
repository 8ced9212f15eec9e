import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { getUserVersion, migrate } from '../migrate'

const insert = (db: Database, id: string, extra: { reason?: string | null; corrects?: string | null; source?: string } = {}) =>
  db
    .prepare(
      `INSERT INTO attendance_events (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at, reason, corrects)
       VALUES (?, 'E1', 'Ani', 'in', 1000, 0, ?, 'k1', 1001, ?, ?)`,
    )
    .run(id, extra.source ?? 'manual', extra.reason ?? null, extra.corrects ?? null)

describe('migration 0030', () => {
  let db: Database
  afterEach(() => db?.close())

  it('keeps 0020 events and outbox rows; they become effective events with no correction fields', () => {
    db = createTestDb(20)
    db.prepare(
      `INSERT INTO attendance_events (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at)
       VALUES ('ev1', 'E1', 'Ani', 'in', 1000, 0.8, 'kiosk', 'k1', 1001)`,
    ).run()
    db.prepare(`INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at) VALUES ('ev1', 'attendance-event', '{"id":"ev1"}', 1001, 1001)`).run()
    migrate(db, 30)
    expect(getUserVersion(db)).toBe(30)
    expect(db.prepare('SELECT * FROM attendance_events').all()).toEqual([
      {
        id: 'ev1',
        person_id: 'E1',
        person_name: 'Ani',
        direction: 'in',
        at: 1000,
        similarity: 0.8,
        source: 'kiosk',
        kiosk_id: 'k1',
        created_at: 1001,
        superseded_by: null,
        voided: 0,
        reason: null,
        corrects: null,
      },
    ])
    expect(db.prepare('SELECT id, payload FROM outbox').all()).toEqual([{ id: 'ev1', payload: '{"id":"ev1"}' }])
    expect(
      db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name IN ('attendance_events_corrects', 'attendance_events_effective')`).get(),
    ).toEqual({ n: 2 })
  })

  it('checks the new columns: voided is 0/1, a reason is 1..500 characters, a correction needs a reason', () => {
    db = createTestDb(30)
    insert(db, 'orig', { source: 'kiosk' })
    expect(() => db.prepare(`UPDATE attendance_events SET voided = 2 WHERE id = 'orig'`).run()).toThrow(/CHECK/)
    expect(() => db.prepare(`UPDATE attendance_events SET voided = 'yes' WHERE id = 'orig'`).run()).toThrow(/cannot store TEXT/)
    expect(() => db.prepare(`UPDATE attendance_events SET voided = NULL WHERE id = 'orig'`).run()).toThrow(/NOT NULL/)
    expect(() => insert(db, 'blank', { reason: '   ' })).toThrow(/CHECK/)
    expect(() => insert(db, 'long', { reason: 'x'.repeat(501) })).toThrow(/CHECK/)
    insert(db, 'max', { reason: 'x'.repeat(500) })
    expect(() => insert(db, 'noreason', { corrects: 'orig' })).toThrow(/CHECK/)
    expect(() => insert(db, 'self', { corrects: 'self', reason: 'typo' })).toThrow(/CHECK/)
    expect(() => db.prepare(`UPDATE attendance_events SET superseded_by = id WHERE id = 'orig'`).run()).toThrow(/CHECK/)
  })

  it('lets an event be corrected only once (unique corrects)', () => {
    db = createTestDb(30)
    insert(db, 'orig', { source: 'kiosk' })
    insert(db, 'fix1', { corrects: 'orig', reason: 'wrong direction' })
    expect(() => insert(db, 'fix2', { corrects: 'orig', reason: 'again' })).toThrow(/UNIQUE/)
    db.prepare(`UPDATE attendance_events SET superseded_by = 'fix1' WHERE id = 'orig'`).run()
    expect(db.prepare(`SELECT id FROM attendance_events WHERE superseded_by IS NULL AND voided = 0`).all()).toEqual([{ id: 'fix1' }])
  })
})
