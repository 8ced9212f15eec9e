/**
 * Security suite (issue #7): every API method over both transports with malformed, oversized and
 * hostile arguments; HTTP-level hostile requests against the real host; path traversal against the
 * static server; hostile IPC channel arguments. Nothing may crash, answer 'internal' or pollute
 * Object.prototype.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHmac } from 'node:crypto'
import { attestMessage, type Attestation } from '../../src/shared/api/attest'
import { ADMIN_METHODS, API_METHODS, ATTESTED_METHODS, type ApiMethod, type KioskPairing } from '../../src/shared/api/contract'
import type { ApiResult } from '../../src/shared/api/result'
import { HTTP_TOKEN_HEADER, IPC_INVOKE } from '../../src/shared/api/transport'
import { startHost, type StartedHost } from '../http/host'
import { MAX_BODY_BYTES } from '../http/http-transport'
import { registerIpc } from '../main/ipc-transport'
import { createApp, type App, type CreateAppOptions } from './create-app'
import { createFakeIpcPair } from './testing/fake-ipc'
import { TEST_MODEL, testRecognition } from './testing/fixtures'
import { hostileCases, toJson, VALID_EXAMPLES, type HostileCase } from './testing/hostile-args'

const T0 = Date.UTC(2025, 0, 6, 1, 0, 0)
const PIN = '246813'
/** Replaced by the transport's live admin token at call time (a logout or new PIN changes it). */
const LIVE_TOKEN = 'live-token-placeholder'

/**
 * The error codes hostile input may produce. Everything a domain handler may legitimately answer
 * to a well-formed but pointless call is here; 'internal' (a crash turned into an error) never is.
 */
const ALLOWED_CODES = new Set([
  'invalid-args',
  'admin-required',
  'unauthorized',
  'not-found',
  'unknown-method',
  'model-mismatch',
  'pin-too-short',
  'pin-not-set',
  'pin-wrong',
  'pin-already-set',
  'admin-locked',
  'admin-setup-required',
  'pin-required',
  'insecure-hr-url',
  'pair-code-invalid',
  'pair-code-used',
  'attestation-required',
  'bad-mac',
  'replayed',
  'stale-counter',
  'empty-gallery',
  'duplicate-id',
  'duplicate-face',
  'empty-export',
  'transport-error',
  // roster import and schedules (issue 12 part B): refusals of a bad file or schedule
  'file-too-large',
  'roster-unreadable',
  'roster-columns',
  'invalid-schedule',
  // PIN and badge (issue #12 item 2): refusals of a bad PIN, badge or person, and the kiosk's rate limit
  'fallback-off',
  'badge-off',
  'pin-format',
  'badge-format',
  'person-unknown',
  'badge-unknown',
  'badge-taken',
  'person-pin-not-set',
  'pin-locked',
  'rate-limited',
])

type Transport = 'ipc' | 'http'
type Outcome = { result: ApiResult<unknown>; status?: number; note?: string }
type Tally = { calls: number; ok: number; codes: Record<string, number>; cloneRefused: number; notJson: number; status413: number; pastGuard: number }

const tally: Record<Transport, Tally> = {
  ipc: { calls: 0, ok: 0, codes: {}, cloneRefused: 0, notJson: 0, status413: 0, pastGuard: 0 },
  http: { calls: 0, ok: 0, codes: {}, cloneRefused: 0, notJson: 0, status413: 0, pastGuard: 0 },
}
const counts = { httpLevel: 0, staticTraversal: 0, ipcChannel: 0 }

let clock = T0
let tmp: string
let ipcApp: App
let host: StartedHost
let ipcPair: ReturnType<typeof createFakeIpcPair>
/** The IPC handler itself, for what structured clone cannot carry (simulates "it arrived anyway"). */
let rawIpc: (event: unknown, ...args: unknown[]) => Promise<ApiResult<unknown>>
const tokens: Record<Transport, string> = { ipc: '', http: '' }
/** each transport's paired page (HTTP: its bearer token opens the API; both: the MAC key of attested calls) */
const pairings: Record<Transport, (KioskPairing & { counter: number }) | null> = { ipc: null, http: null }
/** the HTTP session token every request of this suite carries (as the paired kiosk page does) */
let httpToken = ''

/**
 * The counter and MAC the paired page adds to an attested call, over exactly these args; null when
 * they have no canonical JSON form (the call then goes without one: attestation-required).
 */
function attestFor(t: Transport, method: unknown, args: unknown): Attestation | null {
  const p = pairings[t]
  if (!p || typeof method !== 'string' || !ATTESTED_METHODS.has(method as ApiMethod)) return null
  let message: string
  try {
    message = attestMessage(method, p.session, p.counter + 1, args)
  } catch {
    return null
  }
  p.counter += 1
  return { session: p.session, counter: p.counter, mac: createHmac('sha256', Buffer.from(p.macKey, 'base64url')).update(message).digest('base64url') }
}

/** Pairs a fresh page on `t` (IPC needs no code; HTTP a code the CLI on the machine would make). */
async function pairPage(t: Transport): Promise<void> {
  const app = t === 'ipc' ? ipcApp : host.app
  const p = app.sessions.pair(t === 'ipc' ? undefined : app.sessions.issueStoredCode('security-suite').code, t)
  pairings[t] = { ...p, counter: 0 }
  if (t === 'http') httpToken = p.token
}
const internalLogs: string[] = []
const protoSnapshot = new Map<object, string[]>()
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })

// ---------------------------------------------------------------- transports

type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string }

