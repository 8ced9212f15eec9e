import type { ApiClient } from '../../api/api-client'
import { ReviewPanel } from './ReviewPanel'
import { ADMIN_TABS, useAdminStore, type AdminTab } from '../../store/admin-store'
import { useKioskStore } from '../../store/kiosk-store'
import './admin.css'
import { leaveAdmin } from './admin-api'
import { AttendancePanel } from './AttendancePanel'
import { AuditPanel } from './AuditPanel'
import { DiagnosticsPanel } from './DiagnosticsPanel'
import { ta, type AdminMessageKey } from './messages'
import { PeoplePanel } from './PeoplePanel'
import { SchedulePanel } from './SchedulePanel'
import { SettingsPanel } from './SettingsPanel'
import { SyncPanel } from './SyncPanel'
import { useLang } from './ui'
import { adminInvoke } from './admin-api'

const TAB_LABEL: Record<AdminTab, AdminMessageKey> = {
  people: 'tab.people',
  attendance: 'tab.attendance',
  review: 'tab.review',
  schedules: 'tab.schedules',
  settings: 'tab.settings',
  sync: 'tab.sync',
  diagnostics: 'tab.diagnostics',
  audit: 'tab.audit',
}

/** Admin mode: tabs over the kiosk, with its own language switch and the way out. */
export function AdminScreen({ api }: { api: ApiClient }) {
  const lang = useLang()
  const setLang = useKioskStore((s) => s.setLang)
  const tab = useAdminStore((s) => s.tab)
  const setTab = useAdminStore((s) => s.setTab)
  const hostKind = useKioskStore((s) => s.hostInfo?.kind)
  const quitApp = () => {
    // the only way out of the Electron kiosk
    if (window.confirm(ta(lang, 'admin.quit-confirm'))) void adminInvoke(api, 'app/quit', {})
  }
  return (
    <div className="admin-overlay admin-screen" data-testid="admin-screen" lang={lang}>
      <header className="admin-header">
        <h1 className="admin-title">{ta(lang, 'admin.title')}</h1>
        <nav className="admin-tabs" role="tablist">
          {ADMIN_TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              className={tab === name ? 'admin-tab admin-tab-active' : 'admin-tab'}
              data-testid={`admin-tab-${name}`}
              onClick={() => setTab(name)}
            >
              {ta(lang, TAB_LABEL[name])}
            </button>
          ))}
        </nav>
        <div className="admin-header-actions">
          <button type="button" className="admin-btn" data-testid="admin-lang" onClick={() => setLang(lang === 'id' ? 'en' : 'id')}>
            {lang === 'id' ? 'EN' : 'ID'}
          </button>
          {hostKind === 'electron' ? (
            <button type="button" className="admin-btn admin-btn-danger" data-testid="admin-quit-app" onClick={quitApp}>
              {ta(lang, 'admin.quit-app')}
            </button>
          ) : null}
          <button type="button" className="admin-btn admin-btn-primary" data-testid="admin-exit" onClick={() => leaveAdmin(api)}>
            {ta(lang, 'admin.exit')}
          </button>
        </div>
      </header>
      <main className="admin-body" role="tabpanel">
        {tab === 'people' ? <PeoplePanel api={api} /> : null}
        {tab === 'attendance' ? <AttendancePanel api={api} /> : null}
        {tab === 'review' ? <ReviewPanel api={api} /> : null}
        {tab === 'schedules' ? <SchedulePanel api={api} /> : null}
        {tab === 'settings' ? <SettingsPanel api={api} /> : null}
        {tab === 'sync' ? <SyncPanel api={api} /> : null}
        {tab === 'diagnostics' ? <DiagnosticsPanel api={api} /> : null}
        {tab === 'audit' ? <AuditPanel api={api} /> : null}
      </main>
    </div>
  )
}
