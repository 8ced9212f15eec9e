/**
 * Bugs found in the walk-through (issue #12 item 7), each shown against the real web host on
 * 127.0.0.1 (a paired page, the same API client the renderer uses) or the pure UI logic they live in.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startHost, type HostOptions, type StartedHost } from '../../../electron/http/host'
import { TEST_MODEL, testRecognition } from '../../../electron/server/testing/fixtures'
import { createApiClient, type ApiClient } from '../../api/api-client'
import { createKioskSession, webSubtle } from '../../api/kiosk-session'
import { createHttpTransport } from '../../api/transport.http'
import { enrollActions } from '../enroll/enroll-steps'
import { useKioskStore } from '../../store/kiosk-store'
import { useAdminStore } from '../../store/admin-store'
import { adminInvoke, refreshKioskAfterAdmin } from './admin-api'
import { errorText } from './errors'
import { adminCatalogues } from './messages'
import { pinKeyOf } from './pin'
import { noticeText } from './ui'

let tmp: string
let host: StartedHost
let api: ApiClient
const PIN = '482916'

/** English words the host writes in its messages: none may reach an Indonesian screen. */
const ENGLISH = /\b(is|the|must|future|required|reason|at)\b/i

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-walk-'))
  fs.mkdirSync(path.join(tmp, 'renderer'))
  fs.writeFileSync(path.join(tmp, 'renderer', 'index.html'), '<!doctype html>')
  const opts: HostOptions = {
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
  const store = new Map<string, string>()
  const transport = createHttpTransport({ baseUrl: host.url })
  let hash = `pair=${host.launchCode}`
  const session = createKioskSession(transport, {
    ipc: false,
    env: {
      storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
      hash: () => hash,
      clearHash: () => (hash = ''),
      subtle: webSubtle(),
    },
  })
  api = createApiClient(transport, session)
  // the paired page sets the first PIN and holds the admin session, as the PIN pad does
  const s = await api.invoke('admin/set-pin', { pin: PIN })
  if (!s.ok) throw new Error(`set-pin: ${s.error.code}`)
  useAdminStore.getState().startSession(s.data)
  await adminInvoke(api, 'people/create', { id: 'E1', name: 'Siti Nur Aisyah' })
  await adminInvoke(api, 'people/create', { id: 'E2', name: 'Budi' })
})
afterAll(async () => {
  await host?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})
beforeEach(() => {
  useKioskStore.getState().setRecent([])
})

