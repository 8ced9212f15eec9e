import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { attestMessage, type Attestation } from '../../../src/shared/api/attest'
import type { KioskPairing } from '../../../src/shared/api/contract'
import { createApp, type App } from '../create-app'
import { listAudit } from '../store/audit-log'
import { TEST_MODEL, testRecognition, track } from '../testing/fixtures'

const T0 = Date.UTC(2025, 0, 6, 1, 0, 0)
let dir: string
let app: App
let t: number

const open = () =>
  createApp({ dbFile: path.join(dir, 'hadir.db'), hostKind: 'web', modelBaseUrl: '/m/', wasmBaseUrl: '/w/', embeddingModel: { ...TEST_MODEL }, recognition: testRecognition(0.5), now: () => t, kioskId: 'k1' })

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (e) {
    return e as { code: string; message: string }
  }
  throw new Error('expected a throw')
}

/** What the paired page does: the next counter, HMAC-SHA256 over the canonical message. */
function attest(p: KioskPairing, counter: number, method: string, args: unknown): Attestation {
  const mac = createHmac('sha256', Buffer.from(p.macKey, 'base64url')).update(attestMessage(method, p.session, counter, args)).digest('base64url')
  return { session: p.session, counter, mac }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-pair-'))
  t = T0
  app = open()
})
afterEach(() => {
  app.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('pairing codes', () => {
  it('a launch code pairs once: the second use is pair-code-used, a made-up one pair-code-invalid', () => {
    const code = app.sessions.issueLaunchCode()
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/)
    const p = app.sessions.pair(code, 'http')
    expect(p.session).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Buffer.from(p.macKey, 'base64url')).toHaveLength(32)
    expect(app.sessions.sessionOfToken(p.token)).toBe(p.session)
    expect(thrown(() => app.sessions.pair(code, 'http')).code).toBe('pair-code-used')
    expect(thrown(() => app.sessions.pair('A'.repeat(32), 'http')).code).toBe('pair-code-invalid')
    expect(thrown(() => app.sessions.pair(undefined, 'http')).code).toBe('pair-code-invalid')
    // Electron's own page (IPC: only our frame reaches it) needs no code
    expect(app.sessions.pair(undefined, 'ipc').session).not.toBe(p.session)
    expect(listAudit(app.db).filter((a) => a.action === 'kiosk.paired')).toHaveLength(2)
  })

  it("the CLI's stored code works once, from another process's handle on the same file, until it expires", () => {
    const cli = open()
    const { code, expiresAt } = cli.sessions.issueStoredCode('cli')
    expect(expiresAt).toBe(T0 + 10 * 60_000)
    cli.close()
    expect(app.sessions.pair(code, 'http').token).toBeTruthy()
    expect(thrown(() => app.sessions.pair(code, 'http')).code).toBe('pair-code-used')
    const late = app.sessions.issueStoredCode('cli')
    t += 10 * 60_000 + 1
    expect(thrown(() => app.sessions.pair(late.code, 'http')).code).toBe('pair-code-invalid')
    // the database holds only hashes of codes and tokens, and the MAC key sealed
    const rows = JSON.stringify(app.db.prepare('SELECT * FROM pairing_codes').all()) + JSON.stringify(app.db.prepare('SELECT id, token_hash, hex(mac_key) FROM kiosk_sessions').all())
    expect(rows).not.toContain(code)
    expect(rows).not.toContain(late.code)
  })

  it('sessions (and their replay window) survive a restart of the host; nothing in the file opens them', () => {
    const p = app.sessions.pair(app.sessions.issueLaunchCode(), 'http')
    const args = track([1, 0, 0, 0])
    app.sessions.verify('kiosk/recognize', args, attest(p, 1, 'kiosk/recognize', args), p.session)
    app.db.pragma('wal_checkpoint(TRUNCATE)')
    const bytes = fs.readFileSync(path.join(dir, 'hadir.db'))
    expect(bytes.includes(Buffer.from(p.token))).toBe(false)
    expect(bytes.includes(Buffer.from(p.macKey, 'base64url'))).toBe(false)
    app.close()
    app = open()
    expect(app.sessions.sessionOfToken(p.token)).toBe(p.session)
    expect(thrown(() => app.sessions.verify('kiosk/recognize', args, attest(p, 1, 'kiosk/recognize', args), p.session)).code).toBe('replayed')
    expect(app.sessions.verify('kiosk/recognize', args, attest(p, 2, 'kiosk/recognize', args), p.session)).toEqual({ session: p.session })
  })

  it('an unused session expires after 30 days; at most 20 are kept (least recently used go first)', () => {
    const first = app.sessions.pair(undefined, 'ipc')
    for (let i = 0; i < 20; i++) {
      t += 1000
      app.sessions.pair(undefined, 'ipc')
    }
    expect(app.db.prepare('SELECT count(*) AS n FROM kiosk_sessions').get()).toEqual({ n: 20 })
    expect(app.sessions.sessionOfToken(first.token)).toBeNull()
    const last = app.sessions.pair(undefined, 'ipc')
    t += 30 * 24 * 3600_000 + 1
    expect(app.sessions.sessionOfToken(last.token)).toBeNull()
  })
})

