/**
 * The shape of a handler map, shared by the kiosk handlers (handlers.ts), the admin handlers
 * (handlers-admin.ts) and the dispatcher, so none of them imports another for its types.
 */
import type { ApiArgs, ApiData, ApiMethod } from '../../src/shared/api/contract'
import type { AttendanceEvent } from '../../src/shared/domain/types'

/** Who is calling; used for audit `actor` and template `source`. */
export type HandlerContext = {
  transport: 'ipc' | 'http' | 'direct'
  /** audit actor; defaults to the transport name */
  actor?: string
  /** `source` of attendance events written by kiosk/recognize; default 'kiosk' */
  eventSource?: AttendanceEvent['source']
}

export type ServerHandlers = {
  [M in ApiMethod]: (args: ApiArgs<M>, ctx: HandlerContext) => ApiData<M> | Promise<ApiData<M>>
}
