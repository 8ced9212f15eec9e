import type { Database } from 'better-sqlite3'
import type { FallbackSettings, KioskSettings, LanguageSetting, SettingsPatch } from '../../src/shared/api/contract'
import type { AttendanceRules, LivenessStrictness, WorkSchedule } from '../../src/shared/domain/types'
import { SECURITY_LEVELS, levelThreshold, type RecognitionConfig, type SecurityLevel } from '../../src/shared/face/decide'
import { HadirError } from '../../src/shared/api/result'
import { withDbErrors } from './db/sqlite'
import { open, seal } from './secrets/crypto-box'
import { dataKeyOf } from './secrets/store-key'
import { DEFAULT_RULES, validateRules } from './attendance/rules'
import { validateSchedule } from './attendance/schedule'
import { personScheduleMap } from './store/schedule-store'
import { appendAudit } from './store/audit-log'
import { getSetting, setSetting } from './store/settings-store'
import { DEFAULT_PRIVACY_NOTICE, DEFAULT_RECENT_DISPLAY, type RecentDisplay } from '../../src/shared/privacy/privacy'

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
  startAtLogin: 'kiosk.startAtLogin',
  hrUrl: 'hr.url',
  hrShareTemplates: 'hr.shareTemplates',
  /** the office's default work schedule (WorkSchedule JSON); absent: none */
  schedule: 'attendance.schedule',
  /** PIN / badge fallbacks and face AND PIN (FallbackSettings JSON); absent: off */
  fallback: 'kiosk.fallback',
  /** the kiosk's privacy notice per language ({ id?, en? }); a missing language shows the default text */
  privacyNotice: 'privacy.notice',
  /** what the kiosk's recent list shows: names | initials | none */
  recentDisplay: 'privacy.recentDisplay',
  /** a secret: stored sealed (`{ "sealed": base64 }`), never returned by the API, never written to the audit log */
  hrKey: 'hr.key',
} as const

/** Settings that hold secrets: sealed at rest under the data key, bound to their key name. */
export const SECRET_SETTINGS: readonly string[] = [SETTINGS_KEYS.hrKey]

/** How a secret setting is stored: the crypto-box blob in base64, inside the JSON value. */
type SealedSetting = { sealed: string }

const isSealedSetting = (v: unknown): v is SealedSetting =>
  typeof v === 'object' && v !== null && typeof (v as { sealed?: unknown }).sealed === 'string'

const secretAad = (name: string): string => `setting:${name}`

function sealSecret(name: string, value: string, key: Uint8Array): SealedSetting {
  return { sealed: seal(Buffer.from(value, 'utf8'), key, secretAad(name)).toString('base64') }
}

/** A secret setting, decrypted; null when absent. 'data-key-wrong' if it does not open, 'db-corrupt' if stored in clear. */
export function readSecretSetting(db: Database, name: string): string | null {
  const v = getSetting<unknown>(db, name)
  if (v === undefined) return null
  if (!isSealedSetting(v)) throw new HadirError('db-corrupt', `The setting ${name} is stored unencrypted; it was not written by this app.`, { key: name })
  const plain = open(Buffer.from(v.sealed, 'base64'), dataKeyOf(db), secretAad(name))
  try {
    return plain.toString('utf8')
  } finally {
    plain.fill(0)
  }
}

/** Stores a secret setting sealed with the store's data key. */
export function writeSecretSetting(db: Database, name: string, value: string): void {
  setSetting(db, name, sealSecret(name, value, dataKeyOf(db)))
}

/**
 * Seals the secret settings still stored in clear (a JSON string: an install from before sealing);
 * returns their names. Call inside the caller's transaction.
 */
export function sealClearSecrets(db: Database, key: Uint8Array): string[] {
  const done: string[] = []
  for (const name of SECRET_SETTINGS) {
    const v = getSetting<unknown>(db, name)
    if (typeof v !== 'string') continue
    setSetting(db, name, sealSecret(name, v, key))
    done.push(name)
  }
  return done
}

/**
 * The changes of `patch` that ask for the admin PIN again (issue #14): the HR address or key and
 * template sharing (where attendance and templates go), the security level, liveness turned off.
 */
