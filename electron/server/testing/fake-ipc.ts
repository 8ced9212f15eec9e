/**
 * In-memory stand-in for ipcMain.handle / ipcRenderer.invoke (the Electron binary is not available in tests).
 * Like Electron, arguments and results cross by structured clone, and a missing handler rejects.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (event: any, ...args: any[]) => unknown

export function createFakeIpcPair() {
  const handlers = new Map<string, Listener>()
  const ipcMain = {
    handle(channel: string, listener: Listener): void {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      handlers.set(channel, listener)
    },
  }
  const ipcRenderer = {
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const listener = handlers.get(channel)
      if (!listener) throw new Error(`No handler registered for '${channel}'`)
      const result = await listener({ sender: null, senderFrame: null }, ...structuredClone(args))
      return structuredClone(result)
    },
  }
  return { ipcMain, ipcRenderer, channels: () => [...handlers.keys()] }
}
