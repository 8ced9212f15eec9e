import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HadirError, toApiError } from '../../../src/shared/api/result'
import { getUserVersion } from './migrate'
import { LATEST_SCHEMA_VERSION } from './migrations/index'
import { dataDir, defaultDbFile, openDb, withDbErrors, wrapDbError } from './open-db'

let tmp: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-opendb-'))
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('openDb', () => {
  it('creates the parent folder, sets pragmas and migrates', () => {
    const file = path.join(tmp, 'a', 'b', 'hadir.db')
    const db = openDb(file)
    try {
      expect(fs.existsSync(file)).toBe(true)
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
      expect(getUserVersion(db)).toBe(LATEST_SCHEMA_VERSION)
    } finally {
      db.close()
    }
    // reopening an existing file is fine and keeps data
    const again = openDb(file)
    expect(getUserVersion(again)).toBe(LATEST_SCHEMA_VERSION)
    again.close()
  })

  it('throws db-not-writable naming the path and HADIR_DATA_DIR when the folder cannot be created', () => {
    const blocker = path.join(tmp, 'not-a-dir')
    fs.writeFileSync(blocker, 'x')
    const file = path.join(blocker, 'hadir.db')
    let caught: unknown
    try {
      openDb(file)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(HadirError)
    const apiErr = toApiError(caught)
    expect(apiErr.code).toBe('db-not-writable')
    expect(apiErr.message).toContain(file)
    expect(apiErr.message).toContain('HADIR_DATA_DIR')
  })

  it('refuses a database from the future and leaves it untouched', () => {
    const file = path.join(tmp, 'future.db')
    const db = openDb(file)
    db.pragma('user_version = 990')
    db.close()
    expect(() => openDb(file)).toThrow(expect.objectContaining({ code: 'db-from-future' }))
  })
})

describe('dataDir / defaultDbFile', () => {
  it('prefers HADIR_DATA_DIR', () => {
    expect(dataDir({ HADIR_DATA_DIR: tmp }, 'linux', '/home/u')).toBe(tmp)
    expect(defaultDbFile({ HADIR_DATA_DIR: tmp })).toBe(path.join(tmp, 'hadir.db'))
  })
  it('uses the OS app-data folder', () => {
    expect(dataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\Hadir')
    expect(dataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Hadir')
    expect(dataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/Hadir')
    expect(dataDir({}, 'linux', '/home/u')).toBe('/home/u/.config/Hadir')
  })
})

describe('wrapDbError', () => {
  const sqliteErr = (code: string) => Object.assign(new Error('boom'), { code })
  it('maps SQLITE_FULL to disk-full and SQLITE_IOERR* to db-error', () => {
    expect(toApiError(wrapDbError(sqliteErr('SQLITE_FULL'))).code).toBe('disk-full')
    expect(toApiError(wrapDbError(sqliteErr('SQLITE_IOERR_WRITE'))).code).toBe('db-error')
    expect(toApiError(wrapDbError(sqliteErr('SQLITE_CONSTRAINT_PRIMARYKEY'))).code).toBe('conflict')
  })
  it('leaves other errors alone', () => {
    const e = new TypeError('x')
    expect(wrapDbError(e)).toBe(e)
    const h = new HadirError('not-found', 'y')
    expect(wrapDbError(h)).toBe(h)
  })
  it('withDbErrors maps a real SQLite constraint error', () => {
    const db = openDb(':memory:')
    db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1)`).run()
    expect(() => withDbErrors(() => db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1)`).run())).toThrow(
      expect.objectContaining({ code: 'conflict' }),
    )
    db.close()
  })
})
