import type { KioskBridge } from '../shared/api/contract'
import type { ApiTransport } from '../shared/api/transport'
import { createHttpTransport } from './transport.http'
import { createIpcTransport } from './transport.ipc'

/**
 * Electron (preload put `kiosk` on window) → IPC; otherwise the page came from the Node host → HTTP.
 * The HTTP transport gets its session token from pairing (api/kiosk-session.ts), never from the page.
 */
export function selectTransport(win: { kiosk?: KioskBridge } = window): ApiTransport {
  if ('kiosk' in win && win.kiosk) return createIpcTransport(win.kiosk)
  return createHttpTransport()
}
