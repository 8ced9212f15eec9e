import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HadirError, toApiError } from '../../../src/shared/api/result'
import { createApp } from '../create-app'
import { emb, fakeClock, TEST_MODEL, testRecognition, track } from '../testing/fixtures'
import { quickCheck } from './integrity'
import { getUserVersion } from './migrate'
import { LATEST_SCHEMA_VERSION } from './migrations/index'
import { dataDir, defaultDbFile, openDb } from './open-db'
import { withDbErrors, wrapDbError } from './sqlite'

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

describe('a full disk (SQLITE_FULL) through the real app', () => {
  it('stops new writes with disk-full and a clear message, loses nothing already stored, and writes again once there is room', async () => {
    const file = path.join(tmp, 'full', 'hadir.db')
    const clock = fakeClock(new Date(2025, 0, 6, 7, 0, 0).getTime())
    const app = createApp({ dbFile: file, hostKind: 'web', modelBaseUrl: '', wasmBaseUrl: '', embeddingModel: { ...TEST_MODEL }, recognition: testRecognition(0.5), now: clock.now, cooldownMs: 60_000 })
    const ok = async (method: string, args: unknown) => {
      const r = await app.dispatch(method, args)
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
      return r.data
    }
    const count = (table: string) => (app.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    const orphans = () =>
      (app.db.prepare(`SELECT count(*) AS n FROM attendance_events e LEFT JOIN outbox o ON o.id = e.id WHERE o.id IS NULL`).get() as { n: number }).n +
      (app.db.prepare(`SELECT count(*) AS n FROM outbox o LEFT JOIN attendance_events e ON e.id = o.id WHERE o.kind = 'attendance-event' AND e.id IS NULL`).get() as { n: number }).n
    try {
      await ok('people/upsert', { id: 'E1', name: 'Ani' })
      await ok('people/upsert', { id: 'E2', name: 'Budi' })
      await ok('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'test admin' })
      await ok('enrollment/add-template', { ...emb([0, 1, 0, 0]), personId: 'E2', consentBy: 'test admin' })
      // every scan a record (this is about the disk): no "Check out now?" question between them
      await ok('settings/update', { rules: { confirmChangeMs: 0 } })
      const scan = (i: number) => {
        clock.advance(2 * 60_000)
        return app.dispatch('kiosk/recognize', track(i % 2 ? [0, 1, 0, 0] : [1, 0, 0, 0]))
      }
      for (let i = 0; i < 10; i++) expect((await scan(i)).ok).toBe(true)
      // the disk is "full" one page above what the file uses now
      const pages = Number(app.db.pragma('page_count', { simple: true }))
      app.db.pragma(`max_page_count = ${pages + 1}`)
      let failure: Awaited<ReturnType<typeof scan>> | null = null
      let stored = 10
      for (let i = 10; i < 2000 && !failure; i++) {
        const r = await scan(i)
        if (r.ok) stored++
        else failure = r
      }
      expect(failure).toMatchObject({ ok: false, error: { code: 'disk-full', message: expect.stringMatching(/^Storage is full: nothing new can be saved .*everything already stored is kept/) } })
      // nothing already stored is lost, and no event is without its outbox row (or the reverse)
      expect(count('attendance_events')).toBe(stored)
      expect(count('outbox')).toBe(stored)
      expect(orphans()).toBe(0)
      // reads still work while full; another write fails the same way
      expect(((await ok('attendance/list', {})) as unknown[]).length).toBe(stored)
      expect(await scan(0)).toMatchObject({ ok: false, error: { code: 'disk-full' } })
      expect(count('attendance_events')).toBe(stored)
      // room again: writes work
      app.db.pragma('max_page_count = 1073741823')
      expect(await scan(1)).toMatchObject({ ok: true, data: { kind: 'recorded' } })
      expect(count('attendance_events')).toBe(stored + 1)
      expect(orphans()).toBe(0)
    } finally {
      app.close()
    }
    const again = openDb(file)
    expect(quickCheck(again)).toMatchObject({ ok: true })
    again.close()
  })
})
