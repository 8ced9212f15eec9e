import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { getUserVersion, migrate } from '../migrate'

describe('migration 0020', () => {
  let db: Database
  afterEach(() => db?.close())

  it('keeps 0010 rows and adds attendance_events + outbox', () => {
    db = createTestDb(10)
    db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 5, 6)`).run()
    db.prepare(`INSERT INTO audit_log (at, actor, action, subject) VALUES (7, 'test', 'person.upsert', 'E1')`).run()
    migrate(db, 20)
    expect(getUserVersion(db)).toBe(20)
    expect(db.prepare('SELECT id, name, active, created_at, updated_at FROM people').all()).toEqual([
      { id: 'E1', name: 'Ani', active: 1, created_at: 5, updated_at: 6 },
    ])
    expect(db.prepare('SELECT action FROM audit_log').all()).toEqual([{ action: 'person.upsert' }])

    db.prepare(
      `INSERT INTO attendance_events (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at)
       VALUES ('ev1', 'E1', 'Ani', 'in', 1000, 0.8, 'kiosk', 'k1', 1001)`,
    ).run()
    db.prepare(`INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at) VALUES ('ev1', 'attendance-event', '{}', 1001, 1001)`).run()
    expect(db.prepare('SELECT attempts, sent_at, last_error_code FROM outbox').get()).toEqual({ attempts: 0, sent_at: null, last_error_code: null })
  })

  it('attendance history survives deleting the person (no FK) and direction is checked', () => {
    db = createTestDb(20)
    db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 5, 6)`).run()
    const ins = db.prepare(
      `INSERT INTO attendance_events (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at)
       VALUES (?, 'E1', 'Ani', ?, 1000, 0.8, 'kiosk', 'k1', 1001)`,
    )
    ins.run('ev1', 'in')
    expect(() => ins.run('ev2', 'sideways')).toThrow(/CHECK/)
    db.prepare(`DELETE FROM people WHERE id = 'E1'`).run()
    expect(db.prepare('SELECT id, person_name FROM attendance_events').all()).toEqual([{ id: 'ev1', person_name: 'Ani' }])
  })
})
