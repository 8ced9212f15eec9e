import type { ApiClient } from './api/api-client'
import { AdminRoot } from './features/admin/AdminRoot'
import { KioskScreen } from './features/kiosk/KioskScreen'

export function App({ api }: { api: ApiClient }) {
  return (
    <>
      <KioskScreen api={api} />
      <AdminRoot api={api} />
    </>
  )
}
