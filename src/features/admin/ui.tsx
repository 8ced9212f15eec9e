import { useEffect, useState, type ReactNode } from 'react'
import type { Lang } from '../../i18n/messages'
import { useKioskStore } from '../../store/kiosk-store'
import type { ApiError } from '../../shared/api/result'
import { errorText } from './errors'
import { ta, type AdminMessageKey } from './messages'

/** The UI language (the kiosk's). */
export function useLang(): Lang {
  return useKioskStore((s) => s.lang)
}

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms)
    return () => clearTimeout(id)
  }, [value, ms])
  return v
}

/**
 * A status line: an error (role alert) or a confirmation. Given as a message key (or an API error)
 * it is worded when shown, so it follows a language switch; `text` is fixed words.
 */
export type Notice =
  | { kind: 'error' | 'info'; text: string }
  | { kind: 'error' | 'info'; key: AdminMessageKey; vars?: Record<string, string> }
  | { kind: 'error'; error: ApiError }

/** The words of a notice in `lang`. */
export function noticeText(lang: Lang, n: Notice): string {
  if ('text' in n) return n.text
  if ('key' in n) return ta(lang, n.key, n.vars ?? {})
  return errorText(lang, n.error)
}

export function NoticeLine({ notice, testId }: { notice: Notice | null; testId: string }) {
  const lang = useLang()
  if (!notice) return null
  return (
    <p className={`admin-notice admin-notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {noticeText(lang, notice)}
    </p>
  )
}

/** A modal panel over the admin screen. */
export function Dialog({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <div className="admin-dialog-backdrop">
      <div className="admin-dialog" role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <h2 className="admin-dialog-title">{title}</h2>
        {children}
      </div>
    </div>
  )
}

/** Yes / No question (deleting, re-enrolling). */
export function ConfirmDialog(props: { lang: Lang; title: string; text: string; busy: boolean; notice: Notice | null; onYes: () => void; onNo: () => void; danger?: boolean }) {
  const { lang } = props
  return (
    <Dialog title={props.title} testId="confirm-dialog">
      <p className="admin-dialog-text">{props.text}</p>
      <NoticeLine notice={props.notice} testId="confirm-message" />
      <div className="admin-actions">
        <button type="button" className={props.danger ? 'admin-btn admin-btn-danger' : 'admin-btn admin-btn-primary'} data-testid="confirm-yes" disabled={props.busy} onClick={props.onYes}>
          {ta(lang, 'common.yes')}
        </button>
        <button type="button" className="admin-btn" data-testid="confirm-no" disabled={props.busy} onClick={props.onNo}>
          {ta(lang, 'common.no')}
        </button>
      </div>
    </Dialog>
  )
}

/** One label/value row of a figures table (diagnostics, sync). */
export function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <tr data-testid={testId}>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  )
}
