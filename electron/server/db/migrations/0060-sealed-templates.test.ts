import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { migrate } from '../migrate'

const indexes = (db: Database): Array<{ name: string; unique: number }> =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'face_templates' AND sql IS NOT NULL ORDER BY name`).all() as Array<{ name: string }>).map((r) => ({
    name: r.name,
    unique: (db.prepare(`SELECT "unique" AS u FROM pragma_index_list('face_templates') WHERE name = ?`).get(r.name) as { u: number }).u,
  }))

describe('migration 0060', () => {
  let db: Database
  afterEach(() => db?.close())

  it('keeps every template (clear, sealed = 0), gives a missing uid one, drops the blob-length check for sealed rows only, keeps indexes and cascade', () => {
    db = createTestDb(50)
    db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1)`).run()
    const blob = Buffer.from(new Float32Array([0.6, 0.8]).buffer)
    db.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, quality, source, created_at, uid, origin_kiosk, shared_at) VALUES ('E1', 'm', '1', 2, ?, 0.9, 'cli', 2, 'u1', 'k2', 7)`).run(blob)
    db.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, source, created_at) VALUES ('E1', 'm', '1', 2, ?, 'kiosk', 3)`).run(blob)
    const before = db.prepare('SELECT id, person_id, model_id, model_version, dim, embedding, quality, source, created_at, origin_kiosk, shared_at FROM face_templates ORDER BY id').all()

    migrate(db, 60)
    expect(db.prepare('SELECT id, person_id, model_id, model_version, dim, embedding, quality, source, created_at, origin_kiosk, shared_at FROM face_templates ORDER BY id').all()).toEqual(before)
    const rows = db.prepare('SELECT uid, sealed FROM face_templates ORDER BY id').all() as Array<{ uid: string; sealed: number }>
    expect(rows[0]).toEqual({ uid: 'u1', sealed: 0 })
    expect(rows[1]?.uid).toMatch(/^[0-9a-f]{32}$/)
    expect(rows[1]?.sealed).toBe(0)
    expect(indexes(db)).toEqual([
      { name: 'face_templates_model', unique: 0 },
      { name: 'face_templates_person', unique: 0 },
      { name: 'face_templates_uid', unique: 1 },
    ])
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'face_templates_0060%'`).get()).toEqual({ n: 0 })

    const ins = db.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, source, created_at, uid, sealed) VALUES ('E1', 'm', '1', 2, ?, 'x', 4, ?, ?)`)
    // a sealed blob is longer than dim * 4: allowed when sealed = 1 only
    ins.run(Buffer.alloc(8 + 29), 'u3', 1)
    expect(() => ins.run(Buffer.alloc(8 + 29), 'u4', 0)).toThrow(/CHECK/)
    expect(() => ins.run(blob, 'u5', 2)).toThrow(/CHECK/)
    expect(() => ins.run(blob, 'u1', 0)).toThrow(/UNIQUE/)
    expect(() => ins.run(blob, null, 0)).toThrow(/NOT NULL/)
    expect(() => db.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, source, created_at, uid, sealed) VALUES ('ghost', 'm', '1', 2, ?, 'x', 4, 'u6', 0)`).run(blob)).toThrow(/FOREIGN KEY/)
    db.prepare(`DELETE FROM people WHERE id = 'E1'`).run()
    expect(db.prepare('SELECT count(*) AS n FROM face_templates').get()).toEqual({ n: 0 })
    expect(db.pragma('foreign_key_check')).toEqual([])
  })
})
