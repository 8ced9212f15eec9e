import type { ApiError } from '../../shared/api/result'
import { localHourMinute } from './dates'
import { ta, type AdminMessageKey } from './messages'
import type { Lang } from '../../i18n/messages'
import { MIN_PIN_LENGTH } from './pin'

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null)

/** details.problem of an invalid-args error that has its own words (the host's message is English). */
const INVALID_PROBLEMS = ['future', 'reason-required', 'reason-too-long', 'no-change', 'consent-by'] as const
type InvalidProblem = (typeof INVALID_PROBLEMS)[number]

/** The message key and placeholders for an API error, chosen by its stable code (never by its text). */
export function errorMessage(error: ApiError): { key: AdminMessageKey; vars: Record<string, string> } {
  const d = error.details ?? {}
  switch (error.code) {
    case 'pin-too-short':
      return { key: 'err.pin-too-short', vars: { min: str(d['minLength']) ?? String(MIN_PIN_LENGTH) } }
    case 'pin-wrong': {
      const tries = str(d['triesLeft'])
      return tries === null ? { key: 'err.pin-wrong', vars: {} } : { key: 'err.pin-wrong.tries', vars: { tries } }
    }
    case 'admin-locked': {
      const until = d['lockedUntil']
      return typeof until === 'number' ? { key: 'err.admin-locked.until', vars: { time: localHourMinute(until) } } : { key: 'err.admin-locked', vars: {} }
    }
    case 'pin-not-set':
    case 'pin-already-set':
    case 'pin-required':
    case 'admin-setup-required':
    case 'insecure-hr-url':
    case 'unauthorized':
    case 'bad-mac':
    case 'replayed':
    case 'stale-counter':
    case 'attestation-required':
    case 'admin-required':
    case 'empty-export':
    case 'not-found':
    case 'transport-error':
    case 'disk-full':
    case 'db-not-writable':
    case 'duplicate-face':
      return { key: `err.${error.code}`, vars: {} }
    case 'duplicate-id': {
      const name = str(d['name'])
      const id = str(d['personId']) ?? str(d['id']) ?? ''
      return name === null ? { key: 'err.generic', vars: { detail: error.message } } : { key: 'err.duplicate-id', vars: { id, name } }
    }
    case 'export-too-large':
      return { key: 'err.export-too-large', vars: {} }
    case 'file-too-large':
    case 'roster-unreadable':
    case 'roster-columns':
      return { key: `err.${error.code}`, vars: { detail: error.message } }
    case 'invalid-schedule': {
      const problem = str(d['problem'])
      if (problem === 'end-before-start' || problem === 'tolerance-out-of-range' || problem === 'bad-time' || problem === 'bad-days') return { key: `err.invalid-schedule.${problem}`, vars: {} }
      return { key: 'err.invalid-schedule', vars: { detail: error.message } }
    }
    case 'invalid-args': {
      // a known problem reads in the UI language; otherwise the host's (English) message names the field
      const problem = str(d['problem'])
      if (problem !== null && (INVALID_PROBLEMS as readonly string[]).includes(problem)) return { key: `err.invalid-args.${problem as InvalidProblem}`, vars: {} }
      return { key: 'err.invalid-args', vars: { detail: error.message, field: str(d['field']) ?? '—' } }
    }
    case 'consent-required':
      return { key: 'err.consent-required', vars: {} }
    default:
      return { key: 'err.generic', vars: { detail: `${error.code}: ${error.message}` } }
  }
}

export function errorText(lang: Lang, error: ApiError): string {
  const m = errorMessage(error)
  // the host's messages are English: in Indonesian an unknown invalid-args names only the field
  if (lang === 'id' && m.key === 'err.invalid-args') return ta(lang, 'err.invalid-args.field', { field: m.vars['field'] ?? '—' })
  return ta(lang, m.key, m.vars)
}
