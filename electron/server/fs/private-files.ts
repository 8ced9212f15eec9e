/**
 * File modes of everything the kiosk keeps on disk: the data folder and the folders under it
 * (backups/, logs/) are 0700, every file in them (the database and its -wal/-shm, backups, the key
 * file, logs) 0600, so other local users can read neither the PIN hash nor attendance.
 *
 * The modes are set explicitly (not left to the umask) and repaired on every start: an install from
 * before this rule (0644 files in 0755 folders) is tightened the first time it runs. Only what this
 * process owns is changed. Windows has no such modes: its per-user profile folder is what protects it.
 */
import fs from 'node:fs'
import path from 'node:path'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

const posix = (platform: NodeJS.Platform): boolean => platform !== 'win32'

function ownedByUs(st: fs.Stats): boolean {
  const uid = process.getuid?.()
  return uid === undefined || st.uid === uid
}

/**
 * Creates `dir` (and its parents) if needed. A folder created now is 0700. An existing one is
 * tightened to 0700 only when it is clearly the kiosk's own (`tightenExisting`, or it already holds
 * the kiosk's key file, or is the OS data folder `Hadir`): a `--db /tmp/x.db` must never chmod /tmp or a home folder.
 */
export function ensurePrivateDir(dir: string, opts: { tightenExisting?: boolean; platform?: NodeJS.Platform } = {}): void {
  const platform = opts.platform ?? process.platform
  const existed = fs.existsSync(dir)
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (!posix(platform)) return
  const st = fs.statSync(dir)
  const ours = !existed || opts.tightenExisting === true || path.basename(dir) === 'Hadir' || fs.existsSync(path.join(dir, 'hadir.key'))
  // the sticky bit marks a shared folder (/tmp): never ours to close
  if (ours && ownedByUs(st) && (st.mode & 0o1000) === 0 && (st.mode & 0o777) !== PRIVATE_DIR_MODE) fs.chmodSync(dir, PRIVATE_DIR_MODE)
}

/** Sets 0600 on each existing file this process owns (missing files are skipped). */
export function makePrivate(files: readonly string[], platform: NodeJS.Platform = process.platform): void {
  if (!posix(platform)) return
  for (const file of files) {
    let st: fs.Stats
    try {
      st = fs.statSync(file)
    } catch {
      continue
    }
    if (st.isFile() && ownedByUs(st) && (st.mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(file, PRIVATE_FILE_MODE)
  }
}

/**
 * Creates `file` empty with mode 0600 unless it exists. SQLite then creates the database's -wal and
 * -shm with the database file's own mode, so they are private from their first byte too.
 */
export function touchPrivateFile(file: string, platform: NodeJS.Platform = process.platform): void {
  const fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_APPEND, PRIVATE_FILE_MODE)
  try {
    if (posix(platform)) fs.fchmodSync(fd, PRIVATE_FILE_MODE)
  } finally {
    fs.closeSync(fd)
  }
}

/** Opens `file` for appending, created 0600 (logs). */
export function openPrivateAppend(file: string, platform: NodeJS.Platform = process.platform): number {
  const fd = fs.openSync(file, 'a', PRIVATE_FILE_MODE)
  if (posix(platform)) {
    const st = fs.fstatSync(fd)
    if (ownedByUs(st) && (st.mode & 0o777) !== PRIVATE_FILE_MODE) fs.fchmodSync(fd, PRIVATE_FILE_MODE)
  }
  return fd
}
