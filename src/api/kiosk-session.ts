/**
 * The page's side of pairing and call attestation (shared/api/attest.ts).
 *
 * - First load at the launch URL (`…/#pair=<code>`): the code is exchanged once for a session
 *   (`kiosk/pair`) and removed from the address bar at once (history.replaceState), so it is never
 *   bookmarked, reloaded or shown.
 * - The session (id, token, MAC key, last counter) is kept in the origin's localStorage: a reload,
 *   a browser restarted by the kiosk's supervisor or a host restarted after a crash go on with it.
 *   No other origin can read it, and no file the host serves holds it.
 * - Electron: only our own page reaches IPC, so it pairs without a code, and again by itself when
 *   the main side no longer knows its session (a restored database).
 * - Each attested call takes the next counter (written to storage before the call leaves) and the
 *   HMAC-SHA256 of its arguments with WebCrypto.
 */
import { attestMessage, fromBase64Url, toBase64Url, type Attestation } from '../shared/api/attest'
import type { ApiMethod, KioskPairing } from '../shared/api/contract'
import type { ApiResult } from '../shared/api/result'
import { PAIR_FRAGMENT, PAIR_METHOD, type ApiTransport } from '../shared/api/transport'

export const SESSION_STORAGE_KEY = 'hadir.session'

type Stored = KioskPairing & { counter: number }

/** The part of WebCrypto's SubtleCrypto used here (HMAC-SHA256 sign). */
export type HmacSubtle = {
  importKey(format: 'raw', keyData: Uint8Array, algorithm: { name: 'HMAC'; hash: 'SHA-256' }, extractable: boolean, keyUsages: Array<'sign'>): Promise<unknown>
  sign(algorithm: 'HMAC', key: never, data: Uint8Array): Promise<ArrayBuffer>
}

/** The page's storage (localStorage) in the part used here. */
export type SessionStorageLike = { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void }

export type SessionEnv = {
  storage: SessionStorageLike | null
  /** the page's URL fragment without '#', e.g. 'pair=abc' */
  hash: () => string
  /** removes the fragment from the address bar */
  clearHash: () => void
  subtle: HmacSubtle
}

/** This runtime's WebCrypto (browsers, Node ≥ 20), as the part used here. */
export function webSubtle(): HmacSubtle {
  return (globalThis as unknown as BrowserGlobals).crypto?.subtle as HmacSubtle
}

type BrowserGlobals = {
  location?: { hash: string; pathname: string; search: string }
  history?: { replaceState(data: unknown, unused: string, url: string): void }
  localStorage?: SessionStorageLike
  crypto?: { subtle?: unknown }
}

export type KioskSession = {
  /** pairs when needed; the pairing error when the page cannot pair (no code, code used…), else null */
  ready(): Promise<ApiResult<unknown> | null>
  /** the next counter and MAC of an attested call */
  attest(method: ApiMethod, args: unknown): Promise<Attestation | null>
  /** the host no longer knows the session (unauthorized): forget it; true when a new pairing was made (IPC) */
  lost(): Promise<boolean>
  /** the current session id, for tests and diagnostics */
  id(): string | null
}

function browserEnv(): SessionEnv | null {
  const g = globalThis as unknown as BrowserGlobals
  const { location, history } = g
  if (!location || !history || !g.crypto?.subtle) return null
  let storage: SessionEnv['storage']
  try {
    storage = g.localStorage ?? null
  } catch {
    // storage refused (private mode, policy): the session lives until the page reloads
    storage = null
  }
  return {
    storage,
    hash: () => location.hash.replace(/^#/, ''),
    clearHash: () => history.replaceState(null, '', location.pathname + location.search),
    subtle: g.crypto.subtle as HmacSubtle,
  }
}

function parseStored(text: string | null): Stored | null {
  if (!text) return null
  try {
    const v = JSON.parse(text) as Partial<Stored>
    if (typeof v.session === 'string' && typeof v.token === 'string' && typeof v.macKey === 'string' && typeof v.counter === 'number' && Number.isSafeInteger(v.counter)) {
      return { session: v.session, token: v.token, macKey: v.macKey, counter: v.counter }
    }
  } catch {
    // a damaged entry is a missing one
  }
  return null
}

/** The pairing code of the launch URL's fragment (`pair=<code>`), or null. */
export function pairCodeOf(hash: string): string | null {
  const v = new URLSearchParams(hash).get(PAIR_FRAGMENT)
  return v && /^[A-Za-z0-9_-]{16,100}$/.test(v) ? v : null
}

export function createKioskSession(transport: ApiTransport, opts: { ipc: boolean; env?: SessionEnv | null }): KioskSession {
  const env = opts.env === undefined ? browserEnv() : opts.env
  let current: Stored | null = null
  let key: unknown = null
  let starting: Promise<ApiResult<unknown> | null> | null = null

  const save = () => {
    if (!env?.storage) return
    try {
      if (current) env.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(current))
      else env.storage.removeItem(SESSION_STORAGE_KEY)
    } catch {
      // storage full or refused: the session lives until the page reloads
    }
  }

  const adopt = async (s: Stored | null) => {
    current = s
    key = null
    transport.setSessionToken?.(s ? s.token : null)
    if (s && env) {
      const raw = fromBase64Url(s.macKey)
      key = await env.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      raw.fill(0)
    }
    save()
  }

  const pair = async (code: string | null): Promise<ApiResult<unknown> | null> => {
    const r = await transport.invoke(PAIR_METHOD, code ? { code } : {})
    if (!r.ok) return r
    await adopt({ ...r.data, counter: 0 })
    return null
  }

  const start = async (): Promise<ApiResult<unknown> | null> => {
    const code = env ? pairCodeOf(env.hash()) : null
    if (code) {
      // a launch URL: the code works once; out of the address bar before anything else can read it
      env?.clearHash()
      const failed = await pair(code)
      // a reload of the launch URL after pairing: the code is spent, the stored session goes on
      if (!failed) return null
      const stored = parseStored(env?.storage?.getItem(SESSION_STORAGE_KEY) ?? null)
      if (stored) {
        await adopt(stored)
        return null
      }
      return failed
    }
    const stored = parseStored(env?.storage?.getItem(SESSION_STORAGE_KEY) ?? null)
    if (stored) {
      await adopt(stored)
      return null
    }
    if (opts.ipc) return pair(null)
    return { ok: false, error: { code: 'unauthorized', message: 'This page is not paired with the kiosk: open the address the kiosk printed (…/#pair=<code>)' } }
  }

  return {
    ready() {
      starting ??= start()
      return starting
    },
    async attest(method, args) {
      await this.ready()
      if (!current || !key || !env) return null
      current.counter += 1
      const counter = current.counter
      // the counter is spent before the call leaves: a reload can never reuse it
      save()
      const mac = await env.subtle.sign('HMAC', key as never, new TextEncoder().encode(attestMessage(method, current.session, counter, args)))
      return { session: current.session, counter, mac: toBase64Url(new Uint8Array(mac)) }
    },
    async lost() {
      await adopt(null)
      starting = null
      if (!opts.ipc) {
        starting = Promise.resolve({ ok: false, error: { code: 'unauthorized', message: 'This page is no longer paired with the kiosk' } })
        return false
      }
      starting = pair(null)
      return (await starting) === null
    },
    id: () => current?.session ?? null,
  }
}
