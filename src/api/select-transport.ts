import type { KioskBridge } from '../shared/api/contract'
import type { ApiTransport } from '../shared/api/transport'
import { createHttpTransport } from './transport.http'
import { createIpcTransport } from './transport.ipc'

/** Electron (preload put `kiosk` on window) → IPC; otherwise the page came from the Node host → HTTP. */
export function selectTransport(win: { kiosk?: KioskBridge } = window): ApiTransport {
  return 'kiosk' in win && win.kiosk ? createIpcTransport(win.kiosk) : createHttpTransport()
}
