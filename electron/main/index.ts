/**
 * Electron main process: owns the SQLite store and the matcher (through the same createApp() as the
 * web host and the CLI), serves the renderer, models and wasm from the custom app:// protocol with
 * COOP/COEP headers, and answers the renderer's API calls over IPC with the one dispatcher.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron'
import { toApiError } from '../../src/shared/api/result'
import { createApp, type App } from '../server/create-app'
import { defaultDbFile } from '../server/db/open-db'
import { embeddingModelTag, recognitionConfig, verifyModels, modelInventory } from '../server/models/manifest'
import { servedDirs } from '../server/served-dirs'
import { contentTypeFor, resolveStaticPath } from '../http/host'
import { registerIpc } from './ipc-transport'

const here = dirname(fileURLToPath(import.meta.url))
const ORIGIN = 'app://hadir'

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
])

if (!app.requestSingleInstanceLock()) app.quit()

let core: App | null = null

function registerAppProtocol(dirs: ReturnType<typeof servedDirs>): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url)
    if (url.host !== 'hadir') return new Response('Not found', { status: 404 })
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      return new Response('Bad request', { status: 400 })
    }
    const target = resolveStaticPath(dirs, pathname)
    if (!target) return new Response('Not found', { status: 404 })
    return new Response(await readFile(target.file), {
      headers: {
        'Content-Type': contentTypeFor(target.file),
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
      },
    })
  })
}

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    fullscreen: true,
    kiosk: !process.env['ELECTRON_RENDERER_URL'],
    autoHideMenuBar: true,
    backgroundColor: '#0f172a',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    },
  })
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(ORIGIN) && !url.startsWith(process.env['ELECTRON_RENDERER_URL'] ?? ORIGIN)) e.preventDefault()
  })
  const devUrl = process.env['ELECTRON_RENDERER_URL']
  await win.loadURL(devUrl ?? `${ORIGIN}/index.html`)
}

app.whenReady().then(async () => {
  try {
    const dirs = servedDirs({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, outDir: resolve(here, '..') })
    verifyModels(dirs.modelsDir)
    core = createApp({
      dbFile: process.env['HADIR_DATA_DIR'] ? defaultDbFile() : join(app.getPath('userData'), 'hadir.db'),
      hostKind: 'electron',
      modelBaseUrl: `${ORIGIN}/models/`,
      wasmBaseUrl: `${ORIGIN}/wasm/`,
      embeddingModel: embeddingModelTag(dirs.modelsDir),
      recognition: recognitionConfig(dirs.modelsDir),
      version: app.getVersion(),
      locale: app.getLocale().toLowerCase().startsWith('id') ? 'id' : 'en',
      models: () => modelInventory(dirs.modelsDir),
      startSync: true,
    })
    const dispatchFn = core.dispatch
    registerIpc(ipcMain, (method, args) => dispatchFn(method, args, { transport: 'ipc' }))
    registerAppProtocol(dirs)
    // The camera is the only permission, and only for our own pages.
    session.defaultSession.setPermissionRequestHandler((wc, permission, callback) => {
      const url = wc.getURL()
      callback(permission === 'media' && (url.startsWith(ORIGIN) || url.startsWith(process.env['ELECTRON_RENDERER_URL'] ?? ORIGIN)))
    })
    await createWindow()
  } catch (err) {
    const e = toApiError(err)
    dialog.showErrorBox('Hadir cannot start', `[${e.code}] ${e.message}`)
    app.exit(1)
  }
})

app.on('window-all-closed', () => {
  core?.close()
  app.quit()
})
