/** Pure formatting for the admin HR sync panel (no React, no API). */
import type { Lang } from '../../i18n/messages'
import type { ParkedEvent, SyncStatus } from '../../shared/api/contract'
import { formatLocalDateTime } from './dates'
import { ta, type AdminMessageKey } from './messages'

/** How often the panel asks for 'sync/status' while it is open. */
export const SYNC_POLL_MS = 5_000

/** off: no HR address or key; unknown: set up but nothing tried yet. */
export type SyncState = 'online' | 'offline' | 'unknown' | 'off'

export function syncState(s: Pick<SyncStatus, 'configured' | 'online'>): SyncState {
  if (!s.configured) return 'off'
  if (s.online === null) return 'unknown'
  return s.online ? 'online' : 'offline'
}

/** The sync error codes the kiosk explains in words (SyncErrorCode on the host). */
export const SYNC_ERROR_CODES = [
  'hr-unreachable',
  'hr-timeout',
  'hr-server-error',
  'hr-rate-limited',
  'hr-unauthorized',
  'hr-bad-signature',
  'hr-stale-response',
  'hr-bad-response',
  'hr-rejected-request',
] as const
export type KnownSyncErrorCode = (typeof SYNC_ERROR_CODES)[number]

const isKnownCode = (code: string): code is KnownSyncErrorCode => (SYNC_ERROR_CODES as readonly string[]).includes(code)

/**
 * A sync error for people: `text` is the explanation for a known code, or the host's raw message for
 * an unknown one; `detail` is the host's message (code and technical text) when `text` does not already say it.
 */
export function syncErrorText(lang: Lang, err: { code: string; message: string }): { text: string; detail: string | null } {
  if (isKnownCode(err.code)) {
    const key: AdminMessageKey = `sync.err.${err.code}`
    return { text: ta(lang, key), detail: err.message ? `${err.code}: ${err.message}` : err.code }
  }
  return { text: err.message || err.code, detail: err.message ? err.code : null }
}

/** A duration as a short phrase: '45 s', '12 min', '3 h 5 min', '2 d 4 h'. Negative counts as 0. */
export function formatAge(lang: Lang, ms: number): string {
  const sec = Math.max(0, Math.floor(ms / 1000))
  if (sec < 60) return ta(lang, 'sync.age.s', { n: String(sec) })
  const min = Math.floor(sec / 60)
  if (min < 60) return ta(lang, 'sync.age.min', { n: String(min) })
  const h = Math.floor(min / 60)
  if (h < 24) return ta(lang, 'sync.age.h', { h: String(h), m: String(min % 60) })
  return ta(lang, 'sync.age.d', { d: String(Math.floor(h / 24)), h: String(h % 24) })
}

/** A past time: 'YYYY-MM-DD HH:MM:SS (3 min ago)', or `none` when null. */
export function formatPast(lang: Lang, at: number | null, now: number, none: string): string {
  if (at === null) return none
  return `${formatLocalDateTime(at)} (${ta(lang, 'sync.ago', { age: formatAge(lang, now - at) })})`
}

/** A coming time: 'YYYY-MM-DD HH:MM:SS (in 30 s)'; one already due says 'now'. */
export function formatNext(lang: Lang, at: number | null, now: number, none: string): string {
  if (at === null) return none
  const rel = at <= now ? ta(lang, 'sync.due-now') : ta(lang, 'sync.in', { age: formatAge(lang, at - now) })
  return `${formatLocalDateTime(at)} (${rel})`
}

/** The age of the oldest queued event ('12 min'), or null when nothing waits. */
export function oldestQueuedAge(lang: Lang, s: Pick<SyncStatus, 'oldestQueuedAt' | 'queued'>, now: number): string | null {
  if (s.oldestQueuedAt === null || s.queued === 0) return null
  return formatAge(lang, now - s.oldestQueuedAt)
}

export function parkedKindKey(kind: ParkedEvent['kind']): AdminMessageKey {
  return `sync.kind.${kind}`
}
