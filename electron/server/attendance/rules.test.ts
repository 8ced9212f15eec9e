import { describe, expect, it } from 'vitest'
import { errorOf } from '../testing/hadir-error'
import {
  DEFAULT_RULES,
  decideDirection,
  localIso,
  utcOffsetMinutes,
  validateRules,
  wallClock,
  withinCooldown,
  workDay,
  type AttendanceRules,
  type AttendanceRulesInput,
} from './rules'

const t = (iso: string): number => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new Error(`bad test time ${iso}`)
  return ms
}
const rules = (over: AttendanceRulesInput = {}): AttendanceRules => validateRules(over)
const H = 3_600_000

describe('validateRules', () => {
  it('fills defaults (toggle, 60 s, 00:00, the system zone, check-in until 12:00)', () => {
    const r = validateRules({})
    expect(r).toEqual({
      mode: 'toggle',
      cooldownMs: 60_000,
      dayBoundary: '00:00',
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      checkInUntil: '12:00',
      openLimitMs: 16 * H,
      presenceMs: 120_000,
      confirmChangeMs: 600_000,
    })
    expect(validateRules(undefined)).toEqual(r)
    expect(DEFAULT_RULES).toEqual(r)
    expect(Object.isFrozen(DEFAULT_RULES)).toBe(true)
  })

  it('keeps given values and canonicalises the zone name', () => {
    expect(validateRules({ mode: 'window', cooldownMs: 0, dayBoundary: '04:00', timeZone: 'asia/jakarta', checkInUntil: '10:30' })).toEqual({
      mode: 'window',
      cooldownMs: 0,
      dayBoundary: '04:00',
      timeZone: 'Asia/Jakarta',
      checkInUntil: '10:30',
      openLimitMs: 16 * H,
      presenceMs: 120_000,
      confirmChangeMs: 600_000,
    })
    expect(validateRules({ cooldownMs: 24 * H }).cooldownMs).toBe(24 * H)
    expect(validateRules({ openLimitMs: 24 * H }).openLimitMs).toBe(24 * H)
    expect(validateRules({ presenceMs: 0, confirmChangeMs: 2 * H })).toMatchObject({ presenceMs: 0, confirmChangeMs: 2 * H })
    expect(validateRules({ dayBoundary: '23:59' }).dayBoundary).toBe('23:59')
  })

  const bad: Array<[string, unknown, string]> = [
    ['mode', { mode: 'random' }, 'mode'],
    ['mode type', { mode: 3 }, 'mode'],
    ['negative cooldown', { cooldownMs: -1 }, 'cooldownMs'],
    ['cooldown over 24 h', { cooldownMs: 24 * H + 1 }, 'cooldownMs'],
    ['fractional cooldown', { cooldownMs: 1.5 }, 'cooldownMs'],
    ['NaN cooldown', { cooldownMs: Number.NaN }, 'cooldownMs'],
    ['string cooldown', { cooldownMs: '60000' }, 'cooldownMs'],
    ['negative presence window', { presenceMs: -1 }, 'presenceMs'],
    ['presence window over 30 min', { presenceMs: 30 * 60_000 + 1 }, 'presenceMs'],
    ['fractional presence window', { presenceMs: 1.5 }, 'presenceMs'],
    ['confirm window over 2 h', { confirmChangeMs: 2 * H + 1 }, 'confirmChangeMs'],
    ['string confirm window', { confirmChangeMs: '600000' }, 'confirmChangeMs'],
    ['boundary 24:00', { dayBoundary: '24:00' }, 'dayBoundary'],
    ['boundary 4:00', { dayBoundary: '4:00' }, 'dayBoundary'],
    ['boundary 04:60', { dayBoundary: '04:60' }, 'dayBoundary'],
    ['boundary with seconds', { dayBoundary: '04:00:00' }, 'dayBoundary'],
    ['checkInUntil', { checkInUntil: 'noon' }, 'checkInUntil'],
    ['unknown zone', { timeZone: 'Asia/Atlantis' }, 'timeZone'],
    ['empty zone', { timeZone: ' ' }, 'timeZone'],
    ['offset instead of a zone', { timeZone: '+07:00 Jakarta' }, 'timeZone'],
    ['unknown key (typo)', { cooldown: 5 }, 'cooldown'],
    ['misspelt check-in key', { checkinUntil: '10:00' }, 'checkinUntil'],
    ['window equal to the boundary in window mode', { mode: 'window', dayBoundary: '12:00' }, 'checkInUntil'],
  ]
  it.each(bad)('rejects %s with invalid-args naming the field', (_name, input, field) => {
    const e = errorOf(() => validateRules(input as AttendanceRulesInput))
    expect(e.code).toBe('invalid-args')
    expect(e.details).toEqual({ field })
    expect(e.message.length).toBeGreaterThan(10)
  })

  it('allows the check-in limit to equal the boundary outside window mode', () => {
    expect(validateRules({ mode: 'toggle', dayBoundary: '12:00' }).checkInUntil).toBe('12:00')
  })
})

