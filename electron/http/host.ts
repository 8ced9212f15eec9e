import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { HostInfo } from '../../src/shared/api/contract'
import { HadirError, toApiError } from '../../src/shared/api/result'
import { backupIfDue, listBackups } from '../server/db/backup'
import { defaultDbFile } from '../server/db/open-db'
import type { DispatchFn } from '../server/dispatch'
import { configureLog, log } from '../server/log/logger'
import { modelInventory } from '../server/models/manifest'
import { PAIR_FRAGMENT } from '../../src/shared/api/transport'
import { setSetting } from '../server/store/settings-store'
import { createApp, hostInfoOf, type App, type CreateAppOptions, type EmbeddingModelInfo } from '../server/create-app'
import type { RecognitionConfig } from '../../src/shared/face/decide'
import { createApiRequestHandler, loopbackHost, setSecurityHeaders } from './http-transport'
import { recoveryCode, recoveryDispatch, type HostRecovery } from '../server/recovery'
import { contentTypeFor, resolveStaticPath, type FileTarget, type StaticDirs } from '../server/static-files'

export type { HostRecovery }

export type HostOptions = {
  /** 0 = ephemeral; default 4477 */
  port?: number
  /** loopback only; default '127.0.0.1' */
  host?: '127.0.0.1' | 'localhost' | '::1'
  /** built renderer (index.html + assets) */
  rendererDir: string
  /** served at /models/ */
  modelsDir: string
  /** served at /wasm/<name>/ */
  wasmDirs: Record<string, string>
  dbFile: string
  embeddingModel: EmbeddingModelInfo
  recognition: RecognitionConfig
  cooldownMs?: number
  now?: () => number
  version?: string
  locale?: 'id' | 'en'
  kioskId?: string
  /** reported in host/info; default '/models/' */
  modelBaseUrl?: string
  /** reported in host/info; default '/wasm/' (the renderer appends `<name>/`) */
  wasmBaseUrl?: string
  /** run the HR sync worker (default true) */
  startSync?: boolean
  /** HR sync options (tests) */
  sync?: CreateAppOptions['sync']
  /** daily database backups into `<db folder>/backups` (default true) */
  backups?: boolean
  /** folder of hadir.log (default `<db folder>/logs`; null: stderr only) */
  logDir?: string | null
}


export type StartedHost = {
  /** e.g. http://127.0.0.1:4477/ (trailing slash) */
  url: string
  port: number
  /** the store and handlers; in recovery mode (see `recovery`) reading it throws the database error */
  readonly app: App
  /** set when the database could not be used: the host serves the recovery screen only */
  recovery: HostRecovery | null
  /**
   * The one-time launch code: `launchUrl` is `url#pair=<code>`. The page opened at it exchanges the
   * code for its session (kiosk/pair); nothing the host serves holds a code or a token. null in
   * recovery mode (nothing to pair with: every method answers the recovery error).
   */
  launchCode: string | null
  /** what `npm run start:web` prints and a person opens: the kiosk, pairing itself on first load */
  launchUrl: string
  close: () => Promise<void>
}

export const DEFAULT_PORT = 4477

function sendText(res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  setSecurityHeaders(res)
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra })
  res.end(text)
}

function sendFile(req: http.IncomingMessage, res: http.ServerResponse, target: NonNullable<FileTarget>): void {
  setSecurityHeaders(res)
  res.writeHead(200, {
    'Content-Type': contentTypeFor(target.file),
    'Content-Length': target.size,
    'Cache-Control': 'no-cache',
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const stream = fs.createReadStream(target.file)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
}

/**
 * node:http handler for GET/HEAD of static files (see resolveStaticPath). Files are served only to a
 * Host header naming this machine (a DNS-rebinding page gets 403 like the API), and no file carries
 * a token: a page pairs with the one-time code of its launch URL's fragment instead.
 */
export function createStaticHandler(opts: StaticDirs) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (!loopbackHost(req)) {
      sendText(res, 403, 'Host not allowed')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' })
      return
    }
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/'
    let pathname: string
    try {
      pathname = decodeURIComponent(rawPath)
    } catch {
      sendText(res, 400, 'Bad request')
      return
    }
    const target = resolveStaticPath(opts, pathname)
    if (!target) {
      sendText(res, 404, 'Not found')
      return
    }
    sendFile(req, res, target)
  }
}

