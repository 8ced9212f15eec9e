import { describe, expect, it } from 'vitest'
import type { KioskSettings } from '../../shared/api/contract'
import { draftFromSettings, isEmptyPatch, settingsPatch } from './settings-form'

const SETTINGS: KioskSettings = {
  securityLevel: 'normal',
  thresholds: { normal: 0.42, high: 0.5, 'very-high': 0.58 },
  livenessStrictness: 'normal',
  cooldownMs: 60_000,
  rules: { mode: 'toggle', cooldownMs: 60_000, dayBoundary: '04:00', timeZone: 'Asia/Jakarta', checkInUntil: '12:00' },
  language: 'auto',
  camera: { deviceId: null, width: 640, height: 480 },
  kioskName: 'Lobby',
  location: 'Jakarta',
  sound: true,
  startAtLogin: false,
  hr: { url: null, keySet: true, shareTemplates: false },
}

describe('settings form', () => {
  it('sends nothing when nothing changed', () => {
    const r = settingsPatch(SETTINGS, draftFromSettings(SETTINGS))
    expect(r).toEqual({ ok: true, patch: {} })
    if (r.ok) expect(isEmptyPatch(r.patch)).toBe(true)
  })
  it('sends only the changed fields, cooldown in ms, rules and camera partial', () => {
    const d = { ...draftFromSettings(SETTINGS), cooldownSec: '90', securityLevel: 'high' as const, resolution: '1280x720', dayBoundary: '05:30', hrUrl: ' https://hr.example/api ' }
    expect(settingsPatch(SETTINGS, d)).toEqual({
      ok: true,
      patch: { securityLevel: 'high', rules: { cooldownMs: 90_000, dayBoundary: '05:30' }, camera: { width: 1280, height: 720 }, hrUrl: 'https://hr.example/api' },
    })
  })
  it('presence window in seconds and the check-out question in minutes, checked before sending', () => {
    const d = draftFromSettings(SETTINGS)
    expect([d.presenceSec, d.confirmChangeMin]).toEqual(['120', '10'])
    expect(settingsPatch(SETTINGS, { ...d, presenceSec: '30', confirmChangeMin: '0.5' })).toEqual({ ok: true, patch: { rules: { presenceMs: 30_000, confirmChangeMs: 30_000 } } })
    expect(settingsPatch(SETTINGS, { ...d, presenceSec: '1801' })).toEqual({ ok: false, problem: 'presence' })
    expect(settingsPatch(SETTINGS, { ...d, presenceSec: '' })).toEqual({ ok: false, problem: 'presence' })
    expect(settingsPatch(SETTINGS, { ...d, confirmChangeMin: '-1' })).toEqual({ ok: false, problem: 'confirm-change' })
    expect(settingsPatch(SETTINGS, { ...d, confirmChangeMin: 'ten' })).toEqual({ ok: false, problem: 'confirm-change' })
  })
  it('sends a typed HR key but never an empty one; clearing the URL sends null', () => {
    const s = { ...SETTINGS, hr: { url: 'https://hr', keySet: false, shareTemplates: false } }
    expect(settingsPatch(s, { ...draftFromSettings(s), hrKey: 'secret', hrUrl: '' })).toEqual({ ok: true, patch: { hrKey: 'secret', hrUrl: null } })
    expect(draftFromSettings(s).hrKey).toBe('')
  })
  it('sends template sharing only when it changes (biometric data: off unless turned on)', () => {
    expect(draftFromSettings(SETTINGS).hrShareTemplates).toBe(false)
    expect(settingsPatch(SETTINGS, { ...draftFromSettings(SETTINGS), hrShareTemplates: true })).toEqual({ ok: true, patch: { hrShareTemplates: true } })
    const on = { ...SETTINGS, hr: { ...SETTINGS.hr, shareTemplates: true } }
    expect(draftFromSettings(on).hrShareTemplates).toBe(true)
    expect(settingsPatch(on, draftFromSettings(on))).toEqual({ ok: true, patch: {} })
    expect(settingsPatch(on, { ...draftFromSettings(on), hrShareTemplates: false })).toEqual({ ok: true, patch: { hrShareTemplates: false } })
  })
  it('chooses a camera by device id, null for the first one', () => {
    const d = { ...draftFromSettings(SETTINGS), deviceId: 'cam-2' }
    expect(settingsPatch(SETTINGS, d)).toEqual({ ok: true, patch: { camera: { deviceId: 'cam-2' } } })
  })
  it('refuses what it can tell is wrong', () => {
    expect(settingsPatch(SETTINGS, { ...draftFromSettings(SETTINGS), cooldownSec: 'abc' })).toEqual({ ok: false, problem: 'cooldown' })
    expect(settingsPatch(SETTINGS, { ...draftFromSettings(SETTINGS), cooldownSec: '' })).toEqual({ ok: false, problem: 'cooldown' })
    expect(settingsPatch(SETTINGS, { ...draftFromSettings(SETTINGS), dayBoundary: '25:00' })).toEqual({ ok: false, problem: 'day-boundary' })
    expect(settingsPatch(SETTINGS, { ...draftFromSettings(SETTINGS), checkInUntil: '9' })).toEqual({ ok: false, problem: 'check-in-until' })
  })
})
