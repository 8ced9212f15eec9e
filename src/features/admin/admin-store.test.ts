import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../../api/api-client'
import { ADMIN_IDLE_MS, isAdminIdle, useAdminStore } from '../../store/admin-store'
import { adminInvoke, leaveAdmin } from './admin-api'

const initial = useAdminStore.getState()

function fakeApi(result: unknown): { api: ApiClient; invoke: ReturnType<typeof vi.fn> } {
  const invoke = vi.fn(async () => result)
  return { api: { invoke, call: vi.fn() } as unknown as ApiClient, invoke }
}

describe('admin store and session', () => {
  beforeEach(() => useAdminStore.setState(initial, true))

  it('opens the PIN pad, then the session on People', () => {
    const s = useAdminStore.getState()
    s.setTab('audit')
    s.openPin()
    expect(useAdminStore.getState().mode).toBe('pin')
    useAdminStore.getState().startSession({ token: 't1', expiresAt: 99 })
    expect(useAdminStore.getState()).toMatchObject({ mode: 'open', token: 't1', expiresAt: 99, tab: 'people' })
    useAdminStore.getState().openPin() // already open: stays
    expect(useAdminStore.getState().mode).toBe('open')
    useAdminStore.getState().close()
    expect(useAdminStore.getState()).toMatchObject({ mode: 'closed', token: null, expiresAt: null })
  })

  it('is idle after 2 minutes without activity while shown', () => {
    useAdminStore.getState().openPin()
    useAdminStore.getState().touch(1_000)
    const s = useAdminStore.getState()
    expect(isAdminIdle(s, 1_000 + ADMIN_IDLE_MS - 1)).toBe(false)
    expect(isAdminIdle(s, 1_000 + ADMIN_IDLE_MS)).toBe(true)
    expect(isAdminIdle({ mode: 'closed', lastActivityAt: 0 }, 1e12)).toBe(false)
  })

  it('adds the token to admin calls and leaves on admin-required', async () => {
    useAdminStore.getState().startSession({ token: 'tok', expiresAt: 1 })
    const ok = fakeApi({ ok: true, data: [] })
    await adminInvoke(ok.api, 'people/list', { q: 'bu' })
    expect(ok.invoke).toHaveBeenCalledWith('people/list', { q: 'bu', token: 'tok' })
    expect(useAdminStore.getState().mode).toBe('open')

    const expired = fakeApi({ ok: false, error: { code: 'admin-required', message: 'expired' } })
    const r = await adminInvoke(expired.api, 'audit/list', {})
    expect(r.ok).toBe(false)
    expect(useAdminStore.getState()).toMatchObject({ mode: 'closed', token: null })
  })

  it('does not leave on other errors; logout sends the token', async () => {
    useAdminStore.getState().startSession({ token: 'tok', expiresAt: 1 })
    const dup = fakeApi({ ok: false, error: { code: 'duplicate-id', message: 'x' } })
    await adminInvoke(dup.api, 'people/create', { id: 'a', name: 'b' })
    expect(useAdminStore.getState().mode).toBe('open')
    const out = fakeApi({ ok: true, data: { loggedOut: true } })
    leaveAdmin(out.api)
    expect(out.invoke).toHaveBeenCalledWith('admin/logout', { token: 'tok' })
    expect(useAdminStore.getState().mode).toBe('closed')
  })
})