export function sensitiveChanges(patch: SettingsPatch, current: KioskSettings): string[] {
  const fields: string[] = []
  if (patch.hrUrl !== undefined && patch.hrUrl !== current.hr.url) fields.push('hrUrl')
  if (patch.hrKey !== undefined) fields.push('hrKey')
  if (patch.hrShareTemplates !== undefined && patch.hrShareTemplates !== current.hr.shareTemplates) fields.push('hrShareTemplates')
  if (patch.securityLevel !== undefined && patch.securityLevel !== current.securityLevel) fields.push('securityLevel')
  if (patch.livenessStrictness === 'off' && current.livenessStrictness !== 'off') fields.push('livenessStrictness')
  // a way in without the face: a PIN alone, or a badge
  const fb = current.fallback ?? DEFAULT_FALLBACK
  if (patch.fallback?.mode !== undefined && patch.fallback.mode !== fb.mode && patch.fallback.mode !== 'off') fields.push('fallback')
  return fields
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

/** Templates (biometric data) travel only over https:, or plain http: to this machine (the reference server in tests). */
export function templateSharingAllowed(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.test(u.hostname))
  } catch {
    return false
  }
}

export const DEFAULT_LIVENESS_STRICTNESS: LivenessStrictness = 'normal'
export const DEFAULT_CAMERA = { deviceId: null, width: 1280, height: 720 }
export const DEFAULT_FALLBACK: FallbackSettings = { mode: 'off', requireFacePin: false }

/** Rules on a fresh install (attendance/rules.ts DEFAULT_RULES: toggle, the system's time zone) with the host's cooldown. */
export function defaultRules(cooldownMs: number): AttendanceRules {
  return { ...DEFAULT_RULES, cooldownMs }
}

export type SettingsService = {
  get(): KioskSettings
  rules(): AttendanceRules
  securityLevel(): SecurityLevel
  strictness(): LivenessStrictness
  /** the office's default work schedule, null when none */
  schedule(): WorkSchedule | null
  /** what attendance/recent may show of each person */
  recentDisplay(): RecentDisplay
  /** the HR key, for the sync only */
  hrKey(): string | null
  /** PIN / badge fallbacks and face AND PIN */
  fallback(): FallbackSettings
  /** stores the changed fields, one audit row each, all in one transaction */
  update(patch: SettingsPatch, actor: string, now: number): KioskSettings
}

