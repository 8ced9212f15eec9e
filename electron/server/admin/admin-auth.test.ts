import { scryptSync, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { openDb } from '../db/open-db'
import { open } from '../secrets/crypto-box'
import { newDataKey } from '../secrets/data-key'
import { bindDataKey, dataKeyOf } from '../secrets/store-key'
import { listAudit } from '../store/audit-log'
import { getSetting, setSetting } from '../store/settings-store'
import { ADMIN_PIN_KEY, createAdminAuth, formatLockTime, sealLegacyPin, type AdminAuth, type StoredPin } from './admin-auth'

const MIN = 60_000
const PIN = '482916'
const START = Date.UTC(2025, 0, 6, 8, 0, 0)
/** what the kiosk screen's first PIN needs: the caller is the paired page (or the CLI) */
const FIRST = { actor: 'kiosk', firstAllowed: true }

let dir: string
let file: string
let db: Database
let t: number
const key = newDataKey()
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

/** The PIN hash as stored: the sealed setting, opened with the data key. */
function storedPin(): StoredPin {
  const v = getSetting<{ sealed: string }>(db, ADMIN_PIN_KEY) as { sealed: string }
  return JSON.parse(open(Buffer.from(v.sealed, 'base64'), dataKeyOf(db), `setting:${ADMIN_PIN_KEY}`).toString('utf8')) as StoredPin
}

const reopen = () => {
  db.close()
  db = openDb(file)
  bindDataKey(db, key)
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-admin-'))
  file = path.join(dir, 'hadir.db')
  db = openDb(file)
  bindDataKey(db, key)
  t = START
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('admin PIN', () => {
  it('the first PIN only where allowed (the kiosk screen, the CLI): elsewhere admin-setup-required, nothing stored', () => {
    const auth = newAuth()
    expect(auth.status()).toEqual({ pinSet: false, lockedUntil: null, minPinLength: 6 })
    expect(thrown(() => auth.setPin(PIN, { actor: 'http' }))).toMatchObject({ code: 'admin-setup-required', message: expect.stringContaining('npm run cli -- admin set-pin') })
    expect(auth.status().pinSet).toBe(false)
    expect(listAudit(db)).toEqual([])
    auth.setPin(PIN, FIRST)
    expect(auth.status().pinSet).toBe(true)
  })

  it('first PIN without a session; a second one without a session is refused; changing needs a session', () => {
    const auth = newAuth()
    expect(thrown(() => auth.login(PIN, 'kiosk')).code).toBe('pin-not-set')

    auth.setPin(PIN, FIRST)
    expect(auth.status()).toEqual({ pinSet: true, lockedUntil: null, minPinLength: 6 })
    expect(thrown(() => auth.setPin('111111', FIRST)).code).toBe('pin-already-set')
    expect(thrown(() => auth.setPin('111111', { token: 'forged', actor: 'kiosk' }))).toMatchObject({
      code: 'admin-required',
      message: 'Admin mode has ended: enter the PIN again',
    })
    expect(thrown(() => auth.login('111111', 'kiosk')).code).toBe('pin-wrong')

    const { token } = auth.login(PIN, 'kiosk')
    auth.setPin('777777', { token, actor: 'admin' })
    expect(thrown(() => auth.login(PIN, 'kiosk')).code).toBe('pin-wrong')
    expect(auth.login('777777', 'kiosk').token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(auth.check(token)).toBe(true) // the session that changed the PIN goes on

    expect(listAudit(db).filter((a) => a.action.startsWith('admin.pin'))).toMatchObject([
      { action: 'admin.pin-changed', actor: 'admin' },
      { action: 'admin.pin-set', actor: 'kiosk' },
    ])
  })

  it('the CLI resets a forgotten PIN (audited), and every source starts afresh', () => {
    const auth = newAuth()
    auth.setPin(PIN, FIRST)
    for (let i = 0; i < 5; i++) thrown(() => auth.login('000000', 'x', 'http:a'))
    expect(auth.status('http:a').lockedUntil).not.toBeNull()
    auth.setPin('135791', { actor: 'cli', reset: true })
    expect(auth.status('http:a').lockedUntil).toBeNull()
    expect(auth.login('135791', 'kiosk', 'http:a').token).toBeTruthy()
    expect(actions()).toContain('admin.pin-reset')
  })

  it('changing the PIN ends the other sessions', () => {
    const auth = newAuth()
    auth.setPin(PIN, FIRST)
    const a = auth.login(PIN, 'kiosk').token
    const b = auth.login(PIN, 'http').token
    auth.setPin('123456', { token: a, actor: 'kiosk' })
    expect(auth.check(a)).toBe(true)
    expect(auth.check(b)).toBe(false)
  })

  it.each([
    ['', 'pin-too-short'],
    ['1', 'pin-too-short'],
    ['1234', 'pin-too-short'],
    ['12345', 'pin-too-short'],
    ['12a456', 'invalid-args'],
    ['abcdef', 'invalid-args'],
    ['123 456', 'invalid-args'],
    [' 123456', 'invalid-args'],
    ['1234567890123', 'invalid-args'],
  ])('a new PIN %j is refused with %s, nothing stored', (pin, code) => {
    const auth = newAuth()
    const err = thrown(() => auth.setPin(pin, FIRST))
    expect(err.code).toBe(code)
    if (code === 'pin-too-short') expect(err).toMatchObject({ message: 'The PIN needs at least 6 digits', details: { minLength: 6 } })
    expect(auth.status().pinSet).toBe(false)
    expect(listAudit(db)).toEqual([])
  })

  it('new PINs have 6 to 12 digits; an older 4-digit PIN still opens admin mode until changed', () => {
    const auth = newAuth()
    auth.setPin('000000', FIRST)
    const { token } = auth.login('000000', 'kiosk')
    auth.setPin('000000000000', { token, actor: 'kiosk' })
    expect(auth.login('000000000000', 'kiosk').expiresAt).toBe(t + 2 * MIN)

    // a PIN set before issue #14 (4 digits, stored in clear): still accepted, then sealed at start
    const salt = Buffer.alloc(16, 7)
    const legacy: StoredPin = { algo: 'scrypt', N: 16384, r: 8, p: 1, salt: salt.toString('base64'), hash: scryptSync('2468', salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64') }
    setSetting(db, ADMIN_PIN_KEY, legacy)
    expect(newAuth().login('2468', 'kiosk').token).toBeTruthy()
    expect(sealLegacyPin(db)).toBe(true)
    expect(sealLegacyPin(db)).toBe(false)
    expect(getSetting<Record<string, unknown>>(db, ADMIN_PIN_KEY)).toEqual({ sealed: expect.any(String) })
    expect(storedPin()).toEqual(legacy)
    expect(newAuth().login('2468', 'kiosk').token).toBeTruthy()
  })

  it('stores a salted scrypt hash sealed with the data key: neither the PIN nor the hash is in the file', () => {
    const auth = newAuth()
    auth.setPin(PIN, FIRST)
    auth.login(PIN, 'kiosk')
    try {
      auth.login('000000', 'kiosk')
    } catch {
      // wrong on purpose
    }
    const stored = storedPin()
    expect(Object.keys(stored).sort()).toEqual(['N', 'algo', 'hash', 'p', 'r', 'salt'])
    expect(stored).toMatchObject({ algo: 'scrypt', N: 16384, r: 8, p: 1 })
    const salt = Buffer.from(stored.salt, 'base64')
    const hash = Buffer.from(stored.hash, 'base64')
    expect(salt).toHaveLength(16)
    expect(hash).toHaveLength(32)
    expect(timingSafeEqual(scryptSync(PIN, salt, 32, { N: stored.N, r: stored.r, p: stored.p }), hash)).toBe(true)
    expect(timingSafeEqual(scryptSync('482917', salt, 32, { N: stored.N, r: stored.r, p: stored.p }), hash)).toBe(false)

    // a copied database holds neither the PIN nor the salt or hash an offline attack needs
    db.pragma('wal_checkpoint(TRUNCATE)')
    const bytes = fs.readFileSync(file)
    for (const secret of [PIN, stored.salt, stored.hash, salt.toString('hex')]) expect(bytes.includes(Buffer.from(secret)), secret).toBe(false)
    expect(bytes.includes(salt)).toBe(false)
    expect(bytes.includes(hash)).toBe(false)
    const everything = JSON.stringify([db.prepare('SELECT * FROM settings').all(), listAudit(db)])
    expect(everything).not.toContain(PIN)
    expect(everything).not.toContain('000000')
    // another data key does not open it
    bindDataKey(db, newDataKey())
    expect(thrown(() => newAuth().login(PIN, 'kiosk')).code).toBe('data-key-wrong')
    bindDataKey(db, key)

    // same PIN again → another salt, another hash
    const { token } = auth.login(PIN, 'kiosk')
    auth.setPin(PIN, { token, actor: 'kiosk' })
    const again = storedPin()
    expect(again.salt).not.toBe(stored.salt)
    expect(again.hash).not.toBe(stored.hash)
  })
})

describe('admin login and lock, per attempt source', () => {
  let auth: AdminAuth
  beforeEach(() => {
    auth = newAuth()
    auth.setPin(PIN, FIRST)
  })

  it('4 wrong PINs then the right one works and resets the counter', () => {
    for (let i = 1; i <= 4; i++) {
      expect(thrown(() => auth.login('111111', 'kiosk', 'ipc'))).toEqual({
        code: 'pin-wrong',
        message: `Wrong PIN: ${5 - i} ${5 - i === 1 ? 'try' : 'tries'} left`,
        details: { triesLeft: 5 - i },
      })
    }
    expect(db.prepare('SELECT source, failures, locked_until FROM admin_attempts').all()).toEqual([{ source: 'ipc', failures: 4, locked_until: null }])
    const s = auth.login(PIN, 'kiosk', 'ipc')
    expect(s.expiresAt).toBe(START + 2 * MIN)
    expect(db.prepare('SELECT * FROM admin_attempts').all()).toEqual([])
    for (let i = 0; i < 4; i++) expect(thrown(() => auth.login('111111', 'kiosk', 'ipc')).code).toBe('pin-wrong')
    expect(auth.status('ipc').lockedUntil).toBeNull()
    expect(listAudit(db, 1000).filter((a) => a.action === 'admin.login-failed').map((a) => a.details)).toEqual([
      ...[1, 2, 3, 4].map((triesLeft) => ({ triesLeft, source: 'ipc' })),
      ...[1, 2, 3, 4].map((triesLeft) => ({ triesLeft, source: 'ipc' })),
    ])
    expect(actions()).toContain('admin.login')
  })

  it('a flood of wrong PINs from one source never locks another (the kiosk screen keeps its way in)', () => {
    for (let i = 0; i < 40; i++) {
      const e = thrown(() => auth.login(String(100000 + i), 'attacker', 'http:flood'))
      expect(['pin-wrong', 'admin-locked']).toContain(e.code)
    }
    expect(auth.status('http:flood').lockedUntil).not.toBeNull()
    expect(auth.status('http:kiosk').lockedUntil).toBeNull()
    expect(auth.login(PIN, 'kiosk', 'http:kiosk').token).toBeTruthy()
    // and the flood was counted only 5 + 1 times: a locked source does not even get a guess
    expect(listAudit(db, 1000).filter((a) => a.action === 'admin.login-failed')).toHaveLength(5)
  })

  it('locks back off exponentially per source: 1, 2, 4 … minutes, at most an hour; the right PIN waits too', () => {
    for (let i = 0; i < 4; i++) thrown(() => auth.login('111111', 'kiosk', 'ipc'))
    t += 30_000
    const lockedUntil = t + MIN
    expect(thrown(() => auth.login('222222', 'kiosk', 'ipc'))).toEqual({
      code: 'admin-locked',
      message: `Too many wrong PINs: admin is locked until ${formatLockTime(lockedUntil)}`,
      details: { lockedUntil },
    })
    expect(auth.status('ipc')).toEqual({ pinSet: true, lockedUntil, minPinLength: 6 })
    expect(listAudit(db, 2)).toMatchObject([
      { action: 'admin.locked', details: { lockedUntil, source: 'ipc' } },
      { action: 'admin.login-failed', details: { triesLeft: 0 } },
    ])
    t = lockedUntil - 1
    expect(thrown(() => auth.login(PIN, 'kiosk', 'ipc'))).toMatchObject({ code: 'admin-locked', details: { lockedUntil } })
    expect(thrown(() => auth.confirm(PIN, 'kiosk', 'ipc')).code).toBe('admin-locked')
    // each further wrong PIN after a lock doubles the next one
    const waits: number[] = []
    t = lockedUntil
    for (let i = 0; i < 8; i++) {
      const e = thrown(() => auth.login('333333', 'kiosk', 'ipc'))
      expect(e.code).toBe('admin-locked')
      const until = e.details?.['lockedUntil'] as number
      waits.push((until - t) / MIN)
      t = until
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 60, 60, 60])
    expect(auth.login(PIN, 'kiosk', 'ipc').token).toBeTruthy()
    expect(db.prepare('SELECT * FROM admin_attempts').all()).toEqual([])
  })

  it('confirm (the PIN asked again for a sensitive change) counts like a login', () => {
    expect(() => auth.confirm(PIN, 'admin', 'ipc')).not.toThrow()
    for (let i = 0; i < 4; i++) expect(thrown(() => auth.confirm('999999', 'admin', 'ipc')).code).toBe('pin-wrong')
    expect(thrown(() => auth.confirm('999999', 'admin', 'ipc')).code).toBe('admin-locked')
    expect(actions()).toContain('admin.confirm')
  })

  it('the lock and the counter survive a restart (a new auth object on the reopened file)', () => {
    for (let i = 0; i < 3; i++) thrown(() => auth.login('111111', 'kiosk', 'ipc'))
    reopen()
    expect(thrown(() => newAuth().login('111111', 'kiosk', 'ipc')).details).toEqual({ triesLeft: 1 })
    expect(thrown(() => newAuth().login('111111', 'kiosk', 'ipc')).code).toBe('admin-locked')
    reopen()
    t += 30_000
    const restarted = newAuth()
    expect(restarted.status('ipc')).toEqual({ pinSet: true, lockedUntil: START + MIN, minPinLength: 6 })
    expect(thrown(() => restarted.login(PIN, 'kiosk', 'ipc')).code).toBe('admin-locked')
    t += 30_000
    expect(restarted.login(PIN, 'kiosk', 'ipc').token).toBeTruthy()
  })

  it('a clock set back does not stretch a lock beyond an hour; a day without tries forgives a source', () => {
    for (let i = 0; i < 5; i++) thrown(() => auth.login('111111', 'kiosk', 'ipc'))
    t -= 3 * 60 * MIN
    expect(auth.status('ipc').lockedUntil).toBe(t + 60 * MIN)
    t = START + 25 * 60 * MIN
    expect(thrown(() => auth.login('111111', 'kiosk', 'ipc')).details).toEqual({ triesLeft: 4 })
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
    auth.setPin(PIN, FIRST)
  })

  it('tokens are 32 random bytes, base64url, different each login', () => {
    const a = auth.login(PIN, 'kiosk').token
    const b = auth.login(PIN, 'kiosk').token
    expect(Buffer.from(a, 'base64url')).toHaveLength(32)
    expect(a).not.toBe(b)
    expect(auth.check(a) && auth.check(b)).toBe(true)
  })

  it('a session works only from the source that opened it', () => {
    const { token } = auth.login(PIN, 'kiosk', 'http:page')
    expect(auth.check(token, 'http:other')).toBe(false)
    expect(thrown(() => auth.require(token, 'http:other')).code).toBe('admin-required')
    expect(auth.check(token, 'http:page')).toBe(true)
  })

  it('ends after 2 idle minutes', () => {
    const { token, expiresAt } = auth.login(PIN, 'kiosk')
    expect(expiresAt).toBe(START + 2 * MIN)
    t = expiresAt - 1
    expect(auth.check(token)).toBe(true)
    t = expiresAt - 1 + 2 * MIN
    expect(auth.check(token)).toBe(false) // the check above slid it to here, exclusive
    expect(thrown(() => auth.require(token))).toEqual({ code: 'admin-required', message: 'Admin mode has ended: enter the PIN again' })
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
