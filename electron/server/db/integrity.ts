/**
 * Database integrity: `PRAGMA quick_check` on an open connection or on a file (read-only; the file
 * is never modified, whatever its state).
 */
import fs from 'node:fs'
import type { Database } from 'better-sqlite3'
import { isCorruptionError, loadSqlite } from './sqlite'

export { isCorruptionError }

/**
 * `corrupt`: the file itself is bad (not a database, malformed, quick_check problems); false when the
 * check could not run for another reason (missing file, permissions, locked).
 */
export type IntegrityResult = { ok: true; userVersion: number } | { ok: false; reason: string; corrupt: boolean }

const MAX_REASONS = 3

function errorText(err: unknown): string {
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : ''
  const msg = err instanceof Error ? err.message : String(err)
  return code ? `${msg} (${code})` : msg
}

/**
 * Runs `PRAGMA quick_check` (O(N), no index cross-checks) on an open connection. Any SQLite error
 * while reading (not a database, malformed image) is a failed check, not a throw.
 */
export function quickCheck(db: Database): IntegrityResult {
  try {
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>
    const messages = rows.map((r) => r.quick_check)
    if (messages.length === 1 && messages[0] === 'ok') {
      return { ok: true, userVersion: Number(db.pragma('user_version', { simple: true })) }
    }
    const shown = messages.slice(0, MAX_REASONS).join('; ')
    return { ok: false, corrupt: true, reason: messages.length > MAX_REASONS ? `${shown}; … (${messages.length} problems)` : shown || 'quick_check gave no answer' }
  } catch (err) {
    return { ok: false, corrupt: isCorruptionError(err), reason: errorText(err) }
  }
}

/**
 * Checks a database file without changing it: opened read-only (`fileMustExist`), quick_check'ed,
 * closed. A missing file, a file that is not a database or a damaged one → `{ ok: false, reason }`.
 */
export function checkDbFile(file: string): IntegrityResult {
  if (!fs.existsSync(file)) return { ok: false, corrupt: false, reason: 'the file does not exist' }
  const Sqlite = loadSqlite()
  const sidecars = [`${file}-wal`, `${file}-shm`]
  const existed = sidecars.map((f) => fs.existsSync(f))
  let db: Database
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true })
  } catch (err) {
    return { ok: false, corrupt: isCorruptionError(err), reason: errorText(err) }
  }
  try {
    return quickCheck(db)
  } finally {
    db.close()
    // a read-only look at a WAL-mode file leaves an empty -wal and a -shm behind: tidy up what we made
    const [wal, shm] = sidecars as [string, string]
    if (!existed[0] && !existed[1] && fs.existsSync(wal) && fs.statSync(wal).size === 0) {
      fs.rmSync(wal, { force: true })
      fs.rmSync(shm, { force: true })
    }
  }
}
