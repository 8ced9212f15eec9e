/**
 * Electron main process: owns the SQLite store and the matcher (through the same createApp() as the
 * web host and the CLI), serves the renderer, models and wasm from the custom app:// protocol with
 * COOP/COEP headers, and answers the renderer's API calls over IPC with the one dispatcher.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, powerSaveBlocker, protocol, session } from 'electron'
import { toApiError } from '../../src/shared/api/result'
import { createApp, type App } from '../server/create-app'
import { defaultDbFile } from '../server/db/open-db'
import { embeddingModelTag, recognitionConfig, verifyModels, modelInventory } from '../server/models/manifest'
import { servedDirs } from '../server/served-dirs'
import { contentTypeFor, resolveStaticPath } from '../http/host'
import { registerIpc } from './ipc-transport'
import { isBlockedShortcut, kioskWindowOptions, RendererWatchdog, RestartBudget } from './kiosk-policy'
import { IPC_EVENT_RESUME } from '../../src/shared/api/transport'

const here = dirname(fileURLToPath(import.meta.url))
const ORIGIN = 'app://hadir'

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
])

// one kiosk per machine: a second start focuses the first
if (!app.requestSingleInstanceLock()) app.quit()
app.on('second-instance', () => {
  const w = mainWindow
  if (w) {
    if (w.isMinimized()) w.restore()
    w.focus()
  }
})

let core: App | null = null
let mainWindow: BrowserWindow | null = null
/** set only by an admin's quit (or the OS shutting down): otherwise the window refuses to close */
let quitting = false
const dev = Boolean(process.env['ELECTRON_RENDERER_URL'])
const log = (msg: string) => console.error(`[hadir] ${msg}`)

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
  Menu.setApplicationMenu(null)
  const win = new BrowserWindow(kioskWindowOptions({ preload: join(here, '../preload/index.cjs'), dev }))
  mainWindow = win
  const ours = (url: string) => url.startsWith(ORIGIN) || (dev && url.startsWith(process.env['ELECTRON_RENDERER_URL'] ?? ORIGIN))
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-navigate', (e, url) => {
    if (!ours(url)) e.preventDefault()
  })
  win.webContents.on('will-redirect', (e, url) => {
    if (!ours(url)) e.preventDefault()
  })
  win.webContents.on('will-attach-webview', (e) => e.preventDefault())
  // a passer-by cannot close, reload, zoom or leave full screen: exit only through admin mode
  win.webContents.on('before-input-event', (e, input) => {
    if (!dev && isBlockedShortcut(input)) e.preventDefault()
  })
  win.on('close', (e) => {
    if (!quitting && !dev) e.preventDefault()
  })
  win.once('ready-to-show', () => win.show())

  // a crashed renderer reloads (within a budget); a hung one is detected and restarted
  const budget = new RestartBudget()
  const reload = (why: string) => {
    if (win.isDestroyed()) return
    if (!budget.allow(Date.now())) {
      log(`renderer ${why} again: not reloading (5 restarts in 5 minutes)`)
      void dialog.showMessageBox(win, { type: 'error', message: 'Hadir keeps failing. Call the administrator.', detail: `Last reason: ${why}` })
      return
    }
    log(`renderer ${why}: reloading`)
    setTimeout(() => {
      if (!win.isDestroyed()) win.webContents.reload()
    }, 1000)
  }
  win.webContents.on('render-process-gone', (_e, details) => reload(`gone (${details.reason})`))
  const watchdog = new RendererWatchdog(
    () => win.webContents.executeJavaScript('1', true),
    (reason) => {
      log(`renderer hung (${reason}): restarting it`)
      if (!win.isDestroyed()) win.webContents.forcefullyCrashRenderer()
    },
  )
  win.webContents.on('unresponsive', () => watchdog.unresponsive())
  win.webContents.on('responsive', () => watchdog.responsive())
  win.webContents.on('did-finish-load', () => watchdog.start())
  win.on('closed', () => {
    watchdog.stop()
    mainWindow = null
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
    const ownPage = (url: string) => url.startsWith(ORIGIN) || (dev && url.startsWith(process.env['ELECTRON_RENDERER_URL'] ?? ORIGIN))
    session.defaultSession.setPermissionRequestHandler((wc, permission, callback) => {
      callback(permission === 'media' && ownPage(wc.getURL()))
    })
    session.defaultSession.setPermissionCheckHandler((wc, permission) => permission === 'media' && ownPage(wc?.getURL() ?? ''))
    // the display stays on while the kiosk is on duty
    powerSaveBlocker.start('prevent-display-sleep')
    // after sleep the camera stream is dead: the renderer reopens it
    powerMonitor.on('resume', () => mainWindow?.webContents.send(IPC_EVENT_RESUME))
    app.on('before-quit', () => {
      quitting = true
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
