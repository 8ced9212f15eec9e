import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Database } from 'better-sqlite3'
import { damagedDbError } from './backup'
import { checkDbFile, quickCheck } from './integrity'
import { HadirError } from '../../../src/shared/api/result'
import { isCorruptionError, loadSqlite, sqliteCode, wrapDbError } from './sqlite'
import { migrate } from './migrate'
import { ensurePrivateDir, makePrivate, touchPrivateFile } from '../fs/private-files'

export type { Database }

const DB_SIDECARS = ['-wal', '-shm', '-journal']

/** Data folder: `HADIR_DATA_DIR`, else the OS per-user app-data folder + `/Hadir`. */
export function dataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const fromEnv = env.HADIR_DATA_DIR
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv)
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'Hadir')
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Hadir')
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.posix.join(home, '.config')
  return path.posix.join(xdg, 'Hadir')
}

/** `<dataDir>/hadir.db` */
export function defaultDbFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'hadir.db')
}

function notWritable(target: string, cause: unknown): HadirError {
  const why = cause instanceof Error ? cause.message : String(cause)
  return new HadirError(
    'db-not-writable',
    `Cannot write the database at ${target} (${why}). Make the folder writable or set HADIR_DATA_DIR to a writable folder.`,
    { path: target },
  )
}

/**
 * Opens (creating if needed) the SQLite database, checks an existing file with `PRAGMA quick_check`,
 * sets WAL / foreign keys / busy timeout and migrates it.
 * Throws HadirError 'db-corrupt' (naming the last good backup and the restore command; the damaged
 * file is left exactly as it was), 'db-not-writable' when the folder or file cannot be written,
 * DbFromFutureError ('db-from-future') when the file comes from a newer app.
 */
export function openDb(file: string): Database {
  const inMemory = file === ':memory:'
  const target = inMemory ? file : path.resolve(file)
  let existing = false
  if (!inMemory) {
    existing = fs.existsSync(target) && fs.statSync(target).size > 0
    if (existing) {
      // read-only first: a read-only connection never checkpoints a -wal into a damaged file
      const pre = checkDbFile(target)
      if (!pre.ok && pre.corrupt) throw damagedDbError(target, pre.reason)
      existing = !pre.ok // not checked yet (e.g. read-only open refused): check on the real connection
    }
    const dir = path.dirname(target)
    try {
      // the data folder 0700, the database (and so its -wal and -shm, which SQLite creates with the
      // database's own mode) 0600: other local users read neither the PIN hash nor attendance
      ensurePrivateDir(dir)
      fs.accessSync(dir, fs.constants.W_OK)
      if (fs.existsSync(target)) fs.accessSync(target, fs.constants.W_OK)
      touchPrivateFile(target)
      makePrivate(DB_SIDECARS.map((s) => `${target}${s}`))
    } catch (err) {
      throw notWritable(target, err)
    }
  }
  const Sqlite = loadSqlite()
  let db: Database
  try {
    db = new Sqlite(target)
  } catch (err) {
    throw notWritable(target, err)
  }
  if (existing) {
    const check = quickCheck(db)
    if (!check.ok && check.corrupt) {
      db.close()
      throw damagedDbError(target, check.reason)
    }
  }
  try {
    if (!inMemory) db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    db.pragma('synchronous = NORMAL')
    migrate(db)
    return db
  } catch (err) {
    db.close()
    if (err instanceof HadirError) throw err
    if (!inMemory && isCorruptionError(err)) throw damagedDbError(target, err instanceof Error ? err.message : String(err))
    const code = sqliteCode(err)
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
      throw notWritable(target, err)
    }
    throw wrapDbError(err)
  }
}
