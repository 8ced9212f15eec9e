import { scryptSync, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { openDb } from '../db/open-db'
import { listAudit } from '../store/audit-log'
import { getSetting } from '../store/settings-store'
import { ADMIN_LOCK_KEY, ADMIN_PIN_KEY, createAdminAuth, formatLockTime, type AdminAuth, type StoredPin } from './admin-auth'

const MIN = 60_000
const PIN = '482916'
const START = Date.UTC(2025, 0, 6, 8, 0, 0)

let dir: string
let file: string
let db: Database
let t: number
const clock = { now: () => t }
const newAuth = (): AdminAuth => createAdminAuth(db, clock)

/** The HadirError a call throws, as { code, message, details }. */
function thrown(fn: () => unknown): { code: string; message: string; details?: Record<string, unknown> } {
  try {
    fn()
  } catch (e) {
    const err = e as { code: string; message: string; details?: Record<string, unknown> }
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
  }
  throw new Error('expected a throw')
}

const actions = (): string[] =>
  listAudit(db, 1000)
    .map((a) => a.action)
    .reverse()

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-admin-'))
  file = path.join(dir, 'hadir.db')
  db = openDb(file)
  t = START
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('admin PIN', () => {
  it('first PIN without a session; a second one without a session is refused; changing needs a session', () => {
    const auth = newAuth()
    expect(auth.status()).toEqual({ pinSet: false, lockedUntil: null })
    expect(thrown(() => auth.login(PIN, 'kiosk')).code).toBe('pin-not-set')

    auth.setPin(PIN, { actor: 'kiosk' })
    expect(auth.status()).toEqual({ pinSet: true, lockedUntil: null })
    expect(thrown(() => auth.setPin('1111', { actor: 'kiosk' })).code).toBe('pin-already-set')
    expect(thrown(() => auth.setPin('1111', { token: 'forged', actor: 'kiosk' }))).toMatchObject({
      code: 'admin-required',
      message: 'Admin mode has ended: enter the PIN again',
    })
    expect(thrown(() => auth.login('1111', 'kiosk')).code).toBe('pin-wrong')

    const { token } = auth.login(PIN, 'kiosk')
    auth.setPin('7777', { token, actor: 'admin' })
    expect(thrown(() => auth.login(PIN, 'kiosk')).code).toBe('pin-wrong')
    expect(auth.login('7777', 'kiosk').token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(auth.check(token)).toBe(true) // the session that changed the PIN goes on

    expect(listAudit(db).filter((a) => a.action.startsWith('admin.pin'))).toMatchObject([
      { action: 'admin.pin-changed', actor: 'admin' },
      { action: 'admin.pin-set', actor: 'kiosk' },
    ])
  })

  it('changing the PIN ends the other sessions', () => {
    const auth = newAuth()
    auth.setPin(PIN, { actor: 'kiosk' })
    const a = auth.login(PIN, 'kiosk').token
    const b = auth.login(PIN, 'http').token
    auth.setPin('123456', { token: a, actor: 'kiosk' })
    expect(auth.check(a)).toBe(true)
    expect(auth.check(b)).toBe(false)
  })

  it.each([
    ['', 'pin-too-short'],
    ['1', 'pin-too-short'],
    ['123', 'pin-too-short'],
    ['12a4', 'invalid-args'],
    ['abc', 'invalid-args'],
    ['12 34', 'invalid-args'],
    [' 1234', 'invalid-args'],
    ['١٢٣٤', 'invalid-args'], // Arabic-Indic digits are not 0–9
    ['1234567890123', 'invalid-args'],
  ])('refuses the PIN %j with %s and stores nothing', (pin, code) => {
    const auth = newAuth()
    const err = thrown(() => auth.setPin(pin, { actor: 'kiosk' }))
    expect(err.code).toBe(code)
    if (code === 'pin-too-short') expect(err.message).toBe('The PIN needs at least 4 digits')
    expect(auth.status().pinSet).toBe(false)
    expect(listAudit(db)).toEqual([])
  })

  it('accepts 4 and 12 digits', () => {
    const auth = newAuth()
    auth.setPin('0000', { actor: 'kiosk' })
    const { token } = auth.login('0000', 'kiosk')
    auth.setPin('000000000000', { token, actor: 'kiosk' })
    expect(auth.login('000000000000', 'kiosk').expiresAt).toBe(t + 2 * MIN)
  })

  it('stores a salted scrypt hash, never the PIN, and it verifies with scrypt', () => {
    const auth = newAuth()
    auth.setPin(PIN, { actor: 'kiosk' })
    auth.login(PIN, 'kiosk')
    try {
      auth.login('000000', 'kiosk')
    } catch {
      // wrong on purpose
    }
    const stored = getSetting<StoredPin>(db, ADMIN_PIN_KEY) as StoredPin
    expect(Object.keys(stored).sort()).toEqual(['N', 'algo', 'hash', 'p', 'r', 'salt'])
    expect(stored).toMatchObject({ algo: 'scrypt', N: 16384, r: 8, p: 1 })
    const salt = Buffer.from(stored.salt, 'base64')
    const hash = Buffer.from(stored.hash, 'base64')
    expect(salt).toHaveLength(16)
    expect(hash).toHaveLength(32)
    expect(timingSafeEqual(scryptSync(PIN, salt, 32, { N: stored.N, r: stored.r, p: stored.p }), hash)).toBe(true)
    expect(timingSafeEqual(scryptSync('482917', salt, 32, { N: stored.N, r: stored.r, p: stored.p }), hash)).toBe(false)

    // nowhere in the database file, settings or audit log
    db.pragma('wal_checkpoint(TRUNCATE)')
    expect(fs.readFileSync(file).includes(Buffer.from(PIN))).toBe(false)
    const everything = JSON.stringify([db.prepare('SELECT * FROM settings').all(), listAudit(db)])
    expect(everything).not.toContain(PIN)
    expect(everything).not.toContain('000000')

    // same PIN again → another salt, another hash
    const { token } = auth.login(PIN, 'kiosk')
    auth.setPin(PIN, { token, actor: 'kiosk' })
    const again = getSetting<StoredPin>(db, ADMIN_PIN_KEY) as StoredPin
    expect(again.salt).not.toBe(stored.salt)
    expect(again.hash).not.toBe(stored.hash)
  })
})

describe('admin login and lock', () => {
  let auth: AdminAuth
  beforeEach(() => {
    auth = newAuth()
    auth.setPin(PIN, { actor: 'kiosk' })
  })

  it('4 wrong PINs then the right one works and resets the counter', () => {
    for (let i = 1; i <= 4; i++) {
      expect(thrown(() => auth.login('1111', 'kiosk'))).toEqual({
        code: 'pin-wrong',
        message: `Wrong PIN: ${5 - i} ${5 - i === 1 ? 'try' : 'tries'} left`,
        details: { triesLeft: 5 - i },
      })
    }
    expect(getSetting(db, ADMIN_LOCK_KEY)).toEqual({ failures: 4, lockedUntil: null })
    const s = auth.login(PIN, 'kiosk')
    expect(s.expiresAt).toBe(START + 2 * MIN)
    expect(getSetting(db, ADMIN_LOCK_KEY)).toEqual({ failures: 0, lockedUntil: null })
    // a fresh set of 5: 4 more wrong ones do not lock
    for (let i = 0; i < 4; i++) expect(thrown(() => auth.login('1111', 'kiosk')).code).toBe('pin-wrong')
    expect(auth.status().lockedUntil).toBeNull()
    expect(listAudit(db, 1000).filter((a) => a.action === 'admin.login-failed').map((a) => a.details)).toEqual([
      { triesLeft: 1 },
      { triesLeft: 2 },
      { triesLeft: 3 },
      { triesLeft: 4 },
      { triesLeft: 1 },
      { triesLeft: 2 },
      { triesLeft: 3 },
      { triesLeft: 4 },
    ])
    expect(actions()).toContain('admin.login')
  })

  it('the 5th wrong PIN in a row locks for 5 minutes, even against the right PIN, then unlocks', () => {
    for (let i = 0; i < 4; i++) thrown(() => auth.login('1111', 'kiosk'))
    t += 30_000
    const lockedUntil = t + 5 * MIN
    expect(thrown(() => auth.login('2222', 'kiosk'))).toEqual({
      code: 'admin-locked',
      message: `Too many wrong PINs: admin is locked until ${formatLockTime(lockedUntil)}`,
      details: { lockedUntil },
    })
    expect(auth.status()).toEqual({ pinSet: true, lockedUntil })
    expect(listAudit(db, 2)).toMatchObject([
      { action: 'admin.locked', details: { lockedUntil } },
      { action: 'admin.login-failed', details: { triesLeft: 0 } },
    ])

    t = lockedUntil - 1
    expect(thrown(() => auth.login(PIN, 'kiosk'))).toMatchObject({ code: 'admin-locked', details: { lockedUntil } })
    expect(thrown(() => auth.setPin('9999', { actor: 'kiosk' })).code).toBe('pin-already-set')
    expect(actions().filter((a) => a === 'admin.login')).toEqual([]) // no login happened

    t = lockedUntil
    expect(auth.status().lockedUntil).toBeNull()
    expect(auth.login(PIN, 'kiosk').expiresAt).toBe(lockedUntil + 2 * MIN)
    expect(getSetting(db, ADMIN_LOCK_KEY)).toEqual({ failures: 0, lockedUntil: null })
  })

  it('after a lock runs out, the next wrong PIN starts a fresh count', () => {
    for (let i = 0; i < 5; i++) thrown(() => auth.login('1111', 'kiosk'))
    t += 5 * MIN
    expect(thrown(() => auth.login('1111', 'kiosk')).details).toEqual({ triesLeft: 4 })
  })

  it('the lock and the counter survive a restart (a new auth object on the reopened file)', () => {
    for (let i = 0; i < 3; i++) thrown(() => auth.login('1111', 'kiosk'))
    db.close()
    db = openDb(file)
    expect(thrown(() => newAuth().login('1111', 'kiosk')).details).toEqual({ triesLeft: 1 })
    const lockErr = thrown(() => newAuth().login('1111', 'kiosk'))
    expect(lockErr.code).toBe('admin-locked')
    db.close()
    db = openDb(file)
    t += 4 * MIN
    const restarted = newAuth()
    expect(restarted.status()).toEqual({ pinSet: true, lockedUntil: START + 5 * MIN })
    expect(thrown(() => restarted.login(PIN, 'kiosk')).code).toBe('admin-locked')
    t += MIN
    expect(restarted.login(PIN, 'kiosk').token).toBeTruthy()
  })

  it('a clock set back does not stretch the lock beyond 5 minutes', () => {
    for (let i = 0; i < 5; i++) thrown(() => auth.login('1111', 'kiosk'))
    t -= 3 * 60 * MIN
    expect(auth.status().lockedUntil).toBe(t + 5 * MIN)
    t += 5 * MIN
    expect(auth.login(PIN, 'kiosk').token).toBeTruthy()
  })

  it('the lock time is shown as local HH:MM, rounded up to the minute', () => {
    const at = new Date(2025, 0, 6, 9, 7, 0, 0).getTime()
    expect(formatLockTime(at)).toBe('09:07')
    expect(formatLockTime(at + 1)).toBe('09:08')
    expect(formatLockTime(new Date(2025, 0, 6, 23, 59, 30).getTime())).toBe('00:00')
  })
})

describe('admin sessions', () => {
  let auth: AdminAuth
  beforeEach(() => {
    auth = newAuth()
    auth.setPin(PIN, { actor: 'kiosk' })
  })

  it('tokens are 32 random bytes, base64url, different each login', () => {
    const a = auth.login(PIN, 'kiosk').token
    const b = auth.login(PIN, 'kiosk').token
    expect(Buffer.from(a, 'base64url')).toHaveLength(32)
    expect(a).not.toBe(b)
    expect(auth.check(a) && auth.check(b)).toBe(true)
  })

  it('ends after 2 idle minutes', () => {
    const { token, expiresAt } = auth.login(PIN, 'kiosk')
    expect(expiresAt).toBe(START + 2 * MIN)
    t = expiresAt - 1
    expect(auth.check(token)).toBe(true)
    t = expiresAt - 1 + 2 * MIN
    expect(auth.check(token)).toBe(false) // the check above slid it to here, exclusive
    expect(thrown(() => auth.require(token))).toEqual({ code: 'admin-required', message: 'Admin mode has ended: enter the PIN again' })
    // and it stays ended
    t = START
    expect(auth.check(token)).toBe(false)
  })

  it('each successful check slides the expiry', () => {
    const { token } = auth.login(PIN, 'kiosk')
    for (let i = 0; i < 10; i++) {
      t += 2 * MIN - 1
      expect(() => auth.require(token)).not.toThrow()
    }
    expect(t - START).toBeGreaterThan(19 * MIN)
    t += 2 * MIN
    expect(auth.check(token)).toBe(false)
  })

  it('unknown, empty or missing tokens are refused', () => {
    auth.login(PIN, 'kiosk')
    for (const token of ['nope', '', undefined, null]) {
      expect(auth.check(token)).toBe(false)
      expect(thrown(() => auth.require(token)).code).toBe('admin-required')
    }
  })

  it('logout ends the session; sessions do not survive a restart', () => {
    const a = auth.login(PIN, 'kiosk').token
    const b = auth.login(PIN, 'kiosk').token
    auth.logout(a)
    expect(auth.check(a)).toBe(false)
    expect(auth.check(b)).toBe(true)
    auth.logout('unknown')
    auth.logout(undefined)
    expect(newAuth().check(b)).toBe(false)
  })
})
