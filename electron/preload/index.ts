import { contextBridge, ipcRenderer } from 'electron'
import type { KioskBridge } from '../../src/shared/api/contract'
import { IPC_INVOKE } from '../../src/shared/api/transport'

// Sandboxed preload: imports only 'electron' and bundled local code. Exposes `invoke` and nothing else.
const kiosk: KioskBridge = {
  invoke: (method, args) => ipcRenderer.invoke(IPC_INVOKE, method, args),
}

contextBridge.exposeInMainWorld('kiosk', kiosk)
