import { describe, expect, it } from 'vitest'
import { errorOf } from '../testing/hadir-error'
import type { WorkSchedule } from '../../../src/shared/domain/types'
import { decideDirection, validateRules, zonedInstant } from './rules'
import { isoWeekday, scheduledTimes, validateSchedule } from './schedule'
import { eventMarks, summarizeDays, type SummaryEvent } from './summary'

const t = (iso: string): number => Date.parse(iso)
const H = 3_600_000
const M = 60_000
const jakarta = validateRules({ timeZone: 'Asia/Jakarta' })
const office: WorkSchedule = { start: '08:00', end: '17:00', toleranceMin: 10, days: [1, 2, 3, 4, 5] }
const ev = (id: string, direction: 'in' | 'out', iso: string, personId = 'E1'): SummaryEvent => ({ id, personId, personName: 'Ani', direction, at: t(iso) })

describe('validateSchedule', () => {
  it('accepts a day schedule and cleans the weekdays', () => {
    expect(validateSchedule({ start: '08:00', end: '17:00', toleranceMin: 0, days: [5, 1, 1, 3] }, '00:00')).toEqual({ start: '08:00', end: '17:00', toleranceMin: 0, days: [1, 3, 5] })
  })

  it('refuses an end before (or at) the start with a stable code and the problem', () => {
    for (const end of ['07:00', '08:00']) {
      const e = errorOf(() => validateSchedule({ ...office, end }, '00:00'))
      expect(e.code).toBe('invalid-schedule')
      expect(e.details).toEqual({ field: 'schedule.end', problem: 'end-before-start' })
      expect(e.message).toMatch(/must come after the start/)
    }
  })

  it('a night shift is valid once the work day starts before it (day boundary)', () => {
    const night = { start: '22:00', end: '06:00', toleranceMin: 15, days: [1, 2, 3, 4, 5, 6, 7] }
    expect(errorOf(() => validateSchedule(night, '00:00')).message).toMatch(/night shift/)
    expect(validateSchedule(night, '12:00')).toMatchObject({ start: '22:00', end: '06:00' })
    // the shape alone (the dispatcher's check) does not need the boundary
    expect(validateSchedule(night, null)).toMatchObject({ start: '22:00' })
  })

  it('refuses a tolerance out of 0..120 or not whole, bad times, bad weekdays, unknown fields', () => {
    for (const toleranceMin of [-1, 121, 1.5, '10', null]) {
      expect(errorOf(() => validateSchedule({ ...office, toleranceMin }, '00:00')).details).toEqual({ field: 'schedule.toleranceMin', problem: 'tolerance-out-of-range' })
    }
    expect(validateSchedule({ ...office, toleranceMin: 120 }, '00:00').toleranceMin).toBe(120)
    for (const start of ['8:00', '24:00', '08:60', 800, undefined]) expect(errorOf(() => validateSchedule({ ...office, start }, '00:00')).details).toMatchObject({ problem: 'bad-time' })
    for (const days of [[], [0], [8], [1.5], 'weekdays', [1, 2, 3, 4, 5, 6, 7, 1]]) expect(errorOf(() => validateSchedule({ ...office, days }, '00:00')).details).toMatchObject({ problem: 'bad-days' })
    expect(errorOf(() => validateSchedule({ ...office, lunch: 60 }, '00:00')).details).toMatchObject({ problem: 'unknown-field' })
    expect(errorOf(() => validateSchedule('08-17', '00:00')).details).toMatchObject({ problem: 'not-an-object' })
  })
})

