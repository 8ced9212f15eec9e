import { describe, expect, it } from 'vitest'
import { formatTime, greetingKey, langFromLocales, t } from './messages'

describe('i18n', () => {
  it('greets by the local hour', () => {
    expect(greetingKey(8)).toBe('greeting.morning')
    expect(greetingKey(12)).toBe('greeting.midday')
    expect(greetingKey(16)).toBe('greeting.afternoon')
    expect(greetingKey(21)).toBe('greeting.evening')
    expect(greetingKey(2)).toBe('greeting.evening')
  })
  it('fills placeholders in both languages', () => {
    expect(t('id', 'already', { time: '08:01' })).toBe('Sudah tercatat pukul 08:01')
    expect(t('en', 'already', { time: '08:01' })).toBe('Already recorded at 08:01')
  })
  it('picks the language from the OS locale', () => {
    expect(langFromLocales(['id-ID'])).toBe('id')
    expect(langFromLocales(['en-US', 'id'])).toBe('en')
    expect(langFromLocales([])).toBe('id')
  })
  it('formats times as HH:MM', () => {
    expect(formatTime(new Date(2026, 0, 5, 8, 1).getTime())).toBe('08:01')
  })
})
