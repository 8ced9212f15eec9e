import type { ApiArgs, ApiData, ApiMethod } from './contract'
import type { ApiResult } from './result'

/** What both renderer transports implement. */
export interface ApiTransport {
  invoke<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<ApiData<M>>>
}

/** Electron IPC channel for every API call (namespaced like `namespace:action`). */
export const IPC_INVOKE = 'api:invoke'
/** HTTP route for one method: POST JSON `{ args }` → 200 with an ApiResult. */
export const httpInvokePath = (m: ApiMethod): string => `/api/invoke/${m}`
export const HTTP_INVOKE_PREFIX = '/api/invoke/'

/** Header carrying the web host's per-launch API token (the page gets it in a meta tag of index.html). */
export const HTTP_TOKEN_HEADER = 'x-hadir-token'
/** `<meta name=…>` in index.html holding the token. */
export const TOKEN_META_NAME = 'hadir-api-token'

/** Main → renderer events (the preload's `on` accepts only these). */
export const IPC_EVENT_RESUME = 'app:resume'
export const IPC_EVENTS: readonly string[] = [IPC_EVENT_RESUME]
