import type { ApiClient } from './api/api-client'
import { KioskLoopContext } from './features/kiosk/kiosk-loop-context'
import type { KioskLoop } from './store/kiosk-loop'
import { AdminRoot } from './features/admin/AdminRoot'
import { KioskScreen } from './features/kiosk/KioskScreen'
import { RecoveryScreen, useHostRecovery } from './features/recovery/RecoveryScreen'

export function App({ api, loop }: { api: ApiClient; loop: KioskLoop }) {
  // a host in recovery mode (damaged database) gets the recovery screen instead of the kiosk
  const recovery = useHostRecovery(api)
  if (recovery === undefined) return null
  if (recovery) return <RecoveryScreen recovery={recovery} />
  return (
    <KioskLoopContext.Provider value={loop}>
      <KioskScreen api={api} />
      <AdminRoot api={api} />
    </KioskLoopContext.Provider>
  )
}
