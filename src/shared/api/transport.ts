import type { Attestation } from './attest'
import type { ApiArgs, ApiData, ApiMethod } from './contract'
import type { ApiResult } from './result'

/** What both renderer transports implement. `attest`: the session counter and MAC of an attested call. */
export interface ApiTransport {
  invoke<M extends ApiMethod>(method: M, args: ApiArgs<M>, attest?: Attestation): Promise<ApiResult<ApiData<M>>>
  /** the web host's session token (sent as x-hadir-token); the IPC transport needs none */
  setSessionToken?(token: string | null): void
}

/** Electron IPC channel for every API call (namespaced like `namespace:action`). */
export const IPC_INVOKE = 'api:invoke'
/** HTTP route for one method: POST JSON `{ args }` → 200 with an ApiResult. */
export const httpInvokePath = (m: ApiMethod): string => `/api/invoke/${m}`
export const HTTP_INVOKE_PREFIX = '/api/invoke/'

/**
 * Header carrying the web host's session token. The page gets it by pairing (`kiosk/pair` with the
 * one-time code of the launch URL's fragment, see PAIR_FRAGMENT); nothing the host serves holds one.
 */
export const HTTP_TOKEN_HEADER = 'x-hadir-token'
/** The launch URL's fragment parameter holding the one-time pairing code: `http://127.0.0.1:4477/#pair=<code>`. */
export const PAIR_FRAGMENT = 'pair'
/** The one method a page may call over HTTP without a session: it exchanges a pairing code for one. */
export const PAIR_METHOD = 'kiosk/pair'

/** Main → renderer events (the preload's `on` accepts only these). */
export const IPC_EVENT_RESUME = 'app:resume'
export const IPC_EVENTS: readonly string[] = [IPC_EVENT_RESUME]
