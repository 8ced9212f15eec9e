/**
 * Per person per work day totals for payroll. Pure: give it effective events (see attendance-store's
 * `listAttendanceRows`) and the rules; superseded or voided rows passed by mistake are skipped.
 */
import type { AttendanceEvent, DaySummary } from '../../../src/shared/domain/types'
import { workDay, type AttendanceRules } from './rules'

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

/**
 * One row per person per work day, sorted by day then name. Pairs are made in time order within the work
 * day: an 'in' followed by an 'out' adds their difference; a second 'in' before an 'out' leaves the first
 * one unmatched (it adds nothing) and marks the day incomplete, as does an 'out' with no open 'in' or an
 * 'in' still open at the end of the day.
 */
export function summarizeDays(events: readonly SummaryEvent[], rules: Pick<AttendanceRules, 'dayBoundary' | 'timeZone'>): DaySummary[] {
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

  const out: DaySummary[] = []
  for (const g of groups.values()) {
    const list = [...g.list].sort((a, b) => a.at - b.at || ((a.id ?? '') < (b.id ?? '') ? -1 : (a.id ?? '') > (b.id ?? '') ? 1 : 0))
    let open: number | null = null
    let workedMs = 0
    let incomplete = false
    let firstIn: number | null = null
    let lastOut: number | null = null
    for (const e of list) {
      if (e.direction === 'in') {
        if (firstIn === null) firstIn = e.at
        if (open !== null) incomplete = true
        open = e.at
      } else {
        lastOut = e.at
        if (open === null) incomplete = true
        else workedMs += e.at - open
        open = null
      }
    }
    if (open !== null) incomplete = true
    const latest = list[list.length - 1] as SummaryEvent
    out.push({ personId: g.personId, personName: latest.personName, day: g.day, firstIn, lastOut, workedMs, events: list.length, incomplete })
  }
  return out.sort(compareDayName)
}