describe('localIso', () => {
  it('writes the offset of that instant in that zone', () => {
    expect(localIso(t('2026-11-22T01:01:05.987Z'), 'Asia/Jakarta')).toBe('2026-11-22T08:01:05+07:00')
    expect(localIso(t('2026-11-22T01:01:05Z'), 'Asia/Makassar')).toBe('2026-11-22T09:01:05+08:00')
    expect(localIso(t('2026-11-22T01:01:05Z'), 'Asia/Kolkata')).toBe('2026-11-22T06:31:05+05:30')
    expect(localIso(t('2026-11-22T01:01:05Z'), 'UTC')).toBe('2026-11-22T01:01:05+00:00')
    expect(localIso(t('2026-11-22T01:01:05Z'), 'America/New_York')).toBe('2026-11-21T20:01:05-05:00')
    expect(localIso(t('2026-07-01T12:00:00Z'), 'America/St_Johns')).toBe('2026-07-01T09:30:00-02:30')
    expect(utcOffsetMinutes(t('2026-11-22T01:01:05Z'), 'Asia/Kolkata')).toBe(330)
  })

  it('does not depend on the process time zone', () => {
    const ms = t('2026-06-15T17:30:00Z')
    expect(localIso(ms, 'Asia/Jakarta')).toBe('2026-06-16T00:30:00+07:00')
    expect(workDay(ms, { dayBoundary: '00:00', timeZone: 'Asia/Jakarta' })).toBe('2026-06-16')
    expect(workDay(ms, { dayBoundary: '00:00', timeZone: 'UTC' })).toBe('2026-06-15')
  })
})

