/**
 * Backups of the database: `backups/<name>-YYYYMMDD-HHMMSS.db` next to it (local time), written with
 * SQLite's online backup API (consistent while the kiosk writes, WAL included), each one
 * quick_check'ed before it counts, the newest 7 kept. Restore never deletes anything: the current
 * file (and its -wal/-shm) is moved aside as `<name>.damaged-<time>` (or `.replaced-<time>` when it
 * was healthy).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import { checkDbFile, quickCheck } from './integrity'
import { LATEST_SCHEMA_VERSION } from './migrations/index'
import { loadSqlite, wrapDbError } from './sqlite'
import { ensurePrivateDir, makePrivate, touchPrivateFile } from '../fs/private-files'

export type BackupInfo = { file: string; at: number; bytes: number }

/** Backups kept per database. */
export const BACKUP_KEEP = 7
/** A new automatic backup once the newest one is this old. */
export const BACKUP_EVERY_MS = 24 * 3600_000

const SIDECARS = ['-wal', '-shm', '-journal'] as const

/** `<folder of the database>/backups` */
export function backupDir(dbFile: string): string {
  return path.join(path.dirname(path.resolve(dbFile)), 'backups')
}

function stem(dbFile: string): string {
  return path.basename(dbFile).replace(/\.(db|sqlite3?)$/i, '')
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** YYYYMMDD-HHMMSS in local time. */
export function timestamp(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function backupPattern(dbFile: string): RegExp {
  return new RegExp(`^${escapeRe(stem(dbFile))}-(\\d{4})(\\d{2})(\\d{2})-(\\d{2})(\\d{2})(\\d{2})(?:-(\\d+))?\\.db$`)
}

/** The backups of `dbFile`, newest first. */
export function listBackups(dbFile: string): BackupInfo[] {
  const dir = backupDir(dbFile)
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const re = backupPattern(dbFile)
  const out: Array<BackupInfo & { seq: number }> = []
  for (const name of names) {
    const m = re.exec(name)
    if (!m) continue
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
    const file = path.join(dir, name)
    try {
      const st = fs.statSync(file)
      if (!st.isFile()) continue
      out.push({ file, at: new Date(y, mo - 1, d, h, mi, s).getTime(), bytes: st.size, seq: Number(m[7] ?? 1) })
    } catch {
      // vanished meanwhile
    }
  }
  out.sort((a, b) => b.at - a.at || b.seq - a.seq)
  return out.map(({ file, at, bytes }) => ({ file, at, bytes }))
}

/** Removes all but the newest `keep` backups; returns the removed files. */
export function pruneBackups(dbFile: string, keep = BACKUP_KEEP): string[] {
  const removed: string[] = []
  for (const b of listBackups(dbFile).slice(keep)) {
    try {
      fs.rmSync(b.file)
      removed.push(b.file)
    } catch {
      // someone else removed it
    }
  }
  return removed
}

function freeName(dir: string, base: string): string {
  let file = path.join(dir, `${base}.db`)
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${base}-${i}.db`)
  return file
}

/**
 * Makes the file at `file` a self-contained, checked database: rollback journal instead of WAL
 * (one file to copy around), then quick_check. Throws db-corrupt when the check fails.
 */
function sealAndCheck(file: string, what: string): number {
  const db = new (loadSqlite())(file)
  try {
    db.pragma('journal_mode = DELETE')
    const check = quickCheck(db)
    if (!check.ok) throw new HadirError('db-corrupt', `${what} failed its integrity check: ${check.reason}`, { path: file })
    return check.userVersion
  } finally {
    db.close()
  }
}

function removeWithSidecars(file: string): void {
  for (const f of [file, ...SIDECARS.map((s) => `${file}${s}`)]) fs.rmSync(f, { force: true })
}

/**
 * Writes a backup of the open database `db` (whose file is `dbFile`) now, checks it and keeps the
 * newest `keep`. Safe while the kiosk writes (SQLite online backup). Throws HadirError ('disk-full',
 * 'db-error', 'db-corrupt') and leaves no partial file behind.
 */
export async function createBackup(db: Database, dbFile: string, opts: { now?: number; keep?: number } = {}): Promise<BackupInfo> {
  const now = opts.now ?? Date.now()
  const dir = backupDir(dbFile)
  const file = freeName(dir, `${stem(dbFile)}-${timestamp(now)}`)
  const partial = `${file}.partial`
  try {
    // backups hold everything the database holds: a 0700 folder, 0600 files (created so, not chmod-ed later)
    ensurePrivateDir(dir, { tightenExisting: true })
    touchPrivateFile(partial)
    await db.backup(partial)
    sealAndCheck(partial, 'The new backup')
    fs.renameSync(partial, file)
  } catch (err) {
    removeWithSidecars(partial)
    const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : ''
    if (code === 'ENOSPC') throw new HadirError('disk-full', `The disk is full: cannot write the backup ${file}`, { path: file })
    throw wrapDbError(err)
  }
  pruneBackups(dbFile, opts.keep ?? BACKUP_KEEP)
  return { file, at: Math.floor(now / 1000) * 1000, bytes: fs.statSync(file).size }
}

/** A backup when the newest one is older than `everyMs` (default a day), else null. */
export async function backupIfDue(db: Database, dbFile: string, opts: { now?: number; everyMs?: number; keep?: number } = {}): Promise<BackupInfo | null> {
  const now = opts.now ?? Date.now()
  const newest = listBackups(dbFile)[0]
  if (newest && now - newest.at < (opts.everyMs ?? BACKUP_EVERY_MS) && newest.at <= now) return null
  return createBackup(db, dbFile, { now, ...(opts.keep !== undefined ? { keep: opts.keep } : {}) })
}

/** Quotes a path for a shell command line when it needs it. */
function shellArg(p: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(p) ? p : `"${p.replace(/(["\\$`])/g, '\\$1')}"`
}

/** The exact command that restores `backup` over `dbFile`. */
export function restoreCommand(backup: string, dbFile: string): string {
  return `npm run cli -- restore ${shellArg(backup)} --db ${shellArg(path.resolve(dbFile))}`
}

/** The newest backup that passes quick_check now, or null. */
export function lastGoodBackup(dbFile: string): BackupInfo | null {
  for (const b of listBackups(dbFile)) if (checkDbFile(b.file).ok) return b
  return null
}

function localTime(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/**
 * The error for a damaged database file: what is wrong, the last good backup and the exact
 * command to restore it; the damaged file is never touched.
 */
export function damagedDbError(dbFile: string, reason: string): HadirError {
  const target = path.resolve(dbFile)
  const good = lastGoodBackup(target)
  const name = path.basename(target)
  const advice = good
    ? `the last good backup is ${good.file} (${localTime(good.at)}); restore it with \`${restoreCommand(good.file, target)}\``
    : `there is no good backup in ${backupDir(target)}; restore a copy you kept with \`${restoreCommand('<backup-file>', target)}\``
  return new HadirError('db-corrupt', `The database ${name} is damaged: ${reason}; ${advice}. Nothing was deleted: the damaged file is still at ${target}.`, {
    path: target,
    backup: good ? good.file : null,
  })
}

export type RestoreResult = {
  restored: string
  db: string
  /** where the previous database (and its -wal/-shm) went; empty when there was none */
  movedAside: string[]
  userVersion: number
}

/**
 * Restores `backupFile` as `dbFile`: refuses a damaged backup (or one from a newer app); moves the
 * current file and its -wal/-shm aside (never deletes them); the restored file is a checked copy.
 * `backupFile` may also be a bare name inside the backups folder. Stop the kiosk first.
 */
export async function restoreBackup(backupFile: string, dbFile: string, opts: { now?: number } = {}): Promise<RestoreResult> {
  const target = path.resolve(dbFile)
  let source = path.resolve(backupFile)
  if (!fs.existsSync(source) && fs.existsSync(path.join(backupDir(target), path.basename(backupFile)))) {
    source = path.join(backupDir(target), path.basename(backupFile))
  }
  if (!fs.existsSync(source)) throw new HadirError('not-found', `The backup ${source} does not exist; backups are in ${backupDir(target)}`, { path: source })
  if (source === target) throw new HadirError('invalid-args', 'The backup and the database are the same file')
  const check = checkDbFile(source)
  if (!check.ok) {
    const others = listBackups(target)
      .filter((b) => b.file !== source)
      .map((b) => path.basename(b.file))
    throw new HadirError(
      'db-corrupt',
      `The backup ${source} is damaged (${check.reason}); nothing was changed.${others.length ? ` Other backups: ${others.join(', ')}.` : ''}`,
      { path: source },
    )
  }
  if (check.userVersion > LATEST_SCHEMA_VERSION) {
    throw new HadirError('db-from-future', `The backup ${source} was written by a newer Hadir (schema ${check.userVersion} > ${LATEST_SCHEMA_VERSION}); nothing was changed.`, { path: source })
  }
  fs.mkdirSync(path.dirname(target), { recursive: true })
  // 1. a checked, self-contained copy next to the target (the online backup API also takes a WAL backup's -wal)
  const staging = `${target}.restoring`
  removeWithSidecars(staging)
  touchPrivateFile(staging)
  const src = new (loadSqlite())(source, { readonly: true, fileMustExist: true })
  let userVersion: number
  try {
    await src.backup(staging)
    userVersion = sealAndCheck(staging, 'The restored copy')
  } catch (err) {
    removeWithSidecars(staging)
    throw wrapDbError(err)
  } finally {
    src.close()
  }
  // 2. the current database and its sidecars aside, under one name, so they stay consistent
  const movedAside: string[] = []
  const present = [target, ...SIDECARS.map((x) => `${target}${x}`)].filter((f) => fs.existsSync(f))
  if (present.length > 0) {
    const kind = fs.existsSync(target) && checkDbFile(target).ok ? 'replaced' : 'damaged'
    const stamp = timestamp(opts.now ?? Date.now())
    let aside = `${target}.${kind}-${stamp}`
    for (let i = 2; fs.existsSync(aside) || SIDECARS.some((x) => fs.existsSync(`${aside}${x}`)); i++) aside = `${target}.${kind}-${stamp}-${i}`
    for (const s of ['', ...SIDECARS]) {
      if (!fs.existsSync(`${target}${s}`)) continue
      fs.renameSync(`${target}${s}`, `${aside}${s}`)
      movedAside.push(`${aside}${s}`)
    }
  }
  // 3. the copy in place
  fs.renameSync(staging, target)
  makePrivate([target, ...movedAside])
  return { restored: source, db: target, movedAside, userVersion }
}
