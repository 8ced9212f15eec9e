/**
 * Attendance rules: how a scan becomes 'in' or 'out', which work day it belongs to, and how times are
 * written for payroll. Pure functions, no database.
 *
 * Every local date and time is computed in `rules.timeZone` with Intl (formatToParts), never with the
 * process time zone, so a kiosk whose OS zone is wrong or UTC still reports the office's local times and
 * DST days come out right.
 */
import { HadirError } from '../../../src/shared/api/result'
import type { AttendanceEvent, AttendanceRules, CheckInMode, Direction } from '../../../src/shared/domain/types'

export type { AttendanceRules }

/**
 * - `toggle`: the first scan of a work day is 'in', then scans alternate.
 * - `window`: a scan before `checkInUntil` (local time, within the work day) is 'in', from it 'out'.
 * - `ask`: the person chooses on the kiosk; the scan must carry the answer.
 */
export type AttendanceMode = CheckInMode

/** Input of `validateRules`: any subset, e.g. what was stored in settings. Checked at run time. */
export type AttendanceRulesInput = Partial<AttendanceRules>

const DAY_MS = 24 * 60 * 60 * 1000

/** The zone of the machine, 'UTC' when the runtime cannot tell. */
export function systemTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
  return typeof tz === 'string' && tz !== '' ? tz : 'UTC'
}

export const DEFAULT_RULES: Readonly<AttendanceRules> = Object.freeze({
  mode: 'toggle',
  cooldownMs: 60_000,
  dayBoundary: '00:00',
  timeZone: systemTimeZone(),
  checkInUntil: '12:00',
  openLimitMs: 16 * 3600_000,
  presenceMs: 120_000,
  confirmChangeMs: 600_000,
})

/** Bounds of rules.presenceMs (0 to 30 min) and rules.confirmChangeMs (0 to 2 h). */
export const MAX_PRESENCE_MS = 30 * 60_000
export const MAX_CONFIRM_CHANGE_MS = 2 * 3600_000

/** The presence window of `rules` (the default when absent). */
export const presenceOf = (rules: Pick<AttendanceRules, 'presenceMs'>): number => rules.presenceMs ?? (DEFAULT_RULES.presenceMs as number)
/** How soon after the last record a change of direction is asked (the default when absent). */
export const confirmChangeOf = (rules: Pick<AttendanceRules, 'confirmChangeMs'>): number => rules.confirmChangeMs ?? (DEFAULT_RULES.confirmChangeMs as number)

/** Bounds of rules.openLimitMs: 1 h to 24 h. */
export const MIN_OPEN_LIMIT_MS = 3600_000
export const MAX_OPEN_LIMIT_MS = 24 * 3600_000

/** The open-check-in limit of `rules` (the default when absent). */
export const openLimitOf = (rules: Pick<AttendanceRules, 'openLimitMs'>): number => rules.openLimitMs ?? (DEFAULT_RULES.openLimitMs as number)

const MODES: readonly AttendanceMode[] = ['toggle', 'window', 'ask']
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/
const RULE_KEYS = new Set(['mode', 'cooldownMs', 'dayBoundary', 'timeZone', 'checkInUntil', 'openLimitMs', 'presenceMs', 'confirmChangeMs'])

function invalid(field: string, message: string): HadirError {
  return new HadirError('invalid-args', message, { field })
}

/** Minutes after local midnight of an 'HH:MM' string; throws invalid-args naming `field`. */
export function parseHhmm(value: unknown, field: string): number {
  const m = typeof value === 'string' ? HHMM.exec(value) : null
  if (!m) throw invalid(field, `${field} must be a time of day as HH:MM (00:00 to 23:59), got ${JSON.stringify(value) ?? String(value)}`)
  return Number(m[1]) * 60 + Number(m[2])
}

