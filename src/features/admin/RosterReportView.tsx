import type { Lang } from '../../i18n/messages'
import type { RosterReport, RosterRowReport } from '../../shared/api/contract'
import { ta } from './messages'

/** Rows shown at most (errors first); the counts cover them all. */
export const SHOWN_ROWS = 200

/** Error rows first (in file order), then the others: what needs fixing is at the top. */
export function rowsToShow(rows: readonly RosterRowReport[]): RosterRowReport[] {
  return [...rows.filter((r) => r.status === 'error'), ...rows.filter((r) => r.status !== 'error')].slice(0, SHOWN_ROWS)
}

export function rowText(lang: Lang, r: RosterRowReport): string {
  if (r.status !== 'error') return ta(lang, `roster.status.${r.status}`)
  if (r.problem === 'duplicate-id') return ta(lang, 'roster.problem.duplicate-id', { line: String(r.duplicateOf ?? '?') })
  return ta(lang, `roster.problem.${r.problem ?? 'missing-id'}`)
}

/** The per-row report of a roster import: applied or refused, then the rows. */
export function RosterReportView({ lang, report }: { lang: Lang; report: RosterReport }) {
  const c = report.counts
  const shown = rowsToShow(report.rows)
  return (
    <div data-testid="roster-report" data-applied={report.applied ? 'yes' : 'no'} data-errors={c.errors} data-rows={c.rows}>
      <p className={report.applied ? 'admin-notice admin-notice-info' : 'admin-notice admin-notice-error'} role={report.applied ? 'status' : 'alert'} data-testid="roster-summary">
        {report.applied
          ? ta(lang, 'roster.applied', { create: String(c.create), update: String(c.update), unchanged: String(c.unchanged) })
          : ta(lang, 'roster.rejected', { errors: String(c.errors) })}
      </p>
      <table className="import-report" data-testid="roster-rows">
        <thead>
          <tr>
            <th>{ta(lang, 'roster.col.line')}</th>
            <th>{ta(lang, 'people.col.id')}</th>
            <th>{ta(lang, 'people.col.name')}</th>
            <th>{ta(lang, 'people.col.department')}</th>
            <th>{ta(lang, 'roster.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.line} className={r.status === 'error' ? 'import-bad' : 'import-ok'} data-code={r.problem ?? r.status} data-line={r.line}>
              <td>{r.line}</td>
              <td>{r.id}</td>
              <td>{r.name}</td>
              <td>{r.department ?? ''}</td>
              <td>{rowText(lang, r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.rows.length > shown.length ? <p className="admin-muted">{ta(lang, 'roster.more', { n: String(report.rows.length - shown.length) })}</p> : null}
    </div>
  )
}
