import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { migrate } from '../migrate'

describe('migration 0010', () => {
  let db: Database
  afterEach(() => db?.close())

  it('creates people, face_templates, settings, audit_log with cascade delete of templates', () => {
    db = createTestDb(0)
    migrate(db, 10)
    db.prepare(`INSERT INTO people (id, name, active, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1, 1)`).run()
    const blob = Buffer.from(new Float32Array([1, 0, 0]).buffer)
    db.prepare(
      `INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, quality, source, created_at)
       VALUES ('E1', 'm', '1', 3, ?, 0.9, 'cli', 2)`,
    ).run(blob)
    expect(db.prepare('SELECT count(*) AS n FROM face_templates').get()).toEqual({ n: 1 })
    db.prepare(`DELETE FROM people WHERE id = 'E1'`).run()
    expect(db.prepare('SELECT count(*) AS n FROM face_templates').get()).toEqual({ n: 0 })
  })

  it('enforces the foreign key, the blob length and JSON columns', () => {
    db = createTestDb(10)
    const blob = Buffer.from(new Float32Array([1, 0]).buffer)
    expect(() =>
      db.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, source, created_at) VALUES ('nobody', 'm', '1', 2, ?, 'x', 1)`).run(blob),
    ).toThrow(/FOREIGN KEY/)
    db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1)`).run()
    expect(() =>
      db.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, source, created_at) VALUES ('E1', 'm', '1', 3, ?, 'x', 1)`).run(blob),
    ).toThrow(/CHECK/)
    expect(() => db.prepare(`INSERT INTO settings (key, value) VALUES ('k', 'not json')`).run()).toThrow(/CHECK/)
    db.prepare(`INSERT INTO settings (key, value) VALUES ('k', '{"a":1}')`).run()
    expect(db.prepare(`SELECT active FROM people WHERE id = 'E1'`).get()).toEqual({ active: 1 })
  })
})
