/**
 * A PIN check-in over the real web host (127.0.0.1, a real SQLite file): a local process that has the
 * page's session token but not its MAC key cannot forge one. Unattested, badly signed and replayed
 * calls are refused and nothing is recorded; only the paired page's signed call records.
 */
import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attestMessage, type Attestation } from '../../src/shared/api/attest'
import type { KioskPairing } from '../../src/shared/api/contract'
import { HTTP_TOKEN_HEADER } from '../../src/shared/api/transport'
import { startHost, type StartedHost } from '../http/host'
import { TEST_MODEL, testRecognition } from './testing/fixtures'

let tmp: string
let host: StartedHost
let page: KioskPairing
let counter = 0

const sign = (method: string, args: unknown, n: number, key = page.macKey): Attestation => ({
  session: page.session,
  counter: n,
  mac: createHmac('sha256', Buffer.from(key, 'base64url')).update(attestMessage(method, page.session, n, args)).digest('base64url'),
})

async function post(method: string, body: unknown, token: string | null = page.token): Promise<{ status: number; json: { ok: boolean; error?: { code: string }; data?: unknown } }> {
  const res = await fetch(`${host.url}api/invoke/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { [HTTP_TOKEN_HEADER]: token } : {}) },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as { ok: boolean; error?: { code: string }; data?: unknown } }
}
const events = () => host.app.db.prepare('SELECT person_id, source FROM attendance_events').all()

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-fallback-sec-'))
  for (const d of ['renderer', 'models', 'ort']) fs.mkdirSync(path.join(tmp, d))
  fs.writeFileSync(path.join(tmp, 'renderer', 'index.html'), '<!doctype html>')
  host = await startHost({
    port: 0,
    rendererDir: path.join(tmp, 'renderer'),
    modelsDir: path.join(tmp, 'models'),
    wasmDirs: { ort: path.join(tmp, 'ort') },
    dbFile: path.join(tmp, 'hadir.db'),
    embeddingModel: { ...TEST_MODEL },
    recognition: testRecognition(0.5),
    startSync: false,
    backups: false,
    logDir: null,
  })
  // the machine's CLI (direct) sets things up
  expect(await host.app.dispatch('people/upsert', { id: 'E7', name: 'Citra' })).toMatchObject({ ok: true })
  expect(await host.app.dispatch('people/set-pin', { personId: 'E7', pin: '7391' })).toMatchObject({ ok: true })
  expect(await host.app.dispatch('settings/update', { fallback: { mode: 'pin-badge' } })).toMatchObject({ ok: true })
  page = host.app.sessions.pair(host.app.sessions.issueStoredCode('fallback-security').code, 'http')
})
afterAll(async () => {
  await host?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('kiosk/pin-checkin over HTTP is attested', () => {
  const args = { employeeId: 'E7', pin: '7391' }

  it('no session token: 401 unauthorized; the token without a MAC: attestation-required; nothing recorded', async () => {
    expect(await post('kiosk/pin-checkin', { args }, null)).toMatchObject({ status: 401, json: { ok: false, error: { code: 'unauthorized' } } })
    expect(await post('kiosk/pin-checkin', { args })).toMatchObject({ json: { ok: false, error: { code: 'attestation-required' } } })
    expect(await post('kiosk/face-pin', { args: { ticket: 'x', pin: '7391' } })).toMatchObject({ json: { ok: false, error: { code: 'attestation-required' } } })
    expect(events()).toEqual([])
  })

  it('a MAC made with another key, or over other arguments: bad-mac; nothing recorded, the PIN not tried', async () => {
    const forged = sign('kiosk/pin-checkin', args, ++counter, Buffer.alloc(32, 7).toString('base64url'))
    expect(await post('kiosk/pin-checkin', { args, attest: forged })).toMatchObject({ json: { ok: false, error: { code: 'bad-mac' } } })
    const other = sign('kiosk/pin-checkin', { employeeId: 'E7', pin: '0000' }, ++counter)
    expect(await post('kiosk/pin-checkin', { args, attest: other })).toMatchObject({ json: { ok: false, error: { code: 'bad-mac' } } })
    expect(events()).toEqual([])
    const audit = host.app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'fallback.%'").get()
    expect(audit).toEqual({ n: 0 })
  })

  it("the paired page's signed call records once; the same call sent again is replayed", async () => {
    const attest = sign('kiosk/pin-checkin', args, ++counter)
    const ok = await post('kiosk/pin-checkin', { args, attest })
    expect(ok).toMatchObject({ status: 200, json: { ok: true, data: { kind: 'recorded', personName: 'Citra', event: { source: 'pin' } } } })
    expect(await post('kiosk/pin-checkin', { args, attest })).toMatchObject({ json: { ok: false, error: { code: 'replayed' } } })
    expect(events()).toEqual([{ person_id: 'E7', source: 'pin' }])
  })
})
