/**
 * Structured, rotating logs: one JSON object per line, `{t, level, msg, ...fields}`, appended to
 * `<data dir>/logs/hadir.log` (rotated at 5 MB to hadir.log.1 … hadir.log.5) and echoed to stderr.
 *
 * Biometric data is never logged: fields named like embeddings, templates, PINs, keys, tokens or
 * images are dropped at any depth, and so is any array of more than 64 numbers (an embedding by
 * another name). Logging never throws: a full disk or a read-only folder only loses log lines.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ensurePrivateDir, openPrivateAppend } from '../fs/private-files'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export type Logger = {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

export type LoggerOptions = {
  /** folder of hadir.log; null = stderr only */
  dir: string | null
  /** file name in `dir`; default hadir.log */
  fileName?: string
  /** rotate when the file would grow past this; default 5 MB */
  maxBytes?: number
  /** rotated files kept (hadir.log.1 … hadir.log.N); default 5 */
  keep?: number
  /** also write each line to stderr; default true */
  stderr?: boolean
  /** lines below this level are skipped; default 'info' (HADIR_LOG_LEVEL=debug for more) */
  level?: LogLevel
  /** clock, epoch ms */
  now?: () => number
}

export const LOG_MAX_BYTES = 5 * 1024 * 1024
export const LOG_KEEP = 5
/** Field names never logged (compared case-insensitively). */
export const REDACTED_FIELDS: ReadonlySet<string> = new Set([
  'embedding',
  'embeddings',
  'template',
  'templates',
  'pin',
  'hrkey',
  'key',
  'token',
  'image',
  'photo',
  'frame',
])
/** Arrays of more numbers than this are dropped (embeddings, pixel rows, landmark meshes). */
export const MAX_NUMBER_ARRAY = 64

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const MAX_DEPTH = 6
const DROP = Symbol('drop')

function isNumberArray(v: unknown): boolean {
  if (ArrayBuffer.isView(v)) return !(v instanceof DataView)
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')
}

function arrayLength(v: unknown): number {
  if (ArrayBuffer.isView(v)) return (v as unknown as { length?: number }).length ?? v.byteLength
  return Array.isArray(v) ? v.length : 0
}

/** JSON-safe copy of `value` without biometric or secret data; DROP when the value itself must go. */
function clean(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value ?? null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'function' || typeof value === 'symbol') return DROP
  if (typeof value !== 'object') return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value
  if (isNumberArray(value) && arrayLength(value) > MAX_NUMBER_ARRAY) return DROP
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    // short typed arrays are plain numbers; raw bytes (images, model files) are never logged
    return value instanceof ArrayBuffer || value instanceof DataView || value instanceof Uint8Array ? DROP : Array.from(value as unknown as ArrayLike<number>)
  }
  if (seen.has(value)) return '[circular]'
  if (depth >= MAX_DEPTH) return '[deep]'
  seen.add(value)
  try {
    if (value instanceof Error) {
      const out: Record<string, unknown> = { name: value.name, message: value.message }
      const code = (value as { code?: unknown }).code
      if (typeof code === 'string' || typeof code === 'number') out['code'] = code
      if (value.stack) out['stack'] = value.stack.split('\n').slice(0, 8).join('\n')
      return out
    }
    if (value instanceof Date) return value.toISOString()
    if (Array.isArray(value)) {
      return value.map((v) => clean(v, depth + 1, seen)).filter((v) => v !== DROP)
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (REDACTED_FIELDS.has(k.toLowerCase())) continue
      const c = clean(v, depth + 1, seen)
      if (c !== DROP) out[k] = c
    }
    return out
  } finally {
    seen.delete(value)
  }
}

/** The fields of a log line with every biometric or secret field removed (exported for tests). */
export function redact(fields: LogFields): LogFields {
  const out = clean(fields, 0, new WeakSet())
  return out && typeof out === 'object' && !Array.isArray(out) ? (out as LogFields) : {}
}

