import { describe, expect, it } from 'vitest'
import type { AttendanceRow } from '../../shared/domain/types'
import { correctionArgs, isActionable, rowState } from './attendance-view'
import { toDateTimeLocalValue } from './dates'

const at = new Date(2026, 0, 5, 8, 1, 9).getTime() + 123
const row: AttendanceRow = {
  id: 'e1',
  personId: 'p1',
  personName: 'Budi',
  direction: 'in',
  at,
  similarity: 0.8,
  source: 'kiosk',
  kioskId: 'k',
  supersededBy: null,
  voided: false,
  reason: null,
  corrects: null,
}

describe('attendance corrections', () => {
  it('needs a reason and a change', () => {
    const time = toDateTimeLocalValue(at)
    expect(correctionArgs(row, { time, direction: 'in', reason: '  ' })).toEqual({ ok: false, problem: 'reason-missing' })
    expect(correctionArgs(row, { time, direction: 'in', reason: 'forgot' })).toEqual({ ok: false, problem: 'nothing-changed' })
    expect(correctionArgs(row, { time: 'x', direction: 'in', reason: 'forgot' })).toEqual({ ok: false, problem: 'time-invalid' })
  })
  it('sends only the changed time and/or direction', () => {
    expect(correctionArgs(row, { time: toDateTimeLocalValue(at), direction: 'out', reason: ' wrong button ' })).toEqual({ ok: true, args: { eventId: 'e1', direction: 'out', reason: 'wrong button' } })
    const later = new Date(2026, 0, 5, 7, 30, 0).getTime()
    expect(correctionArgs(row, { time: '2026-01-05T07:30', direction: 'in', reason: 'late bus' })).toEqual({ ok: true, args: { eventId: 'e1', at: later, reason: 'late bus' } })
  })
  it('tells current, superseded and voided rows apart', () => {
    const fix: AttendanceRow = { ...row, id: 'e2', corrects: 'e1', source: 'manual', reason: 'x' }
    const old: AttendanceRow = { ...row, supersededBy: 'e2' }
    expect(rowState(row, [row])).toEqual({ kind: 'current' })
    expect(rowState(old, [old, fix])).toEqual({ kind: 'superseded', byId: 'e2', by: fix })
    expect(rowState(old, [old])).toEqual({ kind: 'superseded', byId: 'e2', by: null })
    expect(rowState({ ...row, voided: true }, [])).toEqual({ kind: 'voided' })
    expect(isActionable(old)).toBe(false)
    expect(isActionable(row)).toBe(true)
  })
})
