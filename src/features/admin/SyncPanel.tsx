import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { ParkedEvent, SyncStatus } from '../../shared/api/contract'
import type { ApiError } from '../../shared/api/result'
import { adminInvoke } from './admin-api'
import { formatLocalDateTime, localTimeString } from './dates'
import { errorText } from './errors'
import { ta } from './messages'
import { formatNext, formatPast, oldestQueuedAge, parkedKindKey, SYNC_POLL_MS, syncErrorText, syncState, type SyncState } from './sync-view'
import { NoticeLine, useLang, type Notice, Row } from './ui'

const STATE_BADGE: Record<SyncState, string> = {
  online: 'admin-badge admin-badge-ok',
  offline: 'admin-badge admin-badge-bad',
  unknown: 'admin-badge admin-badge-off',
  off: 'admin-badge admin-badge-off',
}


/** HR sync for the admin: connection, queue, last success and error, and the events HR rejected (retry). */
export function SyncPanel({ api }: { api: ApiClient }) {
  const lang = useLang()
  const [status, setStatus] = useState<SyncStatus | null>(null)
  /** why the last 'sync/status' failed (cleared by the next answer) */
  const [statusError, setStatusError] = useState<ApiError | null>(null)
  const [parked, setParked] = useState<ParkedEvent[] | null>(null)
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  /** the clock the relative times are shown against (moves with every poll) */
  const [now, setNow] = useState(() => Date.now())
  const live = useRef(true)
  const polling = useRef(false)
  const asked = useRef(0)
  const shown = useRef(0)

  useEffect(() => {
    live.current = true
    return () => {
      live.current = false
    }
  }, [])

  const showStatus = useCallback((s: SyncStatus) => {
    setStatus(s)
    setStatusError(null)
    setNow(Date.now())
  }, [])

  /** `force`: also when a poll is under way (its answer may predate an action) */
  const loadStatus = useCallback(async (force = false) => {
    if (polling.current && !force) return
    polling.current = true
    const seq = ++asked.current
    try {
      const r = await api.invoke('sync/status', {})
      // an older answer arriving after a newer one is dropped
      if (!live.current || seq < shown.current) return
      shown.current = seq
      if (r.ok) showStatus(r.data)
      else {
        setStatusError(r.error)
        setNow(Date.now())
      }
    } finally {
      polling.current = false
    }
  }, [api, showStatus])

  const loadParked = useCallback(async () => {
    const r = await adminInvoke(api, 'sync/parked', {})
    if (!live.current) return
    if (r.ok) setParked(r.data)
    else setNotice({ kind: 'error', text: errorText(lang, r.error) })
  }, [api, lang])

  // status every few seconds while the tab is open
  useEffect(() => {
    void loadStatus()
    const id = setInterval(() => void loadStatus(), SYNC_POLL_MS)
    return () => clearInterval(id)
  }, [loadStatus])

  // the list loads when the tab opens and follows the parked count (actions refresh it themselves)
  const parkedCount = status?.parked ?? null
  useEffect(() => {
    void loadParked()
  }, [parkedCount, loadParked])

  const syncNow = async () => {
    setBusy(true)
    setNotice(null)
    try {
      const r = await adminInvoke(api, 'sync/now', {})
      if (!live.current) return
      if (!r.ok) {
        setNotice({ kind: 'error', text: errorText(lang, r.error) })
        return
      }
      shown.current = ++asked.current
      showStatus(r.data)
      if (r.data.lastError) setNotice({ kind: 'error', text: syncErrorText(lang, r.data.lastError).text })
      else setNotice({ kind: 'info', text: ta(lang, 'sync.now.done') })
      await loadParked()
    } finally {
      if (live.current) setBusy(false)
    }
  }

  const retry = async (ids?: string[]) => {
    setBusy(true)
    setNotice(null)
    try {
      const r = await adminInvoke(api, 'sync/retry', ids ? { ids } : {})
      if (!live.current) return
      if (!r.ok) {
        setNotice({ kind: 'error', text: errorText(lang, r.error) })
        return
      }
      setNotice({ kind: 'info', text: ta(lang, 'sync.requeued', { n: String(r.data.requeued) }) })
      await Promise.all([loadStatus(true), loadParked()])
    } finally {
      if (live.current) setBusy(false)
    }
  }

  const none = '—'
  const state = status ? syncState(status) : null
  const err = status?.lastError ? { ...syncErrorText(lang, status.lastError), at: status.lastError.at, code: status.lastError.code } : null
  const oldest = status ? oldestQueuedAge(lang, status, now) : null

  return (
    <section className="admin-panel" data-testid="sync-panel">
      <div className="admin-toolbar">
        <button type="button" className="admin-btn admin-btn-primary" data-testid="sync-now" disabled={busy || (status !== null && !status.configured)} onClick={() => void syncNow()}>
          {ta(lang, 'sync.now')}
        </button>
      </div>
      {status && !status.configured ? (
        <p className="admin-notice admin-notice-warn" data-testid="sync-not-configured">
          {ta(lang, 'sync.not-configured')}
        </p>
      ) : null}
      <NoticeLine notice={notice} testId="sync-message" />
      <NoticeLine notice={statusError ? { kind: 'error', text: errorText(lang, statusError) } : null} testId="sync-status-error" />

      {status && state ? (
        <table className="admin-table admin-kv" data-testid="sync-status">
          <tbody>
            <Row label={ta(lang, 'sync.connection')}>
              <span className={STATE_BADGE[state]} data-testid="sync-online" data-state={state}>
                {ta(lang, `sync.state.${state}`)}
              </span>
            </Row>
            <Row label={ta(lang, 'sync.queued')}>
              <span className="admin-num" data-testid="sync-queued">
                {status.queued}
              </span>
            </Row>
            <Row label={ta(lang, 'sync.parked-count')}>
              <span className={status.parked > 0 ? 'admin-badge admin-badge-warn' : undefined} data-testid="sync-parked-count">
                {status.parked}
              </span>
            </Row>
            <Row label={ta(lang, 'sync.oldest')}>
              <span data-testid="sync-oldest">{oldest ?? none}</span>
            </Row>
            <Row label={ta(lang, 'sync.last-success')}>
              <span data-testid="sync-last-success">{formatPast(lang, status.lastSuccessAt, now, ta(lang, 'sync.never'))}</span>
            </Row>
            <Row label={ta(lang, 'sync.last-attempt')}>
              <span data-testid="sync-last-attempt">{formatPast(lang, status.lastAttemptAt, now, ta(lang, 'sync.never'))}</span>
            </Row>
            <Row label={ta(lang, 'sync.next-attempt')}>
              <span data-testid="sync-next-attempt">{formatNext(lang, status.nextAttemptAt, now, none)}</span>
            </Row>
            <Row label={ta(lang, 'sync.last-error')}>
              {err ? (
                <div className="sync-error" data-testid="sync-error" data-code={err.code}>
                  <span className="sync-error-text">{err.text}</span>
                  <span className="admin-muted sync-error-detail">
                    {err.detail ? <span className="admin-mono">{err.detail}</span> : null} {ta(lang, 'sync.error-at', { time: localTimeString(err.at) })}
                  </span>
                </div>
              ) : (
                none
              )}
            </Row>
            <Row label={ta(lang, 'sync.share')}>
              <span className={status.shareTemplates ? 'admin-badge admin-badge-ok' : 'admin-badge admin-badge-off'} data-testid="sync-share" data-on={status.shareTemplates}>
                {ta(lang, status.shareTemplates ? 'sync.share.on' : 'sync.share.off')}
              </span>
            </Row>
          </tbody>
        </table>
      ) : statusError ? null : (
        <p className="admin-muted">{ta(lang, 'common.loading')}</p>
      )}

      <div className="admin-toolbar sync-parked-head">
        <h2 className="admin-section-title">{ta(lang, 'sync.parked.title')}</h2>
        <button type="button" className="admin-btn" data-testid="retry-all" disabled={busy || !parked || parked.length === 0} onClick={() => void retry()}>
          {ta(lang, 'sync.retry-all')}
        </button>
      </div>
      {parked === null ? null : (
        <div data-testid="sync-parked">
          {parked.length === 0 ? (
            <p className="admin-muted" data-testid="sync-parked-empty">
              {ta(lang, 'sync.parked.empty')}
            </p>
          ) : (
            <>
              <p className="admin-muted sync-parked-hint">{ta(lang, 'sync.parked.hint')}</p>
              <div className="admin-table-wrap">
                <table className="admin-table">
                  <thead>
                    <tr>
                      <th>{ta(lang, 'sync.col.time')}</th>
                      <th>{ta(lang, 'sync.col.person')}</th>
                      <th>{ta(lang, 'sync.col.kind')}</th>
                      <th>{ta(lang, 'sync.col.reason')}</th>
                      <th>{ta(lang, 'sync.col.parked-at')}</th>
                      <th>{ta(lang, 'common.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {parked.map((p) => (
                      <tr key={p.id} data-testid={`parked-${p.id}`}>
                        <td className="admin-nowrap">{formatLocalDateTime(p.at)}</td>
                        <td className="admin-mono">{p.personId}</td>
                        <td>{ta(lang, parkedKindKey(p.kind))}</td>
                        <td className="admin-details">{p.reason}</td>
                        <td className="admin-nowrap">{p.parkedAt === null ? none : formatLocalDateTime(p.parkedAt)}</td>
                        <td>
                          <div className="admin-row-actions">
                            <button type="button" className="admin-btn" data-testid={`retry-${p.id}`} disabled={busy} onClick={() => void retry([p.id])}>
                              {ta(lang, 'sync.retry')}
                            </button>
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      )}
    </section>
  )
}