describe('scheduled instants', () => {
  it('a weekday of the work day; instants in the zone, the end of a night shift on the next date', () => {
    expect(isoWeekday('2026-11-23')).toBe(1) // a Monday
    expect(isoWeekday('2026-11-29')).toBe(7)
    expect(scheduledTimes(office, '2026-11-23', jakarta)).toEqual({ startAt: t('2026-11-23T08:00:00+07:00'), endAt: t('2026-11-23T17:00:00+07:00') })
    expect(scheduledTimes(office, '2026-11-28', jakarta)).toBeNull() // Saturday
    const night = { start: '22:00', end: '06:00', toleranceMin: 0, days: [1] }
    expect(scheduledTimes(night, '2026-11-23', validateRules({ timeZone: 'Asia/Jakarta', dayBoundary: '12:00' }))).toEqual({
      startAt: t('2026-11-23T22:00:00+07:00'),
      endAt: t('2026-11-24T06:00:00+07:00'),
    })
  })

  it('zonedInstant is right on DST days (Berlin: the skipped and the repeated hour)', () => {
    expect(zonedInstant('2026-03-29', 8 * 60, 'Europe/Berlin')).toBe(t('2026-03-29T08:00:00+02:00'))
    expect(zonedInstant('2026-03-29', 60 + 30, 'Europe/Berlin')).toBe(t('2026-03-29T01:30:00+01:00'))
    expect(zonedInstant('2026-03-29', 2 * 60 + 30, 'Europe/Berlin')).toBe(t('2026-03-29T03:30:00+02:00')) // does not exist: one hour later
    expect(zonedInstant('2026-10-25', 2 * 60 + 30, 'Europe/Berlin')).toBe(t('2026-10-25T02:30:00+02:00')) // twice: the first
    expect(zonedInstant('2026-10-25', 8 * 60, 'Europe/Berlin')).toBe(t('2026-10-25T08:00:00+01:00'))
    expect(zonedInstant('2026-11-23', 8 * 60, 'Asia/Jakarta')).toBe(t('2026-11-23T08:00:00+07:00'))
  })
})

describe('late arrivals and early leaves', () => {
  const sched = () => office

  it('late past the tolerance counts minutes from the start; within it nothing is marked', () => {
    const day = (inAt: string, outAt: string) => summarizeDays([ev('i', 'in', inAt), ev('o', 'out', outAt)], jakarta, { scheduleOf: sched })[0]
    expect(day('2026-11-23T08:21:30+07:00', '2026-11-23T17:00:00+07:00')).toMatchObject({ lateMinutes: 21, earlyMinutes: null, schedule: office })
    expect(day('2026-11-23T08:10:59+07:00', '2026-11-23T17:00:00+07:00')).toMatchObject({ lateMinutes: null, earlyMinutes: null })
    expect(day('2026-11-23T08:11:00+07:00', '2026-11-23T16:50:00+07:00')).toMatchObject({ lateMinutes: 11, earlyMinutes: null })
    expect(day('2026-11-23T07:30:00+07:00', '2026-11-23T16:49:00+07:00')).toMatchObject({ lateMinutes: null, earlyMinutes: 11 })
    // a Saturday is not in the schedule: nothing marked
    expect(day('2026-11-28T10:00:00+07:00', '2026-11-28T12:00:00+07:00')).toMatchObject({ lateMinutes: null, earlyMinutes: null, schedule: null })
  })

  it('early only when the day ends with a check-out (back in after lunch has not left)', () => {
    const [d] = summarizeDays([ev('a', 'in', '2026-11-23T08:00:00+07:00'), ev('b', 'out', '2026-11-23T12:00:00+07:00'), ev('c', 'in', '2026-11-23T13:00:00+07:00')], jakarta, { scheduleOf: sched })
    expect(d).toMatchObject({ earlyMinutes: null, incomplete: true })
  })

  it("a person's own schedule replaces the default; no schedule, no marks", () => {
    const own: WorkSchedule = { start: '10:00', end: '14:00', toleranceMin: 0, days: [1] }
    const events = [ev('a', 'in', '2026-11-23T09:30:00+07:00', 'E1'), ev('b', 'in', '2026-11-23T09:30:00+07:00', 'E2')]
    const days = summarizeDays(events, jakarta, { scheduleOf: (p) => (p === 'E1' ? own : p === 'E2' ? office : null) })
    expect(days.find((d) => d.personId === 'E1')).toMatchObject({ lateMinutes: null, schedule: own })
    expect(days.find((d) => d.personId === 'E2')).toMatchObject({ lateMinutes: 90 })
    expect(summarizeDays(events, jakarta)[0]).toMatchObject({ lateMinutes: null, schedule: null })
  })

  it('eventMarks puts late on the first check-in, early on the last check-out', () => {
    const marks = eventMarks(
      [ev('a', 'in', '2026-11-23T08:30:00+07:00'), ev('b', 'out', '2026-11-23T12:00:00+07:00'), ev('c', 'in', '2026-11-23T13:00:00+07:00'), ev('d', 'out', '2026-11-23T16:00:00+07:00')],
      jakarta,
      { scheduleOf: sched },
    )
    expect(Object.fromEntries(marks)).toEqual({ a: { lateMinutes: 30 }, d: { earlyMinutes: 60 } })
  })
})

