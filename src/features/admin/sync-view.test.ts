import { describe, expect, it } from 'vitest'
import { formatLocalDateTime } from './dates'
import { adminCatalogues } from './messages'
import { formatAge, formatNext, formatPast, oldestQueuedAge, parkedKindKey, SYNC_ERROR_CODES, syncErrorText, syncState } from './sync-view'

describe('sync state', () => {
  it('is off when HR is not set up, unknown before the first request, else online or offline', () => {
    expect(syncState({ configured: false, online: null })).toBe('off')
    expect(syncState({ configured: false, online: true })).toBe('off')
    expect(syncState({ configured: true, online: null })).toBe('unknown')
    expect(syncState({ configured: true, online: true })).toBe('online')
    expect(syncState({ configured: true, online: false })).toBe('offline')
  })
})

describe('sync errors in words', () => {
  it('explains every known code in both languages, keeping the raw text as detail', () => {
    for (const code of SYNC_ERROR_CODES) {
      for (const lang of ['id', 'en'] as const) {
        const r = syncErrorText(lang, { code, message: 'raw text' })
        expect(r.text, `${lang} ${code}`).toBe(adminCatalogues[lang][`sync.err.${code}`])
        expect(r.detail).toBe(`${code}: raw text`)
      }
    }
    expect(syncErrorText('en', { code: 'hr-unreachable', message: 'cannot reach HR at http://x' }).text).toBe('HR server cannot be reached: check the network and the address.')
    expect(syncErrorText('en', { code: 'hr-unauthorized', message: '' })).toEqual({ text: 'HR refused the key: check the HR key.', detail: 'hr-unauthorized' })
    expect(syncErrorText('en', { code: 'hr-stale-response', message: '' }).text).toContain('more than 5 minutes')
    expect(syncErrorText('en', { code: 'hr-bad-response', message: '' }).text).toContain('not the Hadir protocol (HTML or garbage)')
  })
  it('shows the raw message of an unknown code', () => {
    expect(syncErrorText('id', { code: 'db-not-writable', message: 'disk is read-only' })).toEqual({ text: 'disk is read-only', detail: 'db-not-writable' })
    expect(syncErrorText('en', { code: 'weird', message: '' })).toEqual({ text: 'weird', detail: null })
  })
})

describe('times and ages', () => {
  it('formats a duration at the right scale', () => {
    expect(formatAge('en', 0)).toBe('0 s')
    expect(formatAge('en', -5_000)).toBe('0 s')
    expect(formatAge('en', 59_999)).toBe('59 s')
    expect(formatAge('en', 12 * 60_000 + 5_000)).toBe('12 min')
    expect(formatAge('en', 3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min')
    expect(formatAge('en', 50 * 3600_000)).toBe('2 d 2 h')
    expect(formatAge('id', 3 * 3600_000 + 5 * 60_000)).toBe('3 jam 5 mnt')
  })
  it('shows past and coming times in local time with a relative part, or the placeholder', () => {
    const now = new Date(2026, 0, 5, 9, 0, 0).getTime()
    expect(formatPast('en', null, now, 'Never')).toBe('Never')
    expect(formatPast('en', now - 120_000, now, 'Never')).toBe(`${formatLocalDateTime(now - 120_000)} (2 min ago)`)
    expect(formatPast('id', now - 120_000, now, '-')).toBe(`${formatLocalDateTime(now - 120_000)} (2 mnt lalu)`)
    expect(formatNext('en', null, now, '—')).toBe('—')
    expect(formatNext('en', now + 30_000, now, '—')).toBe(`${formatLocalDateTime(now + 30_000)} (in 30 s)`)
    expect(formatNext('en', now - 1_000, now, '—')).toBe(`${formatLocalDateTime(now - 1_000)} (now)`)
  })
  it('gives the age of the oldest queued event only when something waits', () => {
    const now = 10_000_000
    expect(oldestQueuedAge('en', { queued: 3, oldestQueuedAt: now - 90_000 }, now)).toBe('1 min')
    expect(oldestQueuedAge('en', { queued: 0, oldestQueuedAt: now - 90_000 }, now)).toBeNull()
    expect(oldestQueuedAge('en', { queued: 2, oldestQueuedAt: null }, now)).toBeNull()
  })
  it('names parked kinds', () => {
    expect(parkedKindKey('correction')).toBe('sync.kind.correction')
    expect(adminCatalogues.id[parkedKindKey('void')]).toBe('Pembatalan')
  })
})
