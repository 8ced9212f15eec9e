import { describe, expect, it } from 'vitest'
import { IPC_INVOKE } from '../../src/shared/api/transport'
import type { DispatchFn } from '../server/dispatch'
import { createFakeIpcPair } from '../server/testing/fake-ipc'
import { registerIpc } from './ipc-transport'

describe('registerIpc', () => {
  it('handles IPC_INVOKE by dispatching with transport ipc', async () => {
    const seen: unknown[] = []
    const dispatchFn: DispatchFn = async (method, args, ctx) => {
      seen.push([method, args, ctx])
      return { ok: true, data: 42 }
    }
    const { ipcMain, ipcRenderer, channels } = createFakeIpcPair()
    registerIpc(ipcMain, dispatchFn)
    expect(channels()).toEqual([IPC_INVOKE])
    expect(await ipcRenderer.invoke(IPC_INVOKE, 'people/list', { activeOnly: true })).toEqual({ ok: true, data: 42 })
    expect(seen).toEqual([['people/list', { activeOnly: true }, { transport: 'ipc' }]])
    await ipcRenderer.invoke(IPC_INVOKE, 7, null)
    // a non-string method is never stringified (a caller's toString could throw): it is unknown
    expect(seen[1]).toEqual(['(number)', null, { transport: 'ipc' }])
    // an attested call's counter and MAC reach the dispatcher; anything else in that place is dropped
    const attest = { session: 'session-id-1', counter: 1, mac: 'B'.repeat(43) }
    await ipcRenderer.invoke(IPC_INVOKE, 'kiosk/recognize', {}, attest)
    await ipcRenderer.invoke(IPC_INVOKE, 'kiosk/recognize', {}, { transport: 'direct', actor: 'root' })
    expect(seen.slice(2)).toEqual([
      ['kiosk/recognize', {}, { transport: 'ipc', attest }],
      ['kiosk/recognize', {}, { transport: 'ipc' }],
    ])
  })

  it('refuses untrusted senders without dispatching', async () => {
    let called = false
    const { ipcMain, ipcRenderer } = createFakeIpcPair()
    registerIpc(
      ipcMain,
      async () => {
        called = true
        return { ok: true, data: null }
      },
      { isTrustedSender: () => false },
    )
    expect(await ipcRenderer.invoke(IPC_INVOKE, 'host/info', {})).toMatchObject({ ok: false, error: { code: 'transport-error' } })
    expect(called).toBe(false)
  })
})
