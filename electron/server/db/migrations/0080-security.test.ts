import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../../testing/create-test-db'
import { getUserVersion, migrate } from '../migrate'

describe('migration 0080', () => {
  let db: Database
  afterEach(() => db?.close())

  it('backfills outbox.depends_on from queued corrections and voids, drops the global admin lock, keeps every row', () => {
    db = createTestDb(75)
    const out = db.prepare('INSERT INTO outbox (id, kind, payload, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, 1, 0, 1)')
    out.run('e1', 'attendance-event', JSON.stringify({ id: 'e1', personId: 'E1', at: 1 }))
    out.run('c1', 'attendance-correction', JSON.stringify({ id: 'c1', personId: 'E1', at: 2, corrects: 'e1', voided: false }))
    out.run('e1:void', 'attendance-correction', JSON.stringify({ id: 'e2', personId: 'E1', at: 3, corrects: null, voided: true }))
    out.run('m1', 'attendance-event', JSON.stringify({ id: 'm1', personId: 'E1', at: 4, corrects: null, voided: false, reason: 'forgot' }))
    db.prepare("INSERT INTO settings (key, value) VALUES ('admin.lock', '{\"failures\":5,\"lockedUntil\":99}'), ('ui.sound', 'true')").run()

    expect(migrate(db, 80)).toEqual({ from: 75, to: 80, applied: [80] })
    expect(getUserVersion(db)).toBe(80)
    expect(db.prepare('SELECT id, depends_on FROM outbox ORDER BY rowid').all()).toEqual([
      { id: 'e1', depends_on: null },
      { id: 'c1', depends_on: 'e1' },
      { id: 'e1:void', depends_on: 'e2' },
      { id: 'm1', depends_on: null },
    ])
    expect(db.prepare('SELECT key FROM settings ORDER BY key').all()).toEqual([{ key: 'ui.sound' }])
  })

  it('creates the session, pairing-code and per-source attempt tables (STRICT, constrained)', () => {
    db = createTestDb(80)
    db.prepare("INSERT INTO kiosk_sessions (id, token_hash, mac_key, transport, created_at, last_seen_at) VALUES ('s1', 'h1', x'01', 'http', 1, 1)").run()
    expect(() => db.prepare("INSERT INTO kiosk_sessions (id, token_hash, mac_key, transport, created_at, last_seen_at) VALUES ('s2', 'h1', x'01', 'http', 1, 1)").run()).toThrow(/UNIQUE/)
    expect(() => db.prepare("INSERT INTO kiosk_sessions (id, token_hash, mac_key, transport, created_at, last_seen_at) VALUES ('s3', 'h3', x'01', 'smtp', 1, 1)").run()).toThrow(/CHECK/)
    expect(db.prepare('SELECT counter_high, counter_window FROM kiosk_sessions').get()).toEqual({ counter_high: 0, counter_window: '0' })
    db.prepare("INSERT INTO pairing_codes (code_hash, created_at, expires_at, created_by) VALUES ('c', 1, 2, 'cli')").run()
    expect(() => db.prepare("INSERT INTO pairing_codes (code_hash, created_at, expires_at, created_by) VALUES ('c', 1, 2, 'cli')").run()).toThrow(/UNIQUE|PRIMARY/)
    db.prepare("INSERT INTO admin_attempts (source, failures, locked_until, last_at) VALUES ('ipc', 3, NULL, 5)").run()
    expect(() => db.prepare("INSERT INTO admin_attempts (source, failures, last_at) VALUES ('x', -1, 5)").run()).toThrow(/CHECK/)
    expect(() => db.prepare("INSERT INTO admin_attempts (source, failures, last_at) VALUES ('y', 'many', 5)").run()).toThrow(/cannot store TEXT value in INTEGER column/)
  })
})
