import type { KioskBridge } from '../shared/api/contract'
import { TOKEN_META_NAME, type ApiTransport } from '../shared/api/transport'
import { createHttpTransport } from './transport.http'
import { createIpcTransport } from './transport.ipc'

/** Electron (preload put `kiosk` on window) → IPC; otherwise the page came from the Node host → HTTP. */
export function selectTransport(win: { kiosk?: KioskBridge } = window): ApiTransport {
  if ('kiosk' in win && win.kiosk) return createIpcTransport(win.kiosk)
  const token = typeof document !== 'undefined' ? document.querySelector(`meta[name="${TOKEN_META_NAME}"]`)?.getAttribute('content') : null
  return createHttpTransport(token ? { token } : {})
}
