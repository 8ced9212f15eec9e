import { useCallback, useEffect, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { ReviewItem } from '../../shared/api/contract'
import { adminInvoke } from './admin-api'
import { formatLocalDateTime } from './dates'
import { tfa } from './fallback-admin-messages'
import { fallbackErrorText } from './fallback-errors'
import { ta } from './messages'
import { Dialog, NoticeLine, useLang, type Notice } from './ui'

/**
 * The review list (issue #12): check-ins by PIN or badge and faces of low confidence, oldest first.
 * Approve keeps the event (audited); void withdraws it with a reason (attendance/void, audited).
 */
export function ReviewPanel({ api }: { api: ApiClient }) {
  const lang = useLang()
  const [items, setItems] = useState<ReviewItem[] | null>(null)
  const [notice, setNotice] = useState<Notice | null>(null)
  const [voiding, setVoiding] = useState<ReviewItem | null>(null)
  const [reason, setReason] = useState('')
  const [voidNotice, setVoidNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)

  const reload = useCallback(async () => {
    const r = await adminInvoke(api, 'review/list', {})
    if (r.ok) setItems(r.data)
    else setNotice({ kind: 'error', text: fallbackErrorText(lang, r.error) })
  }, [api, lang])
  useEffect(() => void reload(), [reload])

  const approve = async (it: ReviewItem) => {
    setBusy(true)
    const r = await adminInvoke(api, 'review/approve', { eventId: it.id })
    setBusy(false)
    setNotice(r.ok ? { kind: 'info', text: `${tfa(lang, 'review.approved')}: ${it.personName}` } : { kind: 'error', text: fallbackErrorText(lang, r.error) })
    void reload()
  }
  const doVoid = async (it: ReviewItem) => {
    setBusy(true)
    const r = await adminInvoke(api, 'attendance/void', { eventId: it.id, reason })
    setBusy(false)
    if (!r.ok) {
      setVoidNotice({ kind: 'error', text: fallbackErrorText(lang, r.error) })
      return
    }
    setVoiding(null)
    setNotice({ kind: 'info', text: `${tfa(lang, 'review.voided')}: ${it.personName}` })
    void reload()
  }

  return (
    <section className="admin-panel" data-testid="review-panel">
      <h2 className="admin-section-title">{tfa(lang, 'review.title')}</h2>
      <p className="admin-muted">{tfa(lang, 'review.lead')}</p>
      <NoticeLine notice={notice} testId="review-message" />
      {items === null ? (
        <p className="admin-muted">{ta(lang, 'common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="admin-muted" data-testid="review-empty">
          {tfa(lang, 'review.empty')}
        </p>
      ) : (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <thead>
              <tr>
                <th>{tfa(lang, 'review.col.time')}</th>
                <th>{tfa(lang, 'review.col.person')}</th>
                <th>{tfa(lang, 'review.col.direction')}</th>
                <th>{tfa(lang, 'review.col.why')}</th>
                <th>{ta(lang, 'common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.id} data-testid={`review-row-${it.id}`} data-person={it.personId} data-source={it.source} data-why={it.reviewReason}>
                  <td>{formatLocalDateTime(it.at)}</td>
                  <td>
                    {it.personName} <span className="admin-mono">({it.personId})</span>
                  </td>
                  <td>{ta(lang, it.direction === 'in' ? 'dir.in' : 'dir.out')}</td>
                  <td>{it.reviewReason === 'low-confidence' ? tfa(lang, 'review.why.low-confidence', { sim: it.similarity.toFixed(3) }) : tfa(lang, `review.why.${it.reviewReason}`)}</td>
                  <td>
                    <div className="admin-row-actions">
                      <button type="button" className="admin-btn admin-btn-primary" data-testid={`review-approve-${it.id}`} disabled={busy} onClick={() => void approve(it)}>
                        {tfa(lang, 'review.approve')}
                      </button>
                      <button
                        type="button"
                        className="admin-btn admin-btn-danger"
                        data-testid={`review-void-${it.id}`}
                        disabled={busy}
                        onClick={() => {
                          setReason('')
                          setVoidNotice(null)
                          setVoiding(it)
                        }}
                      >
                        {tfa(lang, 'review.void')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {voiding ? (
        <Dialog title={tfa(lang, 'review.void-confirm')} testId="review-void-dialog">
          <p>
            {voiding.personName} · {formatLocalDateTime(voiding.at)}
          </p>
          <label className="admin-field">
            <span>{tfa(lang, 'review.void-reason')}</span>
            <input className="admin-input" data-testid="review-void-reason" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          </label>
          <NoticeLine notice={voidNotice} testId="review-void-message" />
          <div className="admin-actions">
            <button type="button" className="admin-btn" data-testid="review-void-cancel" onClick={() => setVoiding(null)}>
              {ta(lang, 'common.cancel')}
            </button>
            <button type="button" className="admin-btn admin-btn-danger" data-testid="review-void-submit" disabled={busy || reason.trim() === ''} onClick={() => void doVoid(voiding)}>
              {tfa(lang, 'review.void')}
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  )
}
