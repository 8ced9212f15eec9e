/** PIN pad logic: what each key does, and the two-step "set a PIN" flow. */

/** Shortest new PIN the host accepts (it answers `pin-too-short` below this). */
export const MIN_PIN_LENGTH = 6
/** Shortest PIN that still opens admin mode: PINs set before 6 digits were required keep working until changed. */
export const LOGIN_MIN_PIN_LENGTH = 4
/** Longest PIN the pad takes. */
export const MAX_PIN_LENGTH = 12

export type PinKey = `${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'backspace'

/** Digits only, at most MAX_PIN_LENGTH (typed or pasted text). */
export function sanitizePin(text: string): string {
  return text.replace(/\D+/g, '').slice(0, MAX_PIN_LENGTH)
}

/** The PIN after a pad key. */
export function pressPinKey(pin: string, key: PinKey): string {
  if (key === 'backspace') return pin.slice(0, -1)
  return sanitizePin(pin + key)
}

/** login: one PIN; set: a new PIN, then the same again. */
export type PinFlow = { kind: 'login' } | { kind: 'set'; step: 'first' } | { kind: 'set'; step: 'confirm'; first: string }

export type PinSubmit =
  | { action: 'too-short' }
  /** the first entry of a new PIN was taken: ask for it again */
  | { action: 'confirm'; flow: PinFlow }
  /** the second entry differs: start over */
  | { action: 'mismatch'; flow: PinFlow }
  | { action: 'login'; pin: string }
  | { action: 'set-pin'; pin: string }

/** What OK does with the PIN typed so far. */
export function submitPin(flow: PinFlow, pin: string): PinSubmit {
  if (flow.kind === 'set' && flow.step === 'confirm') {
    return pin === flow.first ? { action: 'set-pin', pin } : { action: 'mismatch', flow: { kind: 'set', step: 'first' } }
  }
  if (flow.kind === 'login') return pin.length < LOGIN_MIN_PIN_LENGTH ? { action: 'too-short' } : { action: 'login', pin }
  if (pin.length < MIN_PIN_LENGTH) return { action: 'too-short' }
  return { action: 'confirm', flow: { kind: 'set', step: 'confirm', first: pin } }
}

/** Ctrl+Shift+A (not with Alt or Meta) opens admin mode. */
export function isAdminShortcut(e: { ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean; key: string; code?: string }): boolean {
  return e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && (e.code === 'KeyA' || e.key === 'A' || e.key === 'a')
}

/** How long the top-left corner must be held. */
export const LONG_PRESS_MS = 2000

/**
 * A key typed anywhere on the PIN screen (the field need not have the focus): a digit (main row or
 * numpad), Backspace, or Enter to submit; null for anything else and for shortcuts (Ctrl, Alt, Meta).
 */
export function pinKeyOf(e: { key: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean }): PinKey | 'enter' | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null
  if (/^[0-9]$/.test(e.key)) return e.key as PinKey
  if (e.key === 'Backspace') return 'backspace'
  if (e.key === 'Enter' || e.key === 'NumpadEnter') return 'enter'
  return null
}
