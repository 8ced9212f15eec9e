import { describe, expect, it, vi } from 'vitest'
import { IPC_EVENT_RESUME, IPC_INVOKE } from '../../src/shared/api/transport'

const exposed: Record<string, unknown> = {}
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, data: 'pong' }))
const listeners = new Map<string, Array<(...a: unknown[]) => void>>()
// the Electron binary is not installed here; stand in for the preload's Electron APIs
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (channel: string, fn: (...a: unknown[]) => void) => listeners.set(channel, [...(listeners.get(channel) ?? []), fn]),
    removeListener: (channel: string, fn: (...a: unknown[]) => void) => listeners.set(channel, (listeners.get(channel) ?? []).filter((f) => f !== fn)),
  },
}))

describe('preload', () => {
  it('exposes window.kiosk = { invoke, on } only, forwarding to IPC_INVOKE', async () => {
    await import('./index')
    expect(Object.keys(exposed)).toEqual(['kiosk'])
    const kiosk = exposed.kiosk as { invoke: (m: string, a: unknown) => Promise<unknown>; on: (c: string, l: (...a: unknown[]) => void) => () => void }
    expect(Object.keys(kiosk)).toEqual(['invoke', 'on'])
    expect(await kiosk.invoke('host/info', {})).toEqual({ ok: true, data: 'pong' })
    expect(invoke).toHaveBeenCalledWith(IPC_INVOKE, 'host/info', {})
    // an attested call carries its counter and MAC as the third channel argument
    const attest = { session: 's', counter: 1, mac: 'm' }
    await (kiosk.invoke as (m: string, a: unknown, at?: unknown) => Promise<unknown>)('kiosk/recognize', { x: 1 }, attest)
    expect(invoke).toHaveBeenLastCalledWith(IPC_INVOKE, 'kiosk/recognize', { x: 1 }, attest)
  })

  it('on() subscribes only to the fixed event list, and the listener never sees the IPC event object', async () => {
    await import('./index')
    const kiosk = exposed.kiosk as { on: (c: string, l: (...a: unknown[]) => void) => () => void }
    const seen: unknown[][] = []
    const off = kiosk.on(IPC_EVENT_RESUME, (...a) => seen.push(a))
    kiosk.on('api:invoke', () => seen.push(['should never subscribe']))
    expect([...listeners.keys()]).toEqual([IPC_EVENT_RESUME])
    for (const fn of listeners.get(IPC_EVENT_RESUME) ?? []) fn({ sender: 'ipc event with internals' }, 'payload')
    expect(seen).toEqual([[]])
    off()
    expect(listeners.get(IPC_EVENT_RESUME)).toEqual([])
  })
})
