import type { KioskSettings, LanguageSetting, SettingsPatch } from '../../shared/api/contract'
import type { SecurityLevel } from '../../shared/face/decide'
import type { CheckInMode, LivenessStrictness } from '../../shared/domain/types'
import { isHourMinute } from './dates'
import { DEFAULT_PRIVACY_NOTICE, DEFAULT_RECENT_DISPLAY, type RecentDisplay } from '../../shared/privacy/privacy'

/** Resolutions the kiosk camera may ask for. */
export const RESOLUTIONS: ReadonlyArray<{ width: number; height: number }> = [
  { width: 640, height: 480 },
  { width: 1280, height: 720 },
]

/** What the settings form edits (text fields as typed). */
export type SettingsDraft = {
  language: LanguageSetting
  securityLevel: SecurityLevel
  livenessStrictness: LivenessStrictness
  mode: CheckInMode
  /** cooldown in seconds, as typed */
  cooldownSec: string
  /** presence window in seconds, as typed (one presence, one record) */
  presenceSec: string
  /** minutes after the last record in which a change of direction is asked, as typed */
  confirmChangeMin: string
  dayBoundary: string
  timeZone: string
  checkInUntil: string
  /** null: the first camera */
  deviceId: string | null
  /** 'WIDTHxHEIGHT' */
  resolution: string
  kioskName: string
  location: string
  sound: boolean
  startAtLogin: boolean
  hrUrl: string
  /** a new HR key; '' leaves the stored key as it is */
  hrKey: string
  /** enrollments (face templates, biometric data) go to the company's other kiosks through HR */
  hrShareTemplates: boolean
  /** the kiosk's privacy notice per language, as typed ('' brings the default text back) */
  privacyNoticeId?: string
  privacyNoticeEn?: string
  /** what the kiosk's recent list shows */
  recentDisplay?: RecentDisplay
}

export const resolutionValue = (width: number, height: number) => `${width}x${height}`

export function draftFromSettings(s: KioskSettings): SettingsDraft {
  return {
    language: s.language,
    securityLevel: s.securityLevel,
    livenessStrictness: s.livenessStrictness,
    mode: s.rules.mode,
    cooldownSec: String(Math.round(s.rules.cooldownMs / 1000)),
    presenceSec: String(Math.round((s.rules.presenceMs ?? 120_000) / 1000)),
    confirmChangeMin: String(Math.round(((s.rules.confirmChangeMs ?? 600_000) / 60_000) * 100) / 100),
    dayBoundary: s.rules.dayBoundary,
    timeZone: s.rules.timeZone,
    checkInUntil: s.rules.checkInUntil,
    deviceId: s.camera.deviceId,
    resolution: resolutionValue(s.camera.width, s.camera.height),
    kioskName: s.kioskName,
    location: s.location,
    sound: s.sound,
    startAtLogin: s.startAtLogin ?? false,
    hrUrl: s.hr.url ?? '',
    hrKey: '',
    hrShareTemplates: s.hr.shareTemplates === true,
    privacyNoticeId: (s.privacyNotice ?? DEFAULT_PRIVACY_NOTICE).id,
    privacyNoticeEn: (s.privacyNotice ?? DEFAULT_PRIVACY_NOTICE).en,
    recentDisplay: s.recentDisplay ?? DEFAULT_RECENT_DISPLAY,
  }
}

/** A field the form itself refuses before asking the host. */
export type DraftProblem = 'cooldown' | 'presence' | 'confirm-change' | 'day-boundary' | 'check-in-until' | 'resolution'

/**
 * Only what changed, as a SettingsPatch (an empty patch means nothing to save), or the first field
 * the form can tell is wrong. The host validates again and names the field it refuses.
 */
