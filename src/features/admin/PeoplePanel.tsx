import { useCallback, useEffect, useState } from 'react'
import { CredentialsSection } from './CredentialsSection'
import type { ApiClient } from '../../api/api-client'
import type { Person } from '../../shared/domain/types'
import { useAdminStore } from '../../store/admin-store'
import { adminInvoke } from './admin-api'
import { EnrollPanel } from './EnrollPanel'
import { errorText } from './errors'
import { ImportPanel } from './ImportPanel'
import { formatLocalDateTime } from './dates'
import { ta } from './messages'
import { ConfirmDialog, NoticeLine, useDebounced, useLang, type Notice } from './ui'

type View = { kind: 'list' } | { kind: 'enroll'; person: Person } | { kind: 'import'; person?: Person }
type Confirm = { kind: 'delete' | 'reenroll' | 'revoke'; person: Person }
type Edit = { id: string; name: string; department: string }
type AddForm = { id: string; name: string; department: string }

const EMPTY_ADD: AddForm = { id: '', name: '', department: '' }

export function PeoplePanel({ api }: { api: ApiClient }) {
  const lang = useLang()
  const token = useAdminStore((s) => s.token) ?? ''
  const [q, setQ] = useState('')
  const query = useDebounced(q.trim(), 250)
  const [people, setPeople] = useState<Person[] | null>(null)
  const [notice, setNotice] = useState<Notice | null>(null)
  const [view, setView] = useState<View>({ kind: 'list' })
  const [confirm, setConfirm] = useState<Confirm | null>(null)
  const [confirmNotice, setConfirmNotice] = useState<Notice | null>(null)
  const [edit, setEdit] = useState<Edit | null>(null)
  const [add, setAdd] = useState<AddForm>(EMPTY_ADD)
  const [addNotice, setAddNotice] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)

  const reload = useCallback(async () => {
    const r = await adminInvoke(api, 'people/list', query ? { q: query } : {})
    if (r.ok) setPeople(r.data)
    else setNotice({ kind: 'error', text: errorText(lang, r.error) })
  }, [api, query, lang])

  useEffect(() => {
    if (view.kind === 'list') void reload()
  }, [reload, view.kind])

  const run = async (work: () => Promise<void>) => {
    setBusy(true)
    try {
      await work()
    } finally {
      setBusy(false)
    }
  }

  const saveEdit = (e: Edit) =>
    run(async () => {
      const name = e.name.trim()
      if (!name) {
        setNotice({ kind: 'error', text: ta(lang, 'form.name-required') })
        return
      }
      const r = await adminInvoke(api, 'people/update', { id: e.id, name, department: e.department.trim() || null })
      if (!r.ok) {
        setNotice({ kind: 'error', text: errorText(lang, r.error) })
        return
      }
      setEdit(null)
      setNotice({ kind: 'info', text: ta(lang, 'people.saved', { name: r.data.name }) })
      await reload()
    })

  const setActive = (p: Person, active: boolean) =>
    run(async () => {
      const r = await adminInvoke(api, 'people/update', { id: p.id, active })
      setNotice(r.ok ? { kind: 'info', text: ta(lang, active ? 'people.reactivated' : 'people.deactivated', { name: p.name }) } : { kind: 'error', text: errorText(lang, r.error) })
      await reload()
    })

  const confirmYes = (c: Confirm) =>
    run(async () => {
      if (c.kind === 'delete') {
        const r = await adminInvoke(api, 'people/delete', { personId: c.person.id })
        if (!r.ok) {
          setConfirmNotice({ kind: 'error', text: errorText(lang, r.error) })
          return
        }
        setConfirm(null)
        setNotice({ kind: 'info', text: ta(lang, 'people.deleted', { name: c.person.name }) })
        await reload()
        return
      }
      if (c.kind === 'revoke') {
        // UU PDP: withdrawing consent erases the face templates at once (tombstoned to HR)
        const r = await adminInvoke(api, 'people/revoke-consent', { personId: c.person.id })
        if (!r.ok) {
          setConfirmNotice({ kind: 'error', text: errorText(lang, r.error) })
          return
        }
        setConfirm(null)
        setNotice({ kind: 'info', text: ta(lang, 'people.consent-revoked', { name: c.person.name, n: String(r.data.templates) }) })
        await reload()
        return
      }
      const r = await adminInvoke(api, 'people/clear-templates', { personId: c.person.id })
      if (!r.ok) {
        setConfirmNotice({ kind: 'error', text: errorText(lang, r.error) })
        return
      }
      setConfirm(null)
      setView({ kind: 'enroll', person: { ...c.person, templates: 0, needsReenrollment: false } })
    })

  const submitAdd = () =>
    run(async () => {
      const id = add.id.trim()
      const name = add.name.trim()
      if (!id || !name) {
        setAddNotice({ kind: 'error', text: ta(lang, !id ? 'form.id-required' : 'form.name-required') })
        return
      }
      const r = await adminInvoke(api, 'people/create', { id, name, department: add.department.trim() || null })
      if (!r.ok) {
        // the typed values stay so that the admin can fix them
        setAddNotice({ kind: 'error', text: errorText(lang, r.error) })
        return
      }
      setAdd(EMPTY_ADD)
      setAddNotice({ kind: 'info', text: ta(lang, 'people.added', { name: r.data.name, id: r.data.id }) })
      await reload()
    })

  const done = () => {
    setView({ kind: 'list' })
    setNotice(null)
  }

  if (view.kind === 'enroll') {
    return (
      <section className="admin-panel" data-testid="people-panel">
        <button type="button" className="admin-btn" data-testid="people-back" onClick={done}>
          {ta(lang, 'people.back')}
        </button>
        <EnrollPanel api={api} token={token} person={view.person} lang={lang} onDone={done} />
      </section>
    )
  }
  if (view.kind === 'import') {
    return (
      <section className="admin-panel" data-testid="people-panel">
        <button type="button" className="admin-btn" data-testid="people-back" onClick={done}>
          {ta(lang, 'people.back')}
        </button>
        {view.person ? <ImportPanel api={api} token={token} lang={lang} person={view.person} onDone={done} /> : <ImportPanel api={api} token={token} lang={lang} onDone={done} />}
      </section>
    )
  }

  return (
    <section className="admin-panel" data-testid="people-panel">
      <div className="admin-toolbar">
        <input
          className="admin-input admin-search"
          type="search"
          placeholder={ta(lang, 'people.search')}
          aria-label={ta(lang, 'people.search')}
          data-testid="people-search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="button" className="admin-btn" data-testid="import-folder" onClick={() => setView({ kind: 'import' })}>
          {ta(lang, 'people.import-folder')}
        </button>
      </div>

      <form
        className="admin-form admin-add-person"
        onSubmit={(e) => {
          e.preventDefault()
          void submitAdd()
        }}
      >
        <h2 className="admin-section-title">{ta(lang, 'people.add.title')}</h2>
        <div className="admin-form-row">
          <label className="admin-field">
            <span>{ta(lang, 'people.col.id')}</span>
            <input className="admin-input" data-testid="add-person-id" value={add.id} onChange={(e) => setAdd({ ...add, id: e.target.value })} autoComplete="off" />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'people.col.name')}</span>
            <input className="admin-input" data-testid="add-person-name" value={add.name} onChange={(e) => setAdd({ ...add, name: e.target.value })} autoComplete="off" />
          </label>
          <label className="admin-field">
            <span>{ta(lang, 'people.col.department')}</span>
            <input className="admin-input" data-testid="add-person-department" value={add.department} onChange={(e) => setAdd({ ...add, department: e.target.value })} autoComplete="off" />
          </label>
          <button type="submit" className="admin-btn admin-btn-primary" data-testid="add-person-submit" disabled={busy}>
            {ta(lang, 'people.add.submit')}
          </button>
        </div>
        <NoticeLine notice={addNotice} testId="add-person-message" />
      </form>

      <NoticeLine notice={notice} testId="people-message" />

      {people === null ? (
        <p className="admin-muted">{ta(lang, 'common.loading')}</p>
      ) : people.length === 0 ? (
        <p className="admin-muted" data-testid="people-empty">
          {ta(lang, 'people.empty')}
        </p>
      ) : (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <thead>
              <tr>
                <th>{ta(lang, 'people.col.id')}</th>
                <th>{ta(lang, 'people.col.name')}</th>
                <th>{ta(lang, 'people.col.department')}</th>
                <th>{ta(lang, 'people.col.templates')}</th>
                <th>{ta(lang, 'people.col.status')}</th>
                <th>{ta(lang, 'common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id} data-testid={`people-row-${p.id}`} className={p.active ? undefined : 'admin-row-inactive'}>
                  <td className="admin-mono">{p.id}</td>
                  {edit?.id === p.id ? (
                    <>
                      <td>
                        <input className="admin-input" data-testid="edit-name" aria-label={ta(lang, 'people.col.name')} value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} />
                      </td>
                      <td>
                        <input className="admin-input" data-testid="edit-department" aria-label={ta(lang, 'people.col.department')} value={edit.department} onChange={(e) => setEdit({ ...edit, department: e.target.value })} />
                      </td>
                    </>
                  ) : (
                    <>
                      <td>{p.name}</td>
                      <td>{p.department ?? '—'}</td>
                    </>
                  )}
                  <td className="admin-num">{p.templates}</td>
                  <td>
                    <span className={p.active ? 'admin-badge admin-badge-ok' : 'admin-badge admin-badge-off'}>{ta(lang, p.active ? 'people.active' : 'people.inactive')}</span>
                    <span className={p.consent ? 'admin-badge admin-badge-ok' : 'admin-badge admin-badge-off'} data-testid={`consent-${p.id}`} data-consent={p.consent ? 'yes' : 'no'}>
                      {p.consent ? ta(lang, 'consent.given', { by: p.consent.givenBy, time: formatLocalDateTime(p.consent.givenAt) }) : ta(lang, 'consent.none')}
                    </span>
                    {p.needsReenrollment ? (
                      <span className="admin-badge admin-badge-warn" data-testid={`needs-reenroll-${p.id}`}>
                        {ta(lang, 'people.needs-reenroll')}
                      </span>
                    ) : null}
                  </td>
                  <td>
                    <div className="admin-row-actions">
                      {edit?.id === p.id ? (
                        <>
                          <button type="button" className="admin-btn admin-btn-primary" data-testid="edit-save" disabled={busy} onClick={() => void saveEdit(edit)}>
                            {ta(lang, 'common.save')}
                          </button>
                          <button type="button" className="admin-btn" data-testid="edit-cancel" onClick={() => setEdit(null)}>
                            {ta(lang, 'common.cancel')}
                          </button>
                        </>
                      ) : (
                        <button type="button" className="admin-btn" data-testid={`edit-${p.id}`} onClick={() => setEdit({ id: p.id, name: p.name, department: p.department ?? '' })}>
                          {ta(lang, 'common.edit')}
                        </button>
                      )}
                      <button type="button" className="admin-btn" data-testid={`toggle-active-${p.id}`} disabled={busy} onClick={() => void setActive(p, !p.active)}>
                        {ta(lang, p.active ? 'people.deactivate' : 'people.reactivate')}
                      </button>
                      <button type="button" className="admin-btn" data-testid={`enroll-${p.id}`} onClick={() => setView({ kind: 'enroll', person: p })}>
                        {ta(lang, 'people.enroll')}
                      </button>
                      <button type="button" className="admin-btn" data-testid={`import-${p.id}`} onClick={() => setView({ kind: 'import', person: p })}>
                        {ta(lang, 'people.import')}
                      </button>
                      {p.templates > 0 || p.needsReenrollment ? (
                        <button
                          type="button"
                          className="admin-btn"
                          data-testid={`reenroll-${p.id}`}
                          onClick={() => {
                            setConfirmNotice(null)
                            setConfirm({ kind: 'reenroll', person: p })
                          }}
                        >
                          {ta(lang, 'people.reenroll')}
                        </button>
                      ) : null}
                      {p.consent || p.templates > 0 ? (
                        <button
                          type="button"
                          className="admin-btn"
                          data-testid={`revoke-consent-${p.id}`}
                          onClick={() => {
                            setConfirmNotice(null)
                            setConfirm({ kind: 'revoke', person: p })
                          }}
                        >
                          {ta(lang, 'people.revoke-consent')}
                        </button>
                      ) : null}
                      <button
                        type="button"
                        className="admin-btn admin-btn-danger"
                        data-testid={`delete-${p.id}`}
                        onClick={() => {
                          setConfirmNotice(null)
                          setConfirm({ kind: 'delete', person: p })
                        }}
                      >
                        {ta(lang, 'people.delete')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {people && people.length > 0 ? <CredentialsSection api={api} people={people} /> : null}

      {confirm ? (
        <ConfirmDialog
          lang={lang}
          danger={confirm.kind !== 'reenroll'}
          title={ta(lang, confirm.kind === 'delete' ? 'people.delete' : confirm.kind === 'revoke' ? 'people.revoke-consent' : 'people.reenroll')}
          text={ta(lang, confirm.kind === 'delete' ? 'people.confirm-delete' : confirm.kind === 'revoke' ? 'people.confirm-revoke' : 'people.confirm-reenroll', { name: confirm.person.name, id: confirm.person.id })}
          busy={busy}
          notice={confirmNotice}
          onYes={() => void confirmYes(confirm)}
          onNo={() => setConfirm(null)}
        />
      ) : null}
    </section>
  )
}
