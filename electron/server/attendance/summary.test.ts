import { describe, expect, it } from 'vitest'
import { validateRules } from './rules'
import { summarizeDays, type SummaryEvent } from './summary'

const t = (iso: string): number => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new Error(`bad test time ${iso}`)
  return ms
}
const H = 3_600_000
const M = 60_000
const jakarta = validateRules({ timeZone: 'Asia/Jakarta' })
const ev = (personId: string, personName: string, direction: 'in' | 'out', iso: string, extra: Partial<SummaryEvent> = {}): SummaryEvent => ({
  personId,
  personName,
  direction,
  at: t(iso),
  ...extra,
})

describe('summarizeDays', () => {
  it('sums in→out pairs per person per work day, in any input order, sorted by day then name', () => {
    const events = [
      ev('E2', 'Budi', 'out', '2026-11-23T17:00:00+07:00'),
      ev('E1', 'Siti Nurhaliza', 'in', '2026-11-23T08:00:00+07:00'),
      ev('E1', 'Siti Nurhaliza', 'out', '2026-11-23T12:00:00+07:00'),
      ev('E2', 'Budi', 'in', '2026-11-23T09:00:00+07:00'),
      ev('E1', 'Siti Nurhaliza', 'in', '2026-11-23T13:00:00+07:00'),
      ev('E1', 'Siti Nurhaliza', 'out', '2026-11-23T17:30:00+07:00'),
      ev('E1', 'Siti Nurhaliza', 'in', '2026-11-22T08:00:00+07:00'),
      ev('E1', 'Siti Nurhaliza', 'out', '2026-11-22T16:00:00+07:00'),
    ]
    expect(summarizeDays(events, jakarta)).toMatchObject([
      {
        personId: 'E1',
        personName: 'Siti Nurhaliza',
        day: '2026-11-22',
        firstIn: t('2026-11-22T08:00:00+07:00'),
        lastOut: t('2026-11-22T16:00:00+07:00'),
        workedMs: 8 * H,
        events: 2,
        incomplete: false,
      },
      {
        personId: 'E2',
        personName: 'Budi',
        day: '2026-11-23',
        firstIn: t('2026-11-23T09:00:00+07:00'),
        lastOut: t('2026-11-23T17:00:00+07:00'),
        workedMs: 8 * H,
        events: 2,
        incomplete: false,
      },
      {
        personId: 'E1',
        personName: 'Siti Nurhaliza',
        day: '2026-11-23',
        firstIn: t('2026-11-23T08:00:00+07:00'),
        lastOut: t('2026-11-23T17:30:00+07:00'),
        workedMs: 8.5 * H,
        events: 4,
        incomplete: false,
      },
    ])
    expect(summarizeDays([...events].reverse(), jakarta)).toEqual(summarizeDays(events, jakarta))
  })

  it('an unmatched in adds nothing and marks the day incomplete; so does an out without an in', () => {
    const [forgotOut] = summarizeDays([ev('E1', 'Ani', 'in', '2026-11-23T08:00:00+07:00')], jakarta)
    expect(forgotOut).toMatchObject({ workedMs: 0, incomplete: true, firstIn: t('2026-11-23T08:00:00+07:00'), lastOut: null, events: 1 })

    const [forgotIn] = summarizeDays([ev('E1', 'Ani', 'out', '2026-11-23T17:00:00+07:00')], jakarta)
    expect(forgotIn).toMatchObject({ workedMs: 0, incomplete: true, firstIn: null, lastOut: t('2026-11-23T17:00:00+07:00') })

    // in, in, out: only the second in pairs
    const [twoIns] = summarizeDays(
      [ev('E1', 'Ani', 'in', '2026-11-23T08:00:00+07:00'), ev('E1', 'Ani', 'in', '2026-11-23T09:00:00+07:00'), ev('E1', 'Ani', 'out', '2026-11-23T10:00:00+07:00')],
      jakarta,
    )
    expect(twoIns).toMatchObject({ workedMs: 1 * H, incomplete: true, firstIn: t('2026-11-23T08:00:00+07:00'), events: 3 })

    // in, out, out: the second out is unmatched
    const [twoOuts] = summarizeDays(
      [ev('E1', 'Ani', 'in', '2026-11-23T08:00:00+07:00'), ev('E1', 'Ani', 'out', '2026-11-23T09:00:00+07:00'), ev('E1', 'Ani', 'out', '2026-11-23T10:00:00+07:00')],
      jakarta,
    )
    expect(twoOuts).toMatchObject({ workedMs: 1 * H, incomplete: true, lastOut: t('2026-11-23T10:00:00+07:00') })
  })

  it('a night shift across midnight is one work day with a 04:00 boundary, two with midnight', () => {
    const shift = [ev('E1', 'Ani', 'in', '2026-11-22T22:00:00+07:00'), ev('E1', 'Ani', 'out', '2026-11-23T03:30:00+07:00')]
    expect(summarizeDays(shift, validateRules({ timeZone: 'Asia/Jakarta', dayBoundary: '04:00' }))).toEqual([
      {
        personId: 'E1',
        personName: 'Ani',
        day: '2026-11-22',
        firstIn: t('2026-11-22T22:00:00+07:00'),
        lastOut: t('2026-11-23T03:30:00+07:00'),
        workedMs: 5.5 * H,
        events: 2,
        incomplete: false,
        firstInId: null,
        lastOutId: null,
        schedule: null,
        lateMinutes: null,
        earlyMinutes: null,
        openPastLimit: false,
      },
    ])
    const split = summarizeDays(shift, jakarta)
    expect(split.map((d) => [d.day, d.workedMs, d.incomplete])).toEqual([
      ['2026-11-22', 0, true],
      ['2026-11-23', 0, true],
    ])
    // 22:00 → 06:00 needs a boundary between the shifts, e.g. 07:00
    const long = [ev('E1', 'Ani', 'in', '2026-11-22T22:00:00+07:00'), ev('E1', 'Ani', 'out', '2026-11-23T06:00:00+07:00')]
    expect(summarizeDays(long, validateRules({ timeZone: 'Asia/Jakarta', dayBoundary: '07:00' })).map((d) => [d.day, d.workedMs])).toEqual([['2026-11-22', 8 * H]])
  })

  it('counts real elapsed time on DST days (25-hour Berlin day, 23-hour New York day)', () => {
    const berlin = validateRules({ timeZone: 'Europe/Berlin', openLimitMs: 24 * H })
    const [long] = summarizeDays([ev('E1', 'Ani', 'in', '2026-10-25T00:30:00+02:00'), ev('E1', 'Ani', 'out', '2026-10-25T23:30:00+01:00')], berlin)
    expect(long).toMatchObject({ day: '2026-10-25', workedMs: 24 * H, incomplete: false })
    // a night shift through the repeated hour, boundary 07:00: 22:00 CEST → 06:00 CET is 9 hours
    const nightBerlin = validateRules({ timeZone: 'Europe/Berlin', dayBoundary: '07:00' })
    const [night] = summarizeDays([ev('E1', 'Ani', 'in', '2026-10-24T22:00:00+02:00'), ev('E1', 'Ani', 'out', '2026-10-25T06:00:00+01:00')], nightBerlin)
    expect(night).toMatchObject({ day: '2026-10-24', workedMs: 9 * H })

    const ny = validateRules({ timeZone: 'America/New_York' })
    const [short] = summarizeDays([ev('E1', 'Ani', 'in', '2026-03-08T01:00:00-05:00'), ev('E1', 'Ani', 'out', '2026-03-08T09:00:00-04:00')], ny)
    expect(short).toMatchObject({ day: '2026-03-08', workedMs: 7 * H })
  })

  it('skips superseded and voided rows passed by mistake', () => {
    const days = summarizeDays(
      [
        ev('E1', 'Ani', 'in', '2026-11-23T08:00:00+07:00', { id: 'a', supersededBy: 'b' }),
        ev('E1', 'Ani', 'in', '2026-11-23T07:45:00+07:00', { id: 'b', supersededBy: null, voided: false }),
        ev('E1', 'Ani', 'out', '2026-11-23T12:00:00+07:00', { id: 'c', voided: true }),
        ev('E1', 'Ani', 'out', '2026-11-23T16:45:00+07:00', { id: 'd' }),
      ],
      jakarta,
    )
    expect(days).toEqual([
      expect.objectContaining({ firstIn: t('2026-11-23T07:45:00+07:00'), lastOut: t('2026-11-23T16:45:00+07:00'), workedMs: 9 * H, events: 2, incomplete: false }),
    ])
  })

  it('separates people with the same name and sorts names regardless of case and script; uses the latest name', () => {
    const days = summarizeDays(
      [
        ev('E3', '王小明', 'in', '2026-11-23T08:00:00+07:00'),
        ev('E2', 'zoë Ñandú', 'in', '2026-11-23T08:00:00+07:00'),
        ev('E9', 'Ani', 'in', '2026-11-23T08:00:00+07:00'),
        ev('E1', 'Ani', 'in', '2026-11-23T08:00:00+07:00'),
        ev('E1', 'Ani Lestari', 'out', '2026-11-23T08:30:00+07:00'),
      ],
      jakarta,
    )
    expect(days.map((d) => [d.personId, d.personName, d.workedMs])).toEqual([
      ['E9', 'Ani', 0],
      ['E1', 'Ani Lestari', 30 * M],
      ['E2', 'zoë Ñandú', 0],
      ['E3', '王小明', 0],
    ])
  })

  it('returns nothing for no events', () => {
    expect(summarizeDays([], jakarta)).toEqual([])
  })
})