/** POST through node:http (keeps the body exactly as given; tolerates the server closing early on 413). */
async function httpPost(urlPath: string, body: string | Buffer, headers: Record<string, string | number> = {}): Promise<RawResponse> {
  try {
    return await httpPostOnce(urlPath, body, headers)
  } catch (err) {
    // a kept-alive socket the server closed for idleness just as we reused it: Node's documented retry
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') return httpPostOnce(urlPath, body, headers)
    throw err
  }
}

function httpPostOnce(urlPath: string, body: string | Buffer, headers: Record<string, string | number>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false
    const req = http.request(
      { host: '127.0.0.1', port: host.port, path: urlPath, method: 'POST', agent, headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: httpToken, 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        answered = true
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.on('error', (err) => {
      if (!answered) reject(Object.assign(err, { reusedSocket: req.reusedSocket }))
    })
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
      // the host answers 413 from the declared length and closes; sending the body too would race that
      // close (a reset can discard the answer), so only the headers go out
      req.on('response', (res) => res.on('end', () => req.destroy()))
      req.flushHeaders()
    } else req.end(body)
  })
}

async function viaHttp(method: string, args: unknown): Promise<Outcome> {
  let json: string | undefined
  try {
    json = toJson(args)
  } catch {
    // BigInt: JSON cannot carry it, so the renderer's transport fails before sending anything
    tally.http.notJson++
    return { result: { ok: false, error: { code: 'transport-error', message: 'not JSON-encodable' } }, note: 'not sent' }
  }
  const attest = attestFor('http', method, args)
  const body = json === undefined ? '{}' : `{"args":${json}${attest ? `,"attest":${JSON.stringify(attest)}` : ''}}`
  const res = await httpPost(`/api/invoke/${method}`, body)
  let result: ApiResult<unknown>
  try {
    result = JSON.parse(res.body) as ApiResult<unknown>
  } catch {
    result = { ok: false, error: { code: 'internal', message: `HTTP ${res.status}: body is not JSON: ${res.body.slice(0, 100)}` } }
  }
  if (res.status === 413) tally.http.status413++
  return { result, status: res.status }
}

async function viaIpc(method: unknown, args: unknown): Promise<Outcome> {
  try {
    const attest = attestFor('ipc', method, args)
    return { result: (await (attest ? ipcPair.ipcRenderer.invoke(IPC_INVOKE, method, args, attest) : ipcPair.ipcRenderer.invoke(IPC_INVOKE, method, args))) as ApiResult<unknown> }
  } catch (err) {
    // Electron's structured clone refuses functions, symbols and very deep values in the renderer; nothing
    // would arrive. Hand the raw value to the main-process handler anyway, as if it had.
    if (!(err instanceof Error) || (err.name !== 'DataCloneError' && !(err instanceof RangeError))) throw err
    tally.ipc.cloneRefused++
    return { result: await rawIpc({ sender: null, senderFrame: null }, method, args), note: 'clone refused; raw' }
  }
}

const call = (t: Transport, method: string, args: unknown): Promise<Outcome> => (t === 'ipc' ? viaIpc(method, args) : viaHttp(method, args))

/** `args` with the LIVE_TOKEN placeholder replaced by the transport's current admin token. */
function withLiveToken(args: unknown, t: Transport): unknown {
  if (typeof args !== 'object' || args === null || Array.isArray(args) || !Object.hasOwn(args, 'token')) return args
  if ((args as { token?: unknown }).token !== LIVE_TOKEN) return args
  return { ...args, token: tokens[t] }
}

async function login(t: Transport): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { result } = await call(t, 'admin/login', { pin: PIN })
    if (result.ok) {
      tokens[t] = (result.data as { token: string }).token
      return
    }
    if (result.error.code !== 'admin-locked') throw new Error(`${t} login failed: ${JSON.stringify(result)}`)
    clock += 61 * 60_000 // wait out the lock (at most an hour)
  }
  throw new Error(`${t} login stays locked`)
}

/**
 * Runs `cases` of `method` on one transport. Returns the problems found (empty = pass) and the cases
 * the admin guard stopped ('admin-required'): their args got past the validator, which runs first.
 */
async function runCases(t: Transport, method: ApiMethod, cases: HostileCase[], withToken: boolean): Promise<{ problems: string[]; guarded: HostileCase[] }> {
  const problems: string[] = []
  const guarded: HostileCase[] = []
  for (const c of cases) {
    const args = withToken ? withLiveToken(c.args, t) : c.args
    const { result, status, note } = await call(t, method, args)
    const s = tally[t]
    s.calls++
    const where = `${t} ${method} [${withToken ? 'token' : 'no token'}] ${c.name}${note ? ` (${note})` : ''}`
    if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean') {
      problems.push(`${where}: not an ApiResult: ${String(result)}`)
      continue
    }
    if (status !== undefined && status !== 200 && status !== 413) problems.push(`${where}: HTTP ${status}`)
    if (result.ok) s.ok++
    else {
      s.codes[result.error.code] = (s.codes[result.error.code] ?? 0) + 1
      if (!ALLOWED_CODES.has(result.error.code)) problems.push(`${where}: ${result.error.code}: ${result.error.message.slice(0, 200)}`)
      if (status === 413 && result.error.code === 'internal') problems.push(`${where}: 413 with internal`)
    }
    if (!result.ok && result.error.code === 'admin-required') guarded.push(c)
    else if (withToken) s.pastGuard++
    // a logout, a new PIN or a lost session: log in again so later cases get past the guard
    const sentLiveToken = typeof args === 'object' && args !== null && (args as { token?: unknown }).token === tokens[t]
    if (withToken && (method === 'admin/logout' || method === 'admin/set-pin' || (sentLiveToken && !result.ok && result.error.code === 'admin-required'))) await login(t)
  }
  return { problems, guarded }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null)

