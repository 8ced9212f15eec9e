import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createApiClient } from './api/api-client'
import { selectTransport } from './api/select-transport'
import { App } from './app'
import { IPC_EVENT_RESUME } from './shared/api/transport'
import { restartCamera } from './store/kiosk-actions'
import './styles.css'

const api = createApiClient(selectTransport())
// Electron: after sleep, reopen the camera
window.kiosk?.on?.(IPC_EVENT_RESUME, restartCamera)
const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App api={api} />
    </StrictMode>,
  )
}
