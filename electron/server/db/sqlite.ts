/**
 * The SQLite driver for this runtime and the mapping of SQLite errors to the API's error codes: the
 * bottom of the db folder (integrity, backup and open-db build on it; it imports none of them).
 */
import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'

export type { Database }

type DatabaseCtor = typeof BetterSqlite3

/**
 * Electron loads the N-API build (`better-sqlite3-napi`, ABI-stable, needs Node ≥ 22 / Electron);
 * plain Node (tests, the web host, the CLI) loads `better-sqlite3` built for its own ABI.
 */
export function loadSqlite(): DatabaseCtor {
  const requireCjs = createRequire(import.meta.url)
  const name = process.versions.electron ? 'better-sqlite3-napi' : 'better-sqlite3'
  return requireCjs(name) as DatabaseCtor
}

/** True for SQLite errors that mean "this is not (or no longer) a valid database". */
export function isCorruptionError(err: unknown): boolean {
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : ''
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')
}

export function sqliteCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code
  }
  return ''
}

/**
 * Maps a SQLite error to the HadirError the API reports. Use at write sites: `catch (e) { throw wrapDbError(e) }`.
 * Non-SQLite errors are returned unchanged (they become 'internal').
 */
export function wrapDbError(err: unknown): unknown {
  if (err instanceof HadirError) return err
  const code = sqliteCode(err)
  if (!code.startsWith('SQLITE_')) return err
  const msg = err instanceof Error ? err.message : String(err)
  if (code === 'SQLITE_FULL') {
    return new HadirError('disk-full', `Storage is full: nothing new can be saved (${msg}); everything already stored is kept. Free disk space, then try again.`, { sqlite: code })
  }
  if (isCorruptionError(err)) {
    return new HadirError('db-corrupt', `The database is damaged (${msg}); nothing more is written. Restart Hadir to check it and see how to restore a backup.`, { sqlite: code })
  }
  if (code.startsWith('SQLITE_READONLY')) return new HadirError('db-not-writable', `The database is read-only: ${msg}`, { sqlite: code })
  if (code.startsWith('SQLITE_CONSTRAINT')) return new HadirError('conflict', `Database constraint failed: ${msg}`, { sqlite: code })
  return new HadirError('db-error', `Database error: ${msg}`, { sqlite: code })
}

/** Runs `fn`, mapping SQLite errors with `wrapDbError`. */
export function withDbErrors<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw wrapDbError(err)
  }
}
