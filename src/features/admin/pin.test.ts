import { describe, expect, it } from 'vitest'
import { isAdminShortcut, MAX_PIN_LENGTH, pressPinKey, sanitizePin, submitPin, type PinFlow } from './pin'

describe('PIN pad', () => {
  it('takes digits only, up to the maximum length', () => {
    expect(sanitizePin('12a3 4')).toBe('1234')
    expect(sanitizePin('9'.repeat(20))).toHaveLength(MAX_PIN_LENGTH)
    expect(pressPinKey('12', '3')).toBe('123')
    expect(pressPinKey('123', 'backspace')).toBe('12')
    expect(pressPinKey('', 'backspace')).toBe('')
  })
  it('logs in with a PIN of at least 4 digits (older PINs keep working until changed)', () => {
    const login: PinFlow = { kind: 'login' }
    expect(submitPin(login, '123')).toEqual({ action: 'too-short' })
    expect(submitPin(login, '1234')).toEqual({ action: 'login', pin: '1234' })
  })
  it('sets a new PIN of at least 6 digits entered twice, and starts over on a mismatch', () => {
    const first: PinFlow = { kind: 'set', step: 'first' }
    expect(submitPin(first, '12')).toEqual({ action: 'too-short' })
    expect(submitPin(first, '43210')).toEqual({ action: 'too-short' })
    const next = submitPin(first, '654321')
    expect(next).toEqual({ action: 'confirm', flow: { kind: 'set', step: 'confirm', first: '654321' } })
    if (next.action !== 'confirm') throw new Error('unreachable')
    expect(submitPin(next.flow, '654321')).toEqual({ action: 'set-pin', pin: '654321' })
    expect(submitPin(next.flow, '654320')).toEqual({ action: 'mismatch', flow: { kind: 'set', step: 'first' } })
  })
  it('opens on Ctrl+Shift+A only', () => {
    const base = { ctrlKey: true, shiftKey: true, altKey: false, metaKey: false }
    expect(isAdminShortcut({ ...base, key: 'A', code: 'KeyA' })).toBe(true)
    expect(isAdminShortcut({ ...base, key: 'a' })).toBe(true)
    expect(isAdminShortcut({ ...base, shiftKey: false, key: 'a', code: 'KeyA' })).toBe(false)
    expect(isAdminShortcut({ ...base, altKey: true, key: 'A', code: 'KeyA' })).toBe(false)
    expect(isAdminShortcut({ ...base, key: 'B', code: 'KeyB' })).toBe(false)
  })
})
