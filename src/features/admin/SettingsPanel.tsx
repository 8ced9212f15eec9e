import { useEffect, useMemo, useState } from 'react'
import { FallbackSettingsSection } from './FallbackSettingsSection'
import type { ApiClient } from '../../api/api-client'
import { langFromLocales } from '../../i18n/messages'
import type { KioskSettings, LanguageSetting, SettingsPatch } from '../../shared/api/contract'
import { SECURITY_LEVELS, type SecurityLevel } from '../../shared/face/decide'
import type { CheckInMode, LivenessStrictness } from '../../shared/domain/types'
import { useAdminStore } from '../../store/admin-store'
import { useKioskStore } from '../../store/kiosk-store'
import { adminInvoke } from './admin-api'
import { ta, type AdminMessageKey } from './messages'
import { MIN_PIN_LENGTH, sanitizePin } from './pin'
import { draftFromSettings, isEmptyPatch, RESOLUTIONS, resolutionValue, settingsPatch, type DraftProblem, type SettingsDraft } from './settings-form'
import { NoticeLine, useLang, type Notice } from './ui'
import { RECENT_DISPLAYS, type RecentDisplay } from '../../shared/privacy/privacy'

const LANGUAGES: LanguageSetting[] = ['auto', 'id', 'en']
const STRICTNESS: LivenessStrictness[] = ['off', 'normal', 'strict']
const MODES: CheckInMode[] = ['toggle', 'window', 'ask']
const PROBLEM: Record<DraftProblem, AdminMessageKey> = {
  cooldown: 'set.problem.cooldown',
  presence: 'set.problem.presence',
  'confirm-change': 'set.problem.confirm-change',
  'day-boundary': 'set.problem.day-boundary',
  'check-in-until': 'set.problem.check-in-until',
  resolution: 'set.problem.resolution',
}

type Camera = { deviceId: string; label: string }

function timeZones(current: string): string[] {
  let zones: string[]
  try {
    zones = Intl.supportedValuesOf('timeZone')
  } catch {
    zones = []
  }
  return zones.includes(current) ? zones : [current, ...zones]
}

/** The kiosk's language follows a saved language setting at once. */
function applyLanguage(setting: LanguageSetting): void {
  const lang = setting === 'auto' ? langFromLocales(navigator.languages?.length ? navigator.languages : [navigator.language]) : setting
  useKioskStore.getState().setLang(lang)
}

