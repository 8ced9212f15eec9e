import { useCallback, useEffect, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { AttendanceRow, DaySummary, Direction, Person } from '../../shared/domain/types'
import { adminInvoke } from './admin-api'
import { correctionArgs, isActionable, rowState, type CorrectionDraft } from './attendance-view'
import { dateRangeToEpoch, formatDuration, formatLocalDateTime, localDateString, localHourMinute, parseLocalDateTime, toDateTimeLocalValue } from './dates'
import { downloadBase64, downloadText } from './download'
import { errorText } from './errors'
import { ta, type AdminMessageKey } from './messages'
import type { Lang } from '../../i18n/messages'
import { PersonOptions } from './PersonOptions'
import { Dialog, NoticeLine, useLang, type Notice } from './ui'

type ViewKind = 'events' | 'summary'
type ExportFormat = 'csv' | 'xlsx'
type Separator = ',' | ';'

/** The CSV separator Excel expects with the language's regional settings (';' where decimals take a comma). */
export const defaultSeparatorFor = (lang: Lang): Separator => (lang === 'id' ? ';' : ',')
type DialogState = { kind: 'correct'; row: AttendanceRow } | { kind: 'void'; row: AttendanceRow } | { kind: 'add' } | null

const LIST_LIMIT = 2000

const dirLabel = (lang: Lang, d: Direction) => ta(lang, d === 'in' ? 'dir.in' : 'dir.out')
const SOURCE_LABEL: Record<AttendanceRow['source'], AdminMessageKey> = { kiosk: 'att.source.kiosk', cli: 'att.source.cli', manual: 'att.source.manual', pin: 'att.source.pin', badge: 'att.source.badge' }

export function AttendancePanel({ api }: { api: ApiClient }) {
  const lang = useLang()
  const today = localDateString(Date.now())
  const [fromDate, setFromDate] = useState(today)
  const [toDate, setToDate] = useState(today)
  const [personId, setPersonId] = useState('')
  const [direction, setDirection] = useState<'' | Direction>('')
  const [includeSuperseded, setIncludeSuperseded] = useState(false)
  const [view, setView] = useState<ViewKind>('events')
  const [rows, setRows] = useState<AttendanceRow[] | null>(null)
  const [summary, setSummary] = useState<DaySummary[] | null>(null)
  const [people, setPeople] = useState<Person[]>([])
  const [notice, setNotice] = useState<Notice | null>(null)
  const [dialog, setDialog] = useState<DialogState>(null)
  const [busy, setBusy] = useState(false)
  const [format, setFormat] = useState<ExportFormat>('csv')
  const [separator, setSeparator] = useState<Separator | null>(null)

  const range = dateRangeToEpoch(fromDate, toDate)
  const rangeFrom = range?.from ?? null
  const rangeTo = range?.to ?? null

  useEffect(() => {
    void adminInvoke(api, 'people/list', {}).then((r) => {
      if (r.ok) setPeople(r.data)
    })
  }, [api])

  const reload = useCallback(async () => {
    if (rangeFrom === null || rangeTo === null) {
      setNotice({ kind: 'error', text: ta(lang, 'att.range-invalid') })
      return
    }
    const who = personId ? { personId } : {}
    if (view === 'events') {
      const r = await adminInvoke(api, 'attendance/list', { from: rangeFrom, to: rangeTo, ...who, ...(direction ? { direction } : {}), includeSuperseded, limit: LIST_LIMIT })
      if (r.ok) {
        setRows([...r.data].sort((a, b) => b.at - a.at))
        setNotice(null)
      } else setNotice({ kind: 'error', text: errorText(lang, r.error) })
    } else {
      const r = await adminInvoke(api, 'attendance/summary', { from: rangeFrom, to: rangeTo, ...who })
      if (r.ok) {
        setSummary(r.data)
        setNotice(null)
      } else setNotice({ kind: 'error', text: errorText(lang, r.error) })
    }
  }, [api, lang, rangeFrom, rangeTo, personId, direction, includeSuperseded, view])

  useEffect(() => {
    void reload()
  }, [reload])

  const exportCsv = async (kind: 'events' | 'summary') => {
    if (rangeFrom === null || rangeTo === null) {
      setNotice({ kind: 'error', text: ta(lang, 'att.range-invalid') })
      return
    }
    setBusy(true)
    try {
      const r = await adminInvoke(api, 'attendance/export', {
        from: rangeFrom,
        to: rangeTo,
        ...(personId ? { personId } : {}),
        kind,
        format,
        lang,
        ...(format === 'csv' ? { separator: separator ?? defaultSeparatorFor(lang) } : {}),
      })
      if (!r.ok) {
        setNotice({ kind: 'error', text: errorText(lang, r.error) })
        return
      }
      if (r.data.format === 'xlsx') downloadBase64(r.data.filename, r.data.base64, r.data.mime)
      else downloadText(r.data.filename, r.data.csv, r.data.mime)
      setNotice({ kind: 'info', text: ta(lang, 'att.exported', { rows: String(r.data.rows), file: r.data.filename }) })
    } finally {
      setBusy(false)
    }
  }

  const afterChange = async (text: string) => {
    setDialog(null)
    await reload()
    setNotice({ kind: 'info', text })
  }

  const all = rows ?? []
  return (
    <section className="admin-panel" data-testid="attendance-panel">
      <div className="admin-toolbar admin-filters">
        <label className="admin-field">
          <span>{ta(lang, 'att.from')}</span>
          <input className="admin-input" type="date" data-testid="att-from" value={fromDate} onChange={(e) => setFromDate(e.target.value)} />
        </label>
        <label className="admin-field">
          <span>{ta(lang, 'att.to')}</span>
          <input className="admin-input" type="date" data-testid="att-to" value={toDate} onChange={(e) => setToDate(e.target.value)} />
        </label>
        <label className="admin-field">
          <span>{ta(lang, 'att.person')}</span>
          <select className="admin-input" data-testid="att-person" value={personId} onChange={(e) => setPersonId(e.target.value)}>
            <PersonOptions people={people} first={ta(lang, 'common.all')} />
          </select>
        </label>
        {view === 'events' ? (
          <>
            <label className="admin-field">
              <span>{ta(lang, 'att.direction')}</span>
              <select className="admin-input" data-testid="att-direction" value={direction} onChange={(e) => setDirection(e.target.value === 'in' || e.target.value === 'out' ? e.target.value : '')}>
                <option value="">{ta(lang, 'common.all')}</option>
                <option value="in">{dirLabel(lang, 'in')}</option>
                <option value="out">{dirLabel(lang, 'out')}</option>
              </select>
            </label>
            <label className="admin-check">
              <input type="checkbox" data-testid="att-show-corrected" checked={includeSuperseded} onChange={(e) => setIncludeSuperseded(e.target.checked)} />
              <span>{ta(lang, 'att.show-corrected')}</span>
            </label>
          </>
        ) : null}
      </div>
      <div className="admin-toolbar">
        <div className="admin-segmented" role="group">
          <button type="button" className={view === 'events' ? 'admin-btn admin-btn-selected' : 'admin-btn'} aria-pressed={view === 'events'} data-testid="att-view-events" onClick={() => setView('events')}>
            {ta(lang, 'att.view.events')}
          </button>
          <button type="button" className={view === 'summary' ? 'admin-btn admin-btn-selected' : 'admin-btn'} aria-pressed={view === 'summary'} data-testid="att-view-summary" onClick={() => setView('summary')}>
            {ta(lang, 'att.view.summary')}
          </button>
        </div>
        <button type="button" className="admin-btn" data-testid="add-scan" onClick={() => setDialog({ kind: 'add' })}>
          {ta(lang, 'att.add')}
        </button>
        <label className="admin-field">
          <span>{ta(lang, 'att.format')}</span>
          <select className="admin-input" data-testid="export-format" value={format} onChange={(e) => setFormat(e.target.value === 'xlsx' ? 'xlsx' : 'csv')}>
            <option value="csv">{ta(lang, 'att.format.csv')}</option>
            <option value="xlsx">{ta(lang, 'att.format.xlsx')}</option>
          </select>
        </label>
        {format === 'csv' ? (
          <label className="admin-field">
            <span>{ta(lang, 'att.separator')}</span>
            <select className="admin-input" data-testid="export-separator" value={separator ?? defaultSeparatorFor(lang)} onChange={(e) => setSeparator(e.target.value === ',' ? ',' : ';')}>
              <option value=";">{ta(lang, 'att.separator.semicolon')}</option>
              <option value=",">{ta(lang, 'att.separator.comma')}</option>
            </select>
          </label>
        ) : null}
        <button type="button" className="admin-btn" data-testid="export-events" disabled={busy} onClick={() => void exportCsv('events')}>
          {ta(lang, 'att.export-events')}
        </button>
        <button type="button" className="admin-btn" data-testid="export-summary" disabled={busy} onClick={() => void exportCsv('summary')}>
          {ta(lang, 'att.export-summary')}
        </button>
      </div>
      <NoticeLine notice={notice} testId="att-message" />

      {view === 'events' ? (
        rows === null ? (
          <p className="admin-muted">{ta(lang, 'common.loading')}</p>
        ) : rows.length === 0 ? (
          <p className="admin-muted" data-testid="att-empty">
            {ta(lang, 'att.empty')}
          </p>
        ) : (
          <div className="admin-table-wrap">
            <table className="admin-table">
              <thead>
                <tr>
                  <th>{ta(lang, 'att.col.time')}</th>
                  <th>{ta(lang, 'people.col.name')}</th>
                  <th>{ta(lang, 'people.col.id')}</th>
                  <th>{ta(lang, 'att.direction')}</th>
                  <th>{ta(lang, 'att.col.source')}</th>
                  <th>{ta(lang, 'att.col.similarity')}</th>
                  <th>{ta(lang, 'att.col.reason')}</th>
                  <th>{ta(lang, 'att.col.marks')}</th>
                  <th>{ta(lang, 'common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const st = rowState(row, all)
                  const struck = st.kind !== 'current'
                  return (
                    <tr key={row.id} data-testid={`att-row-${row.id}`} data-state={st.kind} className={struck ? 'admin-row-struck' : undefined}>
                      <td className="admin-mono admin-nowrap">
                        <span className="admin-struckable">{formatLocalDateTime(row.at)}</span>
                      </td>
                      <td>
                        <span className="admin-struckable">{row.personName}</span>
                      </td>
                      <td className="admin-mono">{row.personId}</td>
                      <td>
                        <span className={`admin-badge admin-dir-${row.direction} admin-struckable`}>{dirLabel(lang, row.direction)}</span>
                      </td>
                      <td>{ta(lang, SOURCE_LABEL[row.source])}</td>
                      <td className="admin-num">{row.source === 'manual' ? '—' : row.similarity.toFixed(3)}</td>
                      <td>
                        {row.reason ?? ''}
                        {st.kind === 'voided' ? <div className="admin-trail">{ta(lang, 'att.voided')}</div> : null}
                        {st.kind === 'superseded' ? (
                          <div className="admin-trail">
                            {ta(lang, 'att.corrected-by', { by: st.by ? `${formatLocalDateTime(st.by.at)} ${dirLabel(lang, st.by.direction)}` : st.byId.slice(0, 8) })}
                          </div>
                        ) : null}
                      </td>
                      <td data-testid={`att-marks-${row.id}`}>
                        <Marks lang={lang} late={row.marks?.lateMinutes} early={row.marks?.earlyMinutes} open={row.marks?.openPastLimit === true} />
                      </td>
                      <td>
                        {isActionable(row) ? (
                          <div className="admin-row-actions">
                            <button type="button" className="admin-btn" data-testid={`correct-${row.id}`} onClick={() => setDialog({ kind: 'correct', row })}>
                              {ta(lang, 'att.correct')}
                            </button>
                            <button type="button" className="admin-btn admin-btn-danger" data-testid={`void-${row.id}`} onClick={() => setDialog({ kind: 'void', row })}>
                              {ta(lang, 'att.void')}
                            </button>
                          </div>
                        ) : null}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )
      ) : summary === null ? (
        <p className="admin-muted">{ta(lang, 'common.loading')}</p>
      ) : summary.length === 0 ? (
        <p className="admin-muted" data-testid="att-empty">
          {ta(lang, 'att.empty')}
        </p>
      ) : (
        <div className="admin-table-wrap">
          <table className="admin-table" data-testid="att-summary">
            <thead>
              <tr>
                <th>{ta(lang, 'att.sum.day')}</th>
                <th>{ta(lang, 'people.col.name')}</th>
                <th>{ta(lang, 'people.col.id')}</th>
                <th>{ta(lang, 'att.sum.first-in')}</th>
                <th>{ta(lang, 'att.sum.last-out')}</th>
                <th>{ta(lang, 'att.sum.hours')}</th>
                <th>{ta(lang, 'att.sum.events')}</th>
                <th>{ta(lang, 'att.sum.schedule')}</th>
                <th>{ta(lang, 'att.col.marks')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {summary.map((s) => (
                <tr key={`${s.personId}/${s.day}`} data-testid={`sum-row-${s.personId}-${s.day}`}>
                  <td className="admin-mono">{s.day}</td>
                  <td>{s.personName}</td>
                  <td className="admin-mono">{s.personId}</td>
                  <td className="admin-mono">{s.firstIn === null ? '—' : localHourMinute(s.firstIn)}</td>
                  <td className="admin-mono">{s.lastOut === null ? '—' : localHourMinute(s.lastOut)}</td>
                  <td className="admin-num">{formatDuration(s.workedMs)}</td>
                  <td className="admin-num">{s.events}</td>
                  <td className="admin-mono">{s.schedule ? `${s.schedule.start}–${s.schedule.end}` : '—'}</td>
                  <td data-testid={`sum-marks-${s.personId}-${s.day}`}>
                    <Marks lang={lang} late={s.lateMinutes} early={s.earlyMinutes} open={s.openPastLimit === true} />
                  </td>
                  <td>{s.incomplete ? <span className="admin-badge admin-badge-warn">{ta(lang, 'att.sum.incomplete')}</span> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {dialog?.kind === 'correct' ? <CorrectDialog api={api} lang={lang} row={dialog.row} onCancel={() => setDialog(null)} onDone={() => void afterChange(ta(lang, 'att.corrected'))} /> : null}
      {dialog?.kind === 'void' ? <VoidDialog api={api} lang={lang} row={dialog.row} onCancel={() => setDialog(null)} onDone={() => void afterChange(ta(lang, 'att.voided-done'))} /> : null}
      {dialog?.kind === 'add' ? (
        <AddScanDialog api={api} lang={lang} people={people} defaultPersonId={personId} onCancel={() => setDialog(null)} onDone={() => void afterChange(ta(lang, 'att.added'))} />
      ) : null}
    </section>
  )
}

/** Late arrival, early leave and a check-in left open past the limit, as small badges. */
function Marks({ lang, late, early, open }: { lang: Lang; late: number | null | undefined; early: number | null | undefined; open: boolean }) {
  return (
    <>
      {late ? (
        <span className="admin-badge admin-badge-warn" data-mark="late">
          {ta(lang, 'att.mark.late', { min: String(late) })}
        </span>
      ) : null}
      {early ? (
        <span className="admin-badge admin-badge-warn" data-mark="early">
          {ta(lang, 'att.mark.early', { min: String(early) })}
        </span>
      ) : null}
      {open ? (
        <span className="admin-badge admin-badge-warn" data-mark="open">
          {ta(lang, 'att.mark.open')}
        </span>
      ) : null}
    </>
  )
}

type DialogProps = { api: ApiClient; lang: Lang; onCancel: () => void; onDone: () => void }

const CORRECTION_PROBLEM: Record<'reason-missing' | 'time-invalid' | 'nothing-changed', AdminMessageKey> = {
  'reason-missing': 'att.problem.reason-missing',
  'time-invalid': 'att.problem.time-invalid',
  'nothing-changed': 'att.problem.nothing-changed',
}

function CorrectDialog({ api, lang, row, onCancel, onDone }: DialogProps & { row: AttendanceRow }) {
  const [draft, setDraft] = useState<CorrectionDraft>({ time: toDateTimeLocalValue(row.at), direction: row.direction, reason: '' })
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    const c = correctionArgs(row, draft)
    if (!c.ok) {
      setNotice({ kind: 'error', text: ta(lang, CORRECTION_PROBLEM[c.problem]) })
      return
    }
    setBusy(true)
    const r = await adminInvoke(api, 'attendance/correct', c.args)
    setBusy(false)
    if (r.ok) onDone()
    else setNotice({ kind: 'error', text: errorText(lang, r.error) })
  }
  return (
    <Dialog title={ta(lang, 'att.correct.title', { name: row.personName, time: formatLocalDateTime(row.at) })} testId="correct-dialog">
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label className="admin-field">
          <span>{ta(lang, 'att.col.time')}</span>
          <input className="admin-input" type="datetime-local" step={1} data-testid="correct-time" value={draft.time} onChange={(e) => setDraft({ ...draft, time: e.target.value })} />
        </label>
        <label className="admin-field">
          <span>{ta(lang, 'att.direction')}</span>
          <select className="admin-input" data-testid="correct-direction" value={draft.direction} onChange={(e) => setDraft({ ...draft, direction: e.target.value === 'out' ? 'out' : 'in' })}>
            <option value="in">{dirLabel(lang, 'in')}</option>
            <option value="out">{dirLabel(lang, 'out')}</option>
          </select>
        </label>
        <label className="admin-field">
          <span>{ta(lang, 'att.reason.required')}</span>
          <input className="admin-input" data-testid="correct-reason" value={draft.reason} onChange={(e) => setDraft({ ...draft, reason: e.target.value })} autoComplete="off" />
        </label>
        <NoticeLine notice={notice} testId="correct-message" />
        <div className="admin-actions">
          <button type="submit" className="admin-btn admin-btn-primary" data-testid="correct-submit" disabled={busy}>
            {ta(lang, 'att.correct')}
          </button>
          <button type="button" className="admin-btn" data-testid="correct-cancel" onClick={onCancel}>
            {ta(lang, 'common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

function VoidDialog({ api, lang, row, onCancel, onDone }: DialogProps & { row: AttendanceRow }) {
  const [reason, setReason] = useState('')
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    if (!reason.trim()) {
      setNotice({ kind: 'error', text: ta(lang, 'att.problem.reason-missing') })
      return
    }
    setBusy(true)
    const r = await adminInvoke(api, 'attendance/void', { eventId: row.id, reason: reason.trim() })
    setBusy(false)
    if (r.ok) onDone()
    else setNotice({ kind: 'error', text: errorText(lang, r.error) })
  }
  return (
    <Dialog title={ta(lang, 'att.void.title', { name: row.personName, time: formatLocalDateTime(row.at) })} testId="void-dialog">
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label className="admin-field">
          <span>{ta(lang, 'att.reason.required')}</span>
          <input className="admin-input" data-testid="void-reason" value={reason} onChange={(e) => setReason(e.target.value)} autoComplete="off" />
        </label>
        <NoticeLine notice={notice} testId="void-message" />
        <div className="admin-actions">
          <button type="submit" className="admin-btn admin-btn-danger" data-testid="void-submit" disabled={busy}>
            {ta(lang, 'att.void')}
          </button>
          <button type="button" className="admin-btn" data-testid="void-cancel" onClick={onCancel}>
            {ta(lang, 'common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

function AddScanDialog({ api, lang, people, defaultPersonId, onCancel, onDone }: DialogProps & { people: Person[]; defaultPersonId: string }) {
  const [personId, setPersonId] = useState(defaultPersonId)
  const [time, setTime] = useState(() => toDateTimeLocalValue(Math.floor(Date.now() / 60_000) * 60_000))
  const [direction, setDirection] = useState<Direction>('in')
  const [reason, setReason] = useState('')
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    const at = parseLocalDateTime(time)
    const problem: AdminMessageKey | null = !personId ? 'att.problem.person-missing' : at === null ? 'att.problem.time-invalid' : !reason.trim() ? 'att.problem.reason-missing' : null
    if (problem || at === null) {
      setNotice({ kind: 'error', text: ta(lang, problem ?? 'att.problem.time-invalid') })
      return
    }
    setBusy(true)
    const r = await adminInvoke(api, 'attendance/add', { personId, at, direction, reason: reason.trim() })
    setBusy(false)
    if (r.ok) onDone()
    else setNotice({ kind: 'error', text: errorText(lang, r.error) })
  }
  return (
    <Dialog title={ta(lang, 'att.add')} testId="add-scan-dialog">
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label className="admin-field">
          <span>{ta(lang, 'att.person')}</span>
          <select className="admin-input" data-testid="add-scan-person" value={personId} onChange={(e) => setPersonId(e.target.value)}>
            <PersonOptions people={people} first="—" />
          </select>
        </label>
        <label className="admin-field">
          <span>{ta(lang, 'att.col.time')}</span>
          <input className="admin-input" type="datetime-local" step={1} data-testid="add-scan-time" value={time} onChange={(e) => setTime(e.target.value)} />
        </label>
        <label className="admin-field">
          <span>{ta(lang, 'att.direction')}</span>
          <select className="admin-input" data-testid="add-scan-direction" value={direction} onChange={(e) => setDirection(e.target.value === 'out' ? 'out' : 'in')}>
            <option value="in">{dirLabel(lang, 'in')}</option>
            <option value="out">{dirLabel(lang, 'out')}</option>
          </select>
        </label>
        <label className="admin-field">
          <span>{ta(lang, 'att.reason.required')}</span>
          <input className="admin-input" data-testid="add-scan-reason" value={reason} onChange={(e) => setReason(e.target.value)} autoComplete="off" />
        </label>
        <NoticeLine notice={notice} testId="add-scan-message" />
        <div className="admin-actions">
          <button type="submit" className="admin-btn admin-btn-primary" data-testid="add-scan-submit" disabled={busy}>
            {ta(lang, 'att.add')}
          </button>
          <button type="button" className="admin-btn" data-testid="add-scan-cancel" onClick={onCancel}>
            {ta(lang, 'common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
