import { useCallback, useEffect, useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { Diagnostics } from '../../shared/api/contract'
import { adminInvoke } from './admin-api'
import { formatLocalDateTime } from './dates'
import { downloadText } from './download'
import { errorText } from './errors'
import { ta } from './messages'
import { collectRendererInfo } from './renderer-info'
import { buildSupportBundle, BUNDLE_AUDIT_ROWS, type RendererInfo } from './support-bundle'
import { NoticeLine, useLang, type Notice, Row } from './ui'

const gb = (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1e9).toFixed(1)} GB`)
const pct = (x: number | null) => (x === null ? '—' : x === 0 ? '0%' : x < 0.001 ? `${(x * 100).toPrecision(2)}%` : `${+(x * 100).toFixed(2)}%`)
const mb = (bytes: number) => (bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(1)} MB`)


export function DiagnosticsPanel({ api }: { api: ApiClient }) {
  const lang = useLang()
  const [diag, setDiag] = useState<Diagnostics | null>(null)
  const [renderer, setRenderer] = useState<RendererInfo | null>(null)
  const [notice, setNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)

  const load = useCallback(async () => {
    setRenderer(collectRendererInfo())
    const r = await adminInvoke(api, 'diagnostics/get', {})
    if (r.ok) setDiag(r.data)
    else setNotice({ kind: 'error', text: errorText(lang, r.error) })
  }, [api, lang])

  useEffect(() => {
    void load()
  }, [load])

  const exportBundle = async () => {
    if (!diag) return
    setBusy(true)
    try {
      const audit = await adminInvoke(api, 'audit/list', { limit: BUNDLE_AUDIT_ROWS })
      if (!audit.ok) {
        setNotice({ kind: 'error', text: errorText(lang, audit.error) })
        return
      }
      const fresh = await adminInvoke(api, 'diagnostics/get', {})
      const b = buildSupportBundle(fresh.ok ? fresh.data : diag, collectRendererInfo(), audit.data, Date.now())
      downloadText(b.filename, b.json, 'application/json')
      setNotice({ kind: 'info', text: ta(lang, 'diag.bundle-saved', { file: b.filename }) })
    } finally {
      setBusy(false)
    }
  }

  const never = ta(lang, 'diag.never')
  return (
    <section className="admin-panel" data-testid="diagnostics-panel">
      <div className="admin-toolbar">
        <button type="button" className="admin-btn" data-testid="diag-refresh" onClick={() => void load()}>
          {ta(lang, 'common.refresh')}
        </button>
        <button type="button" className="admin-btn admin-btn-primary" data-testid="export-bundle" disabled={!diag || busy} onClick={() => void exportBundle()}>
          {ta(lang, 'diag.export-bundle')}
        </button>
      </div>
      <NoticeLine notice={notice} testId="diag-message" />
      {diag ? (
        <table className="admin-table admin-kv">
          <tbody>
            <Row label={ta(lang, 'diag.app-version')} testId="diag-app-version">
              {diag.appVersion}
            </Row>
            <Row label={ta(lang, 'diag.host-kind')}>{diag.hostKind}</Row>
            <Row label={ta(lang, 'diag.kiosk-id')}>
              <span className="admin-mono">{diag.kioskId}</span>
            </Row>
            <Row label={ta(lang, 'diag.embedding-model')}>
              {diag.embeddingModel.modelId} {diag.embeddingModel.modelVersion} ({diag.embeddingModel.dim})
            </Row>
            <Row label={ta(lang, 'diag.models')}>
              <ul className="admin-list">
                {diag.models.map((m) => (
                  <li key={m.id}>
                    <span className="admin-mono">{m.file}</span> — sha256 <span className="admin-mono">{m.sha256.slice(0, 12)}</span> — {mb(m.bytes)}
                  </li>
                ))}
              </ul>
            </Row>
            <Row label={ta(lang, 'diag.counts')} testId="diag-counts">
              {ta(lang, 'diag.counts.value', {
                people: String(diag.counts.people),
                active: String(diag.counts.activePeople),
                templates: String(diag.counts.templates),
                events: String(diag.counts.events),
                audit: String(diag.counts.auditEntries),
              })}
            </Row>
            {diag.recognition ? (
              <Row label={ta(lang, 'diag.recognition', { templates: String(diag.recognition.templates) })} testId="diag-recognition">
                <ul className="admin-list">
                  {diag.recognition.levels.map((l) => (
                    <li key={l.level} data-level={l.level} data-current={l.level === diag.recognition?.level ? 'yes' : 'no'}>
                      {l.level === diag.recognition?.level ? '▶ ' : ''}
                      {ta(lang, 'diag.recognition.value', { level: ta(lang, `set.security.${l.level}`), threshold: l.threshold.toFixed(3), stranger: pct(l.strangerAcceptance), miss: pct(l.missRate), extra: l.extrapolated ? ta(lang, 'diag.recognition.extrapolated') : '' })}
                    </li>
                  ))}
                </ul>
              </Row>
            ) : null}
            <Row label={ta(lang, 'diag.outbox')}>
              {ta(lang, 'diag.outbox.value', { pending: String(diag.outbox.pending), oldest: diag.outbox.oldestPendingAt === null ? '—' : formatLocalDateTime(diag.outbox.oldestPendingAt) })}
            </Row>
            <Row label={ta(lang, 'diag.last-sync')}>{diag.lastSync === null ? never : formatLocalDateTime(diag.lastSync)}</Row>
            <Row label={ta(lang, 'diag.disk')}>
              {ta(lang, 'diag.disk.value', { free: gb(diag.disk.freeBytes), total: gb(diag.disk.totalBytes) })} <span className="admin-mono admin-muted">{diag.disk.path}</span>
            </Row>
            <Row label={ta(lang, 'diag.db')}>{ta(lang, 'diag.db.value', { size: mb(diag.db.sizeBytes), schema: String(diag.db.schemaVersion) })}</Row>
            <Row label={ta(lang, 'diag.timezone')}>
              {diag.timeZone} ({ta(lang, 'diag.host-time')} {formatLocalDateTime(diag.now)})
            </Row>
          </tbody>
        </table>
      ) : notice ? null : (
        <p className="admin-muted">{ta(lang, 'common.loading')}</p>
      )}
      {renderer ? (
        <table className="admin-table admin-kv" data-testid="diag-renderer">
          <tbody>
            <Row label={ta(lang, 'diag.camera')} testId="diag-camera">
              {renderer.camera
                ? `${renderer.camera.label || '—'} ${renderer.camera.width ?? '?'}×${renderer.camera.height ?? '?'}${renderer.camera.frameRate ? ` @ ${Math.round(renderer.camera.frameRate)} fps` : ''}`
                : ta(lang, 'diag.camera.none')}
            </Row>
            <Row label={ta(lang, 'diag.screen')}>
              {renderer.screen.width}×{renderer.screen.height} @{renderer.screen.devicePixelRatio}x
            </Row>
            {Object.entries(renderer.performance).map(([k, v]) => (
              <Row key={k} label={k}>
                {Number.isInteger(v) ? v : v.toFixed(1)}
              </Row>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
