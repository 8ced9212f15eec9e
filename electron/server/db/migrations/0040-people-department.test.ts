import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { getUserVersion, migrate } from '../migrate'

describe('migration 0040', () => {
  let db: Database
  afterEach(() => db?.close())

  it('adds people.department (NULL for existing people) and keeps their rows', () => {
    db = createTestDb(30)
    db.prepare(`INSERT INTO people (id, name, active, created_at, updated_at) VALUES ('E1', 'Ani', 0, 5, 6)`).run()
    expect(() => db.prepare('SELECT department FROM people').all()).toThrow(/no such column/)
    expect(migrate(db, 40)).toEqual({ from: 30, to: 40, applied: [40] })
    expect(getUserVersion(db)).toBe(40)
    expect(db.prepare('SELECT id, name, department, active, created_at, updated_at FROM people').all()).toEqual([
      { id: 'E1', name: 'Ani', department: null, active: 0, created_at: 5, updated_at: 6 },
    ])
  })

  it('limits department to 200 characters and to text (STRICT)', () => {
    db = createTestDb(40)
    const ins = db.prepare(`INSERT INTO people (id, name, department, created_at, updated_at) VALUES (?, 'Ani', ?, 1, 1)`)
    ins.run('E1', 'x'.repeat(200))
    ins.run('E2', null)
    ins.run('E3', 'Gudang – Ünit 3')
    expect(() => ins.run('E4', 'x'.repeat(201))).toThrow(/CHECK/)
    expect(() => ins.run('E5', Buffer.from('abc'))).toThrow(/cannot store BLOB value in TEXT column people.department/)
    expect(db.prepare('SELECT id, length(department) AS n FROM people ORDER BY id').all()).toEqual([
      { id: 'E1', n: 200 },
      { id: 'E2', n: null },
      { id: 'E3', n: 15 },
    ])
  })
})
