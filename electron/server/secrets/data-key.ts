/**
 * The data key (32 random bytes) that seals templates and secrets in the database, kept outside it.
 *
 * Web host and CLI: a key file, `hadir.key` in the database's folder, holding the key in base64 and
 * readable only by its owner (mode 0600 on POSIX; refused otherwise). Electron keeps the key in the OS
 * keychain instead (electron/main/data-key-electron.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { HadirError } from '../../../src/shared/api/result'
import { DATA_KEY_BYTES } from './crypto-box'
import { ensurePrivateDir } from '../fs/private-files'

export const KEY_FILE_NAME = 'hadir.key'

/** A fresh random data key. */
export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES)
}

/** `<folder of dbFile>/hadir.key` */
export function keyFileFor(dbFile: string): string {
  return path.join(path.dirname(path.resolve(dbFile)), KEY_FILE_NAME)
}

export function encodeDataKey(key: Uint8Array): string {
  if (key.byteLength !== DATA_KEY_BYTES) throw new RangeError(`the data key must be ${DATA_KEY_BYTES} bytes, got ${key.byteLength}`)
  return `${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64')}\n`
}

/** base64 of exactly 32 bytes (surrounding whitespace allowed) → the key; anything else → 'data-key-wrong'. */
export function parseDataKey(text: string, where: string): Buffer {
  const b64 = text.trim()
  const key = Buffer.from(b64, 'base64')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || key.byteLength !== DATA_KEY_BYTES || key.toString('base64') !== b64) {
    throw new HadirError('data-key-wrong', `The data key in ${where} is malformed (expected ${DATA_KEY_BYTES} bytes in base64). Restore it from your backup.`, { path: where })
  }
  return key
}

/**
 * Refuses a key file that is not a regular file, or (POSIX) that anyone but its owner may read or
 * write, or that belongs to another user.
 */
function checkKeyFileMode(file: string, platform: NodeJS.Platform): void {
  const st = fs.statSync(file)
  if (!st.isFile()) throw new HadirError('data-key-wrong', `The data key ${file} is not a regular file.`, { path: file })
  if (platform === 'win32') return
  const loose = st.mode & 0o077
  if (loose !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0')
    throw new HadirError(
      'data-key-wrong',
      `The data key ${file} is readable or writable by other users (mode ${mode}). Run: chmod 600 '${file}' — and consider the key leaked if others could read it.`,
      { path: file, mode },
    )
  }
  const uid = process.getuid?.()
  if (uid !== undefined && st.uid !== uid) {
    throw new HadirError('data-key-wrong', `The data key ${file} belongs to another user (uid ${st.uid}, this process runs as ${uid}).`, { path: file })
  }
}

/** Reads and checks a key file. Absent → 'data-key-missing'; too open or malformed → 'data-key-wrong'. */
export function readKeyFile(file: string, platform: NodeJS.Platform = process.platform): Buffer {
  if (!fs.existsSync(file)) throw new HadirError('data-key-missing', `The data key ${file} does not exist.`, { path: file })
  checkKeyFileMode(file, platform)
  return parseDataKey(fs.readFileSync(file, 'utf8'), file)
}

/**
 * Writes a new file, mode 0600, complete or not at all, never replacing an existing one.
 * Returns false (nothing written) when `file` already exists.
 */
export function writeNewPrivateFile(file: string, content: string | Uint8Array, platform: NodeJS.Platform = process.platform): boolean {
  ensurePrivateDir(path.dirname(file))
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content)
    if (platform !== 'win32') fs.fchmodSync(fd, 0o600)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  try {
    // a hard link never replaces an existing file: two processes starting at once agree on one key
    fs.linkSync(tmp, file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return false
  } finally {
    fs.rmSync(tmp, { force: true })
  }
}

/**
 * Creates the key file with a new random key (mode 0600); if another process created it meanwhile,
 * that key is read instead.
 */
export function createKeyFile(file: string, platform: NodeJS.Platform = process.platform): Buffer {
  const key = newDataKey()
  if (writeNewPrivateFile(file, encodeDataKey(key), platform)) return key
  key.fill(0)
  return readKeyFile(file, platform)
}

/** The key file's key, creating the file when it does not exist yet and `create` allows it. */
export function loadOrCreateKeyFile(file: string, opts: { create: boolean; platform?: NodeJS.Platform }): { key: Buffer; created: boolean } {
  const platform = opts.platform ?? process.platform
  try {
    if (fs.existsSync(file)) return { key: readKeyFile(file, platform), created: false }
    if (!opts.create) throw new HadirError('data-key-missing', `The data key ${file} does not exist.`, { path: file })
    return { key: createKeyFile(file, platform), created: true }
  } catch (err) {
    if (err instanceof HadirError) throw err
    const why = err instanceof Error ? err.message : String(err)
    throw new HadirError('data-key-missing', `Cannot read or create the data key ${file} (${why}).`, { path: file })
  }
}