/** The canonical IANA name, or null when the runtime does not know the zone. */
function canonicalZone(timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone
  } catch {
    return null
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Fills `partial` from DEFAULT_RULES and checks every field. Throws HadirError('invalid-args', message, { field })
 * for an unknown key (a typo must not silently fall back to a default), a bad mode, a cooldown outside 0..24 h,
 * a bad HH:MM, an unknown IANA zone, or (in window mode) a check-in limit equal to the day boundary.
 */
export function validateRules(partial: AttendanceRulesInput | null | undefined = {}): AttendanceRules {
  const input: unknown = partial ?? {}
  if (!isRecord(input)) throw invalid('rules', 'attendance rules must be an object')
  for (const key of Object.keys(input)) {
    if (!RULE_KEYS.has(key)) throw invalid(key, `unknown attendance rule "${key}" (known: ${[...RULE_KEYS].join(', ')})`)
  }

  const mode = input.mode ?? DEFAULT_RULES.mode
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
    throw invalid('mode', `mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode) ?? String(mode)}`)
  }

  const cooldownMs = input.cooldownMs ?? DEFAULT_RULES.cooldownMs
  if (typeof cooldownMs !== 'number' || !Number.isInteger(cooldownMs) || cooldownMs < 0 || cooldownMs > DAY_MS) {
    throw invalid('cooldownMs', `cooldownMs must be a whole number of milliseconds from 0 to ${DAY_MS} (24 hours), got ${String(cooldownMs)}`)
  }

  const openLimitMs = input.openLimitMs ?? openLimitOf(DEFAULT_RULES)
  if (typeof openLimitMs !== 'number' || !Number.isInteger(openLimitMs) || openLimitMs < MIN_OPEN_LIMIT_MS || openLimitMs > MAX_OPEN_LIMIT_MS) {
    throw invalid('openLimitMs', `openLimitMs must be a whole number of milliseconds from ${MIN_OPEN_LIMIT_MS} (1 hour) to ${MAX_OPEN_LIMIT_MS} (24 hours), got ${String(openLimitMs)}`)
  }

  const presenceMs = input.presenceMs ?? presenceOf(DEFAULT_RULES)
  if (typeof presenceMs !== 'number' || !Number.isInteger(presenceMs) || presenceMs < 0 || presenceMs > MAX_PRESENCE_MS) {
    throw invalid('presenceMs', `presenceMs must be a whole number of milliseconds from 0 to ${MAX_PRESENCE_MS} (30 minutes), got ${String(presenceMs)}`)
  }
  const confirmChangeMs = input.confirmChangeMs ?? confirmChangeOf(DEFAULT_RULES)
  if (typeof confirmChangeMs !== 'number' || !Number.isInteger(confirmChangeMs) || confirmChangeMs < 0 || confirmChangeMs > MAX_CONFIRM_CHANGE_MS) {
    throw invalid('confirmChangeMs', `confirmChangeMs must be a whole number of milliseconds from 0 to ${MAX_CONFIRM_CHANGE_MS} (2 hours), got ${String(confirmChangeMs)}`)
  }

  const dayBoundary = input.dayBoundary ?? DEFAULT_RULES.dayBoundary
  const boundaryMin = parseHhmm(dayBoundary, 'dayBoundary')

  const checkInUntil = input.checkInUntil ?? DEFAULT_RULES.checkInUntil
  const checkInMin = parseHhmm(checkInUntil, 'checkInUntil')

  const tzIn = input.timeZone ?? DEFAULT_RULES.timeZone
  if (typeof tzIn !== 'string' || tzIn.trim() === '') throw invalid('timeZone', 'timeZone must be an IANA time zone name such as "Asia/Jakarta"')
  const timeZone = canonicalZone(tzIn)
  if (timeZone === null) throw invalid('timeZone', `unknown time zone "${tzIn}": use an IANA name such as "Asia/Jakarta" or "Europe/Berlin"`)

  if (mode === 'window' && checkInMin === boundaryMin) {
    throw invalid(
      'checkInUntil',
      `checkInUntil (${String(checkInUntil)}) equals the day boundary: every scan would be 'out'. Choose a time after the work day starts.`,
    )
  }

  return { mode: mode as AttendanceMode, cooldownMs, dayBoundary: dayBoundary as string, timeZone, checkInUntil: checkInUntil as string, openLimitMs, presenceMs, confirmChangeMs }
}

/** Local wall-clock fields of an instant in a zone. */
export type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number }

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        era: 'short',
      })
    } catch {
      throw invalid('timeZone', `unknown time zone "${timeZone}"`)
    }
    formatters.set(timeZone, f)
  }
  return f
}

function checkInstant(ms: number, field = 'at'): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw invalid(field, `${field} must be a time in epoch milliseconds, got ${String(ms)}`)
}

