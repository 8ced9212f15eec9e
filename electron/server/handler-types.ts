/**
 * The shape of a handler map, shared by the kiosk handlers (handlers.ts), the admin handlers
 * (handlers-admin.ts) and the dispatcher, so none of them imports another for its types.
 */
import type { ApiArgs, ApiData, ApiMethod } from '../../src/shared/api/contract'
import type { Attestation } from '../../src/shared/api/attest'
import type { AttendanceEvent } from '../../src/shared/domain/types'

/** Who is calling; used for audit `actor` and template `source`. */
export type HandlerContext = {
  transport: 'ipc' | 'http' | 'direct'
  /** audit actor; defaults to the transport name */
  actor?: string
  /** `source` of attendance events written by kiosk/recognize; default 'kiosk' */
  eventSource?: AttendanceEvent['source']
  /** the paired page's session (HTTP: from its bearer token; IPC: from an attested call) */
  session?: string | null
  /** the counter and MAC an attested call arrived with (checked before the handler runs) */
  attest?: Attestation
}

/** Who is trying: wrong PINs lock this source only (each paired page, Electron's page, the CLI). */
export function attemptSource(ctx: HandlerContext): string {
  if (ctx.transport === 'direct') return 'cli'
  return ctx.session ? `${ctx.transport}:${ctx.session}` : ctx.transport
}

export type ServerHandlers = {
  [M in ApiMethod]: (args: ApiArgs<M>, ctx: HandlerContext) => ApiData<M> | Promise<ApiData<M>>
}
