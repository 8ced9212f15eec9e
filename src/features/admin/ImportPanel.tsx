import { useState } from 'react'
import type { ApiClient } from '../../api/api-client'
import type { Lang } from '../../i18n/messages'
import type { RosterReport } from '../../shared/api/contract'
import { toApiError } from '../../shared/api/result'
import type { Person } from '../../shared/domain/types'
import { whenReady } from '../../store/kiosk-actions'
import { useKioskLoop } from '../kiosk/kiosk-loop-context'
import { decodeImageBlob } from '../../vision/browser/decode-file'
import { chooseEnrollmentSubject } from '../../vision/core/face-pipeline'
import { photoMismatch } from '../../shared/face/match'
import { errorText, te } from '../enroll/messages'
import { errorText as adminErrorText } from './errors'
import { ta } from './messages'
import { RosterReportView } from './RosterReportView'
import { ConsentFields } from './ConsentFields'
import { atFolderTop, ROSTER_IN_FOLDER, rosterArgs } from './roster-upload'

/**
 * Photo import: files for one person (picker and drag-and-drop), or, without `person`, a folder of
 * `<person-id>/*.jpg` for many; a per-file report like the CLI's `enroll`. Without `person` an employee
 * list (.csv / .xlsx: id, name, department) can be imported on its own, and one at the top of the
 * photo folder is imported first, so the folders' ids get their names (all or nothing: with an error
 * row nothing is imported and the photos wait).
 */
export type ImportPanelProps = { api: ApiClient; token: string; lang: Lang; person?: Person; onDone: () => void }

/** One file's outcome. */
export type ImportRow = { file: string; personId: string; ok: boolean; code?: string; text: string }

const IMAGE = /\.(jpe?g|png|webp|bmp|gif)$/i

/** `<root>/<person-id>/<file>` from a folder pick (webkitRelativePath); null for files not in a person folder. */
export function personOfPath(relativePath: string): string | null {
  const parts = relativePath.split('/').filter(Boolean)
  if (parts.length < 2) return null
  return parts[parts.length - 2] ?? null
}