/** The local date and time of `ms` in `timeZone` from Intl (seconds precision): exact, about 12 µs. */
function exactWallClock(ms: number, timeZone: string): WallClock {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms))
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? ''
  const yearOfEra = Number(get('year'))
  const year = get('era') === 'BC' ? 1 - yearOfEra : yearOfEra
  return { year, month: Number(get('month')), day: Number(get('day')), hour: Number(get('hour')), minute: Number(get('minute')), second: Number(get('second')) }
}

/** The zone's offset from UTC at `ms`, in ms (seconds precision: old local mean times have odd seconds). */
const exactOffsetMs = (ms: number, timeZone: string): number => wallAsUtc(exactWallClock(ms, timeZone)) - Math.floor(ms / 1000) * 1000

/**
 * Offsets per zone and quarter hour (every DST change since 1970 falls on a quarter hour). A bucket
 * whose start and end offsets differ holds a change: its instants are computed exactly.
 */
const BUCKET_MS = 15 * 60_000
const offsetCache = new Map<string, Map<number, number | null>>()
const MAX_CACHED_BUCKETS = 200_000

function cachedOffsetMs(ms: number, timeZone: string): number | null {
  let zone = offsetCache.get(timeZone)
  if (!zone) {
    zone = new Map()
    offsetCache.set(timeZone, zone)
  }
  const bucket = Math.floor(ms / BUCKET_MS)
  let off = zone.get(bucket)
  if (off === undefined) {
    const start = exactOffsetMs(bucket * BUCKET_MS, timeZone)
    off = start === exactOffsetMs(bucket * BUCKET_MS + BUCKET_MS - 1000, timeZone) ? start : null
    if (zone.size >= MAX_CACHED_BUCKETS) zone.clear()
    zone.set(bucket, off)
  }
  return off
}

/** The local date and time of `ms` in `timeZone` (seconds precision). */
export function wallClock(ms: number, timeZone: string): WallClock {
  checkInstant(ms)
  formatterFor(timeZone) // refuses an unknown zone before anything is cached for it
  const off = cachedOffsetMs(ms, timeZone)
  if (off === null) return exactWallClock(ms, timeZone)
  const d = new Date(Math.floor(ms / 1000) * 1000 + off)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() }
}

/** The wall clock read as if it were UTC: local time as a comparable number of ms. */
const wallAsUtc = (w: WallClock): number => {
  const d = new Date(0)
  d.setUTCFullYear(w.year, w.month - 1, w.day)
  d.setUTCHours(w.hour, w.minute, w.second, 0)
  return d.getTime()
}

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0')

function ymd(year: number, month: number, day: number): string {
  const y = year < 0 ? `-${pad(year, 6)}` : year > 9999 ? `+${pad(year, 6)}` : pad(year, 4)
  return `${y}-${pad(month)}-${pad(day)}`
}

/** Offset of the zone from UTC at instant `ms`, in minutes (e.g. +420 for Asia/Jakarta). */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000
  return Math.round((wallAsUtc(wallClock(ms, timeZone)) - wholeSecond) / 60_000)
}

/**
 * The instant at which the wall clock in `timeZone` reads `minutes` after midnight on the calendar date
 * `ymdText` ('YYYY-MM-DD'). A wall time skipped by DST resolves to the instant one offset later; a
 * repeated one to its first occurrence.
 */
export function zonedInstant(ymdText: string, minutes: number, timeZone: string): number {
  const [y, m, d] = ymdText.split('-').map(Number) as [number, number, number]
  const asUtc = Date.UTC(y, m - 1, d, 0, minutes, 0, 0)
  // the offsets in force half a day either side cover both sides of any DST change of that night
  const offsets = new Set([utcOffsetMinutes(asUtc - 12 * 3600_000, timeZone), utcOffsetMinutes(asUtc, timeZone), utcOffsetMinutes(asUtc + 12 * 3600_000, timeZone)])
  const candidates = [...offsets].map((off) => asUtc - off * 60_000)
  const exact = candidates.filter((t) => wallAsUtc(wallClock(t, timeZone)) === asUtc)
  return exact.length > 0 ? Math.min(...exact) : Math.max(...candidates)
}

/** 'YYYY-MM-DD' shifted by `days` calendar days. */
export function addDays(ymdText: string, days: number): string {
  const [y, m, d] = ymdText.split('-').map(Number) as [number, number, number]
  const t = new Date(Date.UTC(y, m - 1, d + days))
  return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())
}

