import type { ApiResult } from '../shared/api/result'
import { HTTP_TOKEN_HEADER, httpInvokePath, type ApiTransport } from '../shared/api/transport'

export type HttpTransportOptions = {
  /** origin of the Node host; default '' (same origin as the page) */
  baseUrl?: string
  fetch?: typeof fetch
  /** the session token of pairing (sent on every call); setSessionToken changes it */
  token?: string
}

function isApiResult(v: unknown): v is ApiResult<unknown> {
  if (typeof v !== 'object' || v === null) return false
  const r = v as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } }
  if (r.ok === true) return 'data' in r
  return r.ok === false && typeof r.error === 'object' && r.error !== null && typeof r.error.code === 'string' && typeof r.error.message === 'string'
}

/**
 * Renderer transport for the plain-Node host: POST `/api/invoke/<method>` with `{ args }`.
 * Never rejects: a network failure or a non-ApiResult response becomes `transport-error`.
 */
export function createHttpTransport(opts: HttpTransportOptions = {}): ApiTransport {
  const baseUrl = (opts.baseUrl ?? '').replace(/\/+$/, '')
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init))
  const transportError = (message: string): ApiResult<never> => ({ ok: false, error: { code: 'transport-error', message } })
  let token = opts.token ?? null
  return {
    setSessionToken(t) {
      token = t
    },
    async invoke(method, args, attest) {
      let res: Response
      try {
        res = await doFetch(`${baseUrl}${httpInvokePath(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(token ? { [HTTP_TOKEN_HEADER]: token } : {}) },
          // the attestation travels beside the arguments: the MAC covers `args` exactly as sent
          body: JSON.stringify(attest ? { args, attest } : { args }),
        })
      } catch (err) {
        return transportError(`Cannot reach the Hadir host: ${err instanceof Error ? err.message : String(err)}`)
      }
      let body: unknown
      try {
        body = await res.json()
      } catch {
        return transportError(`HTTP ${res.status}: response is not JSON`)
      }
      // 200 carries domain results; 4xx/5xx from the host also carry an ApiResult body
      return isApiResult(body) ? (body as ApiResult<never>) : transportError(`HTTP ${res.status}: unexpected response`)
    },
  }
}