export function createSettings(db: Database, opts: { recognition: RecognitionConfig; cooldownMs: number; /** templates in the gallery: a level's threshold follows it */ galleryTemplates?: () => number }): SettingsService {
  const K = SETTINGS_KEYS
  const rules = (): AttendanceRules => ({ ...defaultRules(opts.cooldownMs), ...(getSetting<Partial<AttendanceRules>>(db, K.rules) ?? {}) })
  const securityLevel = (): SecurityLevel => getSetting<SecurityLevel>(db, K.securityLevel) ?? opts.recognition.defaultLevel
  const strictness = (): LivenessStrictness => getSetting<LivenessStrictness>(db, K.livenessStrictness) ?? DEFAULT_LIVENESS_STRICTNESS
  const schedule = (): WorkSchedule | null => getSetting<WorkSchedule>(db, K.schedule) ?? null
  const fallback = (): FallbackSettings => ({ ...DEFAULT_FALLBACK, ...(getSetting<Partial<FallbackSettings>>(db, K.fallback) ?? {}) })
  const recentDisplay = (): RecentDisplay => getSetting<RecentDisplay>(db, K.recentDisplay) ?? DEFAULT_RECENT_DISPLAY
  const storedNotice = (): { id?: string; en?: string } => getSetting<{ id?: string; en?: string }>(db, K.privacyNotice) ?? {}
  const get = (): KioskSettings => {
    const r = rules()
    return {
      securityLevel: securityLevel(),
      thresholds: { ...opts.recognition.thresholds },
      ...(opts.galleryTemplates && opts.recognition.scoreTable
        ? { galleryThresholds: Object.fromEntries(SECURITY_LEVELS.map((l) => [l, levelThreshold(opts.recognition, l, (opts.galleryTemplates as () => number)())])) as Record<SecurityLevel, number> }
        : {}),
      livenessStrictness: strictness(),
      cooldownMs: r.cooldownMs,
      rules: r,
      language: getSetting<LanguageSetting>(db, K.language) ?? 'auto',
      camera: { ...DEFAULT_CAMERA, ...(getSetting<Partial<KioskSettings['camera']>>(db, K.camera) ?? {}) },
      kioskName: getSetting<string>(db, K.kioskName) ?? 'Hadir',
      location: getSetting<string>(db, K.location) ?? '',
      sound: getSetting<boolean>(db, K.sound) ?? true,
      startAtLogin: getSetting<boolean>(db, K.startAtLogin) ?? false,
      hr: {
        url: getSetting<string>(db, K.hrUrl) ?? null,
        // present, sealed or not: the value itself is never read here
        keySet: getSetting<unknown>(db, K.hrKey) !== undefined,
        shareTemplates: getSetting<boolean>(db, K.hrShareTemplates) ?? false,
      },
      schedule: schedule(),
      fallback: fallback(),
      privacyNotice: { ...DEFAULT_PRIVACY_NOTICE, ...storedNotice() },
      recentDisplay: recentDisplay(),
    }
  }
  return {
    get,
    rules,
    securityLevel,
    strictness,
    schedule,
    recentDisplay,
    hrKey: () => readSecretSetting(db, K.hrKey),
    fallback,
    update(patch, actor, now) {
      const before = get()
      const url = patch.hrUrl !== undefined ? patch.hrUrl : before.hr.url
      const share = patch.hrShareTemplates ?? before.hr.shareTemplates
      if (share && url !== null && !templateSharingAllowed(url)) {
        throw new HadirError('insecure-hr-url', `Face templates are shared only over https:// (plain http:// only to this machine): ${url.slice(0, 100)} is refused while sharing is on`, {
          field: patch.hrUrl !== undefined ? 'hrUrl' : 'hrShareTemplates',
        })
      }
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
          let rulesAfter = before.rules
          if (patch.rules) {
            // the whole rule set must make sense (e.g. window mode's check-in-until is not the day boundary)
            rulesAfter = validateRules({ ...before.rules, ...patch.rules })
            change(K.rules, 'settings.rules', before.rules, rulesAfter)
          }
          // schedules are read from the work day's start: a new boundary must keep every one valid
          const scheduleAfter = patch.schedule === undefined ? (before.schedule ?? null) : patch.schedule
          if (scheduleAfter !== null) validateSchedule(scheduleAfter, rulesAfter.dayBoundary, 'schedule')
          if (rulesAfter.dayBoundary !== before.rules.dayBoundary) {
            for (const [personId, own] of personScheduleMap(db)) validateSchedule(own, rulesAfter.dayBoundary, `schedule of ${personId}`)
          }
          if (patch.schedule !== undefined) {
            change(K.schedule, 'settings.schedule', before.schedule ?? null, patch.schedule === null ? null : validateSchedule(patch.schedule, rulesAfter.dayBoundary))
          }
          if (patch.fallback) change(K.fallback, 'settings.fallback', before.fallback, { ...(before.fallback ?? DEFAULT_FALLBACK), ...patch.fallback })
          change(K.language, 'settings.language', before.language, patch.language)
          if (patch.camera) change(K.camera, 'settings.camera', before.camera, { ...before.camera, ...patch.camera })
          change(K.kioskName, 'settings.kiosk-name', before.kioskName, patch.kioskName)
          change(K.location, 'settings.location', before.location, patch.location)
          change(K.sound, 'settings.sound', before.sound, patch.sound)
          change(K.startAtLogin, 'settings.start-at-login', before.startAtLogin, patch.startAtLogin)
          change(K.recentDisplay, 'settings.recent-display', recentDisplay(), patch.recentDisplay)
          if (patch.privacyNotice) {
            const was = storedNotice()
            const next: { id?: string; en?: string } = { ...was }
            for (const l of ['id', 'en'] as const) {
              const v = patch.privacyNotice[l]
              if (v === null || v === DEFAULT_PRIVACY_NOTICE[l]) delete next[l]
              else if (v !== undefined) next[l] = v
            }
            change(K.privacyNotice, 'settings.privacy-notice', Object.keys(was).length ? was : null, Object.keys(next).length ? next : null)
          }
          change(K.hrUrl, 'settings.hr-url', before.hr.url, patch.hrUrl)
          change(K.hrShareTemplates, 'settings.hr-share-templates', before.hr.shareTemplates, patch.hrShareTemplates)
          if (patch.hrKey !== undefined) {
            // the key itself never reaches the audit log
            if (patch.hrKey === null) db.prepare('DELETE FROM settings WHERE key = ?').run(K.hrKey)
            else writeSecretSetting(db, K.hrKey, patch.hrKey)
            appendAudit(db, { at: now, actor, action: 'settings.hr-key', subject: K.hrKey, details: { set: patch.hrKey !== null } })
          } else if (patch.hrUrl !== undefined && patch.hrUrl !== before.hr.url && before.hr.keySet) {
            // the key belongs to the old server: it never goes to a new address unless entered again
            db.prepare('DELETE FROM settings WHERE key = ?').run(K.hrKey)
            appendAudit(db, { at: now, actor, action: 'settings.hr-key', subject: K.hrKey, details: { set: false, reason: 'hr-url-changed' } })
          }
        })(),
      )
      return get()
    },
  }
}