/** '2026-11-22 08:01:05': local date and time of `ms` in `timeZone`, without offset (spreadsheets read it as a date). */
export function localDateTimeText(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone)
  return `${ymd(w.year, w.month, w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`
}

/** The wall clock of `ms` in `timeZone` as a UTC Date (what spreadsheet libraries write as a zone-less date cell). */
export function wallClockDate(ms: number, timeZone: string): Date {
  return new Date(wallAsUtc(wallClock(ms, timeZone)))
}

/** '2026-11-22T08:01:05+07:00': local time of `ms` in `timeZone` with that instant's offset ('+00:00' for UTC). */
export function localIso(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone)
  const off = utcOffsetMinutes(ms, timeZone)
  const sign = off < 0 ? '-' : '+'
  return `${ymd(w.year, w.month, w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`
}

/** Seconds since the start of the work day that contains `ms` (local wall clock, so DST does not shift it). */
function secondsIntoWorkDay(ms: number, rules: Pick<AttendanceRules, 'dayBoundary' | 'timeZone'>): number {
  const w = wallClock(ms, rules.timeZone)
  const boundary = parseHhmm(rules.dayBoundary, 'dayBoundary') * 60
  const sec = w.hour * 3600 + w.minute * 60 + w.second
  return (sec - boundary + 86_400) % 86_400
}

/**
 * The work day ('YYYY-MM-DD') of instant `ms`: the local date in `rules.timeZone` after subtracting the day
 * boundary from the local wall-clock time. With boundary '04:00' a scan at 02:30 local belongs to the
 * previous date's work day. The subtraction is done on the wall clock, so a 23- or 25-hour DST day is still
 * exactly one work day.
 */
export function workDay(ms: number, rules: Pick<AttendanceRules, 'dayBoundary' | 'timeZone'>): string {
  const w = wallClock(ms, rules.timeZone)
  const boundaryMs = parseHhmm(rules.dayBoundary, 'dayBoundary') * 60_000
  const d = new Date(wallAsUtc(w) - boundaryMs)
  return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}

export type DirectionInput = {
  /** the person's latest effective event at or before `at`, or null */
  prev: Pick<AttendanceEvent, 'at' | 'direction'> | null
  at: number
  rules: AttendanceRules
  /** the person's choice on the kiosk; required in 'ask' mode, ignored otherwise */
  asked?: Direction | null
}

/**
 * 'in' or 'out' for a scan at `at`.
 * toggle: the first event of the work day is 'in', then alternate. window: before `checkInUntil` in the
 * work day is 'in', from it 'out'. ask: `asked`, which is then required (invalid-args without it).
 */
export function decideDirection({ prev, at, rules, asked }: DirectionInput): Direction {
  checkInstant(at)
  switch (rules.mode) {
    case 'ask':
      if (asked !== 'in' && asked !== 'out') throw invalid('direction', "this kiosk asks for the direction: choose 'in' or 'out'")
      return asked
    case 'window': {
      const boundary = parseHhmm(rules.dayBoundary, 'dayBoundary')
      const until = parseHhmm(rules.checkInUntil, 'checkInUntil')
      const untilIntoDay = ((until - boundary + 1440) % 1440) * 60
      return secondsIntoWorkDay(at, rules) < untilIntoDay ? 'in' : 'out'
    }
    case 'toggle': {
      if (!prev) return 'in'
      checkInstant(prev.at, 'prev.at')
      if (prev.at > at) throw invalid('at', 'the previous event is after this scan: pass the latest event at or before it')
      if (workDay(prev.at, rules) !== workDay(at, rules)) return 'in'
      // a check-in left open past the limit is not closed by this scan (the summary flags it): a new check-in
      if (prev.direction === 'in' && at - prev.at > openLimitOf(rules)) return 'in'
      return prev.direction === 'in' ? 'out' : 'in'
    }
    default: {
      const never: never = rules.mode
      throw invalid('mode', `unknown mode ${String(never)}`)
    }
  }
}

/**
 * True when a scan at `at` is within the cooldown of the previous event at `prevAt` (either side: a late
 * report of an earlier scan counts too) and so is not a new event. Exactly `cooldownMs` apart is a new event;
 * a cooldown of 0 never suppresses.
 */
export function withinCooldown(prevAt: number | null | undefined, at: number, cooldownMs: number): boolean {
  if (prevAt === null || prevAt === undefined) return false
  return Math.abs(at - prevAt) < cooldownMs
}
