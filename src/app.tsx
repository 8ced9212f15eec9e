import type { ApiClient } from './api/api-client'
import { KioskScreen } from './features/kiosk/KioskScreen'

export function App({ api }: { api: ApiClient }) {
  return <KioskScreen api={api} />
}
