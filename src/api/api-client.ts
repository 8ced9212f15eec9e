import { ATTESTED_METHODS, type ApiArgs, type ApiData, type ApiMethod } from '../shared/api/contract'
import type { ApiError, ApiResult } from '../shared/api/result'
import { PAIR_METHOD, type ApiTransport } from '../shared/api/transport'
import type { KioskSession } from './kiosk-session'

/** Thrown by `call()` when the result is an error; carries the stable code. */
export class ApiCallError extends Error {
  override name = 'ApiCallError'
  constructor(readonly error: ApiError) {
    super(error.message)
  }
}

/** Typed API for the renderer: `invoke` returns the ApiResult (default), `call` unwraps or throws. */
export type ApiClient = {
  invoke<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<ApiData<M>>>
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiData<M>>
}

/**
 * The renderer's API. With a `session` (the kiosk page: main.tsx) every call waits for the page to be
 * paired, and every attested call (ATTESTED_METHODS: the ones that record attendance) gets its
 * session counter and MAC here — callers such as the recognition loop just call `invoke`.
 */
export function createApiClient(transport: ApiTransport, session?: KioskSession): ApiClient {
  const invoke = async <M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<ApiData<M>>> => {
    if (!session || method === PAIR_METHOD) return transport.invoke(method, args)
    // an unpaired page still asks: a host in recovery mode answers without a session (nothing to protect)
    const unpaired = await session.ready()
    const send = async () => {
      const attest = ATTESTED_METHODS.has(method) ? await session.attest(method, args) : null
      return attest ? transport.invoke(method, args, attest) : transport.invoke(method, args)
    }
    const r = await send()
    // the pairing's own reason (code used, invalid) says more than the host's plain 'unauthorized'
    if (unpaired && !unpaired.ok && !r.ok && r.error.code === 'unauthorized') return unpaired as ApiResult<never>
    // the host no longer knows this session (a restored database, an expired pairing): Electron's
    // page pairs again by itself and retries once; a web page shows that it needs pairing
    if (!r.ok && r.error.code === 'unauthorized' && (await session.lost())) return send()
    return r
  }
  return {
    invoke,
    async call(method, args) {
      const r = await invoke(method, args)
      if (!r.ok) throw new ApiCallError(r.error)
      return r.data
    },
  }
}
