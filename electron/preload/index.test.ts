import { describe, expect, it, vi } from 'vitest'
import { IPC_INVOKE } from '../../src/shared/api/transport'

const exposed: Record<string, unknown> = {}
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, data: 'pong' }))
// the Electron binary is not installed here; stand in for the two preload APIs
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { invoke: (...args: unknown[]) => invoke(...args) },
}))

describe('preload', () => {
  it('exposes window.kiosk = { invoke } only, forwarding to IPC_INVOKE', async () => {
    await import('./index')
    expect(Object.keys(exposed)).toEqual(['kiosk'])
    const kiosk = exposed.kiosk as { invoke: (m: string, a: unknown) => Promise<unknown> }
    expect(Object.keys(kiosk)).toEqual(['invoke'])
    expect(await kiosk.invoke('host/info', {})).toEqual({ ok: true, data: 'pong' })
    expect(invoke).toHaveBeenCalledWith(IPC_INVOKE, 'host/info', {})
  })
})
