/**
 * Per person per work day totals for payroll. Pure: give it effective events (see attendance-store's
 * `listAttendanceRows`) and the rules; superseded or voided rows passed by mistake are skipped.
 */
import type { AttendanceEvent, AttendanceMarks, DaySummary, WorkSchedule } from '../../../src/shared/domain/types'
import { openLimitOf, workDay, type AttendanceRules } from './rules'
import { lateEarly } from './schedule'

/** What a summary needs of an event; correction fields, when present, exclude non-effective rows. */
export type SummaryEvent = Pick<AttendanceEvent, 'personId' | 'personName' | 'direction' | 'at'> & {
  id?: string
  supersededBy?: string | null
  voided?: boolean
}

/** One person's work day (the domain type, src/shared/domain/types.ts). */
export type { DaySummary }

/** True for events that count: not replaced by a correction, not voided. */
export const isEffective = (e: { supersededBy?: string | null; voided?: boolean }): boolean => !e.voided && (e.supersededBy ?? null) === null

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true })

/** Orders summaries (or anything with day / name / id) by day, then name, then id. */
export function compareDayName(a: { day: string; personName: string; personId: string }, b: { day: string; personName: string; personId: string }): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1
  return collator.compare(a.personName, b.personName) || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0)
}

/** What a summary needs beyond the events: the clock (for check-ins still open now) and schedules. */
export type SummaryOptions = {
  /** now, epoch ms: a check-in with no check-out yet is "open past the limit" once now is past it */
  now?: number
  /** the schedule that applies to a person (their own, else the office default), null for none */
  scheduleOf?: (personId: string) => WorkSchedule | null
}

type DayDetail = { summary: DaySummary; openIds: string[] }

function summarizeDetailed(events: readonly SummaryEvent[], rules: SummaryRules, opts: SummaryOptions): DayDetail[] {
  const groups = new Map<string, { personId: string; day: string; list: SummaryEvent[] }>()
  for (const e of events) {
    if (!isEffective(e)) continue
    const day = workDay(e.at, rules)
    const key = JSON.stringify([e.personId, day])
    let g = groups.get(key)
    if (!g) {
      g = { personId: e.personId, day, list: [] }
      groups.set(key, g)
    }
    g.list.push(e)
  }

  const limit = openLimitOf(rules)
  const out: DayDetail[] = []
  for (const g of groups.values()) {
    const list = [...g.list].sort((a, b) => a.at - b.at || ((a.id ?? '') < (b.id ?? '') ? -1 : (a.id ?? '') > (b.id ?? '') ? 1 : 0))
    let open: SummaryEvent | null = null
    let workedMs = 0
    let incomplete = false
    let first: SummaryEvent | null = null
    let last: SummaryEvent | null = null
    const openIds: string[] = []
    // events without an id (callers' own lists) still flag the day; '' is never marked
    const pastLimit = (e: SummaryEvent) => openIds.push(e.id ?? '')
    for (const e of list) {
      if (e.direction === 'in') {
        if (first === null) first = e
        if (open !== null) {
          incomplete = true
          if (e.at - open.at > limit) pastLimit(open)
        }
        open = e
      } else {
        last = e
        if (open === null) incomplete = true
        else if (e.at - open.at > limit) {
          // not paired: a check-out this long after the check-in closes a forgotten one, not a shift
          incomplete = true
          pastLimit(open)
        } else workedMs += e.at - open.at
        open = null
      }
    }
    if (open !== null) {
      incomplete = true
      if (opts.now !== undefined && opts.now - open.at > limit) pastLimit(open)
    }
    const latest = list[list.length - 1] as SummaryEvent
    const schedule = opts.scheduleOf?.(g.personId) ?? null
    const firstIn = first?.at ?? null
    const lastOut = last?.at ?? null
    const marks = lateEarly(schedule, g.day, { firstIn, lastOut, endsWithOut: latest.direction === 'out' }, rules)
    out.push({
      summary: {
        personId: g.personId,
        personName: latest.personName,
        day: g.day,
        firstIn,
        lastOut,
        workedMs,
        events: list.length,
        incomplete,
        firstInId: first?.id ?? null,
        lastOutId: last?.id ?? null,
        schedule: marks.applies ? schedule : null,
        lateMinutes: marks.lateMinutes,
        earlyMinutes: marks.earlyMinutes,
        openPastLimit: openIds.length > 0,
      },
      openIds,
    })
  }
  return out.sort((a, b) => compareDayName(a.summary, b.summary))
}

type SummaryRules = Pick<AttendanceRules, 'dayBoundary' | 'timeZone' | 'openLimitMs'>

/**
 * One row per person per work day, sorted by day then name. Pairs are made in time order within the work
 * day: an 'in' followed by an 'out' adds their difference; a second 'in' before an 'out' leaves the first
 * one unmatched (it adds nothing) and marks the day incomplete, as does an 'out' with no open 'in' or an
 * 'in' still open at the end of the day.
 *
 * A check-in with no check-out within the open-check-in limit (rules.openLimitMs, default 16 h) is
 * `openPastLimit`: a later check-out is not paired with it (no hours counted), and with `opts.now` one
 * still open now past the limit is flagged too. With `opts.scheduleOf`, days the person's schedule
 * covers get `lateMinutes` / `earlyMinutes` (see schedule.ts).
 */
export function summarizeDays(events: readonly SummaryEvent[], rules: SummaryRules, opts: SummaryOptions = {}): DaySummary[] {
  return summarizeDetailed(events, rules, opts).map((d) => d.summary)
}

/**
 * The marks of each event id: the first check-in of a late day, the last check-out of an early day and
 * every check-in open past the limit. Events without marks are absent.
 */
export function eventMarks(events: readonly SummaryEvent[], rules: SummaryRules, opts: SummaryOptions = {}): Map<string, AttendanceMarks> {
  const marks = new Map<string, AttendanceMarks>()
  const add = (id: string | null | undefined, m: AttendanceMarks) => {
    if (!id) return
    marks.set(id, { ...marks.get(id), ...m })
  }
  for (const { summary: s, openIds } of summarizeDetailed(events, rules, opts)) {
    if (s.lateMinutes !== null && s.lateMinutes !== undefined) add(s.firstInId, { lateMinutes: s.lateMinutes })
    if (s.earlyMinutes !== null && s.earlyMinutes !== undefined) add(s.lastOutId, { earlyMinutes: s.earlyMinutes })
    for (const id of openIds) add(id, { openPastLimit: true })
  }
  return marks
}
