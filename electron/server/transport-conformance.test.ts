import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpTransport } from '../../src/api/transport.http'
import { createIpcTransport } from '../../src/api/transport.ipc'
import { API_METHODS, type ApiMethod, type KioskBridge } from '../../src/shared/api/contract'
import type { ApiResult } from '../../src/shared/api/result'
import { IPC_INVOKE, type ApiTransport } from '../../src/shared/api/transport'
import { startHost, type StartedHost } from '../http/host'
import { registerIpc } from '../main/ipc-transport'
import { createApp, type App, type CreateAppOptions } from './create-app'
import { createFakeIpcPair } from './testing/fake-ipc'
import { emb, TEST_MODEL, testRecognition, track } from './testing/fixtures'

const T0 = new Date(2025, 0, 6, 8, 0, 0).getTime()

type Expect = { ok: true; check?: (data: unknown) => void } | { ok: false; code: string }
type Case = { name: string; method: string; args: unknown; expect: Expect }

/** One table, run in order against each transport (the cases build on each other's state). */
const CASES: Case[] = [
  { name: 'host info', method: 'host/info', args: {}, expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'web', embeddingModel: TEST_MODEL }) } },
  { name: 'upsert E1', method: 'people/upsert', args: { id: 'E1', name: 'Ani' }, expect: { ok: true, check: (d) => expect(d).toMatchObject({ id: 'E1', active: true, createdAt: T0 }) } },
  { name: 'upsert E2', method: 'people/upsert', args: { id: 'E2', name: 'Budi' }, expect: { ok: true } },
  { name: 'enroll E1', method: 'enrollment/add-template', args: { ...emb([1, 0, 0, 0]), personId: 'E1', quality: 0.8 }, expect: { ok: true, check: (d) => expect(d).toEqual({ templateId: 1 }) } },
  { name: 'enroll E2', method: 'enrollment/add-template', args: { ...emb([0, 1, 0, 0]), personId: 'E2' }, expect: { ok: true, check: (d) => expect(d).toEqual({ templateId: 2 }) } },
  { name: 'enroll unknown person (not-found)', method: 'enrollment/add-template', args: { ...emb([0, 0, 1, 0]), personId: 'ghost' }, expect: { ok: false, code: 'not-found' } },
  {
    name: 'list people',
    method: 'people/list',
    args: undefined,
    expect: { ok: true, check: (d) => expect((d as Array<{ id: string; templates: number }>).map((p) => [p.id, p.templates])).toEqual([['E1', 1], ['E2', 1]]) },
  },
  { name: 'identify', method: 'recognition/identify', args: emb([0.9, 0.1, 0, 0]), expect: { ok: true, check: (d) => expect(d).toMatchObject({ decision: 'match', personId: 'E1', name: 'Ani' }) } },
  {
    name: 'recognize → recorded',
    method: 'kiosk/recognize',
    args: { ...track([1, 0, 0, 0]), seenAt: T0 },
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'recorded', event: { personId: 'E1', direction: 'in', at: T0 } }) },
  },
  {
    name: 'recognize again → already-recorded',
    method: 'kiosk/recognize',
    args: { ...track([1, 0, 0, 0]), seenAt: T0 + 3_000 },
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'already-recorded', event: { at: T0 } }) },
  },
  { name: 'recognize stranger → unknown', method: 'kiosk/recognize', args: track([0, 0, 1, 0]), expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'unknown' }) } },
  { name: 'settings', method: 'settings/get', args: {}, expect: { ok: true, check: (d) => expect(d).toMatchObject({ securityLevel: 'normal', cooldownMs: 60_000 }) } },
  { name: 'bad security level', method: 'settings/update', args: { securityLevel: 'max' }, expect: { ok: false, code: 'invalid-args' } },
  { name: 'attendance list', method: 'attendance/list', args: { personId: 'E1' }, expect: { ok: true, check: (d) => expect(d).toHaveLength(1) } },
  { name: 'empty id', method: 'people/upsert', args: { id: '', name: 'x' }, expect: { ok: false, code: 'invalid-args' } },
  { name: 'null args', method: 'people/upsert', args: null, expect: { ok: false, code: 'invalid-args' } },
  { name: 'bad flag type', method: 'people/list', args: { activeOnly: 'yes' }, expect: { ok: false, code: 'invalid-args' } },
  { name: 'wrong dim', method: 'recognition/identify', args: emb([1, 0, 0]), expect: { ok: false, code: 'invalid-args' } },
  { name: 'embedding not an array', method: 'kiosk/recognize', args: { ...track(), embeddings: 'x' }, expect: { ok: false, code: 'invalid-args' } },
  { name: 'other model', method: 'recognition/identify', args: { ...emb([1, 0, 0, 0]), modelId: 'other' }, expect: { ok: false, code: 'model-mismatch' } },
  { name: 'limit 0', method: 'attendance/list', args: { limit: 0 }, expect: { ok: false, code: 'invalid-args' } },
  { name: 'unknown method', method: 'people/explode', args: {}, expect: { ok: false, code: 'unknown-method' } },
  { name: 'delete E2', method: 'people/delete', args: { personId: 'E2' }, expect: { ok: true, check: (d) => expect(d).toEqual({ deleted: true, templates: 1 }) } },
  { name: 'delete E2 again', method: 'people/delete', args: { personId: 'E2' }, expect: { ok: true, check: (d) => expect(d).toEqual({ deleted: false, templates: 0 }) } },
  {
    name: 'E2 no longer recognised',
    method: 'recognition/identify',
    args: emb([0, 1, 0, 0]),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ decision: 'unknown', name: null }) },
  },
]

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Event ids are random UUIDs: replace them so results from two databases compare. */
function normalise(v: unknown): unknown {
  if (typeof v === 'string') return UUID.test(v) ? '<uuid>' : v
  if (Array.isArray(v)) return v.map(normalise)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]))
  return v
}

