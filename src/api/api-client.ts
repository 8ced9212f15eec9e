import type { ApiArgs, ApiData, ApiMethod } from '../shared/api/contract'
import type { ApiError, ApiResult } from '../shared/api/result'
import type { ApiTransport } from '../shared/api/transport'

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

export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    invoke: (method, args) => transport.invoke(method, args),
    async call(method, args) {
      const r = await transport.invoke(method, args)
      if (!r.ok) throw new ApiCallError(r.error)
      return r.data
    },
  }
}
