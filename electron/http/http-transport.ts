import type { IncomingMessage, ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER } from '../../src/shared/api/transport'
import type { ApiError, ApiResult } from '../../src/shared/api/result'
import type { DispatchFn } from '../server/dispatch'

/** Largest accepted request body. An embedding of 4096 floats is ~100 KB of JSON. */
export const MAX_BODY_BYTES = 1024 * 1024

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Cross-origin isolation (SharedArrayBuffer for wasm threads) and no sniffing; on every response. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  res.setHeader('X-Content-Type-Options', 'nosniff')
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

export type ApiRequestHandlerOptions = {
  maxBodyBytes?: number
  /** accept any Host header (default: loopback names only, against DNS rebinding) */
  allowAnyHost?: boolean
  /** per-launch token every call must carry in the x-hadir-token header (the host always sets one) */
  token?: string
}

/** Constant-time comparison of the presented token. */
export function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * node:http handler for `POST /api/invoke/<method>` with JSON body `{ "args": … }`.
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

    const hostname = hostnameOf(req.headers.host)
    if (!opts.allowAnyHost && (hostname === null || !LOOPBACK_HOSTNAMES.has(hostname))) {
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
    if (opts.token !== undefined && !tokenMatches(opts.token, req.headers[HTTP_TOKEN_HEADER])) {
      req.resume()
      sendJson(res, 401, fail('unauthorized', 'Missing or wrong API token: reload the kiosk page'))
      return true
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
      }
      dispatchFn(method, args, { transport: 'http' }).then(
        (result) => sendJson(res, 200, result),
        (err: unknown) => sendJson(res, 500, fail('internal', err instanceof Error ? err.message : String(err))),
      )
    })
    return true
  }
}
