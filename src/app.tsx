import type { ApiClient } from './api/api-client'
import { AdminRoot } from './features/admin/AdminRoot'
import { KioskScreen } from './features/kiosk/KioskScreen'
import { RecoveryScreen, useHostRecovery } from './features/recovery/RecoveryScreen'

export function App({ api }: { api: ApiClient }) {
  // a host in recovery mode (damaged database) gets the recovery screen instead of the kiosk
  const recovery = useHostRecovery(api)
  if (recovery === undefined) return null
  if (recovery) return <RecoveryScreen recovery={recovery} />
  return (
    <>
      <KioskScreen api={api} />
      <AdminRoot api={api} />
    </>
  )
}
