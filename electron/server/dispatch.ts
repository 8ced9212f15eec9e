import { API_METHODS, type ApiArgs, type ApiData, type ApiMethod } from '../../src/shared/api/contract'
import { HadirError, toApiError, type ApiResult } from '../../src/shared/api/result'
import type { HandlerContext, ServerHandlers } from './handler-types'
import { VALIDATORS } from './validate'

/** What transports call: untyped method and args in, an ApiResult out, never a rejection. */
export type DispatchFn = (method: string, args: unknown, ctx?: HandlerContext) => Promise<ApiResult<unknown>>

export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && (API_METHODS as readonly string[]).includes(method)
}

/**
 * The one place that turns exceptions into `{ code, message }`: validates `args` with the method's
 * validator, runs the handler, and wraps the outcome in an ApiResult. Unknown methods → 'unknown-method',
 * malformed args → 'invalid-args', unexpected exceptions → 'internal' (stack logged to stderr, args never logged).
 */
export async function dispatch<M extends ApiMethod>(handlers: ServerHandlers, method: M, args: ApiArgs<M>, ctx: HandlerContext): Promise<ApiResult<ApiData<M>>>
export async function dispatch(handlers: ServerHandlers, method: string, args: unknown, ctx: HandlerContext): Promise<ApiResult<unknown>>
export async function dispatch(handlers: ServerHandlers, method: string, args: unknown, ctx: HandlerContext): Promise<ApiResult<unknown>> {
  try {
    if (!isApiMethod(method)) {
      throw new HadirError('unknown-method', `Unknown API method: ${typeof method === 'string' ? method.slice(0, 100) : typeof method}`)
    }
    const validArgs = (VALIDATORS[method] as (a: unknown) => unknown)(args)
    const handler = handlers[method] as (a: unknown, c: HandlerContext) => unknown
    const data = await handler(validArgs, ctx)
    return { ok: true, data }
  } catch (err) {
    const error = toApiError(err)
    if (error.code === 'internal') {
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err)
      console.error(`[hadir] internal error in ${String(method).slice(0, 100)}: ${detail}`)
    }
    return { ok: false, error }
  }
}
