/**
 * The data key of an open store. createApp binds it to the database connection once; the stores
 * (templates, settings) look it up from the connection, so no handler ever sees the key.
 *
 * A key check (a sealed constant in `settings`, written on the first unlock) lets a wrong key be
 * named at start, before anything is read or written.
 */
import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import { getSetting, setSetting } from '../store/settings-store'
import { DATA_KEY_BYTES, open, seal } from './crypto-box'

const keys = new WeakMap<Database, Buffer>()

/** Binds `key` (copied) to `db`: the stores of this connection seal and open with it. */
export function bindDataKey(db: Database, key: Uint8Array): void {
  if (key.byteLength !== DATA_KEY_BYTES) throw new RangeError(`the data key must be ${DATA_KEY_BYTES} bytes, got ${key.byteLength}`)
  keys.get(db)?.fill(0)
  keys.set(db, Buffer.from(key))
}

/** Forgets (and wipes) the key bound to `db`. */
export function unbindDataKey(db: Database): void {
  keys.get(db)?.fill(0)
  keys.delete(db)
}

/** The key bound to `db`; HadirError 'data-key-missing' when the store was opened without one. */
export function dataKeyOf(db: Database): Buffer {
  const key = keys.get(db)
  if (!key) throw new HadirError('data-key-missing', 'The store was opened without its data key: templates and secrets cannot be read or written.')
  return key
}

export const KEY_CHECK_SETTING = 'data.keyCheck'
const KEY_CHECK_AAD = `setting:${KEY_CHECK_SETTING}`
const KEY_CHECK_PLAIN = 'hadir data key check v1'

/** True when the store has been unlocked before (it holds a key check). */
export function hasKeyCheck(db: Database): boolean {
  return typeof getSetting<string>(db, KEY_CHECK_SETTING) === 'string'
}

/**
 * Checks `key` against the stored key check: true when it matches, false when there is none yet
 * (first unlock). Throws HadirError 'data-key-wrong' when the key is not the store's.
 */
export function verifyKeyCheck(db: Database, key: Uint8Array): boolean {
  const stored = getSetting<unknown>(db, KEY_CHECK_SETTING)
  if (stored === undefined) return false
  if (typeof stored !== 'string') throw new HadirError('db-corrupt', 'The stored data key check is malformed.')
  let plain: Buffer
  try {
    plain = open(Buffer.from(stored, 'base64'), key, KEY_CHECK_AAD)
  } catch (err) {
    if (err instanceof HadirError && err.code === 'data-key-wrong') {
      throw new HadirError('data-key-wrong', 'The data key is not the one this database was encrypted with. Restore the right key (hadir.key, or the keychain entry) — nothing was changed.')
    }
    throw err
  }
  if (plain.toString('utf8') !== KEY_CHECK_PLAIN) throw new HadirError('db-corrupt', 'The stored data key check is malformed.')
  return true
}

/** Writes the key check for `key` (first unlock). */
export function writeKeyCheck(db: Database, key: Uint8Array): void {
  setSetting(db, KEY_CHECK_SETTING, seal(Buffer.from(KEY_CHECK_PLAIN, 'utf8'), key, KEY_CHECK_AAD).toString('base64'))
}
