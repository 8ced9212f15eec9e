/**
 * The kiosk page's pairing and attestation against the real web host on 127.0.0.1: WebCrypto's
 * HMAC in the page, node:crypto's check on the host, the session in the page's storage.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHost, type HostOptions, type StartedHost } from '../../electron/http/host'
import { TEST_MODEL, testRecognition, track } from '../../electron/server/testing/fixtures'
import { createApiClient } from './api-client'
import { createKioskSession, pairCodeOf, SESSION_STORAGE_KEY, webSubtle, type SessionEnv } from './kiosk-session'
import { createHttpTransport } from './transport.http'

let tmp: string
let host: StartedHost
let opts: HostOptions

/** One browser origin's storage; each page has its own address bar. */
function origin() {
  const store = new Map<string, string>()
  return {
    store,
    page(hash = ''): SessionEnv & { hashNow: () => string } {
      let h = hash
      return {
        storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
        hash: () => h,
        clearHash: () => (h = ''),
        hashNow: () => h,
        subtle: webSubtle(),
      }
    },
  }
}

const pageApi = (env: SessionEnv) => {
  const transport = createHttpTransport({ baseUrl: host.url })
  const session = createKioskSession(transport, { ipc: false, env })
  return { api: createApiClient(transport, session), session }
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-page-'))
  fs.mkdirSync(path.join(tmp, 'renderer'))
  fs.writeFileSync(path.join(tmp, 'renderer', 'index.html'), '<!doctype html>')
  opts = {
    port: 0,
    rendererDir: path.join(tmp, 'renderer'),
    modelsDir: path.join(tmp, 'models'),
    wasmDirs: {},
    dbFile: path.join(tmp, 'data', 'hadir.db'),
    embeddingModel: { ...TEST_MODEL },
    recognition: testRecognition(0.5),
    startSync: false,
    backups: false,
  }
  host = await startHost(opts)
  await host.app.dispatch('people/upsert', { id: 'E1', name: 'Ani' })
  await host.app.dispatch('enrollment/add-template', { modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embedding: [1, 0, 0, 0], personId: 'E1', consentBy: 'test admin' })
})
afterAll(async () => {
  await host?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('the kiosk page pairs, signs and survives reloads', () => {
  it('reads the code from the fragment only', () => {
    expect(pairCodeOf('pair=AbCdEfGhIjKlMnOpQrStUvWxYz012345')).toBe('AbCdEfGhIjKlMnOpQrStUvWxYz012345')
    expect(pairCodeOf('pair=short')).toBeNull()
    expect(pairCodeOf('')).toBeNull()
  })

  it('launch URL → paired, code gone from the address bar; check-ins signed; a reload goes on; a host restart too', async () => {
    const o = origin()
    const first = o.page(`pair=${host.launchCode}`)
    const { api } = pageApi(first)
    expect(await api.invoke('host/info', {})).toMatchObject({ ok: true, data: { kind: 'web' } })
    expect(first.hashNow()).toBe('')
    expect(JSON.parse(o.store.get(SESSION_STORAGE_KEY) as string)).toMatchObject({ counter: 0 })
    // the recognition loop's call, unchanged: the client adds counter and MAC, the host checks them
    expect(await api.invoke('kiosk/recognize', track([1, 0, 0, 0]))).toMatchObject({ ok: true, data: { kind: 'recorded' } })
    expect(JSON.parse(o.store.get(SESSION_STORAGE_KEY) as string)).toMatchObject({ counter: 1 })

    // a reload: no fragment any more, the stored session and its counter go on
    const reloaded = pageApi(o.page()).api
    expect(await reloaded.invoke('kiosk/recognize', track([1, 0, 0, 0]))).toMatchObject({ ok: true, data: { kind: 'already-recorded' } })
    expect(JSON.parse(o.store.get(SESSION_STORAGE_KEY) as string)).toMatchObject({ counter: 2 })

    // the host crashes and restarts on the same files: the page keeps working without anyone pairing it again
    await host.close()
    host = await startHost({ ...opts, port: host.port })
    const after = pageApi(o.page()).api
    expect(await after.invoke('kiosk/recognize', track([1, 0, 0, 0]))).toMatchObject({ ok: true, data: { kind: 'already-recorded' } })
    expect(host.app.db.prepare('SELECT count(*) AS n FROM attendance_events').get()).toEqual({ n: 1 })
  })

  it('another browser with the used launch URL is refused pair-code-used; without any code it is not paired', async () => {
    const code = host.launchCode as string
    expect((await pageApi(origin().page(`pair=${code}`)).api.invoke('host/info', {})).ok).toBe(true)
    const stranger = pageApi(origin().page(`pair=${code}`)).api
    expect(await stranger.invoke('host/info', {})).toMatchObject({ ok: false, error: { code: 'pair-code-used' } })
    expect(await stranger.invoke('kiosk/recognize', track([1, 0, 0, 0]))).toMatchObject({ ok: false })
    const none = pageApi(origin().page()).api
    expect(await none.invoke('host/info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })

  it('a page whose session the host no longer knows forgets it and says so', async () => {
    const o = origin()
    const { code } = host.app.sessions.issueStoredCode('cli')
    const { api } = pageApi(o.page(`pair=${code}`))
    expect((await api.invoke('host/info', {})).ok).toBe(true)
    host.app.sessions.revokeAll()
    expect(await api.invoke('host/info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    expect(o.store.has(SESSION_STORAGE_KEY)).toBe(false)
  })
})