export function SettingsPanel({ api }: { api: ApiClient }) {
  const lang = useLang()
  const hostKind = useKioskStore((s) => s.hostInfo?.kind)
  const [settings, setSettings] = useState<KioskSettings | null>(null)
  const [draft, setDraft] = useState<SettingsDraft | null>(null)
  const [cameras, setCameras] = useState<Camera[]>([])
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  /** a sensitive change waiting for the PIN again (the host answered pin-required) */
  const [confirming, setConfirming] = useState<SettingsPatch | null>(null)
  const [confirmPin, setConfirmPin] = useState('')

  useEffect(() => {
    let live = true
    void api.invoke('settings/get', {}).then((r) => {
      if (!live) return
      if (r.ok) {
        setSettings(r.data)
        setDraft(draftFromSettings(r.data))
      } else setNotice({ kind: 'error', error: r.error })
    })
    void navigator.mediaDevices
      ?.enumerateDevices()
      .then((devices) => {
        if (live) setCameras(devices.filter((d) => d.kind === 'videoinput').map((d) => ({ deviceId: d.deviceId, label: d.label })))
      })
      .catch(() => undefined)
    return () => {
      live = false
    }
    // loaded once when the tab opens
  }, [api])

  const zones = useMemo(() => (settings ? timeZones(settings.rules.timeZone) : []), [settings])

  const send = async (patch: SettingsPatch, done: AdminMessageKey) => {
    setBusy(true)
    try {
      const r = await adminInvoke(api, 'settings/update', patch)
      if (!r.ok) {
        // the HR address or key, template sharing, the security level, liveness off: the PIN again
        if (r.error.code === 'pin-required') {
          setConfirming(patch)
          setConfirmPin('')
        }
        setNotice({ kind: 'error', error: r.error })
        return
      }
      setConfirming(null)
      setSettings(r.data)
      // the kiosk screen behind shows the saved name, location and notice at once (no reload)
      useKioskStore.getState().setSettings(r.data)
      setDraft(draftFromSettings(r.data))
      if (patch.language !== undefined) applyLanguage(r.data.language)
      setNotice({ kind: 'info', key: done })
    } finally {
      setBusy(false)
    }
  }

  const save = () => {
    if (!settings || !draft) return
    const p = settingsPatch(settings, draft)
    if (!p.ok) {
      setNotice({ kind: 'error', key: PROBLEM[p.problem] })
      return
    }
    if (isEmptyPatch(p.patch)) {
      setNotice({ kind: 'info', key: 'set.nothing-changed' })
      return
    }
    void send(p.patch, 'set.saved')
  }

  if (!settings || !draft) {
    return (
      <section className="admin-panel" data-testid="settings-panel">
        <NoticeLine notice={notice} testId="settings-message" />
        {notice ? null : <p className="admin-muted">{ta(lang, 'common.loading')}</p>}
      </section>
    )
  }

  const set = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => setDraft({ ...draft, [key]: value })
  const resolutions = RESOLUTIONS.map((r) => resolutionValue(r.width, r.height))
  if (!resolutions.includes(draft.resolution)) resolutions.push(draft.resolution)
  const cameraKnown = draft.deviceId === null || cameras.some((c) => c.deviceId === draft.deviceId)

  return (
    <section className="admin-panel" data-testid="settings-panel">
      <form
        className="admin-form admin-settings"
        onSubmit={(e) => {
          e.preventDefault()
          save()
        }}
      >
        <fieldset className="admin-fieldset">
          <legend>{ta(lang, 'set.section.recognition')}</legend>
          <label className="admin-field">
            <span>{ta(lang, 'set.language')}</span>
            <select className="admin-input" data-testid="set-language" value={draft.language} onChange={(e) => set('language', LANGUAGES.find((l) => l === e.target.value) ?? 'auto')}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {ta(lang, `set.language.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.security')}</span>
            <select className="admin-input" data-testid="set-security" value={draft.securityLevel} onChange={(e) => set('securityLevel', SECURITY_LEVELS.find((l) => l === e.target.value) ?? 'normal')}>
              {SECURITY_LEVELS.map((l: SecurityLevel) => (
                <option key={l} value={l}>
                  {ta(lang, `set.security.${l}`)} — {ta(lang, 'set.threshold', { value: (settings.galleryThresholds ?? settings.thresholds)[l].toFixed(2) })}
                </option>
              ))}
            </select>
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.liveness')}</span>
            <select className="admin-input" data-testid="set-liveness" value={draft.livenessStrictness} onChange={(e) => set('livenessStrictness', STRICTNESS.find((l) => l === e.target.value) ?? 'normal')}>
              {STRICTNESS.map((l) => (
                <option key={l} value={l}>
                  {ta(lang, `set.liveness.${l}`)}
                </option>
              ))}
            </select>
          </label>
        </fieldset>

        <fieldset className="admin-fieldset">
          <legend>{ta(lang, 'set.section.rules')}</legend>
          <label className="admin-field">
            <span>{ta(lang, 'set.mode')}</span>
            <select className="admin-input" data-testid="set-mode" value={draft.mode} onChange={(e) => set('mode', MODES.find((m) => m === e.target.value) ?? 'toggle')}>
              {MODES.map((m) => (
                <option key={m} value={m}>
                  {ta(lang, `set.mode.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.cooldown')}</span>
            <input className="admin-input" type="number" min={0} step={1} inputMode="numeric" data-testid="set-cooldown" value={draft.cooldownSec} onChange={(e) => set('cooldownSec', e.target.value)} />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.presence')}</span>
            <input className="admin-input" type="number" min={0} max={1800} step={1} inputMode="numeric" data-testid="set-presence" value={draft.presenceSec} onChange={(e) => set('presenceSec', e.target.value)} />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.confirm-change')}</span>
            <input className="admin-input" type="number" min={0} max={120} step={1} inputMode="numeric" data-testid="set-confirm-change" value={draft.confirmChangeMin} onChange={(e) => set('confirmChangeMin', e.target.value)} />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.day-boundary')}</span>
            <input className="admin-input" type="time" data-testid="set-day-boundary" value={draft.dayBoundary} onChange={(e) => set('dayBoundary', e.target.value)} />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.timezone')}</span>
            <select className="admin-input" data-testid="set-timezone" value={draft.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.check-in-until')}</span>
            <input className="admin-input" type="time" data-testid="set-check-in-until" value={draft.checkInUntil} disabled={draft.mode !== 'window'} onChange={(e) => set('checkInUntil', e.target.value)} />
          </label>
        </fieldset>

        <fieldset className="admin-fieldset">
          <legend>{ta(lang, 'set.section.kiosk')}</legend>
          <label className="admin-field">
            <span>{ta(lang, 'set.camera')}</span>
            <select className="admin-input" data-testid="set-camera" value={draft.deviceId ?? ''} onChange={(e) => set('deviceId', e.target.value === '' ? null : e.target.value)}>
              <option value="">{ta(lang, 'set.camera.first')}</option>
              {cameras.map((c, i) => (
                <option key={c.deviceId || i} value={c.deviceId}>
                  {c.label || ta(lang, 'set.camera.unnamed', { n: String(i + 1) })}
                </option>
              ))}
              {cameraKnown || draft.deviceId === null ? null : <option value={draft.deviceId}>{ta(lang, 'set.camera.missing')}</option>}
            </select>
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.resolution')}</span>
            <select className="admin-input" data-testid="set-resolution" value={draft.resolution} onChange={(e) => set('resolution', e.target.value)}>
              {resolutions.map((r) => (
                <option key={r} value={r}>
                  {r.replace('x', ' × ')}
                </option>
              ))}
            </select>
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.kiosk-name')}</span>
            <input className="admin-input" data-testid="set-kiosk-name" value={draft.kioskName} onChange={(e) => set('kioskName', e.target.value)} />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.location')}</span>
            <input className="admin-input" data-testid="set-location" value={draft.location} onChange={(e) => set('location', e.target.value)} />
          </label>
          <label className="admin-check">
            <input type="checkbox" data-testid="set-sound" checked={draft.sound} onChange={(e) => set('sound', e.target.checked)} />
            <span>{ta(lang, 'set.sound')}</span>
          </label>
          {hostKind === 'electron' ? (
            <label className="admin-check">
              <input type="checkbox" data-testid="set-start-at-login" checked={draft.startAtLogin} onChange={(e) => set('startAtLogin', e.target.checked)} />
              <span>{ta(lang, 'set.start-at-login')}</span>
            </label>
          ) : null}
        </fieldset>

        <fieldset className="admin-fieldset" data-testid="set-privacy">
          <legend>{ta(lang, 'set.privacy.title')}</legend>
          <label className="admin-field">
            <span>{ta(lang, 'set.privacy.recent')}</span>
            <select className="admin-input" data-testid="set-recent-display" value={draft.recentDisplay} onChange={(e) => set('recentDisplay', RECENT_DISPLAYS.find((m) => m === e.target.value) ?? ('initials' satisfies RecentDisplay))}>
              {RECENT_DISPLAYS.map((m) => (
                <option key={m} value={m}>
                  {ta(lang, `set.privacy.recent.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.privacy.notice-id')}</span>
            <textarea className="admin-input" rows={3} maxLength={600} data-testid="set-privacy-notice-id" value={draft.privacyNoticeId} onChange={(e) => set('privacyNoticeId', e.target.value)} />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.privacy.notice-en')}</span>
            <textarea className="admin-input" rows={3} maxLength={600} data-testid="set-privacy-notice-en" value={draft.privacyNoticeEn} onChange={(e) => set('privacyNoticeEn', e.target.value)} />
          </label>
          <p className="admin-muted">{ta(lang, 'set.privacy.notice-hint')}</p>
        </fieldset>

        <fieldset className="admin-fieldset">
          <legend>{ta(lang, 'set.section.hr')}</legend>
          <label className="admin-field">
            <span>{ta(lang, 'set.hr-url')}</span>
            <input className="admin-input" type="url" placeholder="https://" data-testid="set-hr-url" value={draft.hrUrl} onChange={(e) => set('hrUrl', e.target.value)} />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'set.hr-key')}</span>
            <input
              className="admin-input"
              type="password"
              autoComplete="new-password"
              placeholder={ta(lang, settings.hr.keySet ? 'set.hr-key.replace' : 'set.hr-key.placeholder')}
              data-testid="set-hr-key"
              value={draft.hrKey}
              onChange={(e) => set('hrKey', e.target.value)}
            />
          </label>
          <div className="admin-hr-key-status">
            <span className={settings.hr.keySet ? 'admin-badge admin-badge-ok' : 'admin-badge admin-badge-off'} data-testid="hr-key-status" data-key-set={settings.hr.keySet}>
              {ta(lang, settings.hr.keySet ? 'set.hr-key.stored' : 'set.hr-key.none')}
            </span>
            {settings.hr.keySet ? (
              <button type="button" className="admin-btn admin-btn-danger" data-testid="hr-key-remove" disabled={busy} onClick={() => void send({ hrKey: null }, 'set.hr-key.removed')}>
                {ta(lang, 'set.hr-key.remove')}
              </button>
            ) : null}
          </div>
          <div className="admin-check-block">
            <label className="admin-check">
              <input type="checkbox" data-testid="set-hr-share-templates" checked={draft.hrShareTemplates} onChange={(e) => set('hrShareTemplates', e.target.checked)} />
              <span>{ta(lang, 'set.hr-share')}</span>
            </label>
            <p className="admin-check-hint admin-muted" data-testid="set-hr-share-templates-hint">
              {ta(lang, 'set.hr-share.hint')}
            </p>
          </div>
        </fieldset>

        <NoticeLine notice={notice} testId="settings-message" />
        {confirming ? (
          <div className="admin-field" data-testid="settings-confirm-pin">
            <span>{ta(lang, 'set.confirm-pin')}</span>
            <input
              className="admin-input"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              autoFocus
              data-testid="settings-confirm-pin-input"
              value={confirmPin}
              onChange={(e) => setConfirmPin(sanitizePin(e.target.value))}
            />
            <button
              type="button"
              className="admin-btn admin-btn-primary"
              data-testid="settings-confirm-pin-ok"
              disabled={busy || confirmPin === ''}
              onClick={() => void send({ ...confirming, pin: confirmPin }, 'set.saved')}
            >
              {ta(lang, 'common.ok')}
            </button>
          </div>
        ) : null}
        <div className="admin-actions">
          <button type="submit" className="admin-btn admin-btn-primary" data-testid="settings-save" disabled={busy}>
            {ta(lang, 'common.save')}
          </button>
          <button
            type="button"
            className="admin-btn"
            data-testid="settings-reset"
            onClick={() => {
              setDraft(draftFromSettings(settings))
              setNotice(null)
            }}
          >
            {ta(lang, 'set.undo')}
          </button>
        </div>
      </form>
      <ChangePin api={api} />
      <FallbackSettingsSection api={api} />
    </section>
  )
}

/** A new PIN (twice) for the open session; the host answers with a new session token. */
function ChangePin({ api }: { api: ApiClient }) {
  const lang = useLang()
  const [pin, setPin] = useState('')
  const [again, setAgain] = useState('')
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    if (pin.length < MIN_PIN_LENGTH) {
      setNotice({ kind: 'error', key: 'err.pin-too-short', vars: { min: String(MIN_PIN_LENGTH) } })
      return
    }
    if (pin !== again) {
      setNotice({ kind: 'error', key: 'pin.mismatch.change' })
      return
    }
    const token = useAdminStore.getState().token
    if (!token) return
    setBusy(true)
    const r = await api.invoke('admin/set-pin', { pin, token })
    setBusy(false)
    if (!r.ok) {
      if (r.error.code === 'admin-required') useAdminStore.getState().close()
      setNotice({ kind: 'error', error: r.error })
      return
    }
    useAdminStore.getState().renewSession(r.data)
    setPin('')
    setAgain('')
    setNotice({ kind: 'info', key: 'set.pin-changed' })
  }
  return (
    <form
      className="admin-form admin-change-pin"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <fieldset className="admin-fieldset">
        <legend>{ta(lang, 'set.change-pin')}</legend>
        <label className="admin-field">
          <span>{ta(lang, 'set.new-pin')}</span>
          <input className="admin-input" type="password" inputMode="numeric" autoComplete="new-password" data-testid="change-pin-new" value={pin} onChange={(e) => setPin(sanitizePin(e.target.value))} />
        </label>
        <label className="admin-field">
          <span>{ta(lang, 'set.new-pin-again')}</span>
          <input className="admin-input" type="password" inputMode="numeric" autoComplete="new-password" data-testid="change-pin-again" value={again} onChange={(e) => setAgain(sanitizePin(e.target.value))} />
        </label>
        <NoticeLine notice={notice} testId="change-pin-message" />
        <button type="submit" className="admin-btn admin-btn-primary" data-testid="change-pin-submit" disabled={busy}>
          {ta(lang, 'set.change-pin')}
        </button>
      </fieldset>
    </form>
  )
}
