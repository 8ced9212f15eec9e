/**
 * Electron main process: owns the SQLite store and the matcher (through the same createApp() as the
 * web host and the CLI), serves the renderer, models and wasm from the custom app:// protocol with
 * COOP/COEP headers, and answers the renderer's API calls over IPC with the one dispatcher.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, powerSaveBlocker, protocol, safeStorage, session } from 'electron'
import { toApiError } from '../../src/shared/api/result'
import { createApp, hostInfoOf, type App } from '../server/create-app'
import { backupIfDue, listBackups } from '../server/db/backup'
import type { DispatchFn } from '../server/dispatch'
import { configureLog, log } from '../server/log/logger'
import { electronDataKey } from './data-key-electron'
import { defaultDbFile } from '../server/db/open-db'
import { embeddingModelTag, recognitionConfig, verifyModels, modelInventory } from '../server/models/manifest'
import { servedDirs } from '../server/served-dirs'
import { recoveryCode, recoveryDispatch } from '../server/recovery'
import { appProtocolHeaders, resolveStaticPath } from '../server/static-files'
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

/** Optional start with the computer (an admin setting); packaged builds only. */
function applyLoginItem(on: boolean): void {
  if (!app.isPackaged) return
  try {
    app.setLoginItemSettings({ openAtLogin: on })
  } catch (err) {
    log.warn('cannot change the login item', { message: err instanceof Error ? err.message : String(err) })
  }
}

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
    // COOP/COEP for threaded wasm; never framed, never referred (the same headers as the web host's)
    return new Response(await readFile(target.file), { headers: appProtocolHeaders(target.file) })
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
      log.error('renderer keeps failing: not reloading (5 restarts in 5 minutes)', { why })
      void dialog.showMessageBox(win, { type: 'error', message: 'Hadir keeps failing. Call the administrator.', detail: `Last reason: ${why}` })
      return
    }
    log.warn('renderer failed: reloading', { why })
    setTimeout(() => {
      if (!win.isDestroyed()) win.webContents.reload()
    }, 1000)
  }
  win.webContents.on('render-process-gone', (_e, details) => reload(`gone (${details.reason})`))
  const watchdog = new RendererWatchdog(
    () => win.webContents.executeJavaScript('1', true),
    (reason) => {
      log.warn('renderer hung: restarting it', { reason })
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
    const dbFile = process.env['HADIR_DATA_DIR'] ? defaultDbFile() : join(app.getPath('userData'), 'hadir.db')
    configureLog({ dir: join(dirname(dbFile), 'logs') })
    const embeddingModel = embeddingModelTag(dirs.modelsDir)
    const locale: 'id' | 'en' = app.getLocale().toLowerCase().startsWith('id') ? 'id' : 'en'
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      log.warn('no OS keyring (gnome-keyring or KWallet) on this Linux kiosk: the data key is stored with Electron\'s basic store, which does not protect it if the disk is copied')
    }
    let dispatchFn: DispatchFn
    try {
      core = createApp({
        dbFile,
        hostKind: 'electron',
        modelBaseUrl: `${ORIGIN}/models/`,
        wasmBaseUrl: `${ORIGIN}/wasm/`,
        embeddingModel,
        recognition: recognitionConfig(dirs.modelsDir),
        version: app.getVersion(),
        locale,
        models: () => modelInventory(dirs.modelsDir),
        startSync: true,
        // templates and the HR key are sealed under a key kept in the OS keychain (safeStorage);
        // a Linux kiosk without a keyring falls back to Electron's basic store, and says so in the log
        dataKey: electronDataKey(app.getPath('userData'), { allowBasicText: true }),
        // the only way out of kiosk mode: an admin's "exit"
        onQuit: () => {
          quitting = true
          app.quit()
        },
        onSettingsChanged: (s) => applyLoginItem(s.startAtLogin),
      })
      const initial = await core.dispatch('settings/get', {})
      if (initial.ok) applyLoginItem((initial.data as { startAtLogin: boolean }).startAtLogin)
      const started = core
      dispatchFn = (method, args, ctx) => started.dispatch(method, args, ctx)
      // a backup a day, the newest 7 kept (never of a damaged database)
      const backup = () =>
        void backupIfDue(started.db, dbFile).then(
          (b) => b && log.info('database backed up', { file: b.file, bytes: b.bytes }),
          (err: unknown) => log.error('database backup failed', { code: toApiError(err).code, message: toApiError(err).message }),
        )
      backup()
      setInterval(backup, 3600_000).unref()
    } catch (err) {
      // a damaged or unusable database: the renderer shows the recovery screen (backups, restore command)
      const code = recoveryCode(err, dbFile)
      if (code === null) throw err
      const message = toApiError(err).message
      log.error('database unusable: starting in recovery mode', { code, message, dbFile })
      dispatchFn = recoveryDispatch(
        () => ({
          ...hostInfoOf({ hostKind: 'electron', version: app.getVersion(), modelBaseUrl: `${ORIGIN}/models/`, wasmBaseUrl: `${ORIGIN}/wasm/`, locale, embeddingModel }),
          recovery: { code, message, dbFile, backups: listBackups(dbFile) },
        }),
        { code, message },
      )
    }
    // only our own page may call the API
    registerIpc(ipcMain, (method, args, ctx) => dispatchFn(method, args, ctx ?? { transport: 'ipc' }), {
      isTrustedSender: (e) => {
        const url = e.senderFrame?.url ?? ''
        return url.startsWith(ORIGIN) || (dev && url.startsWith(process.env['ELECTRON_RENDERER_URL'] ?? ORIGIN))
      },
    })
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
