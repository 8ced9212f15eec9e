/**
 * CSV exports for payroll that open correctly in Excel: UTF-8 with a BOM, CRLF line endings, comma
 * separator, RFC 4180 quoting, and spreadsheet formula injection neutralised. Times are written as local
 * ISO 8601 with offset in the rules' zone, next to a separate work-day column.
 */
import { HadirError } from '../../../src/shared/api/result'
import type { AttendanceEvent } from '../../../src/shared/domain/types'
import { localIso, workDay, type AttendanceRules } from './rules'
import { compareDayName, isEffective, type DaySummary } from './summary'

/** An event to export; `reason`/`corrects` come from attendance rows. Superseded or voided rows are skipped. */
export type ExportEvent = Pick<AttendanceEvent, 'personId' | 'personName' | 'direction' | 'at' | 'source' | 'similarity'> & {
  id?: string
  reason?: string | null
  corrects?: string | null
  supersededBy?: string | null
  voided?: boolean
}

/** The period and filters the export was asked for, used only to word the empty-export error. */
export type ExportLabel = { from?: number | string | null; to?: number | string | null }

export type ExportRules = Pick<AttendanceRules, 'timeZone' | 'dayBoundary'>

export const EVENT_CSV_COLUMNS = ['employee_id', 'name', 'work_day', 'direction', 'time', 'source', 'similarity', 'reason', 'corrects'] as const
export const SUMMARY_CSV_COLUMNS = ['employee_id', 'name', 'work_day', 'first_in', 'last_out', 'hours', 'events', 'incomplete'] as const

const BOM = '\uFEFF'
const CRLF = '\r\n'
/** A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets. */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r'])

/**
 * One CSV field: a leading apostrophe when it would start a formula, then quoted (quotes doubled) when it
 * contains a comma, quote, CR or LF.
 */
export function csvCell(value: string): string {
  const safe = value !== '' && FORMULA_START.has(value[0] as string) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return BOM + [header, ...rows].map((r) => r.map(csvCell).join(',') + CRLF).join('')
}

function emptyExport(rules: ExportRules, label: ExportLabel): HadirError {
  const show = (v: number | string | null | undefined): string | null =>
    v === undefined || v === null ? null : typeof v === 'number' ? localIso(v, rules.timeZone) : v
  const from = show(label.from)
  const to = show(label.to)
  return new HadirError(
    'empty-export',
    `No attendance between ${from ?? 'the first record'} and ${to ?? 'now'} matches these filters: nothing to export`,
    { from, to },
  )
}

const byTime = (a: ExportEvent, b: ExportEvent): number =>
  a.at - b.at || compareDayName({ day: '', personName: a.personName, personId: a.personId }, { day: '', personName: b.personName, personId: b.personId }) || ((a.id ?? '') < (b.id ?? '') ? -1 : (a.id ?? '') > (b.id ?? '') ? 1 : 0)

/**
 * Effective events, oldest first: employee_id, name, work_day, direction, time, source, similarity (3 decimals,
 * empty for manual events), reason, corrects. Throws HadirError('empty-export') when nothing is left to export.
 */
export function attendanceCsv(events: readonly ExportEvent[], rules: ExportRules, label: ExportLabel = {}): string {
  const rows = events
    .filter(isEffective)
    .sort(byTime)
    .map((e) => [
      e.personId,
      e.personName,
      workDay(e.at, rules),
      e.direction,
      localIso(e.at, rules.timeZone),
      e.source,
      e.source === 'manual' ? '' : e.similarity.toFixed(3),
      e.reason ?? '',
      e.corrects ?? '',
    ])
  if (rows.length === 0) throw emptyExport(rules, label)
  return csv(EVENT_CSV_COLUMNS, rows)
}

/**
 * One line per person per work day, by day then name: employee_id, name, work_day, first_in, last_out (local
 * ISO, empty when missing), hours (decimal, 2 decimals), events, incomplete ('yes'/'no').
 * Throws HadirError('empty-export') for an empty list.
 */
export function summaryCsv(days: readonly DaySummary[], rules: ExportRules, label: ExportLabel = {}): string {
  if (days.length === 0) throw emptyExport(rules, label)
  const rows = [...days]
    .sort(compareDayName)
    .map((d) => [
      d.personId,
      d.personName,
      d.day,
      d.firstIn === null ? '' : localIso(d.firstIn, rules.timeZone),
      d.lastOut === null ? '' : localIso(d.lastOut, rules.timeZone),
      (d.workedMs / 3_600_000).toFixed(2),
      String(d.events),
      d.incomplete ? 'yes' : 'no',
    ])
  return csv(SUMMARY_CSV_COLUMNS, rows)
}
