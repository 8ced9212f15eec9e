/**
 * One table model for every attendance export: the columns and typed cells that both the CSV and the
 * XLSX writer render, so the two files always have the same columns in the same order.
 */
import { HadirError } from '../../../src/shared/api/result'
import type { AttendanceEvent, AttendanceMarks, DaySummary } from '../../../src/shared/domain/types'
import type { ExportLang } from '../../../src/shared/api/contract'
import { exportWord, type ExportWord } from './export-labels'
import { localDateTimeText, workDay, type AttendanceRules } from './rules'
import { scheduleLabel } from './schedule'
import { compareDayName, isEffective } from './summary'

/** A typed cell. Times are instants (rendered in the rules' zone); durations are whole minutes. */
export type Cell =
  | { t: 'text'; v: string }
  | { t: 'date'; v: string }
  | { t: 'datetime'; v: number }
  | { t: 'duration'; minutes: number }
  | { t: 'number'; v: number; decimals: number }
  | { t: 'int'; v: number }
  | null

export type ExportColumn = { key: ExportWord; header: string; width: number }
export type ExportTable = { sheet: string; columns: ExportColumn[]; rows: Cell[][] }

/** An event to export; `reason`/`corrects` come from attendance rows. Superseded or voided rows are skipped. */
export type ExportEvent = Pick<AttendanceEvent, 'personId' | 'personName' | 'direction' | 'at' | 'source' | 'similarity'> & {
  id?: string
  reason?: string | null
  corrects?: string | null
  supersededBy?: string | null
  voided?: boolean
}

export type ExportRules = Pick<AttendanceRules, 'timeZone' | 'dayBoundary'>

export type TableContext = {
  rules: ExportRules
  lang: ExportLang
  /** the person's current department (people table), null when unknown */
  departmentOf?: (personId: string) => string | null
  /** marks of each event (summary.ts eventMarks) */
  marksOf?: (eventId: string) => AttendanceMarks | undefined
}

/** The period the export was asked for, used only to word the empty-export error. */
export type ExportLabel = { from?: number | string | null; to?: number | string | null }

export const EVENT_COLUMNS: readonly ExportWord[] = [
  'employee_id',
  'name',
  'department',
  'work_day',
  'direction',
  'time',
  'source',
  'similarity',
  'late_minutes',
  'early_minutes',
  'open_past_limit',
  'reason',
  'corrects',
]
export const SUMMARY_COLUMNS: readonly ExportWord[] = [
  'employee_id',
  'name',
  'department',
  'work_day',
  'schedule',
  'first_in',
  'last_out',
  'hours',
  'hours_decimal',
  'events',
  'late_minutes',
  'early_minutes',
  'incomplete',
  'open_past_limit',
]

const WIDTH: Partial<Record<ExportWord, number>> = { name: 28, department: 18, time: 20, first_in: 20, last_out: 20, reason: 30, corrects: 38, schedule: 13 }

/** Worked time as the screen shows it: whole minutes (the remainder is dropped), e.g. 59 s → 0. */
export const wholeMinutes = (ms: number): number => Math.max(0, Math.floor(ms / 60_000))

const text = (v: string): Cell => ({ t: 'text', v })
const intOrEmpty = (v: number | null | undefined): Cell => (v === null || v === undefined ? null : { t: 'int', v })

function columns(keys: readonly ExportWord[], lang: ExportLang): ExportColumn[] {
  return keys.map((key) => ({ key, header: exportWord(lang, key), width: WIDTH[key] ?? Math.max(12, exportWord(lang, key).length + 2) }))
}

export function emptyExport(label: ExportLabel): HadirError {
  const show = (v: number | string | null | undefined): string | null => (v === undefined || v === null ? null : String(v))
  const from = show(label.from)
  const to = show(label.to)
  return new HadirError('empty-export', `No attendance between ${from ?? 'the first record'} and ${to ?? 'now'} matches these filters: nothing to export`, { from, to })
}

const byTime = (a: ExportEvent, b: ExportEvent): number =>
  a.at - b.at ||
  compareDayName({ day: '', personName: a.personName, personId: a.personId }, { day: '', personName: b.personName, personId: b.personId }) ||
  ((a.id ?? '') < (b.id ?? '') ? -1 : (a.id ?? '') > (b.id ?? '') ? 1 : 0)

