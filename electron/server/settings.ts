import type { Database } from 'better-sqlite3'
import type { KioskSettings, LanguageSetting, SettingsPatch } from '../../src/shared/api/contract'
import type { AttendanceRules, LivenessStrictness } from '../../src/shared/domain/types'
import type { RecognitionConfig, SecurityLevel } from '../../src/shared/face/decide'
import { withDbErrors } from './db/open-db'
import { DEFAULT_RULES, validateRules } from './attendance/rules'
import { appendAudit } from './store/audit-log'
import { getSetting, setSetting } from './store/settings-store'

/** Settings keys (the `settings` table holds JSON values). */
export const SETTINGS_KEYS = {
  securityLevel: 'recognition.securityLevel',
  livenessStrictness: 'liveness.strictness',
  rules: 'attendance.rules',
  language: 'ui.language',
  camera: 'camera',
  kioskName: 'kiosk.name',
  location: 'kiosk.location',
  sound: 'ui.sound',
  hrUrl: 'hr.url',
  hrShareTemplates: 'hr.shareTemplates',
  /** a secret: stored, never returned by the API, never written to the audit log */
  hrKey: 'hr.key',
} as const

export const DEFAULT_LIVENESS_STRICTNESS: LivenessStrictness = 'normal'
export const DEFAULT_CAMERA = { deviceId: null, width: 1280, height: 720 }

/** Rules on a fresh install (attendance/rules.ts DEFAULT_RULES: toggle, the system's time zone) with the host's cooldown. */
export function defaultRules(cooldownMs: number): AttendanceRules {
  const { window, ...rest } = DEFAULT_RULES
  return { ...rest, cooldownMs, checkInUntil: window.checkInUntil }
}

export type SettingsService = {
  get(): KioskSettings
  rules(): AttendanceRules
  securityLevel(): SecurityLevel
  strictness(): LivenessStrictness
  /** the HR key, for the sync only */
  hrKey(): string | null
  /** stores the changed fields, one audit row each, all in one transaction */
  update(patch: SettingsPatch, actor: string, now: number): KioskSettings
}

export function createSettings(db: Database, opts: { recognition: RecognitionConfig; cooldownMs: number }): SettingsService {
  const K = SETTINGS_KEYS
  const rules = (): AttendanceRules => ({ ...defaultRules(opts.cooldownMs), ...(getSetting<Partial<AttendanceRules>>(db, K.rules) ?? {}) })
  const securityLevel = (): SecurityLevel => getSetting<SecurityLevel>(db, K.securityLevel) ?? opts.recognition.defaultLevel
  const strictness = (): LivenessStrictness => getSetting<LivenessStrictness>(db, K.livenessStrictness) ?? DEFAULT_LIVENESS_STRICTNESS
  const get = (): KioskSettings => {
    const r = rules()
    return {
      securityLevel: securityLevel(),
      thresholds: { ...opts.recognition.thresholds },
      livenessStrictness: strictness(),
      cooldownMs: r.cooldownMs,
      rules: r,
      language: getSetting<LanguageSetting>(db, K.language) ?? 'auto',
      camera: { ...DEFAULT_CAMERA, ...(getSetting<Partial<KioskSettings['camera']>>(db, K.camera) ?? {}) },
      kioskName: getSetting<string>(db, K.kioskName) ?? 'Hadir',
      location: getSetting<string>(db, K.location) ?? '',
      sound: getSetting<boolean>(db, K.sound) ?? true,
      hr: {
        url: getSetting<string>(db, K.hrUrl) ?? null,
        keySet: typeof getSetting<string>(db, K.hrKey) === 'string',
        shareTemplates: getSetting<boolean>(db, K.hrShareTemplates) ?? false,
      },
    }
  }
  return {
    get,
    rules,
    securityLevel,
    strictness,
    hrKey: () => getSetting<string>(db, K.hrKey) ?? null,
    update(patch, actor, now) {
      const before = get()
      withDbErrors(() =>
        db.transaction(() => {
          const change = (key: string, action: string, from: unknown, to: unknown) => {
            if (to === undefined || JSON.stringify(from) === JSON.stringify(to)) return
            if (to === null) db.prepare('DELETE FROM settings WHERE key = ?').run(key)
            else setSetting(db, key, to)
            appendAudit(db, { at: now, actor, action, subject: key, details: { from: from as never, to: to as never } })
          }
          change(K.securityLevel, 'settings.security-level', before.securityLevel, patch.securityLevel)
          change(K.livenessStrictness, 'settings.liveness-strictness', before.livenessStrictness, patch.livenessStrictness)
          if (patch.rules) {
            const { checkInUntil, ...merged } = { ...before.rules, ...patch.rules }
            // the whole rule set must make sense (e.g. window mode's check-in-until is not the day boundary)
            const { window, ...checked } = validateRules({ ...merged, window: { checkInUntil } })
            change(K.rules, 'settings.rules', before.rules, { ...checked, checkInUntil: window.checkInUntil })
          }
          change(K.language, 'settings.language', before.language, patch.language)
          if (patch.camera) change(K.camera, 'settings.camera', before.camera, { ...before.camera, ...patch.camera })
          change(K.kioskName, 'settings.kiosk-name', before.kioskName, patch.kioskName)
          change(K.location, 'settings.location', before.location, patch.location)
          change(K.sound, 'settings.sound', before.sound, patch.sound)
          change(K.hrUrl, 'settings.hr-url', before.hr.url, patch.hrUrl)
          change(K.hrShareTemplates, 'settings.hr-share-templates', before.hr.shareTemplates, patch.hrShareTemplates)
          if (patch.hrKey !== undefined) {
            // the key itself never reaches the audit log
            if (patch.hrKey === null) db.prepare('DELETE FROM settings WHERE key = ?').run(K.hrKey)
            else setSetting(db, K.hrKey, patch.hrKey)
            appendAudit(db, { at: now, actor, action: 'settings.hr-key', subject: K.hrKey, details: { set: patch.hrKey !== null } })
          }
        })(),
      )
      return get()
    },
  }
}
