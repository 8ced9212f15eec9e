/**
 * A person's kiosk PIN and badge (issue #12 item 2, "a way in when the face fails").
 *
 * The PIN is 4–8 digits, kept as a salted scrypt hash (the admin PIN's parameters, admin-auth.ts)
 * sealed with the data key under AAD `person-pin:<id>`, so a copied database alone cannot be
 * cracked offline. Three wrong PINs in a row lock that person's PIN for five minutes; the count and
 * the lock are columns of person_credentials, so a restart does not forgive them. The badge number
 * is kept as typed (the reader's digits), unique over all people.
 */
import type { Database } from 'better-sqlite3'
import { PERSON_PIN_MAX, PERSON_PIN_MIN, type PersonCredentials } from '../../../src/shared/api/contract'
import { HadirError } from '../../../src/shared/api/result'
import { formatLockTime, hashPin, pinMatches, type StoredPin } from '../admin/admin-auth'
import { withDbErrors } from '../db/sqlite'
import { open, seal } from '../secrets/crypto-box'
import { dataKeyOf } from '../secrets/store-key'

/** Wrong PINs in a row before a person's PIN is locked. */
export const PERSON_PIN_MAX_TRIES = 3
/** How long a locked PIN stays locked. */
export const PERSON_PIN_LOCK_MS = 5 * 60_000
export const BADGE_MAX = 64

const PIN_RE = new RegExp(`^[0-9]{${PERSON_PIN_MIN},${PERSON_PIN_MAX}}$`)
const BADGE_RE = /^[A-Za-z0-9]{1,64}$/
const aadOf = (personId: string) => `person-pin:${personId}`

type Row = { person_id: string; pin_sealed: Buffer | null; badge: string | null; failures: number; locked_until: number | null; updated_at: number }

/** The PIN as typed, checked: `pin-format` unless 4–8 digits. */
export function checkPinFormat(pin: unknown): string {
  if (typeof pin !== 'string' || !PIN_RE.test(pin)) {
    throw new HadirError('pin-format', `The PIN must be ${PERSON_PIN_MIN} to ${PERSON_PIN_MAX} digits (0–9)`, { field: 'pin', minLength: PERSON_PIN_MIN, maxLength: PERSON_PIN_MAX })
  }
  return pin
}

/** The badge number as read, trimmed and checked: `badge-format` unless 1–64 letters and digits. */
export function checkBadgeFormat(badge: unknown): string {
  const b = typeof badge === 'string' ? badge.trim() : ''
  if (!BADGE_RE.test(b)) throw new HadirError('badge-format', `A badge number is 1 to ${BADGE_MAX} letters and digits: this read was not one`, { field: 'badge' })
  return b
}

const row = (db: Database, personId: string): Row | undefined =>
  db.prepare('SELECT person_id, pin_sealed, badge, failures, locked_until, updated_at FROM person_credentials WHERE person_id = ?').get(personId) as Row | undefined

/** The lock in force at `t` (null when none). A clock set back cannot stretch it beyond PERSON_PIN_LOCK_MS. */
function activeLock(r: Pick<Row, 'locked_until'> | undefined, t: number): number | null {
  if (!r || r.locked_until === null || t >= r.locked_until) return null
  return Math.min(r.locked_until, t + PERSON_PIN_LOCK_MS)
}

const toCredentials = (r: Row, t: number): PersonCredentials => ({ personId: r.person_id, pinSet: r.pin_sealed !== null, badge: r.badge, lockedUntil: activeLock(r, t) })

const empty = (personId: string): PersonCredentials => ({ personId, pinSet: false, badge: null, lockedUntil: null })

export function credentialsOf(db: Database, personId: string, t: number): PersonCredentials {
  const r = row(db, personId)
  return r ? toCredentials(r, t) : empty(personId)
}

export function listCredentials(db: Database, t: number): PersonCredentials[] {
  const rows = db.prepare('SELECT person_id, pin_sealed, badge, failures, locked_until, updated_at FROM person_credentials ORDER BY person_id').all() as Row[]
  return rows.map((r) => toCredentials(r, t))
}

function requirePerson(db: Database, personId: string): void {
  if (db.prepare('SELECT 1 FROM people WHERE id = ?').get(personId) === undefined) {
    throw new HadirError('not-found', `There is no person ${personId}: nothing was stored`, { personId })
  }
}

function ensureRow(db: Database, personId: string, t: number): void {
  db.prepare('INSERT INTO person_credentials (person_id, updated_at) VALUES (?, ?) ON CONFLICT (person_id) DO NOTHING').run(personId, t)
}

/** The PIN's hash as the JSON bytes that get sealed (admin-auth's hashPin: the admin PIN's parameters). */
const hashedPinBytes = (pin: string): Buffer => Buffer.from(JSON.stringify(hashPin(pin)), 'utf8')

