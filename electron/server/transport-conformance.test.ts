import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiClient, type ApiClient } from '../../src/api/api-client'
import { createKioskSession, webSubtle, type SessionEnv } from '../../src/api/kiosk-session'
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
/** `args` may read the session token of this transport (each transport has its own database and session). */
type Case = { name: string; method: string; args: unknown | ((s: Session) => unknown); expect: Expect; keep?: (data: unknown, s: Session) => void }
type Session = { token?: string; eventId?: string }

const T = (s: Session) => ({ token: s.token })
const PIN = '246813'

/** One table, run in order against each transport (the cases build on each other's state). */
const CASES: Case[] = [
  { name: 'host info', method: 'host/info', args: {}, expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'web', embeddingModel: TEST_MODEL }) } },
  { name: 'pair with a malformed code', method: 'kiosk/pair', args: { code: 'not a code!' }, expect: { ok: false, code: 'pair-code-invalid' } },
  { name: 'admin status, first start', method: 'admin/status', args: {}, expect: { ok: true, check: (d) => expect(d).toEqual({ pinSet: false, lockedUntil: null, minPinLength: 6 }) } },
  { name: 'login before a PIN exists', method: 'admin/login', args: { pin: PIN }, expect: { ok: false, code: 'pin-not-set' } },
  { name: 'PIN too short', method: 'admin/set-pin', args: { pin: '1234' }, expect: { ok: false, code: 'pin-too-short' } },
  { name: 'PIN not digits', method: 'admin/set-pin', args: { pin: '12ab' }, expect: { ok: false, code: 'invalid-args' } },
  {
    name: 'first PIN opens admin (from the paired page)',
    method: 'admin/set-pin',
    args: { pin: PIN },
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ token: expect.any(String), expiresAt: T0 + 120_000 }) },
    keep: (d, s) => (s.token = (d as { token: string }).token),
  },
  { name: 'second PIN without a session', method: 'admin/set-pin', args: { pin: '135791' }, expect: { ok: false, code: 'pin-already-set' } },
  { name: 'wrong PIN', method: 'admin/login', args: { pin: '000000' }, expect: { ok: false, code: 'pin-wrong' } },
  { name: 'admin method without a token', method: 'people/upsert', args: { id: 'E1', name: 'Ani' }, expect: { ok: false, code: 'admin-required' } },
  { name: 'admin method with a forged token', method: 'people/list', args: { token: 'forged' }, expect: { ok: false, code: 'admin-required' } },
  { name: 'upsert E1', method: 'people/upsert', args: (s: Session) => ({ ...T(s), id: 'E1', name: 'Ani' }), expect: { ok: true, check: (d) => expect(d).toMatchObject({ id: 'E1', active: true, createdAt: T0 }) } },
  { name: 'create E2', method: 'people/create', args: (s: Session) => ({ ...T(s), id: 'E2', name: 'Budi', department: 'Gudang' }), expect: { ok: true, check: (d) => expect(d).toMatchObject({ id: 'E2', department: 'Gudang' }) } },
  { name: 'create E2 again (duplicate id)', method: 'people/create', args: (s: Session) => ({ ...T(s), id: 'E2', name: 'Other' }), expect: { ok: false, code: 'duplicate-id' } },
  { name: 'create with a blank name', method: 'people/create', args: (s: Session) => ({ ...T(s), id: 'E9', name: '   ' }), expect: { ok: false, code: 'invalid-args' } },
  { name: 'enroll E1', method: 'enrollment/add-template', args: (s: Session) => ({ ...T(s), ...emb([1, 0, 0, 0]), personId: 'E1', consentBy: 'test admin', quality: 0.8 }), expect: { ok: true, check: (d) => expect(d).toEqual({ templateId: 1, templates: 1 }) } },
  { name: 'enroll E2', method: 'enrollment/add-template', args: (s: Session) => ({ ...T(s), ...emb([0, 1, 0, 0]), personId: 'E2', consentBy: 'test admin' }), expect: { ok: true, check: (d) => expect(d).toEqual({ templateId: 2, templates: 1 }) } },
  { name: 'enroll E1 face as E2 (duplicate-face)', method: 'enrollment/add-template', args: (s: Session) => ({ ...T(s), ...emb([1, 0.01, 0, 0]), personId: 'E2', consentBy: 'test admin' }), expect: { ok: false, code: 'duplicate-face' } },
  { name: 'enroll unknown person (not-found)', method: 'enrollment/add-template', args: (s: Session) => ({ ...T(s), ...emb([0, 0, 1, 0]), personId: 'ghost', consentBy: 'test admin' }), expect: { ok: false, code: 'not-found' } },
  {
    name: 'list people',
    method: 'people/list',
    args: T,
    expect: { ok: true, check: (d) => expect((d as Array<{ id: string; templates: number }>).map((p) => [p.id, p.templates])).toEqual([['E1', 1], ['E2', 1]]) },
  },
  { name: 'search people', method: 'people/list', args: (s: Session) => ({ ...T(s), q: 'gud' }), expect: { ok: true, check: (d) => expect((d as Array<{ id: string }>).map((p) => p.id)).toEqual(['E2']) } },
  { name: 'identify', method: 'recognition/identify', args: (s: Session) => ({ ...T(s), ...emb([0.9, 0.1, 0, 0]) }), expect: { ok: true, check: (d) => expect(d).toMatchObject({ decision: 'match', personId: 'E1', name: 'Ani' }) } },
  {
    name: 'recognize → recorded',
    method: 'kiosk/recognize',
    args: { ...track([1, 0, 0, 0]), seenAt: T0 },
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'recorded', event: { personId: 'E1', direction: 'in', at: T0 } }) },
    keep: (d, s) => (s.eventId = (d as { event: { id: string } }).event.id),
  },
  {
    name: 'recognize again → already-recorded',
    method: 'kiosk/recognize',
    args: { ...track([1, 0, 0, 0]), seenAt: T0 + 3_000 },
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'already-recorded', event: { at: T0 } }) },
  },
  { name: 'recognize stranger → unknown', method: 'kiosk/recognize', args: track([0, 0, 1, 0]), expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'unknown' }) } },
  { name: 'confirm an unknown ticket', method: 'kiosk/confirm', args: { ticket: 'nope', direction: 'in' }, expect: { ok: false, code: 'not-found' } },
  { name: 'recent check-ins', method: 'attendance/recent', args: {}, expect: { ok: true, check: (d) => expect(d).toEqual([{ personName: 'A.', direction: 'in', at: T0 }]) } },
  { name: 'settings', method: 'settings/get', args: {}, expect: { ok: true, check: (d) => expect(d).toMatchObject({ securityLevel: 'normal', cooldownMs: 60_000, hr: { url: null, keySet: false } }) } },
  { name: 'bad security level', method: 'settings/update', args: (s: Session) => ({ ...T(s), securityLevel: 'max' }), expect: { ok: false, code: 'invalid-args' } },
  { name: 'HR url not a URL', method: 'settings/update', args: (s: Session) => ({ ...T(s), hrUrl: 'hr server' }), expect: { ok: false, code: 'invalid-args' } },
  { name: 'HR address without the PIN again', method: 'settings/update', args: (s: Session) => ({ ...T(s), hrUrl: 'https://hr.example.com/hadir' }), expect: { ok: false, code: 'pin-required' } },
  {
    name: 'settings update (the HR key is never returned)',
    method: 'settings/update',
    args: (s: Session) => ({ ...T(s), pin: PIN, hrUrl: 'https://hr.example.com/hadir', hrKey: 'k'.repeat(32), rules: { dayBoundary: '04:00' } }),
    expect: { ok: true, check: (d) => expect(JSON.stringify(d)).not.toContain('kkkk') },
  },
  { name: 'template sharing over plain http elsewhere', method: 'settings/update', args: (s: Session) => ({ ...T(s), pin: PIN, hrUrl: 'http://hr.example.com/', hrShareTemplates: true }), expect: { ok: false, code: 'insecure-hr-url' } },
  { name: 'attendance list', method: 'attendance/list', args: (s: Session) => ({ ...T(s), personId: 'E1' }), expect: { ok: true, check: (d) => expect(d).toHaveLength(1) } },
  {
    name: 'correct without a reason',
    method: 'attendance/correct',
    args: (s: Session) => ({ ...T(s), eventId: s.eventId, direction: 'out', reason: ' ' }),
    expect: { ok: false, code: 'invalid-args' },
  },
  {
    name: 'correct the check-in time',
    method: 'attendance/correct',
    args: (s: Session) => ({ ...T(s), eventId: s.eventId, at: T0 - 15 * 60_000, reason: 'came in earlier, camera was off' }),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ source: 'manual', at: T0 - 15 * 60_000, corrects: expect.any(String) }) },
  },
  { name: 'add a missed scan', method: 'attendance/add', args: (s: Session) => ({ ...T(s), personId: 'E2', at: T0 - 2 * 3600_000, direction: 'in', reason: 'forgot' }), expect: { ok: true } },
  { name: 'void an unknown entry', method: 'attendance/void', args: (s: Session) => ({ ...T(s), eventId: 'nope', reason: 'test' }), expect: { ok: false, code: 'not-found' } },
  { name: 'summary', method: 'attendance/summary', args: (s: Session) => ({ ...T(s), from: T0 - 86_400_000, to: T0 + 86_400_000 }), expect: { ok: true, check: (d) => expect(d).toHaveLength(2) } },
  {
    name: 'export',
    method: 'attendance/export',
    args: (s: Session) => ({ ...T(s), from: T0 - 86_400_000, to: T0 + 86_400_000, kind: 'events', lang: 'en' }),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ format: 'csv', rows: 2, csv: expect.stringMatching(/^\uFEFFEmployee ID,Name,/) }) },
  },
  {
    name: 'export xlsx (zip entries carry the clock: bytes compared by their tests, not here)',
    method: 'attendance/export',
    args: (s: Session) => ({ ...T(s), from: T0 - 86_400_000, to: T0 + 86_400_000, kind: 'summary', format: 'xlsx', lang: 'id' }),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ format: 'xlsx', rows: 2, base64: expect.stringMatching(/^UEsDB/), filename: expect.stringMatching(/^hadir-ringkasan-.*\.xlsx$/) }) },
  },
  {
    name: "export csv in the host's language (Indonesian): semicolons",
    method: 'attendance/export',
    args: (s: Session) => ({ ...T(s), from: T0 - 86_400_000, to: T0 + 86_400_000, kind: 'events' }),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ format: 'csv', rows: 2, csv: expect.stringMatching(/^\uFEFFID karyawan;Nama;/) }) },
  },
  { name: 'export with a bad separator', method: 'attendance/export', args: (s: Session) => ({ ...T(s), from: T0, to: T0 + 1, kind: 'events', separator: '|' }), expect: { ok: false, code: 'invalid-args' } },
  {
    name: 'roster dry run',
    method: 'people/import-roster',
    args: (s: Session) => ({ ...T(s), fileName: 'r.csv', data: Buffer.from('\uFEFFID karyawan;Nama;Departemen\r\nE1;Ani Rahma;Gudang\r\nE7;Citra;\r\n').toString('base64'), dryRun: true }),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ applied: false, dryRun: true, separator: ';', counts: { rows: 2, create: 1, update: 1, errors: 0 } }) },
  },
  {
    name: 'roster with a duplicate id: nothing imported',
    method: 'people/import-roster',
    args: (s: Session) => ({ ...T(s), fileName: 'r.csv', data: Buffer.from('id,name\r\nE7,Citra\r\nE7,Dewi\r\n').toString('base64') }),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ applied: false, counts: { errors: 1 }, rows: [{ status: 'create' }, { status: 'error', problem: 'duplicate-id', duplicateOf: 2 }] }) },
  },
  { name: 'roster without a name column', method: 'people/import-roster', args: (s: Session) => ({ ...T(s), fileName: 'r.csv', data: Buffer.from('id;x\r\nE7;y\r\n').toString('base64') }), expect: { ok: false, code: 'roster-columns' } },
  {
    name: 'personal schedule',
    method: 'schedules/set',
    args: (s: Session) => ({ ...T(s), personId: 'E2', schedule: { start: '09:00', end: '18:00', toleranceMin: 5, days: [1, 2, 3] } }),
    expect: { ok: true, check: (d) => expect(d).toEqual({ personId: 'E2', schedule: { start: '09:00', end: '18:00', toleranceMin: 5, days: [1, 2, 3] } }) },
  },
  { name: 'schedule ending before it starts', method: 'schedules/set', args: (s: Session) => ({ ...T(s), personId: 'E2', schedule: { start: '18:00', end: '09:00', toleranceMin: 5, days: [1] } }), expect: { ok: false, code: 'invalid-schedule' } },
  { name: 'schedule tolerance out of range', method: 'settings/update', args: (s: Session) => ({ ...T(s), schedule: { start: '08:00', end: '17:00', toleranceMin: 500, days: [1] } }), expect: { ok: false, code: 'invalid-schedule' } },
  { name: 'list personal schedules', method: 'schedules/list', args: T, expect: { ok: true, check: (d) => expect(d).toMatchObject([{ personId: 'E2', personName: 'Budi', schedule: { start: '09:00' } }]) } },
  { name: 'export an empty range', method: 'attendance/export', args: (s: Session) => ({ ...T(s), from: T0 + 9e8, to: T0 + 1e9, kind: 'summary' }), expect: { ok: false, code: 'empty-export' } },
  { name: 'audit', method: 'audit/list', args: (s: Session) => ({ ...T(s), subject: 'E1' }), expect: { ok: true, check: (d) => expect((d as unknown[]).length).toBeGreaterThan(0) } },
  { name: 'diagnostics', method: 'diagnostics/get', args: T, expect: { ok: true, check: (d) => expect(d).toMatchObject({ counts: { people: 2, templates: 2 }, outbox: { pending: 3 } }) } },
  { name: 'empty id', method: 'people/upsert', args: (s: Session) => ({ ...T(s), id: '', name: 'x' }), expect: { ok: false, code: 'invalid-args' } },
  // when the face fails: PIN and badge (issue #12 item 2)
  { name: 'set a PIN', method: 'people/set-pin', args: (s: Session) => ({ ...T(s), personId: 'E2', pin: '4821' }), expect: { ok: true, check: (d) => expect(d).toEqual({ personId: 'E2', pinSet: true, badge: null, lockedUntil: null }) } },
  { name: 'a PIN with letters', method: 'people/set-pin', args: (s: Session) => ({ ...T(s), personId: 'E2', pin: '48a1' }), expect: { ok: false, code: 'pin-format' } },
  { name: 'set a badge', method: 'people/set-badge', args: (s: Session) => ({ ...T(s), personId: 'E2', badge: '0099887766' }), expect: { ok: true, check: (d) => expect(d).toMatchObject({ badge: '0099887766' }) } },
  { name: 'credentials', method: 'people/credentials', args: T, expect: { ok: true, check: (d) => expect(d).toEqual([{ personId: 'E2', pinSet: true, badge: '0099887766', lockedUntil: null }]) } },
  { name: 'PIN check-in while fallbacks are off', method: 'kiosk/pin-checkin', args: { employeeId: 'E2', pin: '4821' }, expect: { ok: false, code: 'fallback-off' } },
  { name: 'turn PIN and badge on', method: 'settings/update', args: (s: Session) => ({ ...T(s), pin: PIN, fallback: { mode: 'pin-badge' } }), expect: { ok: true, check: (d) => expect(d).toMatchObject({ fallback: { mode: 'pin-badge', requireFacePin: false } }) } },
  { name: 'PIN check-in', method: 'kiosk/pin-checkin', args: { employeeId: 'E2', pin: '4821' }, expect: { ok: true, check: (d) => expect(d).toMatchObject({ kind: 'recorded', personName: 'Budi', event: { source: 'pin' } }) } },
  { name: 'unknown badge', method: 'kiosk/pin-checkin', args: { badge: '1234', pin: '4821' }, expect: { ok: false, code: 'badge-unknown' } },
  { name: 'face PIN for an unknown ticket', method: 'kiosk/face-pin', args: { ticket: 'nope', pin: '4821' }, expect: { ok: false, code: 'not-found' } },
  { name: 'review list', method: 'review/list', args: T, expect: { ok: true, check: (d) => expect(d).toMatchObject([{ personId: 'E2', reviewReason: 'pin' }]) } },
  { name: 'approve an unknown entry', method: 'review/approve', args: (s: Session) => ({ ...T(s), eventId: 'nope' }), expect: { ok: false, code: 'not-found' } },
  { name: 'null args', method: 'people/upsert', args: null, expect: { ok: false, code: 'invalid-args' } },
  { name: 'bad flag type', method: 'people/list', args: (s: Session) => ({ ...T(s), activeOnly: 'yes' }), expect: { ok: false, code: 'invalid-args' } },
  { name: 'wrong dim', method: 'recognition/identify', args: (s: Session) => ({ ...T(s), ...emb([1, 0, 0]) }), expect: { ok: false, code: 'invalid-args' } },
  { name: 'embedding not an array', method: 'kiosk/recognize', args: { ...track(), embeddings: 'x' }, expect: { ok: false, code: 'invalid-args' } },
  { name: 'other model', method: 'recognition/identify', args: (s: Session) => ({ ...T(s), ...emb([1, 0, 0, 0]), modelId: 'other' }), expect: { ok: false, code: 'model-mismatch' } },
  { name: 'limit 0', method: 'attendance/list', args: (s: Session) => ({ ...T(s), limit: 0 }), expect: { ok: false, code: 'invalid-args' } },
  { name: 'unknown method', method: 'people/explode', args: {}, expect: { ok: false, code: 'unknown-method' } },
  { name: 'deactivate E1', method: 'people/update', args: (s: Session) => ({ ...T(s), id: 'E1', active: false }), expect: { ok: true, check: (d) => expect(d).toMatchObject({ active: false }) } },
  { name: 'E1 inactive: not recognised', method: 'recognition/identify', args: (s: Session) => ({ ...T(s), ...emb([1, 0, 0, 0]) }), expect: { ok: true, check: (d) => expect(d).toMatchObject({ decision: 'unknown' }) } },
  { name: 'clear E1 templates', method: 'people/clear-templates', args: (s: Session) => ({ ...T(s), personId: 'E1' }), expect: { ok: true, check: (d) => expect(d).toEqual({ templates: 1 }) } },
  { name: 'delete E2', method: 'people/delete', args: (s: Session) => ({ ...T(s), personId: 'E2' }), expect: { ok: true, check: (d) => expect(d).toEqual({ deleted: true, templates: 1 }) } },
  { name: 'delete E2 again', method: 'people/delete', args: (s: Session) => ({ ...T(s), personId: 'E2' }), expect: { ok: true, check: (d) => expect(d).toEqual({ deleted: false, templates: 0 }) } },
  {
    name: 'E2 no longer recognised (nobody left enrolled)',
    method: 'recognition/identify',
    args: (s: Session) => ({ ...T(s), ...emb([0, 1, 0, 0]) }),
    expect: { ok: false, code: 'empty-gallery' },
  },
  { name: 'revoke E1 consent', method: 'people/revoke-consent', args: (s: Session) => ({ ...T(s), personId: 'E1' }), expect: { ok: true, check: (d) => expect(d).toEqual({ templates: 0 }) } },
  { name: 'enroll E1 without consent (consent-required)', method: 'enrollment/add-template', args: (s: Session) => ({ ...T(s), ...emb([1, 0, 0, 0]), personId: 'E1' }), expect: { ok: false, code: 'consent-required' } },
  {
    name: 'record E1 consent',
    method: 'people/record-consent',
    args: (s: Session) => ({ ...T(s), personId: 'E1', givenBy: 'Rina' }),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ personId: 'E1', givenBy: 'Rina', revokedAt: null }) },
  },
  { name: 'sync status', method: 'sync/status', args: {}, expect: { ok: true, check: (d) => expect(d).toMatchObject({ configured: true, queued: 4, parked: 0, shareTemplates: false }) } }, // 3 + the PIN check-in
  {
    name: 'HR on a closed port (a new address clears the key: a new one is given with it)',
    method: 'settings/update',
    args: (s: Session) => ({ ...T(s), pin: PIN, hrUrl: 'http://127.0.0.1:9/', hrKey: 'j'.repeat(32) }),
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ hr: { url: 'http://127.0.0.1:9/', keySet: true } }) },
  },
  {
    name: 'sync now: HR unreachable, nothing lost',
    method: 'sync/now',
    args: T,
    expect: { ok: true, check: (d) => expect(d).toMatchObject({ online: false, queued: 4, lastError: { code: 'hr-unreachable' } }) },
  },
  { name: 'parked', method: 'sync/parked', args: T, expect: { ok: true, check: (d) => expect(d).toEqual([]) } },
  { name: 'retry parked', method: 'sync/retry', args: (s: Session) => ({ ...T(s), ids: ['nope'] }), expect: { ok: true, check: (d) => expect(d).toEqual({ requeued: 0 }) } },
  { name: 'retry with bad ids', method: 'sync/retry', args: (s: Session) => ({ ...T(s), ids: [42] }), expect: { ok: false, code: 'invalid-args' } },
  { name: 'sync status is public, parked is not', method: 'sync/parked', args: {}, expect: { ok: false, code: 'admin-required' } },
  { name: 'quit needs admin', method: 'app/quit', args: {}, expect: { ok: false, code: 'admin-required' } },
  { name: 'quit (not an Electron shell here): refused politely', method: 'app/quit', args: T, expect: { ok: true, check: (d) => expect(d).toEqual({ quitting: false }) } },
  { name: 'logout', method: 'admin/logout', args: T, expect: { ok: true, check: (d) => expect(d).toEqual({ loggedOut: true }) } },
  { name: 'after logout', method: 'people/list', args: T, expect: { ok: false, code: 'admin-required' } },
]

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Event ids and session tokens are random: replace them so results from two databases compare. */
function normalise(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(new RegExp(UUID.source.slice(1, -1), 'g'), '<uuid>')
  if (Array.isArray(v)) return v.map(normalise)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'token' || k === 'corrects' || k === 'base64' || k === 'disk' || k === 'sizeBytes' || k === 'nextAttemptAt' ? '<varies>' : normalise(x)]))
  return v
}

