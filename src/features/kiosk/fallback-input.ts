/**
 * The kiosk's PIN pad and badge reader, as pure logic (no DOM, no React: unit-tested in node).
 *
 * A USB badge reader is a keyboard wedge: it "types" the badge number a few milliseconds per key
 * and ends with Enter. People type far slower. So a badge is a burst of keys, each within
 * {@link BADGE_MAX_GAP_MS} of the one before, ended by Enter, of {@link BADGE_MIN_LENGTH} to
 * {@link BADGE_MAX_LENGTH} characters, while no text field has the focus. A burst that is too long
 * (a reader stuck, hundreds of keys a second, no Enter) is a flood: it is dropped and the listener
 * ignores everything until the keys stop for {@link FLOOD_QUIET_MS}; a burst with other characters
 * is garbage. Neither ever reaches the host, and the pad keeps working.
 */
import { PERSON_PIN_MAX, PERSON_PIN_MIN } from '../../shared/api/contract'

export const BADGE_MAX_GAP_MS = 50
export const BADGE_MIN_LENGTH = 4
export const BADGE_MAX_LENGTH = 64
export const FLOOD_QUIET_MS = 500

export type WedgeKey = { key: string; at: number; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean }

/** What one key made of the burst so far: nothing yet, a badge, or a refusal (with its stable code). */
export type WedgeResult = null | { kind: 'badge'; badge: string } | { kind: 'refused'; code: 'badge-format' | 'badge-flood' }

const BADGE_CHAR = /^[A-Za-z0-9]$/

/** Keyboard-wedge reader: feed every keydown that did not land in a text field. */
export class BadgeWedge {
  private buf = ''
  private garbage = false
  private last = -Infinity
  private floodUntil = -Infinity

  feed(k: WedgeKey): WedgeResult {
    // shortcuts (the admin's Ctrl+Shift+A) are never part of a badge
    if (k.ctrlKey || k.altKey || k.metaKey) {
      this.reset()
      return null
    }
    const gap = k.at - this.last
    this.last = k.at
    if (k.at < this.floodUntil) {
      // still flooding: every key pushes the quiet time further
      this.floodUntil = k.at + FLOOD_QUIET_MS
      return null
    }
    if (gap > BADGE_MAX_GAP_MS) this.reset()
    if (k.key === 'Enter') {
      const { buf, garbage } = this
      this.reset()
      if (buf.length === 0) return null
      if (garbage) return { kind: 'refused', code: 'badge-format' }
      // a person typing a few digits and Enter quickly is not a badge
      if (buf.length < BADGE_MIN_LENGTH) return null
      return { kind: 'badge', badge: buf }
    }
    if (k.key.length !== 1) {
      // Shift, Tab, arrows…: inside a burst they make it garbage, alone they are nothing
      if (this.buf.length > 0 && k.key !== 'Shift') this.garbage = true
      return null
    }
    if (!BADGE_CHAR.test(k.key)) this.garbage = true
    this.buf += k.key
    if (this.buf.length > BADGE_MAX_LENGTH) {
      this.reset()
      this.floodUntil = k.at + FLOOD_QUIET_MS
      return { kind: 'refused', code: 'badge-flood' }
    }
    return null
  }

  /** Characters of the burst in progress (a burst counts only when it ends with Enter). */
  get pending(): number {
    return this.buf.length
  }

  reset(): void {
    this.buf = ''
    this.garbage = false
  }
}

/** One press on the PIN pad (a digit, backspace, clear) or a typed key; anything else is ignored. */
export function pressPin(pin: string, key: string): string {
  if (key === 'backspace' || key === 'Backspace') return pin.slice(0, -1)
  if (key === 'clear' || key === 'Escape') return ''
  if (/^[0-9]$/.test(key) && pin.length < PERSON_PIN_MAX) return pin + key
  return pin
}

/** Whether the PIN may be sent (4–8 digits); otherwise the code the pad shows itself. */
export function pinReady(pin: string): { ok: true } | { ok: false; code: 'pin-format' } {
  return new RegExp(`^[0-9]{${PERSON_PIN_MIN},${PERSON_PIN_MAX}}$`).test(pin) ? { ok: true } : { ok: false, code: 'pin-format' }
}

/** An employee id as typed on the kiosk: trimmed, at most 64 characters, no control characters. */
export function cleanEmployeeId(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 64)
}