/** Sets (or with null removes) the PIN; a new PIN clears the wrong-try count and the lock. */
export function setPersonPin(db: Database, personId: string, pin: string | null, t: number): PersonCredentials {
  const plain = pin === null ? null : hashedPinBytes(checkPinFormat(pin))
  return withDbErrors(() =>
    db.transaction(() => {
      requirePerson(db, personId)
      ensureRow(db, personId, t)
      const sealed = plain === null ? null : seal(plain, dataKeyOf(db), aadOf(personId))
      db.prepare('UPDATE person_credentials SET pin_sealed = ?, failures = 0, locked_until = NULL, updated_at = ? WHERE person_id = ?').run(sealed, t, personId)
      return credentialsOf(db, personId, t)
    })(),
  )
}

/** Sets (or with null removes) the badge number; `badge-taken` when it is someone else's. */
export function setPersonBadge(db: Database, personId: string, badge: string | null, t: number): PersonCredentials {
  const b = badge === null ? null : checkBadgeFormat(badge)
  return withDbErrors(() =>
    db.transaction(() => {
      requirePerson(db, personId)
      if (b !== null) {
        const other = db.prepare('SELECT person_id FROM person_credentials WHERE badge = ? AND person_id <> ?').get(b, personId) as { person_id: string } | undefined
        if (other) throw new HadirError('badge-taken', `This badge number is already ${other.person_id}'s`, { personId: other.person_id })
      }
      ensureRow(db, personId, t)
      db.prepare('UPDATE person_credentials SET badge = ?, updated_at = ? WHERE person_id = ?').run(b, t, personId)
      return credentialsOf(db, personId, t)
    })(),
  )
}

/** The active person holding `badge`, or null. */
export function personOfBadge(db: Database, badge: string): { id: string; name: string } | null {
  return (
    (db.prepare('SELECT p.id, p.name FROM person_credentials c JOIN people p ON p.id = c.person_id WHERE c.badge = ? AND p.active = 1').get(badge) as { id: string; name: string } | undefined) ?? null
  )
}

/** What one PIN try came to (the caller audits it). */
export type PinCheck =
  | { ok: true }
  | { ok: false; code: 'person-pin-not-set' }
  | { ok: false; code: 'pin-locked'; lockedUntil: number; justLocked: boolean }
  | { ok: false; code: 'pin-wrong'; triesLeft: number }

/**
 * One PIN try of `personId` at `t`: read the count, verify, write the count back, all in one
 * IMMEDIATE transaction (scrypt runs inside it, synchronously), so two kiosks or a CLI on the same
 * file cannot get extra guesses between the read and the write.
 */
export function tryPersonPin(db: Database, personId: string, pin: string, t: number): PinCheck {
  return withDbErrors(() =>
    db
      .transaction((): PinCheck => {
        const r = row(db, personId)
        if (!r || r.pin_sealed === null) return { ok: false, code: 'person-pin-not-set' }
        const locked = activeLock(r, t)
        if (locked !== null) return { ok: false, code: 'pin-locked', lockedUntil: locked, justLocked: false }
        const plain = open(r.pin_sealed, dataKeyOf(db), aadOf(personId))
        let stored: StoredPin
        try {
          stored = JSON.parse(plain.toString('utf8')) as StoredPin
        } finally {
          plain.fill(0)
        }
        // a lock that has run out leaves a fresh set of tries
        const failuresBefore = r.locked_until !== null ? 0 : r.failures
        if (pinMatches(pin, stored)) {
          if (r.failures !== 0 || r.locked_until !== null) db.prepare('UPDATE person_credentials SET failures = 0, locked_until = NULL WHERE person_id = ?').run(personId)
          return { ok: true }
        }
        const failures = failuresBefore + 1
        if (failures >= PERSON_PIN_MAX_TRIES) {
          const lockedUntil = t + PERSON_PIN_LOCK_MS
          db.prepare('UPDATE person_credentials SET failures = 0, locked_until = ? WHERE person_id = ?').run(lockedUntil, personId)
          return { ok: false, code: 'pin-locked', lockedUntil, justLocked: true }
        }
        db.prepare('UPDATE person_credentials SET failures = ?, locked_until = NULL WHERE person_id = ?').run(failures, personId)
        return { ok: false, code: 'pin-wrong', triesLeft: PERSON_PIN_MAX_TRIES - failures }
      })
      .immediate(),
  )
}

/** The error a failed PIN check throws at the kiosk (messages in English; the kiosk shows its own by code). */
export function pinCheckError(c: Exclude<PinCheck, { ok: true }>): HadirError {
  switch (c.code) {
    case 'person-pin-not-set':
      return new HadirError('person-pin-not-set', 'No kiosk PIN is set for you yet: ask the admin')
    case 'pin-locked':
      return new HadirError('pin-locked', `Too many wrong PINs: your PIN is locked until ${formatLockTime(c.lockedUntil)}`, { lockedUntil: c.lockedUntil })
    case 'pin-wrong':
      return new HadirError('pin-wrong', `Wrong PIN: ${c.triesLeft} ${c.triesLeft === 1 ? 'try' : 'tries'} left`, { triesLeft: c.triesLeft })
  }
}