async function expectHostAlive(): Promise<void> {
  const viaH = await viaHttp('host/info', {})
  expect(viaH.status).toBe(200)
  expect(viaH.result).toMatchObject({ ok: true, data: { kind: 'web' } })
  expect((await viaIpc('host/info', {})).result).toMatchObject({ ok: true })
}

// ---------------------------------------------------------------- raw sockets

type RawSocketResponse = { status: number; headers: Record<string, string>; body: string; raw: string; closedByServer: boolean }

function parseRaw(raw: string): Omit<RawSocketResponse, 'closedByServer' | 'raw'> {
  const split = raw.indexOf('\r\n\r\n')
  const head = split < 0 ? raw : raw.slice(0, split)
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const l of lines) {
    const i = l.indexOf(':')
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: split < 0 ? '' : raw.slice(split + 4) }
}

/**
 * Writes `request` (string or chunks) on a raw socket and reads until the server closes it or
 * `waitMs` passes. Nothing is normalised: the request line and headers reach the server as written.
 */
function rawRequest(request: string | Array<string | Buffer>, waitMs = 3000): Promise<RawSocketResponse> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(host.port, '127.0.0.1')
    let raw = ''
    let done = false
    const finish = (closedByServer: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      sock.destroy()
      resolve({ ...parseRaw(raw), raw, closedByServer })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    sock.on('connect', () => {
      for (const part of typeof request === 'string' ? [request] : request) {
        if (sock.destroyed || !sock.writable) break
        sock.write(part)
      }
    })
    sock.on('data', (c) => (raw += c.toString('latin1')))
    sock.on('end', () => finish(true))
    sock.on('close', () => finish(true))
    sock.on('error', (err: NodeJS.ErrnoException) => {
      // the server may reset a socket it already answered (413 mid-upload)
      if (raw.length > 0 || err.code === 'ECONNRESET' || err.code === 'EPIPE') finish(true)
      else reject(err)
    })
  })
}

