import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DispatchFn } from '../server/dispatch'
import { createApiRequestHandler } from './http-transport'

const calls: Array<{ method: string; args: unknown; ctx: unknown }> = []
const fakeDispatch: DispatchFn = async (method, args, ctx) => {
  calls.push({ method, args, ctx })
  if (method === 'boom') throw new Error('dispatch must never reject, but if it does…')
  return { ok: true, data: { echo: args ?? null } }
}

let server: http.Server
let base: string
beforeAll(async () => {
  const api = createApiRequestHandler(fakeDispatch, { maxBodyBytes: 1000 })
  server = http.createServer((req, res) => {
    if (!api(req, res)) {
      res.writeHead(418)
      res.end('not api')
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(base + path, { method: 'POST', headers, body })

describe('http-transport', () => {
  it('POST /api/invoke/<method> with { args } → 200 ApiResult, ctx transport http', async () => {
    calls.length = 0
    const res = await post('/api/invoke/people/list', JSON.stringify({ args: { activeOnly: true } }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
    expect(await res.json()).toEqual({ ok: true, data: { echo: { activeOnly: true } } })
    expect(calls).toEqual([{ method: 'people/list', args: { activeOnly: true }, ctx: { transport: 'http' } }])
  })

  it('empty body → args undefined; percent-encoded method is decoded', async () => {
    calls.length = 0
    await post('/api/invoke/host%2Finfo?x=1', '')
    expect(calls).toEqual([{ method: 'host/info', args: undefined, ctx: { transport: 'http' } }])
  })

  it('bad JSON / non-object body → 200 invalid-args without dispatching', async () => {
    calls.length = 0
    for (const body of ['{not json', '[1,2]', '"str"', 'null']) {
      const res = await post('/api/invoke/people/list', body)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
    }
    expect(calls).toEqual([])
  })

  it('body over the limit → 413 with an ApiResult (declared and chunked)', async () => {
    const big = JSON.stringify({ args: { x: 'a'.repeat(2000) } })
    const res = await post('/api/invoke/people/list', big)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'invalid-args' } })

    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(base + '/api/invoke/people/list', { method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
        let b = ''
        r.on('data', (c) => (b += c))
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: b }))
      })
      req.on('error', reject)
      for (let i = 0; i < 5; i++) req.write('x'.repeat(400))
      req.end()
    })
    expect(chunked.status).toBe(413)
    expect(JSON.parse(chunked.body)).toMatchObject({ ok: false })
  })

  it('transport-level refusals: GET 405, wrong content type 415, unknown /api route 404, foreign origin 403', async () => {
    const get = await fetch(base + '/api/invoke/people/list')
    expect(get.status).toBe(405)
    expect(await get.json()).toMatchObject({ ok: false })
    const text = await post('/api/invoke/people/list', '{}', { 'content-type': 'text/plain' })
    expect(text.status).toBe(415)
    const other = await post('/api/other', '{}')
    expect(other.status).toBe(404)
    const evil = await post('/api/invoke/people/delete', '{}', { 'content-type': 'application/json', origin: 'http://evil.example' })
    expect(evil.status).toBe(403)
    // fetch drops a custom Host header, so use node:http for the DNS-rebinding case
    const rebindingStatus = await new Promise<number>((resolve, reject) => {
      const req = http.request(base + '/api/invoke/people/list', { method: 'POST', headers: { 'content-type': 'application/json', host: 'evil.example:80' } }, (r) => {
        r.resume()
        resolve(r.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end('{}')
    })
    expect(rebindingStatus).toBe(403)
  })

  it('non-/api URLs are left to the next handler', async () => {
    const res = await fetch(base + '/index.html')
    expect(res.status).toBe(418)
  })

  it('a rejecting dispatch still yields a JSON ApiResult', async () => {
    const res = await post('/api/invoke/boom', '{}')
    expect(res.status).toBe(500)
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'internal' } })
  })
})

describe('http-transport with sessions', () => {
  it('every call but kiosk/pair needs a known session token; the session and a well-formed attestation reach the dispatcher', async () => {
    const seen: unknown[] = []
    const refused: Array<[string, unknown]> = []
    const api = createApiRequestHandler(
      async (method, args, ctx) => {
        seen.push({ method, args, ctx })
        return { ok: true, data: null }
      },
      { sessions: { sessionOfToken: (t) => (t === 'good-token-0123456789' ? 'S1' : null) }, onRefused: (code, d) => refused.push([code, d]) },
    )
    const srv = http.createServer((req, res) => void api(req, res))
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
    const send = (m: string, body: unknown, token?: string) =>
      fetch(`${url}/api/invoke/${m}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { 'x-hadir-token': token } : {}) }, body: JSON.stringify(body) })
    try {
      const anon = await send('kiosk/recognize', { args: {} })
      expect(anon.status).toBe(401)
      expect(await anon.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
      expect((await send('host/info', { args: {} }, 'wrong-token-0123456789')).status).toBe(401)
      expect(refused.map(([c]) => c)).toEqual(['unauthorized', 'unauthorized'])
      expect(seen).toEqual([])
      // pairing needs no session
      expect((await send('kiosk/pair', { args: { code: 'x' } })).status).toBe(200)
      const attest = { session: 'S1-session', counter: 3, mac: 'A'.repeat(43) }
      await send('kiosk/recognize', { args: { a: 1 }, attest }, 'good-token-0123456789')
      // a malformed attestation is not passed on (the core then answers attestation-required)
      await send('kiosk/recognize', { args: { a: 1 }, attest: { session: 'S1', counter: -1, mac: 'x', transport: 'direct' } }, 'good-token-0123456789')
      expect(seen).toEqual([
        { method: 'kiosk/pair', args: { code: 'x' }, ctx: { transport: 'http' } },
        { method: 'kiosk/recognize', args: { a: 1 }, ctx: { transport: 'http', session: 'S1', attest } },
        { method: 'kiosk/recognize', args: { a: 1 }, ctx: { transport: 'http', session: 'S1' } },
      ])
    } finally {
      await new Promise<void>((r) => srv.close(() => r()))
    }
  })
})
