import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createApiClient } from './api/api-client'
import { selectTransport } from './api/select-transport'
import { App } from './app'
import './styles.css'

const api = createApiClient(selectTransport())
const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App api={api} />
    </StrictMode>,
  )
}
