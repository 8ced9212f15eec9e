/** Local-time helpers for the admin screens. All epoch ms; all strings in the renderer's local time. */

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** 'YYYY-MM-DD' of `ms` in local time. */
export function localDateString(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** 'HH:MM:SS' of `ms` in local time. */
export function localTimeString(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** 'HH:MM' of `ms` in local time. */
export function localHourMinute(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** 'YYYY-MM-DD HH:MM:SS' in local time. */
export function formatLocalDateTime(ms: number): string {
  return `${localDateString(ms)} ${localTimeString(ms)}`
}

/** The value for an `<input type="datetime-local" step="1">`: 'YYYY-MM-DDTHH:MM:SS'. */
export function toDateTimeLocalValue(ms: number): string {
  return `${localDateString(ms)}T${localTimeString(ms)}`
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/

/** Local midnight of 'YYYY-MM-DD' plus `addDays` days, or null when the text is not a real date. */
export function parseLocalDate(text: string, addDays = 0): number | null {
  const m = DATE_RE.exec(text)
  if (!m) return null
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const date = new Date(y, mo - 1, d)
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null
  // constructing the day after by calendar (not + 24 h) keeps DST days right
  return new Date(y, mo - 1, d + addDays).getTime()
}

/** 'YYYY-MM-DDTHH:MM[:SS]' (local) → epoch ms, or null. */
export function parseLocalDateTime(text: string): number | null {
  const m = DATE_TIME_RE.exec(text.trim())
  if (!m) return null
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number]
  if (h > 23 || mi > 59 || s > 59) return null
  const date = new Date(y, mo - 1, d, h, mi, s)
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null
  return date.getTime()
}

/**
 * The API range of a pair of local dates: `from` = local midnight starting the first day (inclusive),
 * `to` = local midnight after the last day (exclusive). Null when a date is invalid or the range is reversed.
 */
export function dateRangeToEpoch(fromDate: string, toDate: string): { from: number; to: number } | null {
  const from = parseLocalDate(fromDate)
  const to = parseLocalDate(toDate, 1)
  if (from === null || to === null || to <= from) return null
  return { from, to }
}

/** Worked time as 'h:mm' (hours not capped at 24). */
export function formatDuration(ms: number): string {
  const totalMin = Math.max(0, Math.floor(ms / 60_000))
  return `${Math.floor(totalMin / 60)}:${pad(totalMin % 60)}`
}

/** A 24-hour 'HH:MM'. */
export function isHourMinute(text: string): boolean {
  const m = /^(\d{2}):(\d{2})$/.exec(text)
  return !!m && Number(m[1]) <= 23 && Number(m[2]) <= 59
}