/** Logs failed calls (method and code only: arguments may hold embeddings or a PIN). */
function loggedDispatch(dispatch: DispatchFn): DispatchFn {
  return async (method, args, ctx) => {
    const r = await dispatch(method, args, ctx)
    if (!r.ok && (r.error.code === 'internal' || r.error.code.startsWith('db-') || r.error.code === 'disk-full')) {
      log.error('request failed', { method, code: r.error.code, message: r.error.message })
    }
    return r
  }
}

/** Backups at start and then hourly (each one only when the newest is a day old). */
function scheduleBackups(app: App, dbFile: string): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve()
  let stopped = false
  const tick = () => {
    if (stopped) return
    running = backupIfDue(app.db, dbFile).then(
      (b) => {
        if (b) log.info('database backed up', { file: b.file, bytes: b.bytes })
      },
      (err: unknown) => log.error('database backup failed', { code: toApiError(err).code, message: toApiError(err).message }),
    )
  }
  tick()
  const timer = setInterval(tick, 3600_000)
  timer.unref()
  return {
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}

/**
 * Starts the plain-Node kiosk host on loopback: the API at /api/invoke/<method>, the renderer,
 * /models/ and /wasm/<name>/. Opens (and checks) the store and loads the face index before
 * listening. A damaged, newer or read-only database does not stop it: it starts in recovery mode
 * (static files, host/info with `recovery`, every other method answers the error), nothing deleted.
 */
export async function startHost(opts: HostOptions): Promise<StartedHost> {
  const inMemory = opts.dbFile === ':memory:'
  const logDir = opts.logDir !== undefined ? opts.logDir : inMemory ? null : path.join(path.dirname(path.resolve(opts.dbFile)), 'logs')
  configureLog({ dir: logDir })
  const baseInfo = (): HostInfo =>
    hostInfoOf({
      hostKind: 'web',
      modelBaseUrl: opts.modelBaseUrl ?? '/models/',
      wasmBaseUrl: opts.wasmBaseUrl ?? '/wasm/',
      embeddingModel: opts.embeddingModel,
      ...(opts.version ? { version: opts.version } : {}),
      ...(opts.locale ? { locale: opts.locale } : {}),
      ...(opts.cooldownMs !== undefined ? { cooldownMs: opts.cooldownMs } : {}),
    })
  let app: App | null = null
  let recovery: { code: HostRecovery['code']; message: string } | null = null
  try {
    app = createApp({
      dbFile: opts.dbFile,
      hostKind: 'web',
      modelBaseUrl: opts.modelBaseUrl ?? '/models/',
      wasmBaseUrl: opts.wasmBaseUrl ?? '/wasm/',
      embeddingModel: opts.embeddingModel,
      recognition: opts.recognition,
      ...(opts.cooldownMs !== undefined ? { cooldownMs: opts.cooldownMs } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.version ? { version: opts.version } : {}),
      ...(opts.locale ? { locale: opts.locale } : {}),
      ...(opts.kioskId ? { kioskId: opts.kioskId } : {}),
      models: () => modelInventory(opts.modelsDir),
      startSync: opts.startSync ?? true,
      ...(opts.sync ? { sync: opts.sync } : {}),
    })
  } catch (err) {
    const code = recoveryCode(err, opts.dbFile)
    if (code === null) {
      log.error('host failed to start', { code: toApiError(err).code, message: toApiError(err).message, dbFile: opts.dbFile })
      throw err
    }
    recovery = { code, message: toApiError(err).message }
    log.error('database unusable: starting in recovery mode', { code, message: recovery.message, dbFile: opts.dbFile })
  }
  const dbFile = inMemory ? opts.dbFile : path.resolve(opts.dbFile)
  const recoveryInfo = (): HostRecovery | null => (recovery ? { ...recovery, dbFile, backups: inMemory ? [] : listBackups(dbFile) } : null)
  const dispatch: DispatchFn = app
    ? loggedDispatch(app.dispatch)
    : recoveryDispatch(() => ({ ...baseInfo(), recovery: recoveryInfo() as HostRecovery }), recovery as { code: HostRecovery['code']; message: string })
  const backups = app && !inMemory && (opts.backups ?? true) ? scheduleBackups(app, dbFile) : null
  // sessions only with a usable store (recovery mode has nothing to protect: every method answers its error)
  const launchCode = app ? app.sessions.issueLaunchCode() : null
  const api = createApiRequestHandler(dispatch, {
    sessions: app ? app.sessions : null,
    ...(app ? { onRefused: app.securityAudit.refused } : {}),
  })
  const statics = createStaticHandler(opts)
  const server = http.createServer((req, res) => {
    try {
      if (!api(req, res)) statics(req, res)
    } catch (err) {
      log.error('request failed', { url: (req.url ?? '').split('?')[0], err })
      if (!res.headersSent) sendText(res, 500, 'Internal error')
      else res.destroy()
    }
  })
  const shutdown = async () => {
    await backups?.stop()
    if (app) {
      await app.stopSync()
      app.close()
    }
  }
  const hostname = opts.host ?? '127.0.0.1'
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port ?? DEFAULT_PORT, hostname, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    await shutdown()
    log.error('host failed to listen', { err, port: opts.port ?? DEFAULT_PORT })
    throw err
  }
  const port = (server.address() as AddressInfo).port
  const urlHost = hostname === '::1' ? '[::1]' : hostname
  const url = `http://${urlHost}:${port}/`
  const launchUrl = launchCode ? `${url}#${PAIR_FRAGMENT}=${launchCode}` : url
  // the CLI's `pair` prints a full address from it (not a secret: the code is what pairs)
  if (app) {
    try {
      setSetting(app.db, 'host.url', url)
    } catch {
      // diagnostics only
    }
  }
  log.info(recovery ? 'host started in recovery mode' : 'host started', { url, dbFile, ...(recovery ? { code: recovery.code } : {}) })
  let closing: Promise<void> | null = null
  const started = recovery
  return {
    url,
    port,
    get app(): App {
      if (app) return app
      const r = started as { code: HostRecovery['code']; message: string }
      throw new HadirError(r.code, r.message)
    },
    recovery: recoveryInfo(),
    launchCode,
    launchUrl,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          void shutdown()
            .catch((err: unknown) => log.error('host shutdown failed', { err }))
            .finally(() => {
              log.info('host stopped', { url })
              resolve()
            })
        })
        server.closeAllConnections()
      })
      return closing
    },
  }
}