describe('attested calls', () => {
  let p: KioskPairing
  const M = 'kiosk/recognize'
  const args = track([1, 0, 0, 0])
  beforeEach(() => {
    p = app.sessions.pair(app.sessions.issueLaunchCode(), 'http')
  })

  it('accepts the right MAC once; the same call again is replayed', () => {
    expect(app.sessions.verify(M, args, attest(p, 1, M, args), p.session)).toEqual({ session: p.session })
    expect(thrown(() => app.sessions.verify(M, args, attest(p, 1, M, args), p.session)).code).toBe('replayed')
  })

  it('an altered call is bad-mac: another embedding, other evidence, another method, another session, another key', () => {
    const a = attest(p, 1, M, args)
    const altered = [
      { ...args, embeddings: [[0.99, 0.01, 0, 0]] },
      { ...args, liveness: { ...args.liveness, score: 0.99 } },
      { ...args, liveness: { ...args.liveness, challenge: { kind: 'turn-left', passed: true, ms: 900 } } },
      { ...args, seenAt: T0 - 3 * 3600_000 },
    ]
    for (const x of altered) expect(thrown(() => app.sessions.verify(M, x, a, p.session)).code).toBe('bad-mac')
    expect(thrown(() => app.sessions.verify('kiosk/confirm', args, a, p.session)).code).toBe('bad-mac')
    const other = app.sessions.pair(undefined, 'ipc')
    expect(thrown(() => app.sessions.verify(M, args, a, other.session)).code).toBe('bad-mac')
    expect(thrown(() => app.sessions.verify(M, args, { ...attest(other, 1, M, args), session: p.session }, p.session)).code).toBe('bad-mac')
    // a refused MAC spends nothing: the real call with counter 1 still goes through
    expect(app.sessions.verify(M, args, a, p.session)).toEqual({ session: p.session })
  })

  it('the MAC is over the canonical form: key order does not matter, values do', () => {
    const reordered = { liveness: args.liveness, embeddings: args.embeddings, modelVersion: args.modelVersion, modelId: args.modelId }
    expect(app.sessions.verify(M, reordered, attest(p, 1, M, args), p.session)).toEqual({ session: p.session })
  })

  it('counters: out of order within the 64-call window once each; below it stale-counter', () => {
    expect(app.sessions.verify(M, args, attest(p, 100, M, args), p.session)).toBeTruthy()
    expect(app.sessions.verify(M, args, attest(p, 60, M, args), p.session)).toBeTruthy()
    expect(thrown(() => app.sessions.verify(M, args, attest(p, 60, M, args), p.session)).code).toBe('replayed')
    expect(thrown(() => app.sessions.verify(M, args, attest(p, 36, M, args), p.session))).toMatchObject({ code: 'stale-counter' })
    expect(app.sessions.verify(M, args, attest(p, 37, M, args), p.session)).toBeTruthy()
    expect(app.sessions.verify(M, args, attest(p, 300, M, args), p.session)).toBeTruthy()
    expect(thrown(() => app.sessions.verify(M, args, attest(p, 100, M, args), p.session)).code).toBe('stale-counter')
  })

  it('missing or malformed attestation is attestation-required; an unknown session unauthorized', () => {
    for (const bad of [undefined, null, {}, { session: p.session, counter: 1 }, { session: p.session, counter: 0, mac: 'A'.repeat(43) }, { session: p.session, counter: 1.5, mac: 'A'.repeat(43) }, 'x']) {
      expect(thrown(() => app.sessions.verify(M, args, bad, p.session)).code).toBe('attestation-required')
    }
    expect(thrown(() => app.sessions.verify(M, args, { session: 'unknown-session-id', counter: 1, mac: 'A'.repeat(43) }, null)).code).toBe('unauthorized')
    // arguments JSON cannot carry cannot have a matching MAC
    expect(thrown(() => app.sessions.verify(M, { x: NaN }, attest(p, 1, M, {}), p.session)).code).toBe('bad-mac')
  })
})

