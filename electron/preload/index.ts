import { contextBridge, ipcRenderer } from 'electron'
import type { KioskBridge } from '../../src/shared/api/contract'
import { IPC_EVENTS, IPC_INVOKE } from '../../src/shared/api/transport'

// Sandboxed preload: imports only 'electron' and bundled local code. Exposes `invoke` and `on`
// (main → renderer events from a fixed list; the listener never sees the IPC event object).
const kiosk: KioskBridge = {
  invoke: (method, args, attest) => (attest === undefined ? ipcRenderer.invoke(IPC_INVOKE, method, args) : ipcRenderer.invoke(IPC_INVOKE, method, args, attest)),
  on: (channel, listener) => {
    if (!IPC_EVENTS.includes(channel)) return () => undefined
    const wrapped = () => listener()
    ipcRenderer.on(channel, wrapped)
    return () => {
      ipcRenderer.removeListener(channel, wrapped)
    }
  },
}

contextBridge.exposeInMainWorld('kiosk', kiosk)
