import type { Lang } from '../../i18n/messages'
import type { ApiError } from '../../shared/api/result'
import { errorText } from './errors'
import { tfa } from './fallback-admin-messages'

/** Admin messages for the PIN and badge codes; everything else as the other panels say it. */
export function fallbackErrorText(lang: Lang, error: ApiError): string {
  switch (error.code) {
    case 'badge-taken':
      return tfa(lang, 'err.badge-taken', { id: typeof error.details?.personId === 'string' ? error.details.personId : '?' })
    case 'badge-format':
      return tfa(lang, 'err.badge-format')
    case 'pin-format':
      return tfa(lang, 'err.pin-format')
    default:
      return errorText(lang, error)
  }
}
