import { describe, expect, it } from 'vitest'
import { dateRangeToEpoch, formatDuration, formatLocalDateTime, isHourMinute, localDateString, parseLocalDate, parseLocalDateTime, toDateTimeLocalValue } from './dates'

describe('admin dates (local time)', () => {
  it('turns a pair of local dates into [from, to) epoch ms', () => {
    const r = dateRangeToEpoch('2026-03-01', '2026-03-01')
    expect(r).toEqual({ from: new Date(2026, 2, 1).getTime(), to: new Date(2026, 2, 2).getTime() })
    const week = dateRangeToEpoch('2026-02-25', '2026-03-03')
    expect(week).toEqual({ from: new Date(2026, 1, 25).getTime(), to: new Date(2026, 2, 4).getTime() })
  })
  it('refuses reversed ranges and impossible dates', () => {
    expect(dateRangeToEpoch('2026-03-02', '2026-03-01')).toBeNull()
    expect(dateRangeToEpoch('2026-02-30', '2026-03-01')).toBeNull()
    expect(dateRangeToEpoch('', '2026-03-01')).toBeNull()
    expect(parseLocalDate('2026-13-01')).toBeNull()
  })
  it('formats and parses local date-times with seconds', () => {
    const ms = new Date(2026, 0, 5, 8, 1, 9).getTime()
    expect(formatLocalDateTime(ms)).toBe('2026-01-05 08:01:09')
    expect(toDateTimeLocalValue(ms)).toBe('2026-01-05T08:01:09')
    expect(parseLocalDateTime('2026-01-05T08:01:09')).toBe(ms)
    expect(parseLocalDateTime('2026-01-05T08:01')).toBe(new Date(2026, 0, 5, 8, 1).getTime())
    expect(parseLocalDateTime('2026-01-05T24:00')).toBeNull()
    expect(parseLocalDateTime('yesterday')).toBeNull()
    expect(localDateString(ms)).toBe('2026-01-05')
  })
  it('shows worked time as h:mm', () => {
    expect(formatDuration(0)).toBe('0:00')
    expect(formatDuration((8 * 60 + 5) * 60_000 + 59_000)).toBe('8:05')
    expect(formatDuration(30 * 3_600_000)).toBe('30:00')
    expect(formatDuration(-5)).toBe('0:00')
  })
  it('checks HH:MM', () => {
    expect(isHourMinute('04:00')).toBe(true)
    expect(isHourMinute('23:59')).toBe(true)
    expect(isHourMinute('24:00')).toBe(false)
    expect(isHourMinute('4:00')).toBe(false)
  })
})
