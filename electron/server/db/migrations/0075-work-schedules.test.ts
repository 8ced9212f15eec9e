import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { getUserVersion, migrate } from '../migrate'

describe('migration 0075', () => {
  let db: Database
  afterEach(() => db?.close())

  it('adds person_schedules and keeps people as they were', () => {
    db = createTestDb(60)
    db.prepare(`INSERT INTO people (id, name, department, active, created_at, updated_at) VALUES ('E1', 'Ani', 'Gudang', 1, 5, 6)`).run()
    expect(() => db.prepare('SELECT * FROM person_schedules').all()).toThrow(/no such table/)
    expect(migrate(db, 75)).toEqual({ from: 60, to: 75, applied: [75] })
    expect(getUserVersion(db)).toBe(75)
    expect(db.prepare('SELECT id, name, department, active, created_at, updated_at FROM people').all()).toEqual([
      { id: 'E1', name: 'Ani', department: 'Gudang', active: 1, created_at: 5, updated_at: 6 },
    ])
    expect(db.prepare('SELECT count(*) AS n FROM person_schedules').get()).toEqual({ n: 0 })
  })

  it('checks times, tolerance and weekdays, and a schedule goes with its person', () => {
    db = createTestDb(75)
    db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1), ('E2', 'Budi', 1, 1)`).run()
    const ins = db.prepare('INSERT INTO person_schedules (person_id, start_time, end_time, tolerance_min, days, updated_at) VALUES (?, ?, ?, ?, ?, 1)')
    ins.run('E1', '08:00', '17:00', 15, '12345')
    expect(() => ins.run('E2', '8:00', '17:00', 15, '12345')).toThrow(/CHECK/)
    expect(() => ins.run('E2', '08:00', '17:00', 121, '12345')).toThrow(/CHECK/)
    expect(() => ins.run('E2', '08:00', '17:00', -1, '12345')).toThrow(/CHECK/)
    expect(() => ins.run('E2', '08:00', '17:00', 10, '1238')).toThrow(/CHECK/)
    expect(() => ins.run('E2', '08:00', '17:00', 10, '')).toThrow(/CHECK/)
    expect(() => ins.run('E2', '08:00', '17:00', 1.5, '1')).toThrow(/cannot store REAL value in INTEGER column/)
    expect(() => ins.run('E9', '08:00', '17:00', 10, '1')).toThrow(/FOREIGN KEY/)
    db.prepare(`DELETE FROM people WHERE id = 'E1'`).run()
    expect(db.prepare('SELECT count(*) AS n FROM person_schedules').get()).toEqual({ n: 0 })
  })
})