let tmp: string
let ipcApp: App
let host: StartedHost
let ipc: ApiTransport
let web: ApiTransport

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-conf-'))
  fs.mkdirSync(path.join(tmp, 'renderer'))
  fs.writeFileSync(path.join(tmp, 'renderer', 'index.html'), '<!doctype html>')
  const common: Omit<CreateAppOptions, 'dbFile'> = {
    hostKind: 'web',
    modelBaseUrl: '/models/',
    wasmBaseUrl: '/wasm/',
    embeddingModel: { ...TEST_MODEL },
    recognition: testRecognition(0.5),
    now: () => T0,
    version: '1.2.3',
    locale: 'id',
    kioskId: 'kiosk-1',
  }
  // (a) in-memory IPC pair → registerIpc → dispatch; the renderer side is the real IPC transport
  ipcApp = createApp({ ...common, dbFile: path.join(tmp, 'ipc', 'hadir.db') })
  const pair = createFakeIpcPair()
  registerIpc(pair.ipcMain, ipcApp.dispatch)
  const bridge: KioskBridge = { invoke: (m, a) => pair.ipcRenderer.invoke(IPC_INVOKE, m, a) as Promise<ApiResult<unknown>> }
  ipc = createIpcTransport(bridge)
  // (b) the real HTTP host on an ephemeral port with its own SQLite file; the renderer side is the real HTTP transport
  host = await startHost({
    ...common,
    port: 0,
    rendererDir: path.join(tmp, 'renderer'),
    modelsDir: path.join(tmp, 'models'),
    wasmDirs: {},
    dbFile: path.join(tmp, 'http', 'hadir.db'),
  })
  web = createHttpTransport({ baseUrl: host.url })
})

afterAll(async () => {
  ipcApp?.close()
  await host?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('transport conformance (IPC vs HTTP)', () => {
  it('every API method appears in the table', () => {
    const methods = new Set(CASES.map((c) => c.method))
    for (const m of API_METHODS) {
      expect(methods.has(m), m).toBe(true)
    }
  })

  it('gives identical ApiResults for the whole table', async () => {
    for (const c of CASES) {
      const viaIpc = await ipc.invoke(c.method as ApiMethod, c.args as never)
      const viaHttp = await web.invoke(c.method as ApiMethod, c.args as never)
      if (c.expect.ok) {
        expect(viaIpc.ok, `${c.name}: ${JSON.stringify(viaIpc)}`).toBe(true)
        if (viaIpc.ok) c.expect.check?.(viaIpc.data)
      } else {
        expect(viaIpc, c.name).toMatchObject({ ok: false, error: { code: c.expect.code } })
      }
      expect(normalise(viaHttp), c.name).toEqual(normalise(viaIpc))
    }
  })
})
