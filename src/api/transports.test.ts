import { describe, expect, it } from 'vitest'
import type { KioskBridge } from '../shared/api/contract'
import { selectTransport } from './select-transport'
import { createHttpTransport } from './transport.http'
import { createIpcTransport } from './transport.ipc'

const jsonResponse = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('transport.http', () => {
  it('POSTs { args } as JSON to /api/invoke/<method> and returns the ApiResult', async () => {
    const seen: Array<{ url: string; init: RequestInit | undefined }> = []
    const t = createHttpTransport({
      baseUrl: 'http://127.0.0.1:9/',
      fetch: async (url, init) => {
        seen.push({ url: String(url), init })
        return jsonResponse(200, { ok: true, data: [] })
      },
    })
    expect(await t.invoke('people/list', { activeOnly: true })).toEqual({ ok: true, data: [] })
    expect(seen[0]?.url).toBe('http://127.0.0.1:9/api/invoke/people/list')
    expect(seen[0]?.init?.method).toBe('POST')
    expect(seen[0]?.init?.body).toBe('{"args":{"activeOnly":true}}')
    expect(new Headers(seen[0]?.init?.headers).get('content-type')).toBe('application/json')
  })

  it('network failure → transport-error, never a rejection', async () => {
    const t = createHttpTransport({ fetch: async () => Promise.reject(new TypeError('fetch failed')) })
    expect(await t.invoke('host/info', {})).toEqual({ ok: false, error: { code: 'transport-error', message: 'Cannot reach the Hadir host: fetch failed' } })
  })

  it('passes an error ApiResult from a non-200 status; garbage → transport-error', async () => {
    const tooBig = { ok: false, error: { code: 'invalid-args', message: 'too large' } }
    expect(await createHttpTransport({ fetch: async () => jsonResponse(413, tooBig) }).invoke('host/info', {})).toEqual(tooBig)
    const html = createHttpTransport({ fetch: async () => new Response('<html>', { status: 502 }) })
    expect(await html.invoke('host/info', {})).toMatchObject({ ok: false, error: { code: 'transport-error', message: 'HTTP 502: response is not JSON' } })
    const weird = createHttpTransport({ fetch: async () => jsonResponse(200, { hello: 1 }) })
    expect(await weird.invoke('host/info', {})).toMatchObject({ ok: false, error: { code: 'transport-error' } })
  })
})

describe('transport.ipc', () => {
  it('forwards to the bridge and maps a rejection to transport-error', async () => {
    const calls: unknown[] = []
    const ok: KioskBridge = {
      invoke: async (m, a) => {
        calls.push([m, a])
        return { ok: true, data: 'x' }
      },
    }
    expect(await createIpcTransport(ok).invoke('people/delete', { personId: 'E1' })).toEqual({ ok: true, data: 'x' })
    expect(calls).toEqual([['people/delete', { personId: 'E1' }]])
    const broken: KioskBridge = { invoke: async () => Promise.reject(new Error('object could not be cloned')) }
    expect(await createIpcTransport(broken).invoke('host/info', {})).toEqual({
      ok: false,
      error: { code: 'transport-error', message: 'IPC failed: object could not be cloned' },
    })
  })
})

describe('selectTransport', () => {
  it('uses IPC when window.kiosk exists, else HTTP', async () => {
    const bridge: KioskBridge = { invoke: async () => ({ ok: true, data: 'via-ipc' }) }
    expect(await selectTransport({ kiosk: bridge }).invoke('host/info', {})).toEqual({ ok: true, data: 'via-ipc' })
    // without a bridge it is the HTTP transport: relative URL in Node → fetch fails → transport-error
    expect(await selectTransport({}).invoke('host/info', {})).toMatchObject({ ok: false, error: { code: 'transport-error' } })
  })
})
