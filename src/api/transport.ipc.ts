import type { KioskBridge } from '../shared/api/contract'
import type { ApiResult } from '../shared/api/result'
import type { ApiTransport } from '../shared/api/transport'

/** Renderer transport over the Electron preload bridge (`window.kiosk`). Never rejects. */
export function createIpcTransport(bridge: KioskBridge): ApiTransport {
  return {
    async invoke(method, args, attest) {
      try {
        return (await (attest ? bridge.invoke(method, args, attest) : bridge.invoke(method, args))) as ApiResult<never>
      } catch (err) {
        return { ok: false, error: { code: 'transport-error', message: `IPC failed: ${err instanceof Error ? err.message : String(err)}` } }
      }
    },
  }
}
