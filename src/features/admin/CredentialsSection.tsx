import { useCallback, useEffect, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { PersonCredentials } from '../../shared/api/contract'
import type { Person } from '../../shared/domain/types'
import { adminInvoke } from './admin-api'
import { localHourMinute } from './dates'
import { tfa } from './fallback-admin-messages'
import { fallbackErrorText } from './fallback-errors'
import { PersonOptions } from './PersonOptions'
import { NoticeLine, useLang, type Notice } from './ui'

/**
 * A person's kiosk PIN (4–8 digits, stored hashed) and badge number: in the People panel with a
 * picker, or in enrollment for the person being enrolled (`personId` fixed).
 */
export function CredentialsSection({ api, people, personId: fixed }: { api: ApiClient; people?: readonly Person[]; personId?: string }) {
  const lang = useLang()
  const [picked, setPicked] = useState('')
  const personId = fixed ?? picked
  const [creds, setCreds] = useState<PersonCredentials[]>([])
  const [pin, setPin] = useState('')
  const [badge, setBadge] = useState('')
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)

  const reload = useCallback(async () => {
    const r = await adminInvoke(api, 'people/credentials', {})
    if (r.ok) setCreds(r.data)
  }, [api])
  useEffect(() => void reload(), [reload])
  const mine = creds.find((c) => c.personId === personId) ?? null
  useEffect(() => setBadge(mine?.badge ?? ''), [personId, mine?.badge])

  const run = async (work: () => Promise<Notice>) => {
    setBusy(true)
    try {
      setNotice(await work())
      await reload()
    } finally {
      setBusy(false)
    }
  }
  const savePin = (value: string | null) =>
    run(async () => {
      const r = await adminInvoke(api, 'people/set-pin', { personId, pin: value })
      if (!r.ok) return { kind: 'error', text: fallbackErrorText(lang, r.error) }
      setPin('')
      return { kind: 'info', text: tfa(lang, value === null ? 'cred.pin-removed' : 'cred.pin-set') }
    })
  const saveBadge = (value: string | null) =>
    run(async () => {
      const r = await adminInvoke(api, 'people/set-badge', { personId, badge: value })
      if (!r.ok) return { kind: 'error', text: fallbackErrorText(lang, r.error) }
      return { kind: 'info', text: tfa(lang, value === null ? 'cred.badge-removed' : 'cred.badge-saved') }
    })

  return (
    <section className="admin-form admin-credentials" data-testid="credentials">
      <h2 className="admin-section-title">{tfa(lang, 'cred.title')}</h2>
      <p className="admin-muted">{tfa(lang, 'cred.lead')}</p>
      <div className="admin-form-row">
        {fixed === undefined ? (
          <label className="admin-field">
            <span>{tfa(lang, 'cred.person')}</span>
            <select className="admin-input" data-testid="cred-person" value={picked} onChange={(e) => setPicked(e.target.value)}>
              <PersonOptions people={people ?? []} first={tfa(lang, 'cred.choose')} />
            </select>
          </label>
        ) : null}
        {personId ? (
          <span className="admin-muted" data-testid="cred-status">
            {tfa(lang, mine?.pinSet ? 'cred.has-pin' : 'cred.no-pin')}
            {mine?.lockedUntil ? ` · ${tfa(lang, 'cred.locked', { time: localHourMinute(mine.lockedUntil) })}` : ''}
            {` · ${mine?.badge ?? tfa(lang, 'cred.no-badge')}`}
          </span>
        ) : null}
      </div>
      {personId ? (
        <div className="admin-form-row">
          <label className="admin-field">
            <span>{tfa(lang, 'cred.pin')}</span>
            <input className="admin-input" data-testid="cred-pin" type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={pin} onChange={(e) => setPin(e.target.value)} />
          </label>
          <button type="button" className="admin-btn admin-btn-primary" data-testid="cred-set-pin" disabled={busy || pin === ''} onClick={() => void savePin(pin)}>
            {tfa(lang, 'cred.set-pin')}
          </button>
          {mine?.pinSet ? (
            <button type="button" className="admin-btn" data-testid="cred-remove-pin" disabled={busy} onClick={() => void savePin(null)}>
              {tfa(lang, 'cred.remove-pin')}
            </button>
          ) : null}
          <label className="admin-field">
            <span>{tfa(lang, 'cred.badge')}</span>
            <input className="admin-input" data-testid="cred-badge" autoComplete="off" maxLength={64} value={badge} onChange={(e) => setBadge(e.target.value)} />
          </label>
          <button type="button" className="admin-btn" data-testid="cred-set-badge" disabled={busy || badge.trim() === ''} onClick={() => void saveBadge(badge.trim())}>
            {tfa(lang, 'cred.set-badge')}
          </button>
          {mine?.badge ? (
            <button type="button" className="admin-btn" data-testid="cred-remove-badge" disabled={busy} onClick={() => void saveBadge(null)}>
              {tfa(lang, 'cred.remove-badge')}
            </button>
          ) : null}
        </div>
      ) : null}
      <NoticeLine notice={notice} testId="cred-message" />
    </section>
  )
}
