import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { migrate } from '../migrate'

describe('migration 0050', () => {
  let db: Database
  afterEach(() => db?.close())

  it('keeps templates and outbox rows, gives every template a unique uid, adds parking and sync state', () => {
    db = createTestDb(40)
    db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1)`).run()
    const blob = Buffer.from(new Float32Array([1, 0]).buffer)
    const ins = db.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, source, created_at) VALUES ('E1', 'm', '1', 2, ?, 'cli', 2)`)
    ins.run(blob)
    ins.run(blob)
    db.prepare(`INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at) VALUES ('ev1', 'attendance-event', '{}', 3, 3)`).run()
    migrate(db, 50)
    const uids = db.prepare('SELECT uid FROM face_templates').all() as Array<{ uid: string }>
    expect(uids).toHaveLength(2)
    expect(uids[0]?.uid).toMatch(/^[0-9a-f]{32}$/)
    expect(uids[0]?.uid).not.toBe(uids[1]?.uid)
    expect(db.prepare('SELECT parked, parked_reason, sent_at FROM outbox').get()).toEqual({ parked: 0, parked_reason: null, sent_at: null })
    expect(() => db.prepare(`UPDATE outbox SET parked = 2`).run()).toThrow(/CHECK/)
    expect(() => db.prepare(`UPDATE face_templates SET uid = (SELECT uid FROM face_templates LIMIT 1)`).run()).toThrow(/UNIQUE/)
    db.prepare(`INSERT INTO sync_state (key, value) VALUES ('roster.cursor', '"42"')`).run()
    expect(() => db.prepare(`INSERT INTO sync_state (key, value) VALUES ('x', 'not json')`).run()).toThrow(/CHECK/)
  })
})