const hostHeader = () => `127.0.0.1:${host.port}`
function apiRequest(opts: { method?: string; target?: string; headers?: Record<string, string>; body?: string; omit?: string[] }): string {
  const body = opts.body ?? '{}'
  const headers: Record<string, string> = {
    Host: hostHeader(),
    'Content-Type': 'application/json',
    [HTTP_TOKEN_HEADER]: httpToken,
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...opts.headers,
  }
  for (const k of opts.omit ?? []) delete headers[k]
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`)
  return `${opts.method ?? 'POST'} ${opts.target ?? '/api/invoke/host/info'} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`
}

const rawGet = (target: string, extra = '') => rawRequest(`GET ${target} HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\n${extra}\r\n`)

/** Our handlers put these on every response (Node's own parser errors are bodiless and carry none). */
function expectSecurityHeaders(headers: Record<string, string | string[] | undefined>, what: string): void {
  expect(headers['cross-origin-opener-policy'], what).toBe('same-origin')
  expect(headers['cross-origin-embedder-policy'], what).toBe('require-corp')
  expect(headers['x-content-type-options'], what).toBe('nosniff')
  expect(headers['content-security-policy'], what).toBe("frame-ancestors 'none'")
  expect(headers['x-frame-options'], what).toBe('DENY')
  expect(headers['referrer-policy'], what).toBe('no-referrer')
  expect(headers['access-control-allow-origin'], what).toBeUndefined()
}

function apiError(r: { body: string }): { code?: string } {
  try {
    return (JSON.parse(r.body) as { error?: { code?: string } }).error ?? {}
  } catch {
    return {}
  }
}

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  for (const proto of [Object.prototype, Array.prototype, Function.prototype, String.prototype]) protoSnapshot.set(proto, Object.getOwnPropertyNames(proto).sort())
  const realError = console.error
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    const line = a.map(String).join(' ')
    if (line.includes('internal error') || line.includes('request failed')) internalLogs.push(line.slice(0, 300))
    else realError(...a)
  })

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-sec-'))
  const w = (rel: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true })
    fs.writeFileSync(path.join(tmp, rel), content)
  }
  w('renderer/index.html', '<!doctype html><html><head><title>Hadir</title></head><body></body></html>')
  w('renderer/assets/app.mjs', 'export {}')
  w('renderer/sub/index.html', '<!doctype html><p>nested</p>')
  w('models/human/face.bin', 'BIN')
  w('ort/ort.wasm', 'WASM')
  w('secret.txt', 'TOP SECRET')
  w('secret-dir/inner.txt', 'TOP SECRET INNER')
  // symlinks inside the served dirs pointing outside
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(tmp, 'renderer', 'link-out.txt'))
  fs.symlinkSync(path.join(tmp, 'secret-dir'), path.join(tmp, 'renderer', 'link-dir'))
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(tmp, 'models', 'link-out.json'))
  fs.symlinkSync('/etc', path.join(tmp, 'models', 'etc'))
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(tmp, 'renderer', 'index-link'))

  const common: Omit<CreateAppOptions, 'dbFile' | 'hostKind'> = {
    modelBaseUrl: '/models/',
    wasmBaseUrl: '/wasm/',
    embeddingModel: { ...TEST_MODEL },
    recognition: testRecognition(0.5),
    now: () => clock,
    version: '1.2.3',
    locale: 'en',
    kioskId: 'kiosk-sec',
  }
  ipcApp = createApp({ ...common, hostKind: 'electron', dbFile: path.join(tmp, 'ipc', 'hadir.db') })
  ipcPair = createFakeIpcPair()
  registerIpc(ipcPair.ipcMain, ipcApp.dispatch)
  registerIpc(
    {
      handle: (_channel: string, listener: unknown) => {
        rawIpc = listener as typeof rawIpc
      },
    },
    ipcApp.dispatch,
  )
  host = await startHost({
    ...common,
    port: 0,
    rendererDir: path.join(tmp, 'renderer'),
    modelsDir: path.join(tmp, 'models'),
    wasmDirs: { ort: path.join(tmp, 'ort') },
    dbFile: path.join(tmp, 'http', 'hadir.db'),
    startSync: false,
  })
  // someone enrolled (so recognition gets past 'empty-gallery'), a PIN set, an admin session per transport
  for (const t of ['ipc', 'http'] as const) await pairPage(t)
  for (const [t, app] of [['ipc', ipcApp], ['http', host.app]] as const) {
    expect(await app.dispatch('people/upsert', { id: 'S1', name: 'Sec One' })).toMatchObject({ ok: true })
    expect(await app.dispatch('enrollment/add-template', { ...VALID_EXAMPLES['enrollment/add-template'], embedding: [0, 0, 0, 1] })).toMatchObject({ ok: true })
    expect((await call(t, 'admin/set-pin', { pin: PIN })).result).toMatchObject({ ok: true })
    await login(t)
  }
})

afterAll(async () => {
  vi.restoreAllMocks()
  agent.destroy()
  ipcApp?.close()
  await host?.close()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  console.log(
    `[security] API matrix: ${JSON.stringify(tally)}\n[security] HTTP-level requests: ${counts.httpLevel}, static traversal targets: ${counts.staticTraversal}, IPC channel cases: ${counts.ipcChannel}`,
  )
})

// ---------------------------------------------------------------- 1. every method, both transports

describe('1. hostile arguments to every API method over IPC and HTTP', () => {
  it('every method has a valid example to mutate', () => {
    for (const m of API_METHODS) expect(VALID_EXAMPLES[m], m).toBeTypeOf('object')
  })

  for (const method of API_METHODS) {
    const admin = ADMIN_METHODS.has(method) || method === 'admin/set-pin'
    it(`${method}: never crashes, never 'internal'${admin ? ' (with and without an admin session)' : ''}`, async () => {
      const example = VALID_EXAMPLES[method] ?? {}
      // without a session: every hostile value as args, and every field (plus a forged token) mutated
      const anonymous = hostileCases(example, admin ? { tokenField: 'forged-token' } : {})
      const problems: string[] = []
      // IPC pairing cases before this one made sessions of their own: a fresh page signs this method's calls
      if (ATTESTED_METHODS.has(method)) await pairPage('ipc')
      for (const t of ['ipc', 'http'] as const) {
        const first = await runCases(t, method, anonymous, false)
        problems.push(...first.problems)
        if (!admin) continue
        // with a live session: every case the validator let through (the guard stopped it) again, now
        // reaching the handler (validators run before the guard, so the refused ones would only repeat)
        const withSession = first.guarded.filter((c) => !c.name.startsWith('.token') && isPlainObject(c.args)).map((c) => ({ name: c.name, args: { ...(c.args as object), token: LIVE_TOKEN } }))
        problems.push(...(await runCases(t, method, withSession, true)).problems)
      }
      expect(problems.slice(0, 30)).toEqual([])
      await expectHostAlive()
    })
  }

  it('with a session, the validators and handlers are reached (not everything stops at the guard)', () => {
    expect(tally.ipc.pastGuard).toBeGreaterThan(300)
    expect(tally.http.pastGuard).toBeGreaterThan(300)
  })

  it('no internal error was logged, Object.prototype is not polluted', () => {
    expect(internalLogs).toEqual([])
    const probe = {} as Record<string, unknown>
    for (const k of ['polluted', 'isAdmin', 'token', 'admin', 'role']) expect(probe[k], k).toBeUndefined()
    expect(Object.getPrototypeOf(probe)).toBe(Object.prototype)
    for (const [proto, names] of protoSnapshot) expect(Object.getOwnPropertyNames(proto).sort()).toEqual(names)
  })
})

// ---------------------------------------------------------------- 2. HTTP-level hostile requests

describe('2. hostile HTTP requests against the real host', () => {
  it('no token / wrong token / token of another host → 401 unauthorized', async () => {
    const other = await startHost({
      port: 0,
      rendererDir: path.join(tmp, 'renderer'),
      modelsDir: path.join(tmp, 'models'),
      wasmDirs: {},
      dbFile: path.join(tmp, 'other', 'hadir.db'),
      embeddingModel: { ...TEST_MODEL },
      recognition: testRecognition(0.5),
      startSync: false,
    })
    const otherToken = other.app.sessions.pair(other.launchCode as string, 'http').token
    await other.close()
    expect(otherToken).not.toBe(httpToken)
    const variants: Array<[string, Record<string, string>, string[]]> = [
      ['no token', {}, [HTTP_TOKEN_HEADER]],
      ['empty token', { [HTTP_TOKEN_HEADER]: '' }, []],
      ['wrong token', { [HTTP_TOKEN_HEADER]: randomBytes(24).toString('base64url') }, []],
      ['session token of another host', { [HTTP_TOKEN_HEADER]: otherToken }, []],
      ['token upper-cased', { [HTTP_TOKEN_HEADER]: httpToken.toUpperCase() }, []],
      ['token + suffix', { [HTTP_TOKEN_HEADER]: `${httpToken}x` }, []],
      ['token prefix', { [HTTP_TOKEN_HEADER]: httpToken.slice(0, -1) }, []],
      ['token in a cookie', { Cookie: `${HTTP_TOKEN_HEADER}=${httpToken}` }, [HTTP_TOKEN_HEADER]],
      ['token in Authorization', { Authorization: `Bearer ${httpToken}` }, [HTTP_TOKEN_HEADER]],
    ]
    for (const [name, headers, omit] of variants) {
      for (const target of ['/api/invoke/host/info', '/api/invoke/admin/login', '/api/invoke/people/delete']) {
        const res = await rawRequest(apiRequest({ target, headers, omit, body: '{"args":{"pin":"2468","personId":"S1"}}' }))
        counts.httpLevel++
        expect(res.status, `${name} ${target}`).toBe(401)
        expect(apiError(res).code, name).toBe('unauthorized')
        expectSecurityHeaders(res.headers, name)
      }
    }
    // token in the query string is not a token
    const q = await rawRequest(apiRequest({ target: `/api/invoke/host/info?${HTTP_TOKEN_HEADER}=${httpToken}`, omit: [HTTP_TOKEN_HEADER] }))
    expect(q.status).toBe(401)
    // the same header twice (even both right) is refused: Node joins them into one value
    const twice = await rawRequest(`POST /api/invoke/host/info HTTP/1.1\r\nHost: ${hostHeader()}\r\nContent-Type: application/json\r\n${HTTP_TOKEN_HEADER}: ${httpToken}\r\n${HTTP_TOKEN_HEADER}: ${httpToken}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)
    expect(twice.status).toBe(401)
    counts.httpLevel += 2
    // and the right token works
    const good = await rawRequest(apiRequest({}))
    expect(good.status).toBe(200)
    expect(JSON.parse(good.body)).toMatchObject({ ok: true })
  })

  it('forged Origin → 403, even with the right token', async () => {
    for (const origin of ['http://evil.example', 'null', 'https://127.0.0.1', `https://${hostHeader()}`, `http://${hostHeader()}.evil.example`, `http://localhost:${host.port}`, 'file://', `http://${hostHeader()}/`, 'http://127.0.0.1']) {
      const res = await rawRequest(apiRequest({ headers: { Origin: origin } }))
      counts.httpLevel++
      expect(res.status, origin).toBe(403)
      expect(apiError(res).code, origin).toBe('transport-error')
      expectSecurityHeaders(res.headers, origin)
    }
    const same = await rawRequest(apiRequest({ headers: { Origin: `http://${hostHeader()}` } }))
    expect(same.status).toBe(200)
  })

  it('Host header not loopback (DNS rebinding) → 403, even with the right token', async () => {
    const hosts = [
      'evil.example',
      `evil.example:${host.port}`,
      '127.0.0.1.evil.example',
      `127.0.0.1.evil.example:${host.port}`,
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      `127.0.0.1@evil.example:${host.port}`,
      `evil.example#@127.0.0.1:${host.port}`,
      '0.0.0.0',
      '192.168.1.10',
      '[::ffff:7f00:1].evil',
      'evil.example\t127.0.0.1',
      '',
    ]
    for (const h of hosts) {
      const res = await rawRequest(apiRequest({ headers: { Host: h } }))
      counts.httpLevel++
      expect(res.status, JSON.stringify(h)).toBe(403)
      expect(apiError(res).code).toBe('transport-error')
    }
    // HTTP/1.0 without any Host header
    const noHost = await rawRequest(`POST /api/invoke/host/info HTTP/1.0\r\nContent-Type: application/json\r\n${HTTP_TOKEN_HEADER}: ${httpToken}\r\nContent-Length: 2\r\n\r\n{}`)
    expect(noHost.status).toBe(403)
    // two Host headers: Node keeps the first
    const two = await rawRequest(`POST /api/invoke/host/info HTTP/1.1\r\nHost: evil.example\r\nHost: ${hostHeader()}\r\nContent-Type: application/json\r\n${HTTP_TOKEN_HEADER}: ${httpToken}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)
    expect([400, 403]).toContain(two.status)
    counts.httpLevel += 2
    // loopback spellings are fine
    for (const h of [`localhost:${host.port}`, `[::1]:${host.port}`, hostHeader()]) {
      expect((await rawRequest(apiRequest({ headers: { Host: h } }))).status, h).toBe(200)
    }
  })

  it('non-POST → 405, non-JSON content type → 415 (no CORS-simple request gets through)', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
      const res = await rawRequest(apiRequest({ method }))
      counts.httpLevel++
      expect(res.status, method).toBe(405)
      expect(res.headers.allow).toBe('POST')
      expect(apiError(res).code).toBe('invalid-args')
      expectSecurityHeaders(res.headers, method)
    }
    const head = await rawRequest(apiRequest({ method: 'HEAD' }))
    expect(head.status).toBe(405)
    expect(head.body).toBe('')
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json', 'application/jsonx', 'text/json', '']) {
      const res = await rawRequest(apiRequest({ headers: { 'Content-Type': type } }))
      counts.httpLevel++
      expect(res.status, type).toBe(415)
      expect(apiError(res).code).toBe('invalid-args')
    }
    const missing = await rawRequest(apiRequest({ omit: ['Content-Type'] }))
    expect(missing.status).toBe(415)
    for (const type of ['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json ; foo=bar']) {
      expect((await rawRequest(apiRequest({ headers: { 'Content-Type': type } }))).status, type).toBe(200)
    }
    counts.httpLevel += 4
  })

  it('body > 1 MB → 413 and the connection closed (declared and chunked without Content-Length)', async () => {
    const big = `{"args":{"x":"${'a'.repeat(MAX_BODY_BYTES + 10)}"}}`
    // declared: refused from the headers alone
    const declared = await rawRequest([apiRequest({ body: '', omit: ['Connection'], headers: { 'Content-Length': String(Buffer.byteLength(big)) } }), big])
    expect(declared.status).toBe(413)
    expect(apiError(declared).code).toBe('invalid-args')
    expect(declared.headers.connection).toBe('close')
    expect(declared.closedByServer).toBe(true)
    expectSecurityHeaders(declared.headers, 'declared 413')
    // declared huge but nothing sent
    const lie = await rawRequest(apiRequest({ body: '', omit: ['Connection'], headers: { 'Content-Length': '99999999999' } }))
    expect(lie.status).toBe(413)
    expect(lie.closedByServer).toBe(true)
    // chunked, no Content-Length: refused once the limit is passed
    const head = apiRequest({ body: '', omit: ['Content-Length', 'Connection'], headers: { 'Transfer-Encoding': 'chunked' } })
    const chunk = 'b'.repeat(64 * 1024)
    const chunks: string[] = [head, '9\r\n{"args":"\r\n']
    for (let sent = 0; sent <= MAX_BODY_BYTES + chunk.length; sent += chunk.length) chunks.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)
    const chunked = await rawRequest(chunks)
    expect(chunked.status).toBe(413)
    expect(apiError(chunked).code).toBe('invalid-args')
    expect(chunked.closedByServer).toBe(true)
    // exactly at the limit is still read (and then judged as JSON)
    const atLimit = `{"args":{"q":"${'c'.repeat(MAX_BODY_BYTES - 17)}"}}`
    expect(Buffer.byteLength(atLimit)).toBeLessThanOrEqual(MAX_BODY_BYTES)
    const ok = await httpPost('/api/invoke/host/info', atLimit)
    expect(ok.status).toBe(200)
    counts.httpLevel += 4
    await expectHostAlive()
  })

  it('malformed JSON → 200 with a clear invalid-args', async () => {
    const bodies: Array<string | Buffer> = [
      '{',
      '{"args":',
      'NaN',
      '{"args": NaN}',
      "{'args': {}}",
      '{"args": {}} trailing',
      '\ufeff{"args":{}}',
      '[1,2]',
      '"args"',
      'null',
      'true',
      '1e400',
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.from('{"args":{"pin":"\u0000"}}'),
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `{"args":${'['.repeat(200_000)}`,
      `{"args":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
    ]
    for (const body of bodies) {
      const res = await httpPost('/api/invoke/people/list', body)
      counts.httpLevel++
      const what = String(body).slice(0, 30)
      expect(res.status, what).toBe(200)
      const r = JSON.parse(res.body) as ApiResult<unknown>
      expect(r.ok, what).toBe(false)
      if (!r.ok) {
        expect(r.error.code, what).toBe('invalid-args')
        expect(r.error.message.length).toBeGreaterThan(5)
      }
    }
    // well-formed but 100 000 deep: parsed (JSON.parse is not recursive), then refused by the validator
    const deep = await httpPost('/api/invoke/admin/login', `{"args":{"pin":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`)
    expect(JSON.parse(deep.body)).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    // duplicate keys: the last wins, and nothing of the first leaks into the call
    const dup = await httpPost('/api/invoke/admin/login', '{"args":{"pin":"9999"},"args":{"pin":"12"}}')
    expect(JSON.parse(dup.body)).toMatchObject({ ok: false, error: { code: 'pin-too-short' } })
    counts.httpLevel++
  })

  it('method names with path traversal, encoded slashes and very long URLs', async () => {
    const unknown = [
      '/api/invoke/..%2f..%2fetc%2fpasswd',
      '/api/invoke/../../etc/passwd',
      '/api/invoke/..%2f..%2fetc',
      '/api/invoke/host%2finfo%2f..%2f..%2fadmin%2fset-pin',
      '/api/invoke/host/info/',
      '/api/invoke/host/info%00',
      '/api/invoke/host%252finfo',
      '/api/invoke/',
      '/api/invoke/%',
      '/api/invoke/%c0%ae%c0%ae',
      '/api/invoke/__proto__',
      '/api/invoke/constructor',
      '/api/invoke/toString',
      '/api/invoke/hasOwnProperty',
      '/api/invoke/host\\info',
      `/api/invoke/${'x'.repeat(8000)}`,
    ]
    for (const target of unknown) {
      const res = await rawRequest(apiRequest({ target }))
      counts.httpLevel++
      expect(res.status, target.slice(0, 60)).toBe(200)
      const err = JSON.parse(res.body) as ApiResult<unknown>
      expect(err, target.slice(0, 60)).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
      if (!err.ok) expect(err.error.message.length).toBeLessThan(300)
    }
    // an encoded slash decodes to the real method (by design): admin%2Flogin is admin/login, and still needs its PIN
    const encoded = await rawRequest(apiRequest({ target: '/api/invoke/admin%2Flogin' }))
    expect(JSON.parse(encoded.body)).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    // other /api/ routes: 404 with an ApiResult
    for (const target of ['/api/../index.html', '/api/invokex/host/info', '/api/']) {
      const res = await rawRequest(apiRequest({ target }))
      expect(res.status, target).toBe(404)
      expect(apiError(res).code).toBe('unknown-method')
    }
    // a URL beyond Node's header limit: refused by the parser (431), the host keeps answering
    const huge = await rawRequest(apiRequest({ target: `/api/invoke/${'y'.repeat(100_000)}` }))
    expect([414, 431, 400]).toContain(huge.status)
    expect(huge.closedByServer).toBe(true)
    // Node's own parser answer carries none of our headers, but has no body to sniff either
    expect(huge.body).toBe('')
    counts.httpLevel += 5
    await expectHostAlive()
  })

  it('a slowloris client does not block others', async () => {
    const slow = net.connect(host.port, '127.0.0.1')
    await new Promise<void>((r) => slow.once('connect', () => r()))
    slow.on('error', () => {})
    slow.write(`POST /api/invoke/host/info HTTP/1.1\r\nHost: ${hostHeader()}\r\n`)
    const drip = setInterval(() => slow.write('X-Slow: 1\r\n'), 50)
    // and one that sent its headers but holds back its body
    const stalled = net.connect(host.port, '127.0.0.1')
    stalled.on('error', () => {})
    stalled.write(apiRequest({ headers: { 'Content-Length': '1000' }, body: '{"args":' }))
    try {
      for (let i = 0; i < 5; i++) {
        const started = Date.now()
        const res = await httpPost('/api/invoke/host/info', '{}')
        expect(res.status).toBe(200)
        expect(Date.now() - started).toBeLessThan(2000)
      }
      const page = await rawGet('/')
      expect(page.status).toBe(200)
    } finally {
      clearInterval(drip)
      slow.destroy()
      stalled.destroy()
    }
    counts.httpLevel += 8
  })
})

