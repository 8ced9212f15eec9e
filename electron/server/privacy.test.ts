/**
 * Privacy (issue #12 item 4) on a real SQLite file through the one dispatcher: consent before any
 * face is stored, revoking it erases the templates (audited, tombstoned for HR), the kiosk's recent
 * list shows what the setting allows, and a refused face names a candidate only at the normal threshold.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiArgs, ApiData, ApiMethod } from '../../src/shared/api/contract'
import { DEFAULT_PRIVACY_NOTICE, initialsOf } from '../../src/shared/privacy/privacy'
import { createApp, type App } from './create-app'
import { listAudit } from './store/audit-log'
import { emb, LIVE, TEST_MODEL, testRecognition } from './testing/fixtures'

let tmp: string
let app: App
let now = Date.UTC(2025, 0, 6, 2, 0, 0)
const dbFile = () => path.join(tmp, 'hadir.db')
const open = () =>
  createApp({
    dbFile: dbFile(),
    hostKind: 'web',
    modelBaseUrl: '/models/',
    wasmBaseUrl: '/wasm/',
    embeddingModel: { ...TEST_MODEL },
    recognition: testRecognition(0.5),
    locale: 'id',
    now: () => now,
  })

async function ok<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiData<M>> {
  const r = await app.dispatch(method, args)
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
  return r.data as ApiData<M>
}

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-privacy-'))
  app = open()
  await ok('people/upsert', { id: 'E1', name: 'Siti Nur Aisyah' })
  await ok('people/upsert', { id: 'E2', name: 'Budi' })
})
afterEach(() => {
  app.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const count = (sql: string, ...p: unknown[]) => (app.db.prepare(sql).get(...p) as { n: number }).n

describe('consent at enrollment', () => {
  it('a person without consent is not enrolled: consent-required, nothing stored, nothing indexed', async () => {
    const r = await app.dispatch('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1' })
    expect(r).toMatchObject({ ok: false, error: { code: 'consent-required', details: { personId: 'E1' } } })
    expect(count('SELECT count(*) AS n FROM face_templates')).toBe(0)
    expect(count('SELECT count(*) AS n FROM consents')).toBe(0)
    expect(app.index.size).toBe(0)
    // a blank admin name is not a consent
    expect(await app.dispatch('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: '   ' })).toMatchObject({ ok: false })
    expect(count('SELECT count(*) AS n FROM face_templates')).toBe(0)
  })

  it('with consentBy the consent is recorded (who, when, which admin) in the same step, and survives a restart', async () => {
    now += 1000
    const at = now
    expect(await ok('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'Rina (HR)' })).toEqual({ templateId: 1, templates: 1 })
    // a second photo needs no consent again
    expect(await ok('enrollment/add-template', { ...emb([0.9, 0.1, 0, 0]), personId: 'E1' })).toMatchObject({ templates: 2 })
    app.close()
    app = open()
    const row = app.db.prepare('SELECT * FROM consents WHERE person_id = ?').get('E1')
    expect(row).toEqual({ person_id: 'E1', given_by: 'Rina (HR)', given_at: at, recorded_by: 'direct', revoked_at: null, revoked_by: null })
    const people = await ok('people/list', {})
    expect(people.find((p) => p.id === 'E1')?.consent).toEqual({ givenBy: 'Rina (HR)', givenAt: at })
    expect(people.find((p) => p.id === 'E2')?.consent).toBeUndefined()
    expect(listAudit(app.db, 100).filter((e) => e.action === 'consent.given')).toMatchObject([{ subject: 'E1', details: { givenBy: 'Rina (HR)' }, at }])
  })

  it('a face refused as duplicate leaves no consent behind', async () => {
    await ok('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'Rina' })
    const r = await app.dispatch('enrollment/add-template', { ...emb([1, 0.01, 0, 0]), personId: 'E2', consentBy: 'Rina' })
    expect(r).toMatchObject({ ok: false, error: { code: 'duplicate-face' } })
    expect(count('SELECT count(*) AS n FROM consents WHERE person_id = ?', 'E2')).toBe(0)
  })

  it('people/record-consent records it on its own (photo import asks first)', async () => {
    const c = await ok('people/record-consent', { personId: 'E2', givenBy: 'Rina' })
    expect(c).toMatchObject({ personId: 'E2', givenBy: 'Rina', givenAt: now, revokedAt: null })
    expect(await ok('enrollment/add-template', { ...emb([0, 1, 0, 0]), personId: 'E2' })).toMatchObject({ templates: 1 })
    expect(await app.dispatch('people/record-consent', { personId: 'ghost', givenBy: 'Rina' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })
})

describe('revoking consent', () => {
  it('erases the templates at once (store and index), audits it, queues a tombstone for HR; the next enrollment needs consent again', async () => {
    await ok('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'Rina' })
    await ok('enrollment/add-template', { ...emb([0.9, 0.1, 0, 0]), personId: 'E1' })
    expect(await ok('recognition/identify', emb([1, 0, 0, 0]))).toMatchObject({ decision: 'match', personId: 'E1' })
    now += 60_000
    expect(await ok('people/revoke-consent', { personId: 'E1' })).toEqual({ templates: 2 })
    expect(count('SELECT count(*) AS n FROM face_templates WHERE person_id = ?', 'E1')).toBe(0)
    expect(app.index.hasPerson('E1')).toBe(false)
    expect(app.db.prepare('SELECT person_id, deleted_at, shared_at FROM tombstones').all()).toEqual([{ person_id: 'E1', deleted_at: now, shared_at: null }])
    expect(app.db.prepare('SELECT revoked_at, revoked_by FROM consents WHERE person_id = ?').get('E1')).toEqual({ revoked_at: now, revoked_by: 'cli' })
    const audit = listAudit(app.db, 100).map((e) => [e.action, e.subject, e.details])
    expect(audit).toContainEqual(['consent.revoked', 'E1', { templates: 2, hadConsent: true }])
    expect(audit).toContainEqual(['templates.clear', 'E1', { count: 2 }])
    // the person and their attendance stay; enrolling again needs a new consent
    expect((await ok('people/list', {})).find((p) => p.id === 'E1')).toMatchObject({ templates: 0 })
    expect((await ok('people/list', {})).find((p) => p.id === 'E1')?.consent).toBeUndefined()
    expect(await app.dispatch('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1' })).toMatchObject({ ok: false, error: { code: 'consent-required' } })
    expect(await ok('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'Joko' })).toMatchObject({ templates: 1 })
    expect(app.db.prepare('SELECT given_by, revoked_at FROM consents WHERE person_id = ?').get('E1')).toEqual({ given_by: 'Joko', revoked_at: null })
  })

  it('an unknown person is not-found', async () => {
    expect(await app.dispatch('people/revoke-consent', { personId: 'ghost' })).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })
})

describe('the kiosk recent list', () => {
  beforeEach(async () => {
    await ok('attendance/add', { personId: 'E1', at: now - 3_600_000, direction: 'in', reason: 'test' })
    await ok('attendance/add', { personId: 'E2', at: now - 1_800_000, direction: 'in', reason: 'test' })
  })

  it('shows initials by default, names or nothing as set; the answer itself carries no more', async () => {
    expect((await ok('settings/get', {})).recentDisplay).toBe('initials')
    expect((await ok('attendance/recent', {})).map((r) => r.personName)).toEqual(['B.', 'S.A.'])
    await ok('settings/update', { recentDisplay: 'names' })
    expect((await ok('attendance/recent', {})).map((r) => r.personName)).toEqual(['Budi', 'Siti Nur Aisyah'])
    await ok('settings/update', { recentDisplay: 'none' })
    expect(await ok('attendance/recent', {})).toEqual([])
    expect(await app.dispatch('settings/update', { recentDisplay: 'everything' as never })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })

  it('a correction shows at once: corrected direction, and a voided scan is gone', async () => {
    await ok('settings/update', { recentDisplay: 'names' })
    const rows = await ok('attendance/list', {})
    const budi = rows.find((r) => r.personId === 'E2')
    const siti = rows.find((r) => r.personId === 'E1')
    if (!budi || !siti) throw new Error('rows missing')
    await ok('attendance/correct', { eventId: budi.id, direction: 'out', reason: 'was leaving' })
    await ok('attendance/void', { eventId: siti.id, reason: 'test scan' })
    expect((await ok('attendance/recent', {})).map((r) => [r.personName, r.direction])).toEqual([['Budi', 'out']])
  })
})

describe('settings: the privacy notice', () => {
  it('defaults to the UU PDP text in both languages; an admin text replaces one language; empty brings the default back', async () => {
    expect((await ok('settings/get', {})).privacyNotice).toEqual(DEFAULT_PRIVACY_NOTICE)
    expect(DEFAULT_PRIVACY_NOTICE.id).toMatch(/UU No\. 27\/2022/)
    await ok('settings/update', { privacyNotice: { id: 'Wajah Anda diproses untuk absensi.' } })
    expect((await ok('settings/get', {})).privacyNotice).toEqual({ id: 'Wajah Anda diproses untuk absensi.', en: DEFAULT_PRIVACY_NOTICE.en })
    await ok('settings/update', { privacyNotice: { id: '' } })
    expect((await ok('settings/get', {})).privacyNotice).toEqual(DEFAULT_PRIVACY_NOTICE)
    expect(listAudit(app.db, 100).filter((e) => e.action === 'settings.privacy-notice')).toHaveLength(2)
    expect(await app.dispatch('settings/update', { privacyNotice: { en: 'x'.repeat(601) } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })
})

describe('audit of a refused face', () => {
  const refused = (embedding: number[]) =>
    app.dispatch('kiosk/recognize', { modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embeddings: [embedding], liveness: { ...LIVE, decision: 'spoof_detected' } })

  it("names the candidate only at or above the normal level's threshold; below it the subject is an unknown face", async () => {
    await ok('enrollment/add-template', { ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'Rina' })
    // similarity ≈ 0.2 to E1 (a stranger's phone replay): refused, and nobody is blamed
    expect(await refused([0.2, 0.98, 0, 0])).toMatchObject({ ok: true, data: { kind: 'refused', reason: 'spoof_detected' } })
    // similarity ≈ 0.8: the enrolled person's face on a screen; the admin sees whose
    expect(await refused([0.8, 0.6, 0, 0])).toMatchObject({ ok: true, data: { kind: 'refused' } })
    const rows = listAudit(app.db, 100).filter((e) => e.action === 'liveness.refused')
    const bySim = rows.map((e) => [e.subject, (e.details as { similarity: number; subject: string }).similarity, (e.details as { subject: string }).subject]).sort((a, b) => (a[1] as number) - (b[1] as number))
    expect(bySim).toEqual([
      [null, 0.2, 'unknown-face'],
      ['E1', 0.8, 'candidate'],
    ])
  })
})

describe('initials', () => {
  it('first and last word, letters only', () => {
    expect(initialsOf('Siti Nur Aisyah')).toBe('S.A.')
    expect(initialsOf('  budi ')).toBe('B.')
    expect(initialsOf('Émile (Ops) Zola')).toBe('É.Z.')
    expect(initialsOf('')).toBe('?')
  })
})