let tmp: string
let ipcApp: App
let host: StartedHost
let ipc: ApiClient
let web: ApiClient

/** A page's storage and address bar, in memory. */
function pageEnv(hash = ''): SessionEnv {
  const store = new Map<string, string>()
  let h = hash
  return {
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    hash: () => h,
    clearHash: () => (h = ''),
    subtle: webSubtle(),
  }
}

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
  const bridge: KioskBridge = { invoke: (m, a, at) => pair.ipcRenderer.invoke(IPC_INVOKE, m, a, at) as Promise<ApiResult<unknown>> }
  // the renderer's real API client: pairing, counters and MACs as the kiosk page does them
  const ipcTransport: ApiTransport = createIpcTransport(bridge)
  ipc = createApiClient(ipcTransport, createKioskSession(ipcTransport, { ipc: true, env: pageEnv() }))
  // (b) the real HTTP host on an ephemeral port with its own SQLite file; the renderer side is the real HTTP transport
  host = await startHost({
    ...common,
    port: 0,
    rendererDir: path.join(tmp, 'renderer'),
    modelsDir: path.join(tmp, 'models'),
    wasmDirs: {},
    dbFile: path.join(tmp, 'http', 'hadir.db'),
    startSync: false,
  })
  const webTransport = createHttpTransport({ baseUrl: host.url })
  web = createApiClient(webTransport, createKioskSession(webTransport, { ipc: false, env: pageEnv(`pair=${host.launchCode}`) }))
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
    const sessions: { ipc: Session; http: Session } = { ipc: {}, http: {} }
    for (const c of CASES) {
      const argsFor = (s: Session) => (typeof c.args === 'function' ? (c.args as (s: Session) => unknown)(s) : c.args)
      const viaIpc = await ipc.invoke(c.method as ApiMethod, argsFor(sessions.ipc) as never)
      const viaHttp = await web.invoke(c.method as ApiMethod, argsFor(sessions.http) as never)
      if (c.expect.ok) {
        expect(viaIpc.ok, `${c.name}: ${JSON.stringify(viaIpc)}`).toBe(true)
        if (viaIpc.ok) c.expect.check?.(viaIpc.data)
        if (viaIpc.ok && viaHttp.ok && c.keep) {
          c.keep(viaIpc.data, sessions.ipc)
          c.keep(viaHttp.data, sessions.http)
        }
      } else {
        expect(viaIpc, c.name).toMatchObject({ ok: false, error: { code: c.expect.code } })
      }
      expect(normalise(viaHttp), c.name).toEqual(normalise(viaIpc))
    }
  })
})