// ---------------------------------------------------------------- 3. static server

describe('3. static server: path traversal, symlinks, the token, security headers', () => {
  it('never serves anything outside the served dirs', async () => {
    const targets = [
      '/%252e%252e/secret.txt',
      '/%252e%252e%252fsecret.txt',
      '/models/%252e%252e%252fsecret.txt',
      '/models/%252e%252e/secret.txt',
      '/%c0%ae%c0%ae/secret.txt',
      '/models/%c0%ae%c0%ae/secret.txt',
      '/models/%c0%ae%c0%ae%c0%afsecret.txt',
      '/models/%e0%80%ae%e0%80%ae/secret.txt',
      '/models/..\\secret.txt',
      '/models/..%5c..%5csecret.txt',
      '/..\\..\\secret.txt',
      '/models/%2e%2e%5csecret.txt',
      '//etc/passwd',
      '/models//etc/passwd',
      '/models/%2fetc%2fpasswd',
      `/models/${path.join(tmp, 'secret.txt')}`,
      `/models/${encodeURIComponent(path.join(tmp, 'secret.txt'))}`,
      '/models/C:%5cWindows%5cwin.ini',
      '/models/%5c%5cserver%5cshare%5csecret.txt',
      `http://${hostHeader()}/../secret.txt`,
      `http://${hostHeader()}/models/../../secret.txt`,
      'file:///etc/passwd',
      '/wasm/ort/..%2f..%2fsecret.txt',
      '/wasm/..%2fort/ort.wasm',
      '/wasm/ort%2f..%2f..%2fsecret.txt',
      '/wasm/..%2f..%2fsecret-dir/inner.txt',
      '/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%2f..%2fsecret',
      '/models/human/face.bin%00.png',
      '/models/%00',
      '/link-out.txt',
      '/link-dir/inner.txt',
      '/link-dir',
      '/index-link',
      '/models/link-out.json',
      '/models/etc/passwd',
      '/models/etc/hostname',
      '/wasm/ort/../../secret.txt',
      '/.%2e/secret.txt',
      '/%2e./secret.txt',
      '/models/.%2e/.%2e/secret.txt',
      '/models/%u002e%u002e/secret.txt',
      '/models/..;/secret.txt',
      '/models/...//secret.txt',
    ]
    const index = fs.readFileSync(path.join(tmp, 'renderer', 'index.html'), 'utf8')
    for (const target of targets) {
      const res = await rawGet(target)
      counts.staticTraversal++
      expect(res.body, target).not.toContain('TOP SECRET')
      expect(res.body, target).not.toMatch(/root:.*:0:0:/)
      expect([200, 400, 404], target).toContain(res.status)
      // 200 only as the single-page fallback (index.html for extension-less routes)
      if (res.status === 200) expect(res.body, target).toContain(index.slice(0, 20))
      expectSecurityHeaders(res.headers, target)
    }
    // the files themselves are there (the refusals above are not an accident of missing files)
    expect((await rawGet('/models/human/face.bin')).body).toBe('BIN')
    expect((await rawGet('/wasm/ort/ort.wasm')).body).toBe('WASM')
    expect(fs.readFileSync(path.join(tmp, 'renderer', 'link-out.txt'), 'utf8')).toBe('TOP SECRET')
  })

  it('no response carries a session token, a pairing code or a MAC key; every response has COOP/COEP/nosniff and the framing headers', async () => {
    const responses: Array<[string, RawSocketResponse]> = []
    for (const target of ['/', '/enroll', '/index.html', '/admin/people', '/assets/app.mjs', '/models/human/face.bin', '/wasm/ort/ort.wasm', '/sub/index.html', '/missing.js', '/%', '/wasm/nope/x']) {
      responses.push([target, await rawGet(target)])
    }
    responses.push(['POST /', await rawRequest(`POST / HTTP/1.1\r\nHost: ${hostHeader()}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)])
    responses.push(['HEAD /', await rawRequest(`HEAD / HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\n\r\n`)])
    responses.push(['API 401', await rawRequest(apiRequest({ omit: [HTTP_TOKEN_HEADER] }))])
    responses.push(['API 200', await rawRequest(apiRequest({}))])
    const secrets = [httpToken, host.launchCode as string, pairings.http?.macKey as string]
    for (const [target, res] of responses) {
      counts.httpLevel++
      expectSecurityHeaders(res.headers, target)
      for (const secret of secrets) expect(res.raw, `${target}: a secret in the response`).not.toContain(secret)
    }
    const index = fs.readFileSync(path.join(tmp, 'renderer', 'index.html'), 'utf8')
    for (const target of ['/', '/enroll', '/index.html', '/admin/people']) expect(responses.find(([t]) => t === target)?.[1].body, target).toBe(index)
    const head = responses.find(([t]) => t === 'HEAD /')?.[1]
    expect(head?.status).toBe(200)
    expect(head?.body).toBe('')
    expect(responses.find(([t]) => t === '/sub/index.html')?.[1].body).toBe('<!doctype html><p>nested</p>')
  })
})

// ---------------------------------------------------------------- 4. IPC channel arguments

describe('4. hostile IPC channel arguments', () => {
  it('non-string methods, missing and extra arguments → unknown-method / invalid-args, never internal', async () => {
    const methods: unknown[] = [undefined, null, 7, -0, NaN, true, {}, [], ['people', 'list'], { method: 'host/info' }, new Date(0), 10n, '', ' host/info', 'HOST/INFO', 'host/info\u0000', '__proto__', 'constructor', 'hasOwnProperty', 'x'.repeat(2_000_000)]
    for (const m of methods) {
      const r = (await ipcPair.ipcRenderer.invoke(IPC_INVOKE, m, {})) as ApiResult<unknown>
      counts.ipcChannel++
      expect(r, String(m).slice(0, 40)).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
      if (!r.ok) expect(r.error.message.length).toBeLessThan(300)
    }
    // no method, no args at all
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE)).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
    // missing args: fine for a method whose fields are all optional, invalid-args otherwise
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, 'host/info')).toMatchObject({ ok: true })
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, 'admin/login')).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    // extra channel arguments are ignored (no ctx / actor injection)
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, 'people/list', {}, { transport: 'direct', actor: 'root' }, 'x')).toMatchObject({ ok: false, error: { code: 'admin-required' } })
    // a one-element array is not a method name (it is never stringified)
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, ['host/info'], {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, ['people/list'], {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
    counts.ipcChannel += 6
  })

  // FINDING (electron/main/ipc-transport.ts, outside this suite's remit to fix): registerIpc turns a non-string
  // method into a string with String(method), which throws for an object whose toString/valueOf are not
  // callable. Structured clone delivers such an object ({ toString: 'x' }), so the handler rejects instead
  // of answering an ApiResult (Electron then rejects the renderer's invoke). The main process survives.
  // Fix: \`typeof method === 'string' ? method : typeof method\`. \`it.fails\` goes red once fixed: make it \`it\` then.
  it('a method object with a non-callable toString still gets an ApiResult', async () => {
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, { toString: 'host/info' }, {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
  })

  it('after a hostile IPC call the main side keeps answering', async () => {
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, { toString: 'host/info', valueOf: 1 }, {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, 'host/info', {})).toMatchObject({ ok: true })
  })

  it('functions and Symbols: structured clone refuses them (as Electron does); if they arrived anyway, no crash', async () => {
    const unclonable: unknown[] = [() => 'x', Symbol('s'), { pin: () => PIN }, { pin: Symbol('2468') }, [() => 1], { embedding: [Symbol('x')] }]
    for (const v of unclonable) {
      await expect(ipcPair.ipcRenderer.invoke(IPC_INVOKE, 'admin/login', v), String(typeof v)).rejects.toThrow(/could not be cloned/)
      await expect(ipcPair.ipcRenderer.invoke(IPC_INVOKE, v, {})).rejects.toThrow(/could not be cloned/)
      for (const method of ['admin/login', 'host/info', 'people/list', 'kiosk/recognize', 'settings/update']) {
        const r = await rawIpc({ sender: null, senderFrame: null }, method, v)
        counts.ipcChannel++
        expect(r.ok === true || ALLOWED_CODES.has(r.error.code), `${method} ${String(typeof v)}`).toBe(true)
      }
      const m = await rawIpc({ sender: null, senderFrame: null }, v, {})
      expect(m, String(typeof v)).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
      counts.ipcChannel += 3
    }
    // a Symbol-keyed field is dropped by structured clone and ignored by the validators
    expect(await ipcPair.ipcRenderer.invoke(IPC_INVOKE, 'admin/login', { pin: PIN, [Symbol('token')]: 'x' })).toMatchObject({ ok: true })
  })

  it('a sender that is not our window is refused when isTrustedSender is given', async () => {
    const pair = createFakeIpcPair()
    let dispatched = 0
    registerIpc(
      pair.ipcMain,
      (m, a, c) => {
        dispatched++
        return ipcApp.dispatch(m, a, c)
      },
      { isTrustedSender: (e) => typeof e.senderFrame?.url === 'string' && e.senderFrame.url.startsWith('app://hadir/') },
    )
    // the fake pair's events carry senderFrame: null, i.e. not our renderer
    expect(await pair.ipcRenderer.invoke(IPC_INVOKE, 'host/info', {})).toMatchObject({ ok: false, error: { code: 'transport-error' } })
    expect(await pair.ipcRenderer.invoke(IPC_INVOKE, 'admin/login', { pin: PIN })).toMatchObject({ ok: false, error: { code: 'transport-error' } })
    expect(dispatched).toBe(0)
    counts.ipcChannel += 2
  })
})