export function settingsPatch(s: KioskSettings, d: SettingsDraft): { ok: true; patch: SettingsPatch } | { ok: false; problem: DraftProblem } {
  const patch: SettingsPatch = {}
  if (d.language !== s.language) patch.language = d.language
  if (d.securityLevel !== s.securityLevel) patch.securityLevel = d.securityLevel
  if (d.livenessStrictness !== s.livenessStrictness) patch.livenessStrictness = d.livenessStrictness

  const rules: NonNullable<SettingsPatch['rules']> = {}
  if (d.mode !== s.rules.mode) rules.mode = d.mode
  const sec = d.cooldownSec.trim() === '' ? NaN : Number(d.cooldownSec)
  if (!Number.isFinite(sec) || sec < 0) return { ok: false, problem: 'cooldown' }
  const cooldownMs = Math.round(sec * 1000)
  if (cooldownMs !== s.rules.cooldownMs) rules.cooldownMs = cooldownMs
  const presenceSec = d.presenceSec.trim() === '' ? NaN : Number(d.presenceSec)
  if (!Number.isFinite(presenceSec) || presenceSec < 0 || presenceSec > 30 * 60) return { ok: false, problem: 'presence' }
  const presenceMs = Math.round(presenceSec * 1000)
  if (presenceMs !== (s.rules.presenceMs ?? 120_000)) rules.presenceMs = presenceMs
  const confirmMin = d.confirmChangeMin.trim() === '' ? NaN : Number(d.confirmChangeMin)
  if (!Number.isFinite(confirmMin) || confirmMin < 0 || confirmMin > 120) return { ok: false, problem: 'confirm-change' }
  const confirmChangeMs = Math.round(confirmMin * 60_000)
  if (confirmChangeMs !== (s.rules.confirmChangeMs ?? 600_000)) rules.confirmChangeMs = confirmChangeMs
  if (d.dayBoundary !== s.rules.dayBoundary) {
    if (!isHourMinute(d.dayBoundary)) return { ok: false, problem: 'day-boundary' }
    rules.dayBoundary = d.dayBoundary
  }
  if (d.timeZone !== s.rules.timeZone) rules.timeZone = d.timeZone
  if (d.checkInUntil !== s.rules.checkInUntil) {
    if (!isHourMinute(d.checkInUntil)) return { ok: false, problem: 'check-in-until' }
    rules.checkInUntil = d.checkInUntil
  }
  if (Object.keys(rules).length > 0) patch.rules = rules

  const camera: NonNullable<SettingsPatch['camera']> = {}
  if (d.deviceId !== s.camera.deviceId) camera.deviceId = d.deviceId
  const res = /^(\d+)x(\d+)$/.exec(d.resolution)
  if (!res) return { ok: false, problem: 'resolution' }
  const width = Number(res[1])
  const height = Number(res[2])
  if (width !== s.camera.width || height !== s.camera.height) {
    camera.width = width
    camera.height = height
  }
  if (Object.keys(camera).length > 0) patch.camera = camera

  if (d.kioskName !== s.kioskName) patch.kioskName = d.kioskName
  if (d.location !== s.location) patch.location = d.location
  if (d.sound !== s.sound) patch.sound = d.sound
  if (d.startAtLogin !== (s.startAtLogin ?? false)) patch.startAtLogin = d.startAtLogin
  const hrUrl = d.hrUrl.trim() === '' ? null : d.hrUrl.trim()
  if (hrUrl !== s.hr.url) patch.hrUrl = hrUrl
  if (d.hrKey !== '') patch.hrKey = d.hrKey
  if (d.hrShareTemplates !== (s.hr.shareTemplates === true)) patch.hrShareTemplates = d.hrShareTemplates
  if (d.recentDisplay !== undefined && d.recentDisplay !== (s.recentDisplay ?? DEFAULT_RECENT_DISPLAY)) patch.recentDisplay = d.recentDisplay
  const notice = s.privacyNotice ?? DEFAULT_PRIVACY_NOTICE
  const noticePatch: NonNullable<SettingsPatch['privacyNotice']> = {}
  for (const [lang, typed] of [['id', d.privacyNoticeId], ['en', d.privacyNoticeEn]] as const) {
    if (typed === undefined || typed.trim() === notice[lang]) continue
    noticePatch[lang] = typed.trim() === '' ? null : typed.trim()
  }
  if (Object.keys(noticePatch).length > 0) patch.privacyNotice = noticePatch
  return { ok: true, patch }
}

export const isEmptyPatch = (p: SettingsPatch) => Object.keys(p).length === 0
