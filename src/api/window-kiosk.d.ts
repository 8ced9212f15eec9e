import type { KioskBridge } from '../shared/api/contract'

declare global {
  interface Window {
    /** Present only under Electron (preload). */
    kiosk?: KioskBridge
  }
}