export type HostMainOptions = Omit<HostOptions, 'port' | 'dbFile'> & {
  /** default: HADIR_PORT, else 4477 */
  port?: number
  /** default: <HADIR_DATA_DIR or OS app-data>/hadir.db */
  dbFile?: string
}

export function portFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.HADIR_PORT
  if (raw === undefined || raw.trim() === '') return DEFAULT_PORT
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`HADIR_PORT must be an integer 0..65535, got "${raw}"`)
  return n
}

/**
 * Starts the host from env (HADIR_PORT, HADIR_DATA_DIR) + `opts`, prints exactly one line
 * `Hadir web kiosk: http://127.0.0.1:<port>/#pair=<one-time code>` (open it once: the page pairs
 * itself and keeps its session across reloads and restarts of the host) and closes cleanly on
 * SIGINT/SIGTERM. There is no token in the environment: a script on the machine uses the CLI, or
 * pairs a session with a code from `npm run cli -- pair`.
 */
export async function main(opts: HostMainOptions, env: NodeJS.ProcessEnv = process.env, out: (line: string) => void = (l) => console.log(l)): Promise<StartedHost> {
  if (env.HADIR_API_TOKEN) log.warn('HADIR_API_TOKEN is no longer read: pair with the printed address, or `npm run cli -- pair`')
  const host = await startHost({ ...opts, port: opts.port ?? portFromEnv(env), dbFile: opts.dbFile ?? defaultDbFile(env) })
  out(`Hadir web kiosk: ${host.launchUrl}`)
  const stop = () => {
    void host.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return host
}

/** `main()` that reports a failure on stderr (with its code) and sets exit code 1 instead of throwing. */
export async function runMain(opts: HostMainOptions | (() => HostMainOptions | Promise<HostMainOptions>)): Promise<void> {
  try {
    await main(typeof opts === 'function' ? await opts() : opts)
  } catch (err) {
    const e = toApiError(err)
    console.error(`Hadir web kiosk failed to start [${e.code}]: ${e.message}`)
    process.exitCode = 1
  }
}