describe('validation messages in Indonesian mode', () => {
  it('a manual scan in the future reads in Indonesian, not "at is in the future"', async () => {
    const r = await adminInvoke(api, 'attendance/add', { personId: 'E1', at: Date.now() + 3 * 86_400_000, direction: 'in', reason: 'lupa absen' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error).toMatchObject({ code: 'invalid-args', details: { field: 'at', problem: 'future' } })
    expect(errorText('id', r.error)).toBe('Waktu tidak boleh di masa depan.')
    expect(errorText('en', r.error)).toBe('The time cannot be in the future.')
  })

  it('a refused correction without a reason, and any other invalid input, carries no English in Indonesian', async () => {
    const noReason = await adminInvoke(api, 'attendance/add', { personId: 'E1', at: Date.now() - 60_000, direction: 'in', reason: '  ' })
    const other = await adminInvoke(api, 'attendance/list', { limit: 0 })
    for (const r of [noReason, other]) {
      expect(r.ok).toBe(false)
      if (r.ok) continue
      expect(errorText('id', r.error), r.error.message).not.toMatch(ENGLISH)
    }
    if (!other.ok) expect(errorText('id', other.error)).toBe('Isian tidak valid (limit).')
  })

  it('every Indonesian admin text is free of the English words of host messages', () => {
    for (const [k, v] of Object.entries(adminCatalogues.id)) if (k.startsWith('err.invalid-args')) expect(v, k).not.toMatch(ENGLISH)
  })
})

describe('the kiosk screen after admin changes (no reload)', () => {
  it('a saved kiosk name and location, and a corrected scan, show once admin closes; the list holds check-outs too', async () => {
    const now = Date.now()
    const added = await adminInvoke(api, 'attendance/add', { personId: 'E2', at: now - 10 * 60_000, direction: 'in', reason: 'kartu rusak' })
    if (!added.ok) throw new Error(added.error.message)
    await refreshKioskAfterAdmin(api)
    expect(useKioskStore.getState().recent).toEqual([{ personName: 'B.', direction: 'in', at: now - 10 * 60_000 }])

    const saved = await adminInvoke(api, 'settings/update', { kioskName: 'Lobi Timur', location: 'Gedung B' })
    expect(saved.ok).toBe(true)
    const fixed = await adminInvoke(api, 'attendance/correct', { eventId: added.data.id, direction: 'out', reason: 'salah arah' })
    expect(fixed.ok).toBe(true)
    // before the fix nothing re-read these when admin closed: the kiosk kept 'Hadir' and the old 'in'
    await refreshKioskAfterAdmin(api)
    expect(useKioskStore.getState().settings).toMatchObject({ kioskName: 'Lobi Timur', location: 'Gedung B' })
    expect(useKioskStore.getState().recent).toEqual([{ personName: 'B.', direction: 'out', at: now - 10 * 60_000 }])
  })

  it('the recent list over HTTP shows names, initials or nothing as set', async () => {
    for (const [mode, expected] of [
      ['names', ['Budi']],
      ['initials', ['B.']],
      ['none', []],
    ] as const) {
      expect((await adminInvoke(api, 'settings/update', { recentDisplay: mode })).ok).toBe(true)
      const r = await api.invoke('attendance/recent', {})
      expect(r.ok && r.data.map((x) => x.personName)).toEqual(expected)
    }
    await adminInvoke(api, 'settings/update', { recentDisplay: 'initials' })
  })
})

describe('admin screens', () => {
  it('the settings-saved message is worded when shown: it follows a language switch', () => {
    const saved = { kind: 'info' as const, key: 'set.saved' as const }
    expect(noticeText('id', saved)).toBe('Pengaturan disimpan.')
    expect(noticeText('en', saved)).toBe('Settings saved.')
    const refused = { kind: 'error' as const, error: { code: 'invalid-args' as const, message: 'at is in the future', details: { field: 'at', problem: 'future' } } }
    expect(noticeText('en', refused)).toBe('The time cannot be in the future.')
    expect(noticeText('id', refused)).toBe('Waktu tidak boleh di masa depan.')
  })

  it('PIN digits typed anywhere on the PIN screen count (main row and numpad), Enter submits, shortcuts do not', () => {
    const key = (k: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => pinKeyOf({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mods })
    expect(['4', '8', '2', '9', '1', '6'].map((k) => key(k))).toEqual(['4', '8', '2', '9', '1', '6'])
    expect(key('Backspace')).toBe('backspace')
    expect(key('Enter')).toBe('enter')
    expect(key('NumpadEnter')).toBe('enter')
    expect(key('a')).toBeNull()
    expect(key('5', { ctrlKey: true })).toBeNull()
    expect(key('A', { ctrlKey: true })).toBeNull()
  })

  it('camera enrollment has exactly one way out, never a disabled Cancel beside a Cancel', () => {
    for (const finished of [false, true])
      for (const canFinish of [false, true])
        for (const error of [false, true]) {
          const actions = enrollActions({ finished, canFinish, error })
          const exits = actions.filter((a) => a === 'finish' || a === 'cancel')
          expect(exits, JSON.stringify({ finished, canFinish, error })).toHaveLength(1)
          expect(actions.includes('skip')).toBe(!finished && !error)
        }
    expect(enrollActions({ finished: false, canFinish: false, error: false })).toEqual(['skip', 'cancel'])
    expect(enrollActions({ finished: false, canFinish: true, error: false })).toEqual(['skip', 'finish'])
  })
})
