import { randomBytes as cryptoRandomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import { withDbErrors } from '../db/sqlite'
import { open, seal } from '../secrets/crypto-box'
import { dataKeyOf } from '../secrets/store-key'
import { appendAudit } from '../store/audit-log'
import { getSetting, setSetting } from '../store/settings-store'

/** settings key of the stored PIN hash: `{ "sealed": base64 }` of a {@link StoredPin}, sealed with the data key */
export const ADMIN_PIN_KEY = 'admin.pin'

/** Shortest PIN that still opens admin mode (PINs set before issue #14 keep working until changed). */
export const PIN_MIN_DIGITS = 4
/** Shortest new PIN. */
export const NEW_PIN_MIN_DIGITS = 6
export const PIN_MAX_DIGITS = 12

/** scrypt parameters for new PINs (≈16 MiB, some tens of ms). Stored with each hash, so they can change later. */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const
const SALT_BYTES = 16
const HASH_BYTES = 32
const TOKEN_BYTES = 32
/** scrypt needs 128·N·r·p bytes; allow up to 4× today's parameters when verifying a stored hash. */
const SCRYPT_MAXMEM = 4 * 128 * SCRYPT_PARAMS.N * SCRYPT_PARAMS.r * SCRYPT_PARAMS.p + 1024 * 1024
const PIN_AAD = `setting:${ADMIN_PIN_KEY}`

/** The PIN hash (inside the sealed setting). Never the PIN itself. */
export type StoredPin = { algo: 'scrypt'; N: number; r: number; p: number; salt: string; hash: string }
/** A salted scrypt hash of a PIN with today's parameters (the admin PIN and each person's kiosk PIN). */
export function hashPin(pin: string, random: (n: number) => Buffer = cryptoRandomBytes): StoredPin {
  const salt = random(SALT_BYTES)
  const { N, r, p } = SCRYPT_PARAMS
  const hash = scryptSync(pin, salt, HASH_BYTES, { N, r, p, maxmem: SCRYPT_MAXMEM })
  return { algo: 'scrypt', N, r, p, salt: salt.toString('base64'), hash: hash.toString('base64') }
}

/** Whether `pin` is the one `stored` was made from (its own parameters; constant-time compare; an empty hash matches nothing). */
export function pinMatches(pin: string, stored: StoredPin): boolean {
  const expected = Buffer.from(stored.hash, 'base64')
  if (expected.length === 0) return false
  const actual = scryptSync(pin, Buffer.from(stored.salt, 'base64'), expected.length, { N: stored.N, r: stored.r, p: stored.p, maxmem: SCRYPT_MAXMEM })
  return timingSafeEqual(actual, expected)
}

/** Wrong PINs of one attempt source (table admin_attempts) and its lock's end (epoch ms) while locked. */
export type LockState = { failures: number; lockedUntil: number | null }

export type AdminStatus = { pinSet: boolean; lockedUntil: number | null; minPinLength: number }
export type AdminSession = { token: string; expiresAt: number }

export type AdminAuthOptions = {
  /** epoch ms; injected so tests can move time */
  now: () => number
  /** admin mode ends after this long without a successful check (default 2 min) */
  idleMs?: number
  /** wrong PINs in a row a source may make before it is locked (default 5) */
  maxTries?: number
  /** the first lock; each further wrong PIN doubles it (default 1 min) */
  lockMs?: number
  /** the longest lock (default 1 h) */
  maxLockMs?: number
  /** source of salts and tokens (default node:crypto randomBytes) */
  randomBytes?: (size: number) => Buffer
}

/** Where a PIN attempt comes from: wrong PINs lock that source only. */
export type AttemptSource = string

export type AdminAuth = {
  /** `source`: whose lock is reported (default 'local') */
  status(source?: AttemptSource): AdminStatus
  /**
   * Sets the first PIN, changes it with a valid session `token` (the other sessions end), or — the
   * machine's CLI, `reset` — replaces a forgotten one. The first PIN needs `firstAllowed` (the kiosk
   * screen or the CLI): 'admin-setup-required' otherwise. Throws 'pin-already-set', 'admin-required',
   * 'pin-too-short', 'invalid-args'.
   */
  setPin(pin: string, opts: { token?: string; actor: string; source?: AttemptSource; firstAllowed?: boolean; reset?: boolean }): void
  /** Opens admin mode. Throws 'pin-not-set', 'pin-wrong' ({ triesLeft }), 'admin-locked' ({ lockedUntil }). */
  login(pin: string, actor: string, source?: AttemptSource): AdminSession
  /** The PIN asked again for a sensitive change: counts like a login against `source`; throws like login. */
  confirm(pin: string, actor: string, source?: AttemptSource): void
  /** Whether `token` is a live session (of `source`, when given); a live one is extended to now + idleMs. */
  check(token: string | undefined | null, source?: AttemptSource): boolean
  /** Like check, but throws HadirError('admin-required') when the session is missing, unknown, expired or another source's. */
  require(token: string | undefined | null, source?: AttemptSource): void
  /** Ends the session (no-op for an unknown token). */
  logout(token: string | undefined | null): void
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** Local HH:MM of `at`, rounded up to the next minute so the lock has really ended at that time. */
export function formatLockTime(at: number): string {
  const d = new Date(Math.ceil(at / 60_000) * 60_000)
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}

function checkNewPin(pin: unknown): string {
  if (typeof pin !== 'string') throw new HadirError('invalid-args', 'The PIN must be a string of digits', { field: 'pin' })
  if (!/^[0-9]*$/.test(pin) || pin.length > PIN_MAX_DIGITS) {
    throw new HadirError('invalid-args', `The PIN must be ${NEW_PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits (0–9)`, { field: 'pin' })
  }
  if (pin.length < NEW_PIN_MIN_DIGITS) throw new HadirError('pin-too-short', `The PIN needs at least ${NEW_PIN_MIN_DIGITS} digits`, { field: 'pin', minLength: NEW_PIN_MIN_DIGITS })
  return pin
}

export function isStoredPin(v: unknown): v is StoredPin {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  const int = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0
  return o.algo === 'scrypt' && int(o.N) && int(o.r) && int(o.p) && typeof o.salt === 'string' && typeof o.hash === 'string'
}

const isSealed = (v: unknown): v is { sealed: string } => typeof v === 'object' && v !== null && typeof (v as { sealed?: unknown }).sealed === 'string'

/** Reads the PIN hash: sealed (issue #14), or a clear one from before (still accepted; see sealLegacyPin). */
function readStoredPin(db: Database): StoredPin | undefined {
  const v = getSetting<unknown>(db, ADMIN_PIN_KEY)
  if (v === undefined) return undefined
  if (isStoredPin(v)) return v
  if (!isSealed(v)) throw new Error(`the setting ${ADMIN_PIN_KEY} is not a valid PIN hash`)
  const plain = open(Buffer.from(v.sealed, 'base64'), dataKeyOf(db), PIN_AAD)
  try {
    const parsed = JSON.parse(plain.toString('utf8')) as unknown
    if (!isStoredPin(parsed)) throw new Error(`the setting ${ADMIN_PIN_KEY} is not a valid PIN hash`)
    return parsed
  } finally {
    plain.fill(0)
  }
}

function writeStoredPin(db: Database, stored: StoredPin): void {
  setSetting(db, ADMIN_PIN_KEY, { sealed: seal(Buffer.from(JSON.stringify(stored), 'utf8'), dataKeyOf(db), PIN_AAD).toString('base64') })
}

/**
 * Seals a PIN hash stored in clear by an install from before issue #14 (so a copied database alone
 * cannot be cracked offline). True when it did; the caller then rewrites the file (VACUUM) so the
 * clear copy does not stay in a free page. Needs the store's data key bound.
 */
export function sealLegacyPin(db: Database): boolean {
  const v = getSetting<unknown>(db, ADMIN_PIN_KEY)
  if (!isStoredPin(v)) return false
  withDbErrors(() => writeStoredPin(db, v))
  return true
}

/**
 * Admin PIN and admin-mode sessions for the kiosk. The PIN is a salted scrypt hash, sealed with the
 * data key (AES-GCM) in the settings table. Wrong PINs are counted per attempt source (table
 * admin_attempts: each paired page, Electron's page, the CLI), so a flood from one source never
 * locks another out: after `maxTries` wrong PINs in a row a source waits `lockMs`, doubled with each
 * further wrong PIN up to `maxLockMs`; a right PIN resets it; a day without attempts forgives it.
 * The counts survive a restart. Sessions live in memory only (a restart ends admin mode), each bound
 * to the source that opened it.
 *
 * scrypt runs synchronously on purpose: reading a source's counter, verifying and writing it back
 * happen in one turn of the event loop, so concurrent tries of one source cannot get extra guesses.
 */
export function createAdminAuth(db: Database, opts: AdminAuthOptions): AdminAuth {
  const { now } = opts
  const idleMs = opts.idleMs ?? 120_000
  const maxTries = opts.maxTries ?? 5
  const lockMs = opts.lockMs ?? 60_000
  const maxLockMs = opts.maxLockMs ?? 3600_000
  const random = opts.randomBytes ?? cryptoRandomBytes
  /** token → its expiry and the source that opened it */
  const sessions = new Map<string, { expiresAt: number; source: AttemptSource }>()

  const verifyPin = (pin: string, stored: StoredPin): boolean => {
    if (Buffer.from(stored.hash, 'base64').length === 0) throw new Error(`the setting ${ADMIN_PIN_KEY} has an empty hash`)
    return pinMatches(pin, stored)
  }

  const readLock = (source: AttemptSource, t: number): LockState => {
    const row = db.prepare('SELECT failures, locked_until, last_at FROM admin_attempts WHERE source = ?').get(source) as { failures: number; locked_until: number | null; last_at: number } | undefined
    if (!row) return { failures: 0, lockedUntil: null }
    let lockedUntil = row.locked_until
    // a clock set back must not stretch a lock beyond the longest one
    if (lockedUntil !== null && lockedUntil - t > maxLockMs) lockedUntil = t + maxLockMs
    // a source that tried nothing for a day starts afresh
    if ((lockedUntil === null || t >= lockedUntil) && t - row.last_at > 24 * 3600_000) return { failures: 0, lockedUntil: null }
    return { failures: row.failures, lockedUntil }
  }
  const writeLock = (source: AttemptSource, lock: LockState, t: number): void => {
    db.prepare('INSERT INTO admin_attempts (source, failures, locked_until, last_at) VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, last_at = excluded.last_at').run(
      source,
      lock.failures,
      lock.lockedUntil,
      t,
    )
  }

  /** The end of the lock in force at `t`, or null. */
  const activeLock = (lock: LockState, t: number): number | null => (lock.lockedUntil === null || t >= lock.lockedUntil ? null : lock.lockedUntil)

  const lockedError = (lockedUntil: number): HadirError =>
    new HadirError('admin-locked', `Too many wrong PINs: admin is locked until ${formatLockTime(lockedUntil)}`, { lockedUntil })

  const liveSession = (token: string | undefined | null, t: number, source?: AttemptSource): boolean => {
    if (typeof token !== 'string' || token === '') return false
    const s = sessions.get(token)
    if (s === undefined) return false
    if (t >= s.expiresAt) {
      sessions.delete(token)
      return false
    }
    return source === undefined || s.source === source
  }

  const pruneExpired = (t: number): void => {
    for (const [token, s] of sessions) if (t >= s.expiresAt) sessions.delete(token)
  }

  const check = (token: string | undefined | null, source?: AttemptSource): boolean => {
    const t = now()
    if (!liveSession(token, t, source)) return false
    const s = sessions.get(token as string) as { expiresAt: number; source: AttemptSource }
    s.expiresAt = t + idleMs
    return true
  }

  /** One PIN attempt of `source`: true when right; wrong ones are counted, audited and may lock it. */
  const attempt = (pin: string, actor: string, source: AttemptSource, action: 'admin.login' | 'admin.confirm'): void => {
    if (typeof pin !== 'string') throw new HadirError('invalid-args', 'The PIN must be a string of digits', { field: 'pin' })
    const stored = readStoredPin(db)
    if (!stored) throw new HadirError('pin-not-set', 'No admin PIN is set yet: set one first')
    const t = now()
    const lock = readLock(source, t)
    const lockedUntil = activeLock(lock, t)
    if (lockedUntil !== null) throw lockedError(lockedUntil)
    if (verifyPin(pin, stored)) {
      withDbErrors(() =>
        db.transaction(() => {
          if (lock.failures !== 0 || lock.lockedUntil !== null) db.prepare('DELETE FROM admin_attempts WHERE source = ?').run(source)
          appendAudit(db, { at: t, actor, action, subject: 'admin', details: { source } })
        })(),
      )
      return
    }
    const failures = lock.failures + 1
    const triesLeft = Math.max(0, maxTries - failures)
    const newLock = triesLeft === 0 ? t + Math.min(maxLockMs, lockMs * 2 ** Math.min(30, failures - maxTries)) : null
    withDbErrors(() =>
      db.transaction(() => {
        writeLock(source, { failures, lockedUntil: newLock }, t)
        appendAudit(db, { at: t, actor, action: 'admin.login-failed', subject: 'admin', details: { triesLeft, source } })
        if (newLock !== null) appendAudit(db, { at: t, actor, action: 'admin.locked', subject: 'admin', details: { lockedUntil: newLock, failures, source } })
      })(),
    )
    if (newLock !== null) throw lockedError(newLock)
    throw new HadirError('pin-wrong', `Wrong PIN: ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`, { triesLeft })
  }

  return {
    status(source = 'local') {
      const t = now()
      return { pinSet: readStoredPin(db) !== undefined, lockedUntil: activeLock(readLock(source, t), t), minPinLength: NEW_PIN_MIN_DIGITS }
    },

    setPin(pin, { token, actor, source, firstAllowed = false, reset = false }) {
      const pinSet = readStoredPin(db) !== undefined
      if (!pinSet && !firstAllowed && !reset) {
        throw new HadirError('admin-setup-required', 'No admin PIN is set yet: set it at the kiosk screen itself, or on this machine with `npm run cli -- admin set-pin`')
      }
      if (pinSet && !reset) {
        if (token === undefined || token === null || token === '') throw new HadirError('pin-already-set', 'An admin PIN is already set: enter it to change it')
        if (!check(token, source)) throw new HadirError('admin-required', 'Admin mode has ended: enter the PIN again')
      }
      const stored = hashPin(checkNewPin(pin), random)
      const t = now()
      withDbErrors(() =>
        db.transaction(() => {
          // re-read inside the transaction: another process may have set the first PIN meanwhile
          if (!pinSet && !reset && readStoredPin(db) !== undefined) throw new HadirError('pin-already-set', 'An admin PIN is already set: enter it to change it')
          writeStoredPin(db, stored)
          // a new PIN: every source starts afresh
          db.prepare('DELETE FROM admin_attempts').run()
          appendAudit(db, { at: t, actor, action: reset && pinSet ? 'admin.pin-reset' : pinSet ? 'admin.pin-changed' : 'admin.pin-set', subject: 'admin' })
        })(),
      )
      // a new PIN ends every other admin session
      for (const other of [...sessions.keys()]) if (other !== token) sessions.delete(other)
    },

    login(pin, actor, source = 'local') {
      attempt(pin, actor, source, 'admin.login')
      const t = now()
      pruneExpired(t)
      const token = random(TOKEN_BYTES).toString('base64url')
      const expiresAt = t + idleMs
      sessions.set(token, { expiresAt, source })
      return { token, expiresAt }
    },

    confirm(pin, actor, source = 'local') {
      attempt(pin, actor, source, 'admin.confirm')
    },

    check,

    require(token, source) {
      if (!check(token, source)) throw new HadirError('admin-required', 'Admin mode has ended: enter the PIN again')
    },

    logout(token) {
      if (typeof token === 'string') sessions.delete(token)
    },
  }
}
