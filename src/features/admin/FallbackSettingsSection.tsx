import { useEffect, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { FallbackMode, FallbackSettings } from '../../shared/api/contract'
import { adminInvoke } from './admin-api'
import { tfa } from './fallback-admin-messages'
import { fallbackErrorText } from './fallback-errors'
import { NoticeLine, useLang, type Notice } from './ui'

const MODES: readonly FallbackMode[] = ['off', 'pin', 'pin-badge']

/**
 * Settings → "When the face fails": off / PIN / PIN and badge, and face AND PIN. Turning a way in
 * on asks for the admin PIN again (the host answers `pin-required`).
 */
export function FallbackSettingsSection({ api }: { api: ApiClient }) {
  const lang = useLang()
  const [value, setValue] = useState<FallbackSettings | null>(null)
  const [needPin, setNeedPin] = useState(false)
  const [pin, setPin] = useState('')
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    void api.invoke('settings/get', {}).then((r) => {
      if (r.ok) setValue(r.data.fallback ?? { mode: 'off', requireFacePin: false })
    })
  }, [api])
  if (!value) return null

  const save = async () => {
    setBusy(true)
    const r = await adminInvoke(api, 'settings/update', { fallback: value, ...(needPin ? { pin } : {}) })
    setBusy(false)
    if (!r.ok && r.error.code === 'pin-required') {
      setNeedPin(true)
      setNotice({ kind: 'error', text: fallbackErrorText(lang, r.error) })
      return
    }
    if (!r.ok) {
      setNotice({ kind: 'error', text: fallbackErrorText(lang, r.error) })
      return
    }
    setNeedPin(false)
    setPin('')
    setValue(r.data.fallback ?? value)
    setNotice({ kind: 'info', text: tfa(lang, 'fallback.saved') })
  }

  return (
    <section className="admin-form admin-fallback" data-testid="fallback-settings">
      <h2 className="admin-section-title">{tfa(lang, 'fallback.title')}</h2>
      <label className="admin-field">
        <span>{tfa(lang, 'fallback.mode')}</span>
        <select className="admin-input" data-testid="fallback-mode" value={value.mode} onChange={(e) => setValue({ ...value, mode: e.target.value as FallbackMode })}>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {tfa(lang, `fallback.mode.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="admin-check">
        <input type="checkbox" data-testid="fallback-face-pin" checked={value.requireFacePin} onChange={(e) => setValue({ ...value, requireFacePin: e.target.checked })} />
        <span>{tfa(lang, 'fallback.require-face-pin')}</span>
      </label>
      {needPin ? (
        <label className="admin-field">
          <span>{tfa(lang, 'fallback.admin-pin')}</span>
          <input className="admin-input" data-testid="fallback-admin-pin" type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} />
        </label>
      ) : null}
      <button type="button" className="admin-btn admin-btn-primary" data-testid="fallback-save" disabled={busy} onClick={() => void save()}>
        {tfa(lang, 'fallback.save')}
      </button>
      <NoticeLine notice={notice} testId="fallback-message" />
    </section>
  )
}