describe('check-ins open past the limit', () => {
  const boundary4 = validateRules({ timeZone: 'Asia/Jakarta', dayBoundary: '04:00' })

  it('a check-out more than 16 h after the check-in is not paired (no hours) and the check-in is flagged', () => {
    // boundary 04:00: 05:00 and 02:30 the next morning are one work day, 21.5 h apart
    const events = [ev('a', 'in', '2026-11-23T05:00:00+07:00'), ev('b', 'out', '2026-11-24T02:30:00+07:00')]
    const [d] = summarizeDays(events, boundary4)
    expect(d).toMatchObject({ day: '2026-11-23', workedMs: 0, incomplete: true, openPastLimit: true })
    expect(Object.fromEntries(eventMarks(events, boundary4))).toEqual({ a: { openPastLimit: true } })
    // within the limit (a long night shift) it pairs as before
    const [ok] = summarizeDays([ev('a', 'in', '2026-11-23T12:00:00+07:00'), ev('b', 'out', '2026-11-24T02:30:00+07:00')], boundary4)
    expect(ok).toMatchObject({ workedMs: 14.5 * H, incomplete: false, openPastLimit: false })
    // the limit is a setting
    const [longer] = summarizeDays(events, { ...boundary4, openLimitMs: 22 * H })
    expect(longer).toMatchObject({ workedMs: 21.5 * H, openPastLimit: false })
  })

  it('a check-in still open now, past the limit, is flagged; a recent one is only incomplete', () => {
    const events = [ev('a', 'in', '2026-11-23T08:00:00+07:00')]
    expect(summarizeDays(events, jakarta, { now: t('2026-11-23T20:00:00+07:00') })[0]).toMatchObject({ incomplete: true, openPastLimit: false })
    expect(summarizeDays(events, jakarta, { now: t('2026-11-24T00:00:01+07:00') })[0]).toMatchObject({ incomplete: true, openPastLimit: true })
    // a second check-in long after the first: the first was left open
    const two = [ev('a', 'in', '2026-11-23T05:00:00+07:00'), ev('b', 'in', '2026-11-24T03:00:00+07:00'), ev('c', 'out', '2026-11-24T03:30:00+07:00')]
    expect(Object.fromEntries(eventMarks(two, boundary4))).toEqual({ a: { openPastLimit: true } })
    expect(summarizeDays(two, boundary4)[0]).toMatchObject({ workedMs: 30 * M })
  })

  it('toggle: a scan after a check-in open past the limit is a new check-in, not its check-out', () => {
    const prev = { at: t('2026-11-23T05:00:00+07:00'), direction: 'in' as const }
    expect(decideDirection({ prev, at: t('2026-11-24T02:30:00+07:00'), rules: boundary4 })).toBe('in')
    expect(decideDirection({ prev, at: t('2026-11-23T20:59:00+07:00'), rules: boundary4 })).toBe('out')
    expect(decideDirection({ prev, at: t('2026-11-24T02:30:00+07:00'), rules: { ...boundary4, openLimitMs: 24 * H } })).toBe('out')
  })

  it('the limit is validated: 1 h to 24 h in whole ms', () => {
    for (const openLimitMs of [0, H - 1, 24 * H + 1, 1.5 * H + 0.5]) expect(() => validateRules({ openLimitMs })).toThrow(/openLimitMs/)
    expect(validateRules({ openLimitMs: H }).openLimitMs).toBe(H)
  })
})
