import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { getUserVersion, migrate } from '../migrate'

describe('migration 0085', () => {
  let db: Database
  afterEach(() => db?.close())

  it('rebuilds attendance_events keeping every row, column and index; source may now be pin or badge', () => {
    db = createTestDb(80)
    const ins = db.prepare(
      'INSERT INTO attendance_events (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at, superseded_by, voided, reason, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    ins.run('e1', 'E1', 'Ani', 'in', 10, 0.8, 'kiosk', 'k', 11, 'c1', 0, null, null)
    ins.run('c1', 'E1', 'Ani', 'out', 12, 0, 'manual', 'k', 13, null, 0, 'typo', 'e1')
    ins.run('v1', 'E2', 'Budi', 'in', 14, 0.7, 'cli', 'k', 15, null, 1, null, null)
    expect(() => ins.run('p0', 'E2', 'Budi', 'in', 16, 0, 'pin', 'k', 17, null, 0, null, null)).toThrow(/CHECK/)
    const before = db.prepare('SELECT * FROM attendance_events ORDER BY id').all()
    const indexesBefore = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attendance_events' ORDER BY name").all()

    expect(migrate(db, 85)).toEqual({ from: 80, to: 85, applied: [85] })
    expect(getUserVersion(db)).toBe(85)
    expect(db.prepare('SELECT * FROM attendance_events ORDER BY id').all()).toEqual(before)
    expect(db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attendance_events' ORDER BY name").all()).toEqual(indexesBefore)
    ins.run('p1', 'E2', 'Budi', 'in', 16, 0, 'pin', 'k', 17, null, 0, null, null)
    ins.run('b1', 'E2', 'Budi', 'out', 18, 0, 'badge', 'k', 19, null, 0, null, null)
    expect(() => ins.run('x1', 'E2', 'Budi', 'out', 18, 0, 'phone', 'k', 19, null, 0, null, null)).toThrow(/CHECK/)
    // the checks of 0030 are still there
    expect(() => ins.run('c2', 'E1', 'Ani', 'out', 12, 0, 'manual', 'k', 13, null, 0, null, 'e1')).toThrow(/CHECK|UNIQUE/)
    expect(db.pragma('foreign_key_check')).toEqual([])
  })

  it('person_credentials: one row per person, badge unique, deleted with the person; attendance_review constrained', () => {
    db = createTestDb(85)
    db.prepare("INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1), ('E2', 'Budi', 1, 1)").run()
    db.prepare("INSERT INTO person_credentials (person_id, badge, updated_at) VALUES ('E1', '123', 1)").run()
    expect(() => db.prepare("INSERT INTO person_credentials (person_id, badge, updated_at) VALUES ('E2', '123', 1)").run()).toThrow(/UNIQUE/)
    expect(() => db.prepare("INSERT INTO person_credentials (person_id, updated_at) VALUES ('ghost', 1)").run()).toThrow(/FOREIGN KEY/)
    db.prepare("DELETE FROM people WHERE id = 'E1'").run()
    expect(db.prepare('SELECT count(*) AS n FROM person_credentials').get()).toEqual({ n: 0 })
    db.prepare("INSERT INTO attendance_review (event_id, reason, created_at) VALUES ('e1', 'pin', 1)").run()
    expect(() => db.prepare("INSERT INTO attendance_review (event_id, reason, created_at) VALUES ('e2', 'hunch', 1)").run()).toThrow(/CHECK/)
  })
})
