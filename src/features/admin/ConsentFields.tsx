import { useState } from 'react'
import type { Lang } from '../../i18n/messages'
import { ta } from './messages'

/** The admin's name last typed here: the same admin usually enrolls several people in a row (never stored). */
let lastAdminName = ''

/**
 * The person's consent to face processing (UU PDP), asked before any face of theirs is stored: a tick
 * that they were told and agree, and the name of the admin who took it. `onChange` gets the admin's
 * name once both are given, else null.
 */
export function ConsentFields({ lang, name, many, onChange }: { lang: Lang; name?: string; many?: boolean; onChange: (consentBy: string | null) => void }) {
  const [agreed, setAgreed] = useState(false)
  const [by, setBy] = useState(lastAdminName)
  const report = (a: boolean, b: string) => {
    lastAdminName = b.trim()
    onChange(a && b.trim() !== '' ? b.trim() : null)
  }
  return (
    <fieldset className="admin-consent" data-testid="consent-fields">
      <legend>{ta(lang, 'consent.title')}</legend>
      <label className="admin-check">
        <input
          type="checkbox"
          data-testid="consent-agree"
          checked={agreed}
          onChange={(e) => {
            setAgreed(e.target.checked)
            report(e.target.checked, by)
          }}
        />{' '}
        {many ? ta(lang, 'consent.agree-many') : ta(lang, 'consent.agree', { name: name ?? '' })}
      </label>
      <label className="admin-field">
        <span>{ta(lang, 'consent.by')}</span>
        <input
          className="admin-input"
          data-testid="consent-by"
          value={by}
          maxLength={100}
          autoComplete="off"
          onChange={(e) => {
            setBy(e.target.value)
            report(agreed, e.target.value)
          }}
        />
      </label>
    </fieldset>
  )
}
