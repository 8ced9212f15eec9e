import { useCallback, useEffect, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { Lang } from '../../i18n/messages'
import type { Person, PersonSchedule, WorkSchedule } from '../../shared/domain/types'
import { adminInvoke } from './admin-api'
import { isHourMinute } from './dates'
import { errorText } from './errors'
import { ta, type AdminMessageKey } from './messages'
import { PersonOptions } from './PersonOptions'
import { NoticeLine, useLang, type Notice } from './ui'

/** A schedule as typed in the form (text fields), before it is checked. */
export type ScheduleDraft = { start: string; end: string; tolerance: string; days: number[] }

export const DEFAULT_DRAFT: ScheduleDraft = { start: '08:00', end: '17:00', tolerance: '15', days: [1, 2, 3, 4, 5] }

export const draftOf = (s: WorkSchedule | null | undefined): ScheduleDraft =>
  s ? { start: s.start, end: s.end, tolerance: String(s.toleranceMin), days: [...s.days] } : { ...DEFAULT_DRAFT, days: [...DEFAULT_DRAFT.days] }

/** The schedule of a draft, or the message key of what is wrong (the host checks the rest, e.g. end after start). */
export function scheduleOfDraft(d: ScheduleDraft): { ok: true; schedule: WorkSchedule } | { ok: false; problem: AdminMessageKey } {
  if (!isHourMinute(d.start) || !isHourMinute(d.end)) return { ok: false, problem: 'sched.problem.time' }
  const tol = Number(d.tolerance)
  if (d.tolerance.trim() === '' || !Number.isInteger(tol) || tol < 0 || tol > 120) return { ok: false, problem: 'sched.problem.tolerance' }
  if (d.days.length === 0) return { ok: false, problem: 'sched.problem.days' }
  return { ok: true, schedule: { start: d.start, end: d.end, toleranceMin: tol, days: [...d.days].sort((a, b) => a - b) } }
}

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const

function ScheduleFields({ lang, draft, onChange, prefix }: { lang: Lang; draft: ScheduleDraft; onChange: (d: ScheduleDraft) => void; prefix: string }) {
  return (
    <div className="admin-toolbar admin-filters">
      <label className="admin-field">
        <span>{ta(lang, 'sched.start')}</span>
        <input className="admin-input" data-testid={`${prefix}-start`} value={draft.start} onChange={(e) => onChange({ ...draft, start: e.target.value })} inputMode="numeric" />
      </label>
      <label className="admin-field">
        <span>{ta(lang, 'sched.end')}</span>
        <input className="admin-input" data-testid={`${prefix}-end`} value={draft.end} onChange={(e) => onChange({ ...draft, end: e.target.value })} inputMode="numeric" />
      </label>
      <label className="admin-field">
        <span>{ta(lang, 'sched.tolerance')}</span>
        <input className="admin-input" data-testid={`${prefix}-tolerance`} value={draft.tolerance} onChange={(e) => onChange({ ...draft, tolerance: e.target.value })} inputMode="numeric" />
      </label>
      <fieldset className="admin-field">
        <legend>{ta(lang, 'sched.days')}</legend>
        {DAYS.map((d) => (
          <label key={d} className="admin-check">
            <input
              type="checkbox"
              data-testid={`${prefix}-day-${d}`}
              checked={draft.days.includes(d)}
              onChange={(e) => onChange({ ...draft, days: e.target.checked ? [...draft.days, d] : draft.days.filter((x) => x !== d) })}
            />
            <span>{ta(lang, `sched.day.${d}`)}</span>
          </label>
        ))}
      </fieldset>
    </div>
  )
}

/** Work schedule: the office default, the open-check-in limit, and personal schedules. */
export function SchedulePanel({ api }: { api: ApiClient }) {
  const lang = useLang()
  const [enabled, setEnabled] = useState(false)
  const [draft, setDraft] = useState<ScheduleDraft>(draftOf(null))
  const [limitHours, setLimitHours] = useState('16')
  const [notice, setNotice] = useState<Notice | null>(null)
  const [own, setOwn] = useState<PersonSchedule[]>([])
  const [people, setPeople] = useState<Person[]>([])
  const [personId, setPersonId] = useState('')
  const [personDraft, setPersonDraft] = useState<ScheduleDraft>(draftOf(null))
  const [personNotice, setPersonNotice] = useState<Notice | null>(null)

  const loadOwn = useCallback(async () => {
    const r = await adminInvoke(api, 'schedules/list', {})
    if (r.ok) setOwn(r.data)
  }, [api])

  useEffect(() => {
    void api.invoke('settings/get', {}).then((r) => {
      if (!r.ok) return
      setEnabled(!!r.data.schedule)
      setDraft(draftOf(r.data.schedule))
      setLimitHours(String((r.data.rules.openLimitMs ?? 16 * 3600_000) / 3600_000))
    })
    void adminInvoke(api, 'people/list', {}).then((r) => {
      if (r.ok) setPeople(r.data)
    })
    void loadOwn()
  }, [api, loadOwn])

  const saveDefault = async () => {
    const hours = Number(limitHours)
    if (!Number.isFinite(hours) || hours < 1 || hours > 24) {
      setNotice({ kind: 'error', text: ta(lang, 'sched.problem.open-limit') })
      return
    }
    let schedule: WorkSchedule | null = null
    if (enabled) {
      const c = scheduleOfDraft(draft)
      if (!c.ok) {
        setNotice({ kind: 'error', text: ta(lang, c.problem) })
        return
      }
      schedule = c.schedule
    }
    const r = await adminInvoke(api, 'settings/update', { schedule, rules: { openLimitMs: Math.round(hours * 3600_000) } })
    setNotice(r.ok ? { kind: 'info', text: ta(lang, 'sched.saved') } : { kind: 'error', text: errorText(lang, r.error) })
  }

  const savePerson = async (schedule: WorkSchedule | null, id = personId) => {
    const name = people.find((p) => p.id === id)?.name ?? own.find((o) => o.personId === id)?.personName ?? id
    const r = await adminInvoke(api, 'schedules/set', { personId: id, schedule })
    if (!r.ok) {
      setPersonNotice({ kind: 'error', text: errorText(lang, r.error) })
      return
    }
    setPersonNotice({ kind: 'info', text: ta(lang, schedule ? 'sched.people.saved' : 'sched.people.removed', { name }) })
    await loadOwn()
  }

  return (
    <section className="admin-panel" data-testid="schedule-panel">
      <h2>{ta(lang, 'sched.default.title')}</h2>
      <p className="admin-muted">{ta(lang, 'sched.default.hint')}</p>
      <label className="admin-check">
        <input type="checkbox" data-testid="sched-enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <span>{ta(lang, 'sched.enabled')}</span>
      </label>
      {enabled ? <ScheduleFields lang={lang} draft={draft} onChange={setDraft} prefix="sched" /> : null}
      <label className="admin-field">
        <span>{ta(lang, 'sched.open-limit')}</span>
        <input className="admin-input" data-testid="sched-open-limit" value={limitHours} onChange={(e) => setLimitHours(e.target.value)} inputMode="decimal" />
      </label>
      <p className="admin-muted">{ta(lang, 'sched.open-limit.hint')}</p>
      <div className="admin-actions">
        <button type="button" className="admin-btn admin-btn-primary" data-testid="sched-save" onClick={() => void saveDefault()}>
          {ta(lang, 'common.save')}
        </button>
      </div>
      <NoticeLine notice={notice} testId="sched-message" />

      <h2>{ta(lang, 'sched.people.title')}</h2>
      {own.length === 0 ? (
        <p className="admin-muted" data-testid="sched-people-empty">
          {ta(lang, 'sched.people.empty')}
        </p>
      ) : (
        <div className="admin-table-wrap">
          <table className="admin-table" data-testid="sched-people">
            <tbody>
              {own.map((o) => (
                <tr key={o.personId} data-testid={`sched-person-${o.personId}`}>
                  <td>{o.personName}</td>
                  <td className="admin-mono">{o.personId}</td>
                  <td className="admin-mono">
                    {o.schedule.start}–{o.schedule.end} ±{o.schedule.toleranceMin}
                  </td>
                  <td>{o.schedule.days.map((d) => ta(lang, `sched.day.${d}` as AdminMessageKey)).join(' ')}</td>
                  <td>
                    <button type="button" className="admin-btn" data-testid={`sched-remove-${o.personId}`} onClick={() => void savePerson(null, o.personId)}>
                      {ta(lang, 'sched.people.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <label className="admin-field">
        <span>{ta(lang, 'sched.people.person')}</span>
        <select
          className="admin-input"
          data-testid="sched-person"
          value={personId}
          onChange={(e) => {
            setPersonId(e.target.value)
            setPersonDraft(draftOf(own.find((o) => o.personId === e.target.value)?.schedule))
          }}
        >
          <PersonOptions people={people} first="—" />
        </select>
      </label>
      {personId ? (
        <>
          <ScheduleFields lang={lang} draft={personDraft} onChange={setPersonDraft} prefix="sched-own" />
          <div className="admin-actions">
            <button
              type="button"
              className="admin-btn admin-btn-primary"
              data-testid="sched-own-save"
              onClick={() => {
                const c = scheduleOfDraft(personDraft)
                if (!c.ok) setPersonNotice({ kind: 'error', text: ta(lang, c.problem) })
                else void savePerson(c.schedule)
              }}
            >
              {ta(lang, 'sched.people.set')}
            </button>
          </div>
        </>
      ) : null}
      <NoticeLine notice={personNotice} testId="sched-own-message" />
    </section>
  )
}
