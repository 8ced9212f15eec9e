import { describe, expect, it } from 'vitest'
import { BADGE_MAX_LENGTH, BadgeWedge, cleanEmployeeId, FLOOD_QUIET_MS, pinReady, pressPin, type WedgeResult } from './fallback-input'
import { FALLBACK_MESSAGES, fallbackError } from './fallback-messages'
import { FALLBACK_ADMIN_MESSAGES } from '../admin/fallback-admin-messages'

/** Types `text` then Enter into `w`, one key every `gapMs` from `t0`; returns every non-null result. */
function type(w: BadgeWedge, text: string, t0: number, gapMs: number, enter = true): WedgeResult[] {
  const out: WedgeResult[] = []
  let t = t0
  for (const key of [...text, ...(enter ? ['Enter'] : [])]) {
    const r = w.feed({ key, at: t })
    if (r) out.push(r)
    t += gapMs
  }
  return out
}

describe('badge reader (keyboard wedge)', () => {
  it('a fast burst of digits ending in Enter is a badge', () => {
    expect(type(new BadgeWedge(), '0099887766', 1000, 8)).toEqual([{ kind: 'badge', badge: '0099887766' }])
  })

  it('a person typing (slow keys) is not a badge, nor are a few quick keys', () => {
    const w = new BadgeWedge()
    expect(type(w, '0099887766', 1000, 180)).toEqual([])
    expect(type(w, '12', 10_000, 5)).toEqual([])
    // and the next real read still works
    expect(type(w, '55501', 20_000, 6)).toEqual([{ kind: 'badge', badge: '55501' }])
  })

  it('garbage in a burst (symbols, Tab) is refused with badge-format, and the next read works', () => {
    const w = new BadgeWedge()
    expect(type(w, '00%$;99', 1000, 6)).toEqual([{ kind: 'refused', code: 'badge-format' }])
    const tab: WedgeResult[] = []
    for (const [i, key] of ['1', '2', 'Tab', '3', '4', 'Enter'].entries()) {
      const r = w.feed({ key, at: 5000 + i * 5 })
      if (r) tab.push(r)
    }
    expect(tab).toEqual([{ kind: 'refused', code: 'badge-format' }])
    expect(type(w, '123456', 9000, 6)).toEqual([{ kind: 'badge', badge: '123456' }])
  })

  it('a flood (hundreds of keys a second, no Enter) is refused once, ignored until quiet, then the reader works again', () => {
    const w = new BadgeWedge()
    // 1000 keys at 2 ms each (500 keys/s), then an Enter still inside the flood
    const flood = type(w, '7'.repeat(1000), 1000, 2)
    expect(flood).toEqual([{ kind: 'refused', code: 'badge-flood' }])
    expect(w.feed({ key: 'Enter', at: 1000 + 2000 + 10 })).toBeNull()
    expect(w.pending).toBe(0)
    // after a quiet spell a normal read is a badge
    expect(type(w, '0099887766', 1000 + 2000 + 10 + FLOOD_QUIET_MS + 1, 8)).toEqual([{ kind: 'badge', badge: '0099887766' }])
    // the longest badge still passes; one more character is a flood
    expect(type(new BadgeWedge(), 'A'.repeat(BADGE_MAX_LENGTH), 0, 3)).toEqual([{ kind: 'badge', badge: 'A'.repeat(BADGE_MAX_LENGTH) }])
    expect(type(new BadgeWedge(), 'A'.repeat(BADGE_MAX_LENGTH + 1), 0, 3)).toEqual([{ kind: 'refused', code: 'badge-flood' }])
  })

  it("shortcuts with Ctrl / Alt / Meta (the admin's Ctrl+Shift+A) are never part of a badge", () => {
    const w = new BadgeWedge()
    type(w, '1234', 0, 5, false)
    expect(w.feed({ key: 'A', at: 21, ctrlKey: true })).toBeNull()
    expect(w.feed({ key: 'Enter', at: 25 })).toBeNull()
  })
})

describe('PIN pad', () => {
  it('takes digits up to 8, backspace and clear; letters do nothing', () => {
    let pin = ''
    for (const k of ['1', '2', 'a', '3', '%', '4']) pin = pressPin(pin, k)
    expect(pin).toBe('1234')
    expect(pressPin('12345678', '9')).toBe('12345678')
    expect(pressPin('123', 'backspace')).toBe('12')
    expect(pressPin('123', 'Backspace')).toBe('12')
    expect(pressPin('123', 'clear')).toBe('')
    expect(pressPin('', 'backspace')).toBe('')
  })
  it('sends 4–8 digits only', () => {
    expect(pinReady('123')).toEqual({ ok: false, code: 'pin-format' })
    expect(pinReady('1234')).toEqual({ ok: true })
    expect(pinReady('12345678')).toEqual({ ok: true })
    expect(pinReady('123456789')).toEqual({ ok: false, code: 'pin-format' })
    expect(pinReady('12a4')).toEqual({ ok: false, code: 'pin-format' })
  })
  it('an employee id is trimmed, control characters dropped, at most 64 characters', () => {
    expect(cleanEmployeeId('  E001\u0007 ')).toBe('E001')
    expect(cleanEmployeeId('x'.repeat(100))).toHaveLength(64)
  })
})

describe('messages', () => {
  it('both languages have every key, none empty', () => {
    for (const dict of [FALLBACK_MESSAGES, FALLBACK_ADMIN_MESSAGES] as Array<Record<'id' | 'en', Record<string, string>>>) {
      expect(Object.keys(dict.en).sort()).toEqual(Object.keys(dict.id).sort())
      for (const lang of ['id', 'en'] as const) for (const [k, v] of Object.entries(dict[lang])) expect(v.trim(), `${lang} ${k}`).not.toBe('')
    }
  })
  it('every refusal code has its own words in both languages, with the figures filled in', () => {
    for (const code of ['pin-format', 'pin-wrong', 'pin-locked', 'person-unknown', 'person-pin-not-set', 'badge-unknown', 'badge-format', 'badge-flood', 'badge-off', 'fallback-off', 'rate-limited', 'not-found']) {
      for (const lang of ['id', 'en'] as const) {
        const text = fallbackError(lang, code, { triesLeft: 2, lockedUntil: new Date(2025, 0, 6, 8, 4, 30).getTime(), retryAfterMs: 41_200 })
        expect(text, `${lang} ${code}`).not.toMatch(/\{|\(pin|\(badge/)
      }
    }
    expect(fallbackError('id', 'pin-wrong', { triesLeft: 2 })).toBe('PIN salah. Sisa 2 kali percobaan')
    expect(fallbackError('en', 'pin-locked', { lockedUntil: new Date(2025, 0, 6, 8, 4, 30).getTime() })).toBe('PIN locked after 3 wrong tries. Try again at 08:05')
    expect(fallbackError('en', 'rate-limited', { retryAfterMs: 41_200 })).toBe('Too many tries. Wait 42 seconds')
    expect(fallbackError('en', 'db-error')).toBe('Could not record attendance (db-error)')
  })
})