export function ImportPanel({ api, token, lang, person, onDone }: ImportPanelProps) {
  const loop = useKioskLoop()
  const [rows, setRows] = useState<ImportRow[]>([])
  const [progress, setProgress] = useState<{ i: number; n: number } | null>(null)
  const [dragging, setDragging] = useState(false)
  const [roster, setRoster] = useState<{ report: RosterReport | null; error: string | null; file: string } | null>(null)
  const [rosterBusy, setRosterBusy] = useState(false)
  /** UU PDP: the admin who took the consent of the person (or of everyone in the folder); null until given */
  const [consentBy, setConsentBy] = useState<string | null>(null)
  const needsConsent = !person || person.consent === undefined
  /** one person without consent on file: no photo is read before the consent is given */
  const blocked = person !== undefined && person.consent === undefined && consentBy === null

  /** Imports a roster file; true when it went in (or there was nothing to import). */
  const importRoster = async (file: File, name: string): Promise<boolean> => {
    setRosterBusy(true)
    try {
      const r = await api.invoke('people/import-roster', { token, ...(await rosterArgs(file, name)) })
      if (!r.ok) {
        setRoster({ report: null, error: adminErrorText(lang, r.error), file: name })
        return false
      }
      setRoster({ report: r.data, error: null, file: name })
      return r.data.applied || r.data.counts.rows === 0
    } finally {
      setRosterBusy(false)
    }
  }

  const run = async (picked: File[]) => {
    let files = picked
    if (!person) {
      // an employee list at the top of the folder names the people before their photos come in
      const lists = picked.filter((f) => ROSTER_IN_FOLDER.test(f.name) && atFolderTop((f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name))
      files = picked.filter((f) => !lists.includes(f))
      const list = lists[0]
      if (list && !(await importRoster(list, list.name))) return
    }
    // the models may still be loading when admin opens: wait for them (up to a minute)
    setProgress({ i: 0, n: files.length })
    const vision = await whenReady(() => loop.vision)
    if (!vision) {
      setProgress(null)
      setRows([{ file: '', personId: '', ok: false, code: 'model-missing', text: te(lang, 'enroll.loading') }])
      return
    }
    const out: ImportRow[] = []
    const created = new Set<string>()
    // this import's stored photos per person: a later photo of someone else is refused (photo-mismatch)
    const stored = new Map<string, { file: string; embedding: Float32Array }[]>()
    const info = vision.pipeline.embedderInfo
    for (const [i, file] of files.entries()) {
      setProgress({ i: i + 1, n: files.length })
      const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name
      const personId = person?.id ?? personOfPath(rel)
      const shown = person ? file.name : rel.split('/').slice(-2).join('/')
      if (!personId) continue // a loose file at the top of the folder
      const push = (r: ImportRow) => {
        out.push(r)
        setRows([...out])
      }
      if (!IMAGE.test(file.name)) {
        push({ file: shown, personId, ok: false, code: 'image-unreadable', text: te(lang, 'err.image-unreadable') })
        continue
      }
      try {
        if (!person && !created.has(personId)) {
          created.add(personId)
          // folder import: a new person is named after the folder, an existing one is kept as is
          const c = await api.invoke('people/create', { token, id: personId, name: personId })
          if (c.ok) push({ file: `${personId}/`, personId, ok: true, text: te(lang, 'import.created', { id: personId }) })
          else if (c.error.code !== 'duplicate-id') throw Object.assign(new Error(c.error.message), { apiError: c.error })
        }
        const frame = await decodeImageBlob(file, shown)
        const faces = await vision.pipeline.detect(frame)
        // a large, central, whole face is the subject even beside small or border-cut ones (issue 15)
        const choice = chooseEnrollmentSubject(faces, frame.width, frame.height)
        if (choice.kind === 'none') throw Object.assign(new Error('no face'), { apiError: { code: 'no-face', message: 'no face' } })
        if (choice.kind === 'ambiguous') {
          const box = (i: number) => (faces[i]?.box ?? []).map((v) => Math.round(v)).join(',')
          throw Object.assign(new Error('faces'), { apiError: { code: 'multiple-faces', message: `${choice.count} faces`, details: { faces: choice.count, firstBox: box(choice.rivals[0]), secondBox: box(choice.rivals[1]) } } })
        }
        const face = faces[choice.index]
        if (!face) continue
        const embedding = await vision.pipeline.embed(frame, face)
        const earlier = stored.get(personId) ?? []
        const mismatch = photoMismatch(earlier, embedding)
        if (mismatch) {
          const similarity = Math.round(mismatch.similarity * 1000) / 1000
          throw Object.assign(new Error('mismatch'), { apiError: { code: 'photo-mismatch', message: `does not match ${mismatch.file}`, details: { matchedAgainst: mismatch.file, similarity } } })
        }
        const r = await api.invoke('enrollment/add-template', { token, personId, modelId: info.modelId, modelVersion: info.modelVersion, embedding: Array.from(embedding), ...(consentBy !== null ? { consentBy } : {}) })
        if (!r.ok) throw Object.assign(new Error(r.error.message), { apiError: r.error })
        stored.set(personId, [...earlier, { file: shown, embedding }])
        push({ file: shown, personId, ok: true, text: te(lang, 'import.ok') })
      } catch (err) {
        const e = (err as { apiError?: { code: string; message: string; details?: Record<string, unknown> } }).apiError ?? toApiError(err)
        push({ file: shown, personId, ok: false, code: e.code, text: errorText(lang, e, personId) })
        if (e.code === 'admin-required') break
      }
    }
    setProgress(null)
  }

  const ok = rows.filter((r) => r.ok && !r.file.endsWith('/')).length
  const bad = rows.filter((r) => !r.ok).length
  return (
    <section
      className={`import${dragging ? ' import-dragging' : ''}`}
      data-testid="import-panel"
      data-done={progress === null && rows.length > 0 ? 'yes' : 'no'}
      onDragOver={(e) => {
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault()
        setDragging(false)
        if (person && !progress && !blocked) void run(Array.from(e.dataTransfer.files))
      }}
    >
      <h2>{person ? `${te(lang, 'import.title')}: ${person.name}` : te(lang, 'import.title-folder')}</h2>
      {needsConsent && !progress ? <ConsentFields lang={lang} {...(person ? { name: person.name } : { many: true })} onChange={setConsentBy} /> : null}
      {progress ? (
        <div className="import-progress">{te(lang, 'import.running', { i: progress.i, n: progress.n })}</div>
      ) : (
        <div className="import-pick">
          <label className={blocked ? 'button button-disabled' : 'button'} title={blocked ? ta(lang, 'consent.needed') : undefined}>
            {person ? te(lang, 'import.pick') : te(lang, 'import.pick-folder')}
            <input
              type="file"
              data-testid="import-input"
              disabled={blocked}
              accept={person ? 'image/*' : undefined}
              multiple
              hidden
              {...(person ? {} : { webkitdirectory: '', directory: '' })}
              onChange={(e) => {
                const files = Array.from(e.currentTarget.files ?? [])
                e.currentTarget.value = ''
                if (files.length) void run(files)
              }}
            />
          </label>
          {person ? <span className="import-drop">{te(lang, 'import.drop')}</span> : null}
        </div>
      )}
      {!person ? (
        <div className="import-roster" data-testid="roster-panel">
          <h3>{ta(lang, 'roster.title')}</h3>
          <p className="admin-muted">{ta(lang, 'roster.hint')}</p>
          {rosterBusy ? (
            <div className="import-progress">{ta(lang, 'roster.running')}</div>
          ) : (
            <label className="button">
              {ta(lang, 'roster.pick')}
              <input
                type="file"
                data-testid="roster-input"
                accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                hidden
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0]
                  e.currentTarget.value = ''
                  if (file) void importRoster(file, file.name)
                }}
              />
            </label>
          )}
          {roster ? <p className="admin-muted">{ta(lang, 'roster.in-folder', { file: roster.file })}</p> : null}
          {roster?.error ? (
            <p className="admin-notice admin-notice-error" role="alert" data-testid="roster-error">
              {roster.error}
            </p>
          ) : null}
          {roster?.report ? <RosterReportView lang={lang} report={roster.report} /> : null}
        </div>
      ) : null}
      {rows.length > 0 ? (
        <>
          <div className="import-summary" data-testid="import-summary" data-ok={ok} data-bad={bad}>
            {te(lang, 'import.summary', { ok, bad })}
          </div>
          <table className="import-report" data-testid="import-report">
            <thead>
              <tr>
                <th>{te(lang, 'import.col.file')}</th>
                <th>{te(lang, 'import.col.person')}</th>
                <th>{te(lang, 'import.col.result')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={`${i}-${r.file}`} className={r.ok ? 'import-ok' : 'import-bad'} data-code={r.code ?? 'ok'}>
                  <td>{r.file}</td>
                  <td>{r.personId}</td>
                  <td>{r.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <button type="button" data-testid="import-close" onClick={onDone} disabled={progress !== null}>
        {te(lang, 'import.close')}
      </button>
    </section>
  )
}
