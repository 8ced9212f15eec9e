import { describe, expect, it } from 'vitest'
import { errorMessage, errorText } from './errors'
import { adminCatalogues, ta } from './messages'
import { localHourMinute } from './dates'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('admin messages', () => {
  it('has the same keys and placeholders in both languages', () => {
    const idKeys = Object.keys(adminCatalogues.id).sort()
    expect(Object.keys(adminCatalogues.en).sort()).toEqual(idKeys)
    for (const k of idKeys) {
      const key = k as keyof typeof adminCatalogues.id
      expect(placeholders(adminCatalogues.en[key]), k).toEqual(placeholders(adminCatalogues.id[key]))
    }
  })
  it('fills placeholders', () => {
    expect(ta('en', 'err.pin-wrong.tries', { tries: '2' })).toBe('Wrong PIN. Tries left: 2.')
  })
})

describe('API errors → messages (by code)', () => {
  it('names tries left and the lock time', () => {
    expect(errorMessage({ code: 'pin-wrong', message: '?', details: { triesLeft: 2 } })).toEqual({ key: 'err.pin-wrong.tries', vars: { tries: '2' } })
    expect(errorMessage({ code: 'pin-wrong', message: '?' }).key).toBe('err.pin-wrong')
    const until = new Date(2026, 0, 5, 9, 15).getTime()
    expect(errorText('id', { code: 'admin-locked', message: '?', details: { lockedUntil: until } })).toContain(localHourMinute(until))
  })
  it('names who has a duplicate id', () => {
    expect(errorText('en', { code: 'duplicate-id', message: 'Employee id E1 is already used by Siti', details: { personId: 'E1', name: 'Siti' } })).toBe('Employee id E1 is already used by Siti.')
  })
  it("shows the host's invalid-args message (it names the field) and maps the PIN codes", () => {
    expect(errorText('en', { code: 'invalid-args', message: 'rules.dayBoundary must be HH:MM' })).toContain('rules.dayBoundary')
    for (const code of ['pin-too-short', 'pin-not-set', 'pin-already-set', 'empty-export', 'admin-required'] as const) {
      expect(errorMessage({ code, message: 'x' }).key).toBe(`err.${code}`)
    }
    expect(errorMessage({ code: 'internal', message: 'boom' })).toEqual({ key: 'err.generic', vars: { detail: 'internal: boom' } })
  })
})
