import { afterEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { toApiError } from '../../../src/shared/api/result'
import { createTestDb } from '../testing/create-test-db'
import { checkMigrations, DbFromFutureError, getUserVersion, migrate } from './migrate'
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index'

const tables = (db: Database): string[] =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name)

describe('migrate', () => {
  let db: Database
  afterEach(() => db?.close())

  it('brings an empty database to the newest version', () => {
    db = createTestDb(0)
    expect(getUserVersion(db)).toBe(0)
    expect(migrate(db)).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, applied: MIGRATIONS.map((m) => m.version) })
    expect(getUserVersion(db)).toBe(LATEST_SCHEMA_VERSION)
    expect(tables(db)).toEqual(['admin_attempts', 'attendance_events', 'attendance_review', 'audit_log', 'consents', 'face_templates', 'kiosk_sessions', 'outbox', 'pairing_codes', 'people', 'person_credentials', 'person_schedules', 'settings', 'sync_state', 'tombstones'])
  })

  it('is idempotent', () => {
    db = createTestDb()
    expect(migrate(db)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] })
    expect(migrate(db)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] })
    expect(getUserVersion(db)).toBe(LATEST_SCHEMA_VERSION)
  })

  it('migrates step by step to a target', () => {
    db = createTestDb(10)
    expect(getUserVersion(db)).toBe(10)
    expect(tables(db)).not.toContain('outbox')
    expect(migrate(db, 20).applied).toEqual([20])
    expect(tables(db)).toContain('outbox')
  })

  it('throws DbFromFutureError (db-from-future) for a newer database', () => {
    db = createTestDb()
    db.pragma('user_version = 990')
    let caught: unknown
    try {
      migrate(db)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(DbFromFutureError)
    expect(toApiError(caught).code).toBe('db-from-future')
    expect((caught as DbFromFutureError).dbVersion).toBe(990)
    expect(getUserVersion(db)).toBe(990)
  })

  it('rejects non-monotonic or malformed version lists', () => {
    const noop = () => {}
    expect(() => checkMigrations([{ version: 20, name: 'a', up: noop }, { version: 10, name: 'b', up: noop }])).toThrow(/increase/)
    expect(() => checkMigrations([{ version: 10, name: 'a', up: noop }, { version: 10, name: 'b', up: noop }])).toThrow(/increase/)
    expect(() => checkMigrations([{ version: 13, name: 'a', up: noop }])).toThrow(/multiple of 5/)
    expect(() => checkMigrations(MIGRATIONS)).not.toThrow()
    db = createTestDb(0)
    expect(() => migrate(db, undefined, [{ version: 20, name: 'a', up: noop }, { version: 10, name: 'b', up: noop }])).toThrow()
    expect(getUserVersion(db)).toBe(0)
  })

  it('rejects an unknown target version', () => {
    db = createTestDb(0)
    expect(() => migrate(db, 15)).toThrow(/unknown target/)
  })

  it('runs all pending migrations in one transaction: a failure rolls everything back', () => {
    db = createTestDb(0)
    const broken: Migration[] = [
      { version: 10, name: 'ok', up: (d) => d.exec('CREATE TABLE a (x INTEGER)') },
      { version: 20, name: 'fails', up: (d) => d.exec('CREATE TABLE b (x INTEGER); THIS IS NOT SQL') },
    ]
    expect(() => migrate(db, undefined, broken)).toThrow()
    expect(getUserVersion(db)).toBe(0)
    expect(tables(db)).toEqual([])
  })
})
