import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER, PAIR_METHOD } from '../../src/shared/api/transport'
import { isAttestation } from '../../src/shared/api/attest'
import { FRAME_HEADERS } from '../server/static-files'
import type { ApiError, ApiResult } from '../../src/shared/api/result'
import type { DispatchFn } from '../server/dispatch'

/** Largest accepted request body. An embedding of 4096 floats is ~100 KB of JSON. */
export const MAX_BODY_BYTES = 1024 * 1024

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * On every response: cross-origin isolation (SharedArrayBuffer for wasm threads), no sniffing, and
 * never framed nor referred (clickjacking: `frame-ancestors 'none'`, `X-Frame-Options: DENY`;
 * `Referrer-Policy: no-referrer`).
 */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  for (const [name, value] of Object.entries(FRAME_HEADERS)) res.setHeader(name, value)
}

function sendJson(res: ServerResponse, status: number, body: ApiResult<unknown>, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  let text: string
  try {
    text = JSON.stringify(body)
  } catch (err) {
    status = 500
    text = JSON.stringify({ ok: false, error: { code: 'internal', message: `result is not JSON-safe: ${(err as Error).message}` } })
  }
  setSecurityHeaders(res)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extraHeaders,
  })
  res.end(text)
}

const fail = (code: ApiError['code'], message: string): ApiResult<never> => ({ ok: false, error: { code, message } })

function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null
  try {
    return new URL(`http://${hostHeader}`).hostname
  } catch {
    return null
  }
}

/** The Host header names this machine (against DNS rebinding): API calls and static files alike. */
export function loopbackHost(req: IncomingMessage): boolean {
  const hostname = hostnameOf(req.headers.host)
  return hostname !== null && LOOPBACK_HOSTNAMES.has(hostname)
}

/** What the HTTP transport needs of the core's sessions. */
export type SessionLookup = { sessionOfToken(token: string | undefined): string | null }

export type ApiRequestHandlerOptions = {
  maxBodyBytes?: number
  /** accept any Host header (default: loopback names only, against DNS rebinding) */
  allowAnyHost?: boolean
  /**
   * Paired sessions: every call but `kiosk/pair` must carry a session token in x-hadir-token
   * (401 `unauthorized` otherwise). null: no sessions (recovery mode, where nothing is stored to protect).
   */
  sessions?: SessionLookup | null
  /** a refused call (audited by the host, throttled); never the arguments */
  onRefused?: (code: string, details: Record<string, string | number | boolean | null>) => void
}

/**
 * node:http handler for `POST /api/invoke/<method>` with JSON body `{ "args": …, "attest"?: … }`.
 * Domain errors (and bad JSON) answer 200 with an ApiResult; only transport failures use other
 * statuses (404 unknown route, 405 not POST, 413 body > 1 MB, 415 not JSON, 403 foreign origin / host),
 * and those carry an ApiResult body too. Returns `false` when the URL is not under `/api/`.
 */
export function createApiRequestHandler(dispatchFn: DispatchFn, opts: ApiRequestHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const limit = opts.maxBodyBytes ?? MAX_BODY_BYTES
  return (req, res) => {
    const rawUrl = req.url ?? '/'
    const pathname = rawUrl.split('?')[0] ?? '/'
    if (!pathname.startsWith('/api/')) return false

    if (!opts.allowAnyHost && !loopbackHost(req)) {
      req.resume()
      sendJson(res, 403, fail('transport-error', 'Host not allowed'))
      return true
    }
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      req.resume()
      sendJson(res, 403, fail('transport-error', 'Cross-origin API calls are not allowed'))
      return true
    }
    let session: string | null = null
    const pairing = pathname === `${HTTP_INVOKE_PREFIX}${PAIR_METHOD}`
    if (opts.sessions && !pairing) {
      const given = req.headers[HTTP_TOKEN_HEADER]
      session = typeof given === 'string' ? opts.sessions.sessionOfToken(given) : null
      if (session === null) {
        req.resume()
        opts.onRefused?.('unauthorized', { path: pathname.slice(0, 100), token: given === undefined ? 'missing' : 'unknown' })
        sendJson(res, 401, fail('unauthorized', 'This page is not paired with the kiosk: open the address the kiosk printed (…/#pair=<code>), or run `npm run cli -- pair`'))
        return true
      }
    }
    if (!pathname.startsWith(HTTP_INVOKE_PREFIX)) {
      req.resume()
      sendJson(res, 404, fail('unknown-method', `No API route ${pathname.slice(0, 100)}`))
      return true
    }
    if (req.method !== 'POST') {
      req.resume()
      sendJson(res, 405, fail('invalid-args', 'API calls must use POST'), { Allow: 'POST' })
      return true
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
    if (contentType !== 'application/json') {
      req.resume()
      sendJson(res, 415, fail('invalid-args', 'Content-Type must be application/json'))
      return true
    }
    let method: string
    try {
      method = decodeURIComponent(pathname.slice(HTTP_INVOKE_PREFIX.length))
    } catch {
      req.resume()
      sendJson(res, 200, fail('unknown-method', 'Malformed method name'))
      return true
    }
    const tooLarge = () => {
      sendJson(res, 413, fail('invalid-args', `Request body larger than ${limit} bytes`), { Connection: 'close' })
    }
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      req.resume()
      tooLarge()
      return true
    }

    const chunks: Buffer[] = []
    let size = 0
    let overflow = false
    req.on('data', (chunk: Buffer) => {
      if (overflow) return
      size += chunk.length
      if (size > limit) {
        overflow = true
        chunks.length = 0
        tooLarge()
        return
      }
      chunks.push(chunk)
    })
    req.on('error', () => {
      if (!res.headersSent) res.destroy()
    })
    req.on('end', () => {
      if (overflow) return
      const text = Buffer.concat(chunks).toString('utf8')
      let args: unknown
      let attest: unknown
      if (text.trim() !== '') {
        let body: unknown
        try {
          body = JSON.parse(text)
        } catch {
          sendJson(res, 200, fail('invalid-args', 'Request body is not valid JSON'))
          return
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          sendJson(res, 200, fail('invalid-args', 'Request body must be a JSON object { "args": … }'))
          return
        }
        args = (body as { args?: unknown }).args
        attest = (body as { attest?: unknown }).attest
      }
      const ctx = { transport: 'http' as const, ...(session ? { session } : {}), ...(isAttestation(attest) ? { attest } : {}) }
      dispatchFn(method, args, ctx).then(
        (result) => sendJson(res, 200, result),
        (err: unknown) => sendJson(res, 500, fail('internal', err instanceof Error ? err.message : String(err))),
      )
    })
    return true
  }
}
