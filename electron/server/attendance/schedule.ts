/**
 * Work schedules: the office default and a person's own (start, end, tolerance, weekdays), and how a
 * work day compares with them (late arrival, early leave). Pure functions, no database.
 *
 * Schedule times are local wall-clock times in the rules' zone, read from the start of the work day
 * (rules.dayBoundary): with a boundary of 04:00 a shift 20:00–03:00 starts on the work day's date and
 * ends on the next calendar date. Instants are computed with the zone's offset of that date, so DST
 * days are right.
 */
import { HadirError } from '../../../src/shared/api/result'
import type { AttendanceRules, WorkSchedule } from '../../../src/shared/domain/types'
import { addDays, parseHhmm, zonedInstant } from './rules'

/** Tolerance bounds, minutes. */
export const MAX_TOLERANCE_MIN = 120

/** Why a schedule is refused (details.problem of HadirError('invalid-schedule')). */
export type ScheduleProblem = 'not-an-object' | 'unknown-field' | 'bad-time' | 'end-before-start' | 'tolerance-out-of-range' | 'bad-days'

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/
const KEYS = new Set(['start', 'end', 'toleranceMin', 'days'])

function refuse(problem: ScheduleProblem, field: string, message: string): HadirError {
  return new HadirError('invalid-schedule', message, { field, problem })
}

/** A short, safe rendering of a refused value (never walks it: hostile input may be deep or cyclic). */
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v === 'number' || typeof v === 'boolean' || v === null ? String(v) : typeof v)

/** Minutes of `hhmm` after the work day's start. */
const intoDay = (hhmm: string, boundaryMin: number): number => (parseHhmm(hhmm, 'time') - boundaryMin + 1440) % 1440

/**
 * Checks a schedule and returns a clean copy (days sorted, deduplicated). Throws
 * HadirError('invalid-schedule', message, { field, problem }) for: not an object, an unknown field,
 * a start or end that is not HH:MM, an end not after the start within the work day (which starts at
 * `dayBoundary`), a tolerance that is not a whole number of minutes from 0 to 120, or weekdays that are
 * not a non-empty list of 1..7. `field` names the schedule in messages (e.g. 'schedule' or a person).
 * With `dayBoundary` null only the shape is checked, not the order of start and end.
 */
export function validateSchedule(input: unknown, dayBoundary: string | null, field = 'schedule'): WorkSchedule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw refuse('not-an-object', field, `${field} must be an object with start, end, toleranceMin and days`)
  const o = input as Record<string, unknown>
  for (const k of Object.keys(o)) if (!KEYS.has(k)) throw refuse('unknown-field', `${field}.${k}`, `${field} has an unknown field "${k}" (known: start, end, toleranceMin, days)`)
  for (const k of ['start', 'end'] as const) {
    const v = o[k]
    if (typeof v !== 'string' || !HHMM.test(v)) throw refuse('bad-time', `${field}.${k}`, `${field}.${k} must be a time of day as HH:MM (00:00 to 23:59), got ${show(v)}`)
  }
  const start = o.start as string
  const end = o.end as string
  // null: the shape only (the dispatcher's validator); the order needs the day boundary
  const boundary = dayBoundary === null ? null : parseHhmm(dayBoundary, 'dayBoundary')
  if (boundary !== null && intoDay(end, boundary) <= intoDay(start, boundary)) {
    throw refuse(
      'end-before-start',
      `${field}.end`,
      `${field}: the end (${end}) must come after the start (${start}) within the work day, which starts at ${dayBoundary}` +
        (boundary === 0 ? '; for a night shift, set the start of the work day (day boundary) before the shift starts' : ''),
    )
  }
  const tol = o.toleranceMin
  if (typeof tol !== 'number' || !Number.isInteger(tol) || tol < 0 || tol > MAX_TOLERANCE_MIN) {
    throw refuse('tolerance-out-of-range', `${field}.toleranceMin`, `${field}.toleranceMin must be a whole number of minutes from 0 to ${MAX_TOLERANCE_MIN}, got ${show(tol)}`)
  }
  const days = o.days
  const weekday = (d: unknown) => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 7
  // an index loop, not every(): holes of a sparse array must not pass
  const daysOk = Array.isArray(days) && days.length > 0 && days.length <= 7 && Array.from({ length: days.length }, (_, i) => weekday((days as unknown[])[i])).every(Boolean)
  if (!daysOk) {
    throw refuse('bad-days', `${field}.days`, `${field}.days must list the weekdays it applies on, 1 (Monday) to 7 (Sunday), at least one`)
  }
  return { start, end, toleranceMin: tol, days: [...new Set(days as number[])].sort((a, b) => a - b) }
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a 'YYYY-MM-DD' date. */
export function isoWeekday(ymdText: string): number {
  const [y, m, d] = ymdText.split('-').map(Number) as [number, number, number]
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay()
  return wd === 0 ? 7 : wd
}

/** The instants a schedule expects on work day `day`, or null when it does not apply that weekday. */
export function scheduledTimes(schedule: WorkSchedule, day: string, rules: Pick<AttendanceRules, 'dayBoundary' | 'timeZone'>): { startAt: number; endAt: number } | null {
  if (!schedule.days.includes(isoWeekday(day))) return null
  const boundary = parseHhmm(rules.dayBoundary, 'dayBoundary')
  const at = (hhmm: string): number => {
    const min = parseHhmm(hhmm, 'time')
    // a time before the boundary belongs to the next calendar date of the same work day
    return zonedInstant(min >= boundary ? day : addDays(day, 1), min, rules.timeZone)
  }
  return { startAt: at(schedule.start), endAt: at(schedule.end) }
}

/**
 * Late and early minutes of a work day. Late: whole minutes from the scheduled start to the first
 * check-in, when more than the tolerance. Early: whole minutes from the last check-out to the scheduled
 * end, when more than the tolerance, and only when the day ends with a check-out (a person who came
 * back in has not left).
 */
export function lateEarly(
  schedule: WorkSchedule | null,
  day: string,
  facts: { firstIn: number | null; lastOut: number | null; endsWithOut: boolean },
  rules: Pick<AttendanceRules, 'dayBoundary' | 'timeZone'>,
): { lateMinutes: number | null; earlyMinutes: number | null; applies: boolean } {
  const times = schedule ? scheduledTimes(schedule, day, rules) : null
  if (!schedule || !times) return { lateMinutes: null, earlyMinutes: null, applies: false }
  const late = facts.firstIn === null ? null : Math.floor((facts.firstIn - times.startAt) / 60_000)
  const early = facts.lastOut === null || !facts.endsWithOut ? null : Math.floor((times.endAt - facts.lastOut) / 60_000)
  return {
    lateMinutes: late !== null && late > schedule.toleranceMin ? late : null,
    earlyMinutes: early !== null && early > schedule.toleranceMin ? early : null,
    applies: true,
  }
}

/** 'HH:MM–HH:MM' for display and exports. */
export const scheduleLabel = (s: WorkSchedule): string => `${s.start}–${s.end}`
