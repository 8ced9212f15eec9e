import { test, expect } from '@playwright/test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { _electron as electron } from 'playwright-core'
import { attendanceRows } from '../fixtures/db'
import { electronBinary } from '../fixtures/electron-app'
import { y4mFromPhoto } from '../fixtures/fake-camera'
import { face, ROOT } from '../fixtures/paths'
import { enrollWithCli, makeDataDir } from '../fixtures/web-host'
import { KioskPage } from '../page-models/kiosk-page'

const binary = electronBinary()
if ('missing' in binary) {
  // Say why, once, in the test output: these checks need the real Electron shell.
  console.log(`[electron] skipped: ${binary.missing}`)
}

test.describe('kiosk in the Electron shell', () => {
  test.skip('missing' in binary, 'missing' in binary ? `Electron binary not available: ${binary.missing}` : '')

  test('an enrolled person is recognised through IPC and one check-in is stored', async () => {
    if (!('path' in binary)) return
    const dataDir = makeDataDir()
    enrollWithCli(dataDir, { angelina: [face('identities', 'angelina', '1.jpg')] })
    const y4m = y4mFromPhoto(face('identities', 'angelina', '3.jpg'))
    const app = await electron.launch({
      executablePath: binary.path,
      args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, '--lang=id', join(ROOT, 'out', 'main', 'index.js')],
      env: { ...process.env, HADIR_DATA_DIR: dataDir },
    })
    try {
      const kiosk = new KioskPage(await app.firstWindow())
      // the preload exposes only invoke and on, and Node is not in the renderer
      expect(await kiosk.page.evaluate(() => Object.keys((window as unknown as { kiosk: object }).kiosk).sort())).toEqual(['invoke', 'on'])
      expect(await kiosk.page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
      await kiosk.waitForPhase(/recognised|already-recorded/)
      await expect(kiosk.bannerName()).toContainText('angelina')
      expect(attendanceRows(join(dataDir, 'hadir.db'))).toHaveLength(1)
    } finally {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
