import { randomBytes as cryptoRandomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import { withDbErrors } from '../db/sqlite'
import { appendAudit } from '../store/audit-log'
import { getSetting, setSetting } from '../store/settings-store'

/** settings key of the stored PIN hash ({@link StoredPin}) */
export const ADMIN_PIN_KEY = 'admin.pin'
/** settings key of the wrong-PIN counter and lock ({@link LockState}); survives a restart */
export const ADMIN_LOCK_KEY = 'admin.lock'

export const PIN_MIN_DIGITS = 4
export const PIN_MAX_DIGITS = 12

/** scrypt parameters for new PINs (≈16 MiB, some tens of ms). Stored with each hash, so they can change later. */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const
const SALT_BYTES = 16
const HASH_BYTES = 32
const TOKEN_BYTES = 32
/** scrypt needs 128·N·r·p bytes; allow up to 4× today's parameters when verifying a stored hash. */
const SCRYPT_MAXMEM = 4 * 128 * SCRYPT_PARAMS.N * SCRYPT_PARAMS.r * SCRYPT_PARAMS.p + 1024 * 1024

/** What 'admin.pin' holds. Never the PIN itself. */
export type StoredPin = { algo: 'scrypt'; N: number; r: number; p: number; salt: string; hash: string }
/** What 'admin.lock' holds: wrong PINs in a row, and the lock's end (epoch ms) while locked. */
export type LockState = { failures: number; lockedUntil: number | null }

export type AdminStatus = { pinSet: boolean; lockedUntil: number | null }
export type AdminSession = { token: string; expiresAt: number }

export type AdminAuthOptions = {
  /** epoch ms; injected so tests can move time */
  now: () => number
  /** admin mode ends after this long without a successful check (default 2 min) */
  idleMs?: number
  /** wrong PINs in a row that lock admin mode (default 5) */
  maxTries?: number
  /** how long the lock lasts (default 5 min) */
  lockMs?: number
  /** source of salts and tokens (default node:crypto randomBytes) */
  randomBytes?: (size: number) => Buffer
}

export type AdminAuth = {
  status(): AdminStatus
  /**
   * Sets the first PIN without a session, or changes it with a valid session `token`
   * (the other sessions end). Throws 'pin-already-set', 'admin-required', 'pin-too-short', 'invalid-args'.
   */
  setPin(pin: string, opts: { token?: string; actor: string }): void
  /** Opens admin mode. Throws 'pin-not-set', 'pin-wrong' ({ triesLeft }), 'admin-locked' ({ lockedUntil }). */
  login(pin: string, actor: string): AdminSession
  /** Whether `token` is a live session; a live one is extended to now + idleMs. */
  check(token: string | undefined | null): boolean
  /** Like check, but throws HadirError('admin-required') when the session is missing, unknown or expired. */
  require(token: string | undefined | null): void
  /** Ends the session (no-op for an unknown token). */
  logout(token: string | undefined | null): void
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** Local HH:MM of `at`, rounded up to the next minute so the lock has really ended at that time. */
export function formatLockTime(at: number): string {
  const d = new Date(Math.ceil(at / 60_000) * 60_000)
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}

function checkPinFormat(pin: unknown): string {
  if (typeof pin !== 'string') throw new HadirError('invalid-args', 'The PIN must be a string of digits', { field: 'pin' })
  if (!/^[0-9]*$/.test(pin) || pin.length > PIN_MAX_DIGITS) {
    throw new HadirError('invalid-args', `The PIN must be ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits (0–9)`, { field: 'pin' })
  }
  if (pin.length < PIN_MIN_DIGITS) throw new HadirError('pin-too-short', `The PIN needs at least ${PIN_MIN_DIGITS} digits`, { field: 'pin' })
  return pin
}

function isStoredPin(v: unknown): v is StoredPin {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  const int = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0
  return o.algo === 'scrypt' && int(o.N) && int(o.r) && int(o.p) && typeof o.salt === 'string' && typeof o.hash === 'string'
}

function readLock(db: Database): LockState {
  const v = getSetting<Partial<LockState>>(db, ADMIN_LOCK_KEY)
  const failures = typeof v?.failures === 'number' && Number.isInteger(v.failures) && v.failures > 0 ? v.failures : 0
  const lockedUntil = typeof v?.lockedUntil === 'number' && Number.isFinite(v.lockedUntil) ? v.lockedUntil : null
  return { failures, lockedUntil }
}

/**
 * Admin PIN and admin-mode sessions for the kiosk. The PIN is stored as a salted scrypt hash in the
 * settings table; wrong tries and the lock are persisted there too (a restart does not reset them).
 * Sessions live in memory only: a restart ends admin mode.
 *
 * scrypt runs synchronously on purpose: reading the counter, verifying and writing the counter back
 * happen in one turn of the event loop, so concurrent logins cannot get more than `maxTries` guesses.
 */
export function createAdminAuth(db: Database, opts: AdminAuthOptions): AdminAuth {
  const { now } = opts
  const idleMs = opts.idleMs ?? 120_000
  const maxTries = opts.maxTries ?? 5
  const lockMs = opts.lockMs ?? 300_000
  const random = opts.randomBytes ?? cryptoRandomBytes
  /** token → expiresAt */
  const sessions = new Map<string, number>()

  const readPin = (): StoredPin | undefined => {
    const v = getSetting<unknown>(db, ADMIN_PIN_KEY)
    if (v === undefined) return undefined
    if (!isStoredPin(v)) throw new Error(`the setting ${ADMIN_PIN_KEY} is not a valid PIN hash`)
    return v
  }

  const hashPin = (pin: string): StoredPin => {
    const salt = random(SALT_BYTES)
    const { N, r, p } = SCRYPT_PARAMS
    const hash = scryptSync(pin, salt, HASH_BYTES, { N, r, p, maxmem: SCRYPT_MAXMEM })
    return { algo: 'scrypt', N, r, p, salt: salt.toString('base64'), hash: hash.toString('base64') }
  }

  const verifyPin = (pin: string, stored: StoredPin): boolean => {
    const expected = Buffer.from(stored.hash, 'base64')
    if (expected.length === 0) throw new Error(`the setting ${ADMIN_PIN_KEY} has an empty hash`)
    const actual = scryptSync(pin, Buffer.from(stored.salt, 'base64'), expected.length, { N: stored.N, r: stored.r, p: stored.p, maxmem: SCRYPT_MAXMEM })
    return timingSafeEqual(actual, expected)
  }

  /** The stored lock state; a lock reaching further than lockMs ahead (the clock was set back) is cut to lockMs and saved. */
  const currentLock = (t: number): LockState => {
    const lock = readLock(db)
    if (lock.lockedUntil === null || lock.lockedUntil - t <= lockMs) return lock
    const cut: LockState = { failures: lock.failures, lockedUntil: t + lockMs }
    setSetting(db, ADMIN_LOCK_KEY, cut)
    return cut
  }

  /** The end of the lock in force at `t`, or null. */
  const activeLock = (lock: LockState, t: number): number | null => (lock.lockedUntil === null || t >= lock.lockedUntil ? null : lock.lockedUntil)

  const lockedError = (lockedUntil: number): HadirError =>
    new HadirError('admin-locked', `Too many wrong PINs: admin is locked until ${formatLockTime(lockedUntil)}`, { lockedUntil })

  const liveSession = (token: string | undefined | null, t: number): boolean => {
    if (typeof token !== 'string' || token === '') return false
    const expiresAt = sessions.get(token)
    if (expiresAt === undefined) return false
    if (t >= expiresAt) {
      sessions.delete(token)
      return false
    }
    return true
  }

  const pruneExpired = (t: number): void => {
    for (const [token, expiresAt] of sessions) if (t >= expiresAt) sessions.delete(token)
  }

  const check = (token: string | undefined | null): boolean => {
    const t = now()
    if (!liveSession(token, t)) return false
    sessions.set(token as string, t + idleMs)
    return true
  }

  return {
    status() {
      const t = now()
      return { pinSet: readPin() !== undefined, lockedUntil: activeLock(currentLock(t), t) }
    },

    setPin(pin, { token, actor }) {
      const pinSet = readPin() !== undefined
      if (pinSet && (token === undefined || token === null || token === '')) {
        throw new HadirError('pin-already-set', 'An admin PIN is already set: enter it to change it')
      }
      if (pinSet && !check(token)) throw new HadirError('admin-required', 'Admin mode has ended: enter the PIN again')
      const stored = hashPin(checkPinFormat(pin))
      const t = now()
      withDbErrors(() =>
        db.transaction(() => {
          // re-read inside the transaction: another process may have set the first PIN meanwhile
          if (!pinSet && readPin() !== undefined) throw new HadirError('pin-already-set', 'An admin PIN is already set: enter it to change it')
          setSetting(db, ADMIN_PIN_KEY, stored)
          setSetting(db, ADMIN_LOCK_KEY, { failures: 0, lockedUntil: null } satisfies LockState)
          appendAudit(db, { at: t, actor, action: pinSet ? 'admin.pin-changed' : 'admin.pin-set', subject: 'admin' })
        })(),
      )
      // a new PIN ends every other admin session
      for (const other of [...sessions.keys()]) if (other !== token) sessions.delete(other)
    },

    login(pin, actor) {
      if (typeof pin !== 'string') throw new HadirError('invalid-args', 'The PIN must be a string of digits', { field: 'pin' })
      const stored = readPin()
      if (!stored) throw new HadirError('pin-not-set', 'No admin PIN is set yet: set one first')
      const t = now()
      const lock = currentLock(t)
      const lockedUntil = activeLock(lock, t)
      if (lockedUntil !== null) throw lockedError(lockedUntil)
      // a lock that has run out gives a fresh set of tries
      const failuresBefore = lock.lockedUntil !== null ? 0 : lock.failures

      if (verifyPin(pin, stored)) {
        withDbErrors(() =>
          db.transaction(() => {
            if (failuresBefore !== 0 || lock.lockedUntil !== null) setSetting(db, ADMIN_LOCK_KEY, { failures: 0, lockedUntil: null } satisfies LockState)
            appendAudit(db, { at: t, actor, action: 'admin.login', subject: 'admin' })
          })(),
        )
        pruneExpired(t)
        const token = random(TOKEN_BYTES).toString('base64url')
        const expiresAt = t + idleMs
        sessions.set(token, expiresAt)
        return { token, expiresAt }
      }

      const failures = failuresBefore + 1
      const triesLeft = Math.max(0, maxTries - failures)
      const newLock = triesLeft === 0 ? t + lockMs : null
      withDbErrors(() =>
        db.transaction(() => {
          setSetting(db, ADMIN_LOCK_KEY, { failures, lockedUntil: newLock } satisfies LockState)
          appendAudit(db, { at: t, actor, action: 'admin.login-failed', subject: 'admin', details: { triesLeft } })
          if (newLock !== null) appendAudit(db, { at: t, actor, action: 'admin.locked', subject: 'admin', details: { lockedUntil: newLock, failures } })
        })(),
      )
      if (newLock !== null) throw lockedError(newLock)
      throw new HadirError('pin-wrong', `Wrong PIN: ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`, { triesLeft })
    },

    check,

    require(token) {
      if (!check(token)) throw new HadirError('admin-required', 'Admin mode has ended: enter the PIN again')
    },

    logout(token) {
      if (typeof token === 'string') sessions.delete(token)
    },
  }
}