describe('app.dispatch: attested methods over IPC and HTTP', () => {
  it('refuses unattested and forged calls with their own codes (audited, throttled), records only the real one', async () => {
    await app.dispatch('people/upsert', { id: 'E1', name: 'Ani' })
    await app.dispatch('enrollment/add-template', { modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embedding: [1, 0, 0, 0], personId: 'E1', consentBy: 'test admin' })
    const p = app.sessions.pair(undefined, 'ipc')
    const args = track([1, 0, 0, 0])
    expect(await app.dispatch('kiosk/recognize', args, { transport: 'ipc' })).toMatchObject({ ok: false, error: { code: 'attestation-required' } })
    expect(await app.dispatch('kiosk/recognize', args, { transport: 'http', session: p.session })).toMatchObject({ ok: false, error: { code: 'attestation-required' } })
    const good = attest(p, 1, 'kiosk/recognize', args)
    expect(await app.dispatch('kiosk/recognize', { ...args, embeddings: [[0.9, 0.1, 0, 0]] }, { transport: 'ipc', attest: good })).toMatchObject({ ok: false, error: { code: 'bad-mac' } })
    expect(await app.dispatch('kiosk/recognize', args, { transport: 'ipc', attest: good })).toMatchObject({ ok: true, data: { kind: 'recorded' } })
    expect(await app.dispatch('kiosk/recognize', args, { transport: 'ipc', attest: good })).toMatchObject({ ok: false, error: { code: 'replayed' } })
    // the CLI on the machine calls directly and needs none (later than the "Check out now?" window)
    t += 11 * 60_000
    expect(await app.dispatch('kiosk/recognize', args)).toMatchObject({ ok: true, data: { kind: 'recorded' } })
    expect(app.db.prepare('SELECT count(*) AS n FROM attendance_events').get()).toEqual({ n: 2 })
    const refused = listAudit(app.db, 100).filter((a) => a.action === 'security.refused')
    expect(refused.map((a) => a.subject).sort()).toEqual(['attestation-required', 'attestation-required', 'bad-mac', 'replayed'])
    expect(JSON.stringify(refused)).not.toContain('0.9')
    // a flood is audited at most 20 times a minute per code, the rest counted in the next row
    for (let i = 0; i < 50; i++) await app.dispatch('kiosk/recognize', args, { transport: 'ipc' })
    expect(listAudit(app.db, 1000).filter((a) => a.subject === 'attestation-required' && a.at === t)).toHaveLength(20)
    t += 60_000
    await app.dispatch('kiosk/recognize', args, { transport: 'ipc' })
    expect(listAudit(app.db, 1)[0]).toMatchObject({ subject: 'attestation-required', details: { suppressed: 30 } })
  })
})
