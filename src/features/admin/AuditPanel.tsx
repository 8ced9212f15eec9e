import { useEffect, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { AuditEntry } from '../../shared/domain/types'
import { adminInvoke } from './admin-api'
import { formatLocalDateTime } from './dates'
import { errorText } from './errors'
import { ta } from './messages'
import { NoticeLine, useDebounced, useLang, type Notice } from './ui'

const AUDIT_LIMIT = 500

export function AuditPanel({ api }: { api: ApiClient }) {
  const lang = useLang()
  const [subject, setSubject] = useState('')
  const query = useDebounced(subject.trim(), 300)
  const [rows, setRows] = useState<AuditEntry[] | null>(null)
  const [notice, setNotice] = useState<Notice | null>(null)

  useEffect(() => {
    let live = true
    void adminInvoke(api, 'audit/list', { limit: AUDIT_LIMIT, ...(query ? { subject: query } : {}) }).then((r) => {
      if (!live) return
      if (r.ok) {
        setRows([...r.data].sort((a, b) => b.at - a.at || b.id - a.id))
        setNotice(null)
      } else setNotice({ kind: 'error', text: errorText(lang, r.error) })
    })
    return () => {
      live = false
    }
  }, [api, query, lang])

  return (
    <section className="admin-panel" data-testid="audit-panel">
      <div className="admin-toolbar">
        <input
          className="admin-input admin-search"
          type="search"
          data-testid="audit-subject"
          placeholder={ta(lang, 'audit.subject-filter')}
          aria-label={ta(lang, 'audit.subject-filter')}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
        />
      </div>
      <NoticeLine notice={notice} testId="audit-message" />
      {rows === null ? (
        notice ? null : <p className="admin-muted">{ta(lang, 'common.loading')}</p>
      ) : rows.length === 0 ? (
        <p className="admin-muted" data-testid="audit-empty">
          {ta(lang, 'audit.empty')}
        </p>
      ) : (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <thead>
              <tr>
                <th>{ta(lang, 'att.col.time')}</th>
                <th>{ta(lang, 'audit.col.actor')}</th>
                <th>{ta(lang, 'audit.col.action')}</th>
                <th>{ta(lang, 'audit.col.subject')}</th>
                <th>{ta(lang, 'audit.col.details')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-testid={`audit-row-${e.id}`}>
                  <td className="admin-mono admin-nowrap">{formatLocalDateTime(e.at)}</td>
                  <td>{e.actor}</td>
                  <td className="admin-mono">{e.action}</td>
                  <td className="admin-mono">{e.subject ?? (e.action === 'liveness.refused' ? ta(lang, 'audit.unknown-face') : '—')}</td>
                  <td className="admin-mono admin-details">{e.details ? JSON.stringify(e.details) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
