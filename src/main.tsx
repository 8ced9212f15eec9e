import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createApiClient } from './api/api-client'
import { selectTransport } from './api/select-transport'
import { App } from './app'
import { IPC_EVENT_RESUME } from './shared/api/transport'
import { KioskLoop } from './store/kiosk-loop'
import { loadVision } from './vision/browser/load-vision'
import { openWebcam } from './vision/camera/webcam'
import './styles.css'

const api = createApiClient(selectTransport())
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
