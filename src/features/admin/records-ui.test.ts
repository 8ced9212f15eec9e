import { describe, expect, it } from 'vitest'
import type { RosterRowReport } from '../../shared/api/contract'
import { defaultSeparatorFor } from './AttendancePanel'
import { errorText } from './errors'
import { rowsToShow, rowText, SHOWN_ROWS } from './RosterReportView'
import { draftOf, scheduleOfDraft } from './SchedulePanel'

describe('schedule form', () => {
  it('turns a draft into a schedule or names what is wrong', () => {
    expect(scheduleOfDraft({ start: '08:00', end: '17:00', tolerance: '10', days: [5, 1] })).toEqual({ ok: true, schedule: { start: '08:00', end: '17:00', toleranceMin: 10, days: [1, 5] } })
    expect(scheduleOfDraft({ start: '8:00', end: '17:00', tolerance: '10', days: [1] })).toEqual({ ok: false, problem: 'sched.problem.time' })
    for (const tolerance of ['', '-1', '121', '1.5', 'x']) expect(scheduleOfDraft({ start: '08:00', end: '17:00', tolerance, days: [1] })).toEqual({ ok: false, problem: 'sched.problem.tolerance' })
    expect(scheduleOfDraft({ start: '08:00', end: '17:00', tolerance: '0', days: [] })).toEqual({ ok: false, problem: 'sched.problem.days' })
    expect(draftOf({ start: '07:00', end: '15:00', toleranceMin: 5, days: [1, 2] })).toEqual({ start: '07:00', end: '15:00', tolerance: '5', days: [1, 2] })
  })

  it('a refused schedule reads in the UI language, by its problem code', () => {
    const e = { code: 'invalid-schedule' as const, message: 'schedule: the end (07:00) must come after the start', details: { field: 'schedule.end', problem: 'end-before-start' } }
    expect(errorText('id', e)).toMatch(/^Jam pulang harus setelah jam masuk/)
    expect(errorText('en', e)).toMatch(/^The end must come after the start/)
    expect(errorText('id', { code: 'invalid-schedule', message: 'x', details: { problem: 'tolerance-out-of-range' } })).toBe('Toleransi harus angka menit dari 0 sampai 120.')
    expect(errorText('id', { code: 'export-too-large', message: 'x' })).toMatch(/^Terlalu banyak baris/)
  })
})

describe('exports', () => {
  it("the CSV separator follows the language's decimal mark", () => {
    expect(defaultSeparatorFor('id')).toBe(';')
    expect(defaultSeparatorFor('en')).toBe(',')
  })
})

describe('roster report', () => {
  const row = (line: number, status: RosterRowReport['status'], extra: Partial<RosterRowReport> = {}): RosterRowReport => ({ line, id: `E${line}`, name: 'x', department: null, status, ...extra })
  it('shows error rows first, at most SHOWN_ROWS', () => {
    const rows = [row(2, 'create'), row(3, 'error', { problem: 'missing-name' }), row(4, 'update'), row(5, 'error', { problem: 'duplicate-id', duplicateOf: 2 })]
    expect(rowsToShow(rows).map((r) => r.line)).toEqual([3, 5, 2, 4])
    expect(rowsToShow(Array.from({ length: 20_000 }, (_, i) => row(i + 2, 'create')))).toHaveLength(SHOWN_ROWS)
    expect(rowText('id', rows[3] as RosterRowReport)).toBe('ID sama dengan baris 2')
    expect(rowText('en', rows[1] as RosterRowReport)).toBe('Name is empty')
    expect(rowText('id', rows[0] as RosterRowReport)).toBe('Baru')
  })
})
