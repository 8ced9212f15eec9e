import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createApiClient } from './api/api-client'
import { createKioskSession } from './api/kiosk-session'
import { selectTransport } from './api/select-transport'
import { App } from './app'
import { IPC_EVENT_RESUME } from './shared/api/transport'
import { KioskLoop } from './store/kiosk-loop'
import { loadVision } from './vision/browser/load-vision'
import { openWebcam } from './vision/camera/webcam'
import './styles.css'

const transport = selectTransport()
// the page pairs with the host (the launch URL's one-time code; Electron's own page needs none) and
// signs the calls that record attendance with its session's key
const api = createApiClient(transport, createKioskSession(transport, { ipc: Boolean(window.kiosk) }))
// the app's one recognition loop; the kiosk screen starts it
const loop = new KioskLoop(api, { loadVision, openWebcam })
// Electron: after sleep, reopen the camera
window.kiosk?.on?.(IPC_EVENT_RESUME, () => loop.restartCamera())
const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App api={api} loop={loop} />
    </StrictMode>,
  )
}
