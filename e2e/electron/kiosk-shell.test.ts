import { test, expect } from '@playwright/test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { _electron as electron, type ElectronApplication } from 'playwright-core'
import { electronBinary } from '../fixtures/electron-app'
import { y4mFromPhoto } from '../fixtures/fake-camera'
import { face, ROOT } from '../fixtures/paths'
import { makeDataDir } from '../fixtures/web-host'

const binary = electronBinary()

/** Kiosk-mode and security-checklist checks that need the real Electron shell (skipped where the binary is missing). */
test.describe('Electron kiosk shell', () => {
  test.skip('missing' in binary, 'missing' in binary ? `Electron binary not available: ${binary.missing}` : '')

  let app: ElectronApplication
  let dataDir: string
  test.beforeEach(async () => {
    if (!('path' in binary)) return
    dataDir = makeDataDir()
    app = await electron.launch({
      executablePath: binary.path,
      args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4mFromPhoto(face('identities', 'angelina', '3.jpg'))}`, join(ROOT, 'out', 'main', 'index.js')],
      env: { ...process.env, HADIR_DATA_DIR: dataDir },
    })
  })
  test.afterEach(async () => {
    if (!('path' in binary)) return
    await app.evaluate(({ app: a }) => a.exit(0)).catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('full screen kiosk window without menu; a passer-by cannot close it', async () => {
    const page = await app.firstWindow()
    await expect(page.getByTestId('kiosk')).toBeVisible()
    const state = await app.evaluate(({ BrowserWindow, Menu }) => {
      const w = BrowserWindow.getAllWindows()[0]
      return { kiosk: w?.isKiosk(), fullScreen: w?.isFullScreen(), menu: Menu.getApplicationMenu(), closable: w?.isClosable() }
    })
    expect(state).toEqual({ kiosk: true, fullScreen: true, menu: null, closable: false })
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close())
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
  })

  test('security checklist: sandbox, isolation, no Node, CSP, navigation and new windows blocked, only the camera permission', async () => {
    const page = await app.firstWindow()
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.getURL())).toMatch(/^app:\/\/hadir\//)
    // no Node in the renderer (sandbox + context isolation): neither require nor process
    expect(await page.evaluate(() => [typeof (globalThis as { process?: unknown }).process, typeof (globalThis as { require?: unknown }).require])).toEqual(['undefined', 'undefined'])
    expect(await page.evaluate(() => Object.keys((window as unknown as { kiosk: object }).kiosk).sort())).toEqual(['invoke', 'on'])
    // navigation away and new windows are refused
    await page.evaluate(() => {
      window.location.href = 'https://example.com/'
    })
    await page.waitForTimeout(500)
    expect(page.url()).toMatch(/^app:\/\/hadir\//)
    expect(await page.evaluate(() => window.open('https://example.com/'))).toBeNull()
    // geolocation is not the camera: refused
    const geo = await page.evaluate(() => navigator.permissions.query({ name: 'geolocation' }).then((p) => p.state))
    expect(geo).not.toBe('granted')
    // threaded WASM works: the app:// protocol sends COOP/COEP
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
    // a malformed call gets invalid-args, not a crash
    expect(await page.evaluate(() => (window as unknown as { kiosk: { invoke(m: string, a: unknown): Promise<unknown> } }).kiosk.invoke('people/list', { token: 42 }))).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })

  test('a crashed renderer is reloaded by itself', async () => {
    const page = await app.firstWindow()
    await expect(page.getByTestId('kiosk')).toBeVisible()
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.forcefullyCrashRenderer())
    const again = await app.firstWindow()
    await expect(again.getByTestId('kiosk')).toBeVisible({ timeout: 30_000 })
  })
})
