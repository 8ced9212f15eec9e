import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import type { ApiResult } from '../../src/shared/api/result'
import { IPC_INVOKE } from '../../src/shared/api/transport'
import type { DispatchFn } from '../server/dispatch'

export type RegisterIpcOptions = {
  /** e.g. check `event.senderFrame.url` is our renderer; untrusted callers get 'transport-error' */
  isTrustedSender?: (event: IpcMainInvokeEvent) => boolean
}

/**
 * `ipcMain.handle(IPC_INVOKE, (e, method, args) → dispatch(method, args))`.
 * The result is always an ApiResult (structured-clone safe); the handler never throws.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, dispatchFn: DispatchFn, opts: RegisterIpcOptions = {}): void {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, method: unknown, args: unknown): Promise<ApiResult<unknown>> => {
    if (opts.isTrustedSender && !opts.isTrustedSender(event)) {
      return { ok: false, error: { code: 'transport-error', message: 'IPC call from an untrusted frame' } }
    }
    // never stringify a caller's object (its toString may throw): a non-string method is unknown
    return dispatchFn(typeof method === 'string' ? method : `(${typeof method})`, args, { transport: 'ipc' })
  })
}