/** One JSON line (no newline). `t`, `level` and `msg` cannot be overridden by fields. */
export function formatLine(level: LogLevel, msg: string, fields: LogFields = {}, now: number = Date.now()): string {
  const { t: _t, level: _l, msg: _m, ...rest } = redact(fields)
  void _t
  void _l
  void _m
  return JSON.stringify({ t: new Date(now).toISOString(), level, msg, ...rest })
}

function envLevel(): LogLevel | undefined {
  const v = process.env['HADIR_LOG_LEVEL']
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : undefined
}

export class RotatingLogger implements Logger {
  private opts: Required<Omit<LoggerOptions, 'dir'>> & { dir: string | null }
  private fd: number | null = null
  private size = 0
  private failed = false

  constructor(opts: LoggerOptions) {
    this.opts = {
      dir: opts.dir,
      fileName: opts.fileName ?? 'hadir.log',
      maxBytes: opts.maxBytes ?? LOG_MAX_BYTES,
      keep: opts.keep ?? LOG_KEEP,
      stderr: opts.stderr ?? true,
      level: opts.level ?? envLevel() ?? 'info',
      now: opts.now ?? Date.now,
    }
  }

  /** hadir.log's path, or null when logging to stderr only. */
  get file(): string | null {
    return this.opts.dir === null ? null : path.join(this.opts.dir, this.opts.fileName)
  }

  /** Points the log at another folder (null = stderr only); the current file is closed. */
  configure(opts: Partial<LoggerOptions>): void {
    this.close()
    this.opts = { ...this.opts, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) }
    this.failed = false
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields)
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields)
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields)
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields)
  }

  close(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd)
      } catch {
        // already gone
      }
      this.fd = null
    }
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVELS[level] < LEVELS[this.opts.level]) return
    let line: string
    try {
      line = `${formatLine(level, msg, fields, this.opts.now())}\n`
    } catch {
      line = `${JSON.stringify({ t: new Date().toISOString(), level, msg, logError: 'unserialisable fields' })}\n`
    }
    if (this.opts.stderr) {
      try {
        process.stderr.write(line)
      } catch {
        // no stderr
      }
    }
    this.append(line)
  }

  private append(line: string): void {
    const file = this.file
    if (file === null || this.failed) return
    try {
      const bytes = Buffer.byteLength(line)
      if (this.fd === null) this.open(file)
      if (this.size > 0 && this.size + bytes > this.opts.maxBytes) {
        this.rotate(file)
        this.open(file)
      }
      fs.writeSync(this.fd as number, line)
      this.size += bytes
    } catch {
      // full disk or unwritable folder: stderr still has the line; try the file again later
      this.close()
      this.failed = true
      setTimeout(() => (this.failed = false), 60_000).unref()
    }
  }

  private open(file: string): void {
    // logs name people and kiosks: 0600 files; the kiosk's own logs/ folder 0700 (never another folder it was pointed at)
    ensurePrivateDir(path.dirname(file), { tightenExisting: path.basename(path.dirname(file)) === 'logs' })
    this.fd = openPrivateAppend(file)
    this.size = fs.fstatSync(this.fd).size
  }

  private rotate(file: string): void {
    this.close()
    const keep = this.opts.keep
    fs.rmSync(`${file}.${keep}`, { force: true })
    for (let i = keep - 1; i >= 1; i--) {
      if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`)
    }
    if (keep > 0) fs.renameSync(file, `${file}.1`)
    else fs.rmSync(file, { force: true })
  }
}

export function createLogger(opts: LoggerOptions): RotatingLogger {
  return new RotatingLogger(opts)
}

/**
 * The process-wide log: stderr only until a host calls `configureLog({ dir: <data dir>/logs })`.
 */
export const log: RotatingLogger = createLogger({ dir: null })

/** Sends `log` to `<dir>/hadir.log` (null: stderr only). */
export function configureLog(opts: Partial<LoggerOptions> & { dir: string | null }): void {
  log.configure(opts)
}