/**
 * Effective events, oldest first, one row each. Similarity is empty for manual events; late and early
 * minutes sit on the day's first check-in and last check-out; open_past_limit on a check-in left open.
 * Throws HadirError('empty-export') when nothing is left.
 */
export function eventsTable(events: readonly ExportEvent[], ctx: TableContext, label: ExportLabel = {}): ExportTable {
  const { lang, rules } = ctx
  const yesNo = (b: boolean): Cell => text(exportWord(lang, b ? 'word.yes' : 'word.no'))
  const rows = events
    .filter(isEffective)
    .sort(byTime)
    .map((e): Cell[] => {
      const m = e.id ? ctx.marksOf?.(e.id) : undefined
      const dep = ctx.departmentOf?.(e.personId) ?? null
      return [
        text(e.personId),
        text(e.personName),
        dep === null ? null : text(dep),
        { t: 'date', v: workDay(e.at, rules) },
        text(exportWord(lang, e.direction === 'in' ? 'word.in' : 'word.out')),
        { t: 'datetime', v: e.at },
        text(exportWord(lang, `source.${e.source}`)),
        e.source === 'manual' || e.source === 'pin' || e.source === 'badge' ? null : { t: 'number', v: e.similarity, decimals: 3 },
        intOrEmpty(m?.lateMinutes),
        intOrEmpty(m?.earlyMinutes),
        e.direction === 'in' ? yesNo(m?.openPastLimit === true) : null,
        e.reason ? text(e.reason) : null,
        e.corrects ? text(e.corrects) : null,
      ]
    })
  if (rows.length === 0) throw emptyExport(label)
  return { sheet: exportWord(lang, 'sheet.events'), columns: columns(EVENT_COLUMNS, lang), rows }
}

/**
 * One row per person per work day, by day then name. Hours are whole minutes, as a duration and as
 * decimal hours of those same minutes (0:01 and 0.02 agree). Throws HadirError('empty-export') for none.
 */
export function summaryTable(days: readonly DaySummary[], ctx: TableContext, label: ExportLabel = {}): ExportTable {
  const { lang } = ctx
  if (days.length === 0) throw emptyExport(label)
  const yesNo = (b: boolean): Cell => text(exportWord(lang, b ? 'word.yes' : 'word.no'))
  const rows = [...days].sort(compareDayName).map((d): Cell[] => {
    const minutes = wholeMinutes(d.workedMs)
    const dep = ctx.departmentOf?.(d.personId) ?? null
    return [
      text(d.personId),
      text(d.personName),
      dep === null ? null : text(dep),
      { t: 'date', v: d.day },
      d.schedule ? text(scheduleLabel(d.schedule)) : null,
      d.firstIn === null ? null : { t: 'datetime', v: d.firstIn },
      d.lastOut === null ? null : { t: 'datetime', v: d.lastOut },
      { t: 'duration', minutes },
      { t: 'number', v: Math.round((minutes / 60) * 100) / 100, decimals: 2 },
      { t: 'int', v: d.events },
      intOrEmpty(d.lateMinutes),
      intOrEmpty(d.earlyMinutes),
      yesNo(d.incomplete),
      yesNo(d.openPastLimit === true),
    ]
  })
  return { sheet: exportWord(lang, 'sheet.summary'), columns: columns(SUMMARY_COLUMNS, lang), rows }
}

/** A cell as the CSV writes it (and a person reads it): local date/time text, h:mm, the language's decimal mark. */
export function cellText(c: Cell, timeZone: string, decimal: ',' | '.'): string {
  if (c === null) return ''
  switch (c.t) {
    case 'text':
    case 'date':
      return c.v
    case 'datetime':
      return localDateTimeText(c.v, timeZone)
    case 'duration':
      return `${Math.floor(c.minutes / 60)}:${String(c.minutes % 60).padStart(2, '0')}`
    case 'number': {
      const s = c.v.toFixed(c.decimals)
      return decimal === '.' ? s : s.replace('.', decimal)
    }
    case 'int':
      return String(c.v)
  }
}
