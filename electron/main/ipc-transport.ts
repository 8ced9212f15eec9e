import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import type { ApiResult } from '../../src/shared/api/result'
import { IPC_INVOKE } from '../../src/shared/api/transport'
import { isAttestation } from '../../src/shared/api/attest'
import type { DispatchFn } from '../server/dispatch'

export type RegisterIpcOptions = {
  /** e.g. check `event.senderFrame.url` is our renderer; untrusted callers get 'transport-error' */
  isTrustedSender?: (event: IpcMainInvokeEvent) => boolean
}

/**
 * `ipcMain.handle(IPC_INVOKE, (e, method, args, attest) → dispatch(method, args))`. `attest` (the
 * session counter and MAC of an attested call) reaches the dispatcher only in its exact shape; any
 * other extra argument is ignored (no transport or actor can be injected).
 * The result is always an ApiResult (structured-clone safe); the handler never throws.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, dispatchFn: DispatchFn, opts: RegisterIpcOptions = {}): void {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, method: unknown, args: unknown, attest?: unknown): Promise<ApiResult<unknown>> => {
    if (opts.isTrustedSender && !opts.isTrustedSender(event)) {
      return { ok: false, error: { code: 'transport-error', message: 'IPC call from an untrusted frame' } }
    }
    // never stringify a caller's object (its toString may throw): a non-string method is unknown
    return dispatchFn(typeof method === 'string' ? method : `(${typeof method})`, args, { transport: 'ipc', ...(isAttestation(attest) ? { attest } : {}) })
  })
}
