import type { ApiClient } from './api/api-client'
import { KioskLoopContext } from './features/kiosk/kiosk-loop-context'
import type { KioskLoop } from './store/kiosk-loop'
import { AdminRoot } from './features/admin/AdminRoot'
import { KioskScreen } from './features/kiosk/KioskScreen'
import { RecoveryScreen } from './features/recovery/RecoveryScreen'
import { PairingScreen, useHostStart } from './features/pairing/PairingScreen'

export function App({ api, loop }: { api: ApiClient; loop: KioskLoop }) {
  // a page that is not paired gets the pairing screen; a host in recovery mode (damaged database) the recovery screen
  const start = useHostStart(api)
  if (start.kind === 'asking') return null
  if (start.kind === 'unpaired') return <PairingScreen code={start.code} />
  if (start.kind === 'recovery') return <RecoveryScreen recovery={start.recovery} />
  return (
    <KioskLoopContext.Provider value={loop}>
      <KioskScreen api={api} />
      <AdminRoot api={api} />
    </KioskLoopContext.Provider>
  )
}