describe('workDay', () => {
  const jkt = (boundary = '00:00') => ({ dayBoundary: boundary, timeZone: 'Asia/Jakarta' })

  it('is the local date with a midnight boundary, one second either side of midnight', () => {
    expect(workDay(t('2026-11-22T23:59:59+07:00'), jkt())).toBe('2026-11-22')
    expect(workDay(t('2026-11-23T00:00:00+07:00'), jkt())).toBe('2026-11-23')
    expect(workDay(t('2026-11-22T23:59:59+08:00'), { dayBoundary: '00:00', timeZone: 'Asia/Makassar' })).toBe('2026-11-22')
    expect(workDay(t('2026-11-23T00:10:00+05:30'), { dayBoundary: '00:00', timeZone: 'Asia/Kolkata' })).toBe('2026-11-23')
    expect(workDay(t('2026-11-22T23:50:00+05:30'), { dayBoundary: '00:00', timeZone: 'Asia/Kolkata' })).toBe('2026-11-22')
  })

  it('with boundary 04:00, 02:30 belongs to the previous work day and 04:00 starts the next', () => {
    expect(workDay(t('2026-11-23T02:30:00+07:00'), jkt('04:00'))).toBe('2026-11-22')
    expect(workDay(t('2026-11-23T03:59:59+07:00'), jkt('04:00'))).toBe('2026-11-22')
    expect(workDay(t('2026-11-23T04:00:00+07:00'), jkt('04:00'))).toBe('2026-11-23')
    // across a month and a year end
    expect(workDay(t('2027-01-01T01:00:00+07:00'), jkt('04:00'))).toBe('2026-12-31')
    expect(workDay(t('2026-03-01T03:00:00+07:00'), jkt('04:00'))).toBe('2026-02-28')
  })

  it('keeps a night shift across midnight in one work day when the boundary falls between shifts', () => {
    // 22:00 → 03:30 with the 04:00 boundary
    expect(workDay(t('2026-11-22T22:00:00+07:00'), jkt('04:00'))).toBe('2026-11-22')
    expect(workDay(t('2026-11-23T03:30:00+07:00'), jkt('04:00'))).toBe('2026-11-22')
    // 22:00 → 06:00 needs a boundary after 06:00: 07:00 also keeps an 08:00–17:00 day shift on its own date
    expect(workDay(t('2026-11-22T22:00:00+07:00'), jkt('07:00'))).toBe('2026-11-22')
    expect(workDay(t('2026-11-23T06:00:00+07:00'), jkt('07:00'))).toBe('2026-11-22')
    expect(workDay(t('2026-11-23T08:00:00+07:00'), jkt('07:00'))).toBe('2026-11-23')
    expect(workDay(t('2026-11-23T17:00:00+07:00'), jkt('07:00'))).toBe('2026-11-23')
    // by the rule's own definition a 06:00 scan is after a 04:00 boundary: a new work day
    expect(workDay(t('2026-11-23T06:00:00+07:00'), jkt('04:00'))).toBe('2026-11-23')
  })

  describe('DST', () => {
    const ny = (boundary = '00:00') => ({ dayBoundary: boundary, timeZone: 'America/New_York' })
    const ber = (boundary = '00:00') => ({ dayBoundary: boundary, timeZone: 'Europe/Berlin' })

    it('America/New_York 2026-03-08 (23-hour day): offsets change at 02:00 and the day stays one work day', () => {
      const before = t('2026-03-08T06:59:59Z')
      const after = t('2026-03-08T07:00:00Z')
      expect(localIso(before, 'America/New_York')).toBe('2026-03-08T01:59:59-05:00')
      expect(localIso(after, 'America/New_York')).toBe('2026-03-08T03:00:00-04:00')
      expect(workDay(t('2026-03-08T05:00:00Z'), ny())).toBe('2026-03-08') // 00:00 EST
      expect(workDay(t('2026-03-08T04:59:59Z'), ny())).toBe('2026-03-07')
      expect(workDay(t('2026-03-09T03:59:59Z'), ny())).toBe('2026-03-08') // 23:59:59 EDT
      expect(workDay(t('2026-03-09T04:00:00Z'), ny())).toBe('2026-03-09')
      // with a 04:00 boundary the work day starts at 04:00 EDT = 08:00Z, not at 09:00Z (a naive "-4 h" would)
      expect(workDay(t('2026-03-08T07:59:59Z'), ny('04:00'))).toBe('2026-03-07')
      expect(workDay(t('2026-03-08T08:00:00Z'), ny('04:00'))).toBe('2026-03-08')
    })

    it('America/New_York 2026-11-01 (25-hour day): both 01:30s are the same work day with different offsets', () => {
      const first = t('2026-11-01T05:30:00Z')
      const second = t('2026-11-01T06:30:00Z')
      expect(localIso(first, 'America/New_York')).toBe('2026-11-01T01:30:00-04:00')
      expect(localIso(second, 'America/New_York')).toBe('2026-11-01T01:30:00-05:00')
      expect(workDay(first, ny())).toBe('2026-11-01')
      expect(workDay(second, ny())).toBe('2026-11-01')
      expect(workDay(t('2026-11-01T04:00:00Z'), ny())).toBe('2026-11-01') // 00:00 EDT
      expect(workDay(t('2026-11-02T04:59:59Z'), ny())).toBe('2026-11-01') // 23:59:59 EST, 25 h later
      expect(workDay(t('2026-11-02T05:00:00Z'), ny())).toBe('2026-11-02')
    })

    it('Europe/Berlin 2026-03-29 (23-hour day)', () => {
      expect(localIso(t('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29T01:59:59+01:00')
      expect(localIso(t('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29T03:00:00+02:00')
      expect(workDay(t('2026-03-28T23:00:00Z'), ber())).toBe('2026-03-29')
      expect(workDay(t('2026-03-28T22:59:59Z'), ber())).toBe('2026-03-28')
      expect(workDay(t('2026-03-29T21:59:59Z'), ber())).toBe('2026-03-29')
      expect(workDay(t('2026-03-29T22:00:00Z'), ber())).toBe('2026-03-30')
    })

    it('Europe/Berlin 2026-10-25: the 25-hour day is still one work day and offsets change correctly', () => {
      const start = t('2026-10-24T22:00:00Z') // 00:00 CEST
      const end = t('2026-10-25T22:59:59Z') // 23:59:59 CET
      expect(end - start).toBe(25 * H - 1000)
      expect(workDay(start, ber())).toBe('2026-10-25')
      expect(workDay(end, ber())).toBe('2026-10-25')
      expect(workDay(start - 1000, ber())).toBe('2026-10-24')
      expect(workDay(end + 1000, ber())).toBe('2026-10-26')
      expect(localIso(start, 'Europe/Berlin')).toBe('2026-10-25T00:00:00+02:00')
      expect(localIso(t('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00')
      expect(localIso(t('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+01:00')
      expect(localIso(end, 'Europe/Berlin')).toBe('2026-10-25T23:59:59+01:00')
      // a night shift in the repeated hour with boundary 04:00: both 02:30s belong to 2026-10-24's work day
      expect(workDay(t('2026-10-25T00:30:00Z'), ber('04:00'))).toBe('2026-10-24')
      expect(workDay(t('2026-10-25T01:30:00Z'), ber('04:00'))).toBe('2026-10-24')
      expect(workDay(t('2026-10-25T03:00:00Z'), ber('04:00'))).toBe('2026-10-25') // 04:00 CET
    })
  })
})

describe('decideDirection', () => {
  const jakarta = rules({ timeZone: 'Asia/Jakarta' })
  const ev = (iso: string, direction: 'in' | 'out') => ({ at: t(iso), direction })

  describe('toggle', () => {
    it('in, out, in within a work day', () => {
      const a = t('2026-11-23T08:00:00+07:00')
      expect(decideDirection({ prev: null, at: a, rules: jakarta })).toBe('in')
      expect(decideDirection({ prev: ev('2026-11-23T08:00:00+07:00', 'in'), at: t('2026-11-23T12:00:00+07:00'), rules: jakarta })).toBe('out')
      expect(decideDirection({ prev: ev('2026-11-23T12:00:00+07:00', 'out'), at: t('2026-11-23T13:00:00+07:00'), rules: jakarta })).toBe('in')
    })

    it('the first scan of a new work day is in, even after an unmatched in', () => {
      expect(decideDirection({ prev: ev('2026-11-22T17:00:00+07:00', 'in'), at: t('2026-11-23T08:00:00+07:00'), rules: jakarta })).toBe('in')
      expect(decideDirection({ prev: ev('2026-11-22T23:59:59+07:00', 'in'), at: t('2026-11-23T00:00:00+07:00'), rules: jakarta })).toBe('in')
    })

    it('respects the day boundary: a night shift is one work day', () => {
      const night = rules({ timeZone: 'Asia/Jakarta', dayBoundary: '04:00' })
      expect(decideDirection({ prev: ev('2026-11-22T22:00:00+07:00', 'in'), at: t('2026-11-23T03:30:00+07:00'), rules: night })).toBe('out')
      // the same pair with a midnight boundary: a new day, so 'in'
      expect(decideDirection({ prev: ev('2026-11-22T22:00:00+07:00', 'in'), at: t('2026-11-23T03:30:00+07:00'), rules: jakarta })).toBe('in')
      const seven = rules({ timeZone: 'Asia/Jakarta', dayBoundary: '07:00' })
      expect(decideDirection({ prev: ev('2026-11-22T22:00:00+07:00', 'in'), at: t('2026-11-23T06:00:00+07:00'), rules: seven })).toBe('out')
    })

    it('over the 25-hour Berlin day the alternation continues (with a 24 h open-check-in limit)', () => {
      const ber = rules({ timeZone: 'Europe/Berlin', openLimitMs: 24 * H })
      expect(decideDirection({ prev: ev('2026-10-25T01:10:00+02:00', 'in'), at: t('2026-10-25T23:50:00+01:00'), rules: ber })).toBe('out')
      expect(decideDirection({ prev: ev('2026-10-25T23:50:00+01:00', 'out'), at: t('2026-10-26T00:10:00+01:00'), rules: ber })).toBe('in')
    })

    it('refuses a prev that is after the scan', () => {
      const e = errorOf(() => decideDirection({ prev: ev('2026-11-23T09:00:00+07:00', 'in'), at: t('2026-11-23T08:00:00+07:00'), rules: jakarta }))
      expect(e.code).toBe('invalid-args')
    })
  })

  describe('window', () => {
    const win = rules({ mode: 'window', timeZone: 'Asia/Jakarta', checkInUntil: '12:00' })
    it('before checkInUntil is in, from it out, whatever prev says', () => {
      expect(decideDirection({ prev: null, at: t('2026-11-23T11:59:59+07:00'), rules: win })).toBe('in')
      expect(decideDirection({ prev: ev('2026-11-23T08:00:00+07:00', 'in'), at: t('2026-11-23T11:59:59+07:00'), rules: win })).toBe('in')
      expect(decideDirection({ prev: null, at: t('2026-11-23T12:00:00+07:00'), rules: win })).toBe('out')
      expect(decideDirection({ prev: ev('2026-11-23T12:30:00+07:00', 'out'), at: t('2026-11-23T17:00:00+07:00'), rules: win })).toBe('out')
      expect(decideDirection({ prev: null, at: t('2026-11-23T00:00:00+07:00'), rules: win })).toBe('in')
      expect(decideDirection({ prev: null, at: t('2026-11-23T23:59:59+07:00'), rules: win })).toBe('out')
    })

    it('uses the zone of the rules, not UTC (11:30 in Makassar is 10:30 in Jakarta)', () => {
      const mks = rules({ mode: 'window', timeZone: 'Asia/Makassar', checkInUntil: '11:00' })
      const at = t('2026-11-23T11:30:00+08:00')
      expect(decideDirection({ prev: null, at, rules: mks })).toBe('out')
      expect(decideDirection({ prev: null, at, rules: { ...mks, timeZone: 'Asia/Jakarta' } })).toBe('in')
    })

    it('respects the day boundary: a night shift checks in at 22:00 and out at 06:00', () => {
      const night = rules({ mode: 'window', timeZone: 'Asia/Jakarta', dayBoundary: '18:00', checkInUntil: '02:00' })
      expect(decideDirection({ prev: null, at: t('2026-11-22T22:00:00+07:00'), rules: night })).toBe('in')
      expect(decideDirection({ prev: null, at: t('2026-11-23T01:59:59+07:00'), rules: night })).toBe('in')
      expect(decideDirection({ prev: null, at: t('2026-11-23T02:00:00+07:00'), rules: night })).toBe('out')
      expect(decideDirection({ prev: null, at: t('2026-11-23T06:00:00+07:00'), rules: night })).toBe('out')
      expect(decideDirection({ prev: null, at: t('2026-11-23T17:59:59+07:00'), rules: night })).toBe('out')
      expect(decideDirection({ prev: null, at: t('2026-11-23T18:00:00+07:00'), rules: night })).toBe('in')
    })

    it('on the spring-forward day 11:59 EDT is still before a 12:00 limit', () => {
      const ny = rules({ mode: 'window', timeZone: 'America/New_York' })
      expect(decideDirection({ prev: null, at: t('2026-03-08T11:59:00-04:00'), rules: ny })).toBe('in')
      expect(decideDirection({ prev: null, at: t('2026-03-08T12:00:00-04:00'), rules: ny })).toBe('out')
    })
  })

  describe('ask', () => {
    const ask = rules({ mode: 'ask', timeZone: 'Asia/Jakarta' })
    it('uses the answer and ignores prev', () => {
      expect(decideDirection({ prev: ev('2026-11-23T08:00:00+07:00', 'in'), at: t('2026-11-23T09:00:00+07:00'), rules: ask, asked: 'in' })).toBe('in')
      expect(decideDirection({ prev: null, at: t('2026-11-23T09:00:00+07:00'), rules: ask, asked: 'out' })).toBe('out')
    })
    it('requires the answer', () => {
      const e = errorOf(() => decideDirection({ prev: null, at: t('2026-11-23T09:00:00+07:00'), rules: ask }))
      expect(e.code).toBe('invalid-args')
      expect(e.details).toEqual({ field: 'direction' })
      expect(errorOf(() => decideDirection({ prev: null, at: 1, rules: ask, asked: 'up' as 'in' })).code).toBe('invalid-args')
    })
    it('other modes ignore an answer', () => {
      expect(decideDirection({ prev: null, at: t('2026-11-23T09:00:00+07:00'), rules: jakarta, asked: 'out' })).toBe('in')
    })
  })
})

describe('withinCooldown', () => {
  it('suppresses strictly inside the cooldown, on either side', () => {
    expect(withinCooldown(1_000, 1_000, 60_000)).toBe(true)
    expect(withinCooldown(1_000, 60_999, 60_000)).toBe(true)
    expect(withinCooldown(1_000, 61_000, 60_000)).toBe(false)
    expect(withinCooldown(61_000, 1_001, 60_000)).toBe(true)
    expect(withinCooldown(61_000, 1_000, 60_000)).toBe(false)
  })
  it('a cooldown of 0 never suppresses; no previous event never does', () => {
    expect(withinCooldown(1_000, 1_000, 0)).toBe(false)
    expect(withinCooldown(null, 1_000, 60_000)).toBe(false)
    expect(withinCooldown(undefined, 1_000, 60_000)).toBe(false)
  })
})

describe('wallClock (offsets cached per quarter hour)', () => {
  it('equals Intl for every 7 minutes around DST changes and in odd-offset zones', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kathmandu', 'Asia/Jakarta', 'America/Santiago']
    const spans = [Date.UTC(2026, 2, 7), Date.UTC(2026, 2, 28), Date.UTC(2026, 3, 4), Date.UTC(2026, 9, 3), Date.UTC(2026, 9, 24), Date.UTC(2026, 10, 1)]
    for (const timeZone of zones) {
      const f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' })
      for (const from of spans) {
        for (let ms = from; ms < from + 2 * 86_400_000; ms += 7 * 60_000 + 13_000) {
          const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]))
          expect(wallClock(ms, timeZone), `${timeZone} ${new Date(ms).toISOString()}`).toEqual({ year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second })
        }
      }
    }
  })
})
