import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { toApiError } from '../../src/shared/api/result'
import { defaultDbFile } from '../server/db/open-db'
import { modelInventory } from '../server/models/manifest'
import { TOKEN_META_NAME } from '../../src/shared/api/transport'
import { createApp, type App, type CreateAppOptions, type EmbeddingModelInfo } from '../server/create-app'
import type { RecognitionConfig } from '../../src/shared/face/decide'
import { createApiRequestHandler, setSecurityHeaders } from './http-transport'

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

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
  /** the per-launch API token (default: 24 random bytes; HADIR_API_TOKEN in main()) */
  apiToken?: string
  /** HR sync options (tests) */
  sync?: CreateAppOptions['sync']
}

export type StartedHost = {
  /** e.g. http://127.0.0.1:4477/ (trailing slash) */
  url: string
  port: number
  app: App
  /** every API call must carry it (x-hadir-token); the kiosk page gets it inside index.html */
  apiToken: string
  close: () => Promise<void>
}

export const DEFAULT_PORT = 4477

type FileTarget = { file: string; size: number } | null

/**
 * Resolves `urlPath` (already percent-decoded, '/'-separated) inside `root`.
 * Returns null for anything outside root (`..`, absolute paths, NUL, symlinks leading out) or not a file.
 */
export function resolveInside(root: string, urlPath: string): FileTarget {
  if (urlPath.includes('\0')) return null
  let realRoot: string
  try {
    realRoot = fs.realpathSync(path.resolve(root))
  } catch {
    return null
  }
  const candidate = path.resolve(realRoot, `.${path.sep}${urlPath.replace(/^[/\\]+/, '')}`)
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep)
  if (!inside(candidate)) return null
  try {
    const real = fs.realpathSync(candidate)
    if (!inside(real)) return null
    const st = fs.statSync(real)
    if (!st.isFile()) return null
    return { file: real, size: st.size }
  } catch {
    return null
  }
}

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
 * Maps a percent-decoded URL path to a served file, or null: /models/* from modelsDir,
 * /wasm/<name>/* from wasmDirs[name], else the renderer (index.html for '/' and extension-less routes).
 * Path traversal is impossible (resolve + prefix check + realpath). Shared with Electron's app:// protocol.
 */
export function resolveStaticPath(dirs: Pick<HostOptions, 'rendererDir' | 'modelsDir' | 'wasmDirs'>, pathname: string): FileTarget {
  if (pathname.startsWith('/models/')) return resolveInside(dirs.modelsDir, pathname.slice('/models/'.length))
  if (pathname.startsWith('/wasm/')) {
    const rest = pathname.slice('/wasm/'.length)
    const slash = rest.indexOf('/')
    const name = slash < 0 ? rest : rest.slice(0, slash)
    if (slash > 0 && Object.hasOwn(dirs.wasmDirs, name)) return resolveInside(dirs.wasmDirs[name] as string, rest.slice(slash + 1))
    return null
  }
  const target = pathname === '/' ? null : resolveInside(dirs.rendererDir, pathname)
  if (!target && (pathname === '/' || path.posix.extname(pathname) === '')) return resolveInside(dirs.rendererDir, 'index.html')
  return target
}

/** node:http handler for GET/HEAD of static files (see resolveStaticPath). */
export function createStaticHandler(opts: Pick<HostOptions, 'rendererDir' | 'modelsDir' | 'wasmDirs'>, apiToken?: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
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
    if (apiToken !== undefined && path.basename(target.file) === 'index.html' && path.dirname(target.file) === path.resolve(opts.rendererDir)) {
      sendIndexWithToken(req, res, target.file, apiToken)
      return
    }
    sendFile(req, res, target)
  }
}

/** index.html with the per-launch API token in a meta tag (only a page from this origin can read it). */
function sendIndexWithToken(req: http.IncomingMessage, res: http.ServerResponse, file: string, token: string): void {
  let html: string
  try {
    html = fs.readFileSync(file, 'utf8')
  } catch {
    sendText(res, 404, 'Not found')
    return
  }
  const meta = `<meta name="${TOKEN_META_NAME}" content="${token}">`
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html)
  const body = html.includes('</head>') ? html.replace('</head>', `${meta}</head>`) : doctype ? `${doctype[0]}${meta}${html.slice(doctype[0].length)}` : `${meta}${html}`
  setSecurityHeaders(res)
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' })
  res.end(req.method === 'HEAD' ? undefined : body)
}

/**
 * Starts the plain-Node kiosk host on loopback: the API at /api/invoke/<method>, the renderer,
 * /models/ and /wasm/<name>/. Opens the store and loads the face index before listening.
 */
export async function startHost(opts: HostOptions): Promise<StartedHost> {
  const app = createApp({
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
  const apiToken = opts.apiToken ?? randomBytes(24).toString('base64url')
  const api = createApiRequestHandler(app.dispatch, { token: apiToken })
  const statics = createStaticHandler(opts, apiToken)
  const server = http.createServer((req, res) => {
    try {
      if (!api(req, res)) statics(req, res)
    } catch (err) {
      console.error('[hadir] request failed:', err)
      if (!res.headersSent) sendText(res, 500, 'Internal error')
      else res.destroy()
    }
  })
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
    app.close()
    throw err
  }
  const port = (server.address() as AddressInfo).port
  const urlHost = hostname === '::1' ? '[::1]' : hostname
  let closing: Promise<void> | null = null
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    app,
    apiToken,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          void app.stopSync().finally(() => {
            app.close()
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
 * `Hadir web kiosk: http://127.0.0.1:<port>/` and closes cleanly on SIGINT/SIGTERM.
 */
export async function main(opts: HostMainOptions, env: NodeJS.ProcessEnv = process.env, out: (line: string) => void = (l) => console.log(l)): Promise<StartedHost> {
  // HADIR_API_TOKEN fixes the token (tests and scripts that call the API directly); otherwise random per launch
  const token = env.HADIR_API_TOKEN
  const host = await startHost({ ...opts, port: opts.port ?? portFromEnv(env), dbFile: opts.dbFile ?? defaultDbFile(env), ...(token ? { apiToken: token } : {}) })
  out(`Hadir web kiosk: ${host.url}`)
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
