import { test, expect } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium } from './fixtures/browser'
import { ROOT } from './fixtures/paths'
import { makeDataDir, startWebHost, type WebHost } from './fixtures/web-host'
import { KioskPage } from './page-models/kiosk-page'

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** The real CLI; its last stdout line. */
function cli(...args: string[]): string {
  const out = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'electron', 'cli', 'index.ts'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  return out.trim().split('\n').pop() as string
}

type HostInfoData = { recovery?: { code: string; message: string; dbFile: string; backups: Array<{ file: string; at: number; bytes: number }> } }

test.describe('resilience (web host)', () => {
  test('a damaged database: the page shows the recovery screen with the backups and the restore command; the file is untouched; the restore brings the kiosk back', async () => {
    const dataDir = makeDataDir()
    const dbFile = join(dataDir, 'hadir.db')
    let host: WebHost | null = null
    const browser = await launchChromium('none')
    try {
      // a first, healthy start makes the day's backup (of the state at start: empty)
      host = await startWebHost(dataDir)
      const session = await host.call('admin/set-pin', { pin: '246810' })
      const token = (session.data as { token: string }).token
      expect(await host.call('people/upsert', { token, id: 'E1', name: 'Ani' })).toMatchObject({ ok: true })
      await host.stop()
      expect(readdirSync(join(dataDir, 'backups'))).toHaveLength(1)
      // and an admin makes one on demand with the CLI
      const made = JSON.parse(cli('backup', '--db', dbFile)) as { backup: { file: string }; kept: Array<{ file: string }> }
      expect(made.kept).toHaveLength(2)
      const backup = made.backup.file

      // the database file turns into garbage
      for (const side of ['-wal', '-shm']) rmSync(`${dbFile}${side}`, { force: true })
      writeFileSync(dbFile, Buffer.from('\u0000garbage bytes, not SQLite\u0000'.repeat(4000)))
      const before = sha(dbFile)

      host = await startWebHost(dataDir)
      // recovery mode: no sessions (nothing is stored to protect), every method answers the error
      expect(host.launchUrl).toBe(host.url)
      const info = await host.callAnon('host/info', {})
      expect(info).toMatchObject({ ok: true, data: { recovery: { code: 'db-corrupt', dbFile, backups: [{ file: backup }, {}] } } })
      expect(await host.callAnon('people/list', {})).toMatchObject({ ok: false, error: { code: 'db-corrupt' } })
      expect(await host.callAnon('kiosk/pair', { code: 'A'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'db-corrupt' } })
      const command = `npm run cli -- restore ${backup} --db ${dbFile}`

      for (const [locale, title, nothingDeleted] of [
        ['en-US', 'The attendance database is damaged', 'Nothing was deleted'],
        ['id-ID', 'Basis data kehadiran rusak', 'Tidak ada yang dihapus'],
      ] as const) {
        const page = await (await browser.newContext({ locale })).newPage()
        await page.goto(host.url)
        const screen = page.getByTestId('recovery')
        await expect(screen).toBeVisible()
        await expect(screen).toHaveAttribute('data-code', 'db-corrupt')
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
        await expect(page.getByTestId('recovery-command')).toHaveText(command)
        await expect(page.getByTestId('recovery-backups')).toContainText(backup)
        await expect(page.getByTestId('recovery-message')).toContainText('The database hadir.db is damaged')
        await expect(page.getByTestId('recovery-nothing-deleted')).toContainText(nothingDeleted)
        await expect(page.getByTestId('kiosk')).toHaveCount(0)
        await page.context().close()
      }
      await host.stop()
      host = null
      expect(sha(dbFile)).toBe(before)

      // the command on the screen works: the kiosk starts normally again with the backed-up data
      const restored = JSON.parse(cli('restore', backup, '--db', dbFile)) as { movedAside: string[] }
      expect(sha(restored.movedAside[0] as string)).toBe(before)
      host = await startWebHost(dataDir)
      const again = await host.call('host/info', {})
      expect((again.data as HostInfoData).recovery).toBeUndefined()
      const login = await host.call('admin/login', { pin: '246810' })
      expect(await host.call('people/list', { token: (login.data as { token: string }).token })).toMatchObject({ ok: true, data: [{ id: 'E1', name: 'Ani' }] })
    } finally {
      await browser.close()
      await host?.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('a model file damaged on disk: the kiosk names the file and how to restore it', async () => {
    // The host checks the models when it starts (and refuses corrupt ones: web-host-startup.test.ts),
    // so the file is damaged after the start, as a failing disk would: the page's own check catches it.
    const modelsDir = mkdtempSync(join(tmpdir(), 'hadir-models-'))
    cpSync(join(ROOT, 'models'), modelsDir, { recursive: true })
    const dataDir = makeDataDir()
    const host = await startWebHost(dataDir, { HADIR_MODELS_DIR: modelsDir })
    const browser = await launchChromium('none')
    try {
      const target = join(modelsDir, 'human', 'blazeface.bin')
      expect(existsSync(target)).toBe(true)
      const bytes = readFileSync(target)
      for (let i = 100; i < 400; i++) bytes[i] = (bytes[i] as number) ^ 0xff
      writeFileSync(target, bytes)

      const page = await (await browser.newContext({ locale: 'en-US' })).newPage()
      const kiosk = new KioskPage(page)
      await kiosk.open(host.launchUrl)
      await kiosk.waitForPhase('model-error')
      const status = await kiosk.statusText()
      expect(status).toContain('Face recognition models could not be loaded')
      expect(status).toContain('models/human/blazeface.bin is damaged or missing: run `npm run models` (or reinstall) to restore it.')
    } finally {
      await browser.close()
      await host.stop()
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(modelsDir, { recursive: true, force: true })
    }
  })
})
