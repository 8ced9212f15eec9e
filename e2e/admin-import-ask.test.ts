import { test, expect, type Page } from '@playwright/test'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { attendanceRows } from './fixtures/db'
import { LIVE_PERSON } from './fixtures/live-person'
import { face } from './fixtures/paths'
import { withKiosk } from './fixtures/kiosk-session'

const PIN = '246810'

async function openAdmin(page: Page, pin = PIN): Promise<void> {
  await page.keyboard.press('Control+Shift+A')
  await page.getByTestId('pin-input').fill(pin)
  await page.getByTestId('pin-ok').click()
  await expect(page.getByTestId('admin-screen')).toBeVisible()
}

function templateCounts(dbFile: string): Record<string, number> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    const rows = db.prepare('SELECT person_id, count(*) AS n FROM face_templates GROUP BY person_id').all() as Array<{ person_id: string; n: number }>
    return Object.fromEntries(rows.map((r) => [r.person_id, r.n]))
  } finally {
    db.close()
  }
}

test.describe('admin photo import and ask mode (web host, fake camera)', () => {
  test('a folder of <employee-id>/*.jpg imports with a per-file report; ask mode records the direction the person taps', async () => {
    test.setTimeout(240_000)
    const src = mkdtempSync(join(tmpdir(), 'hadir-import-'))
    try {
      // a folder as HR would export it (copied to a temp folder: a browser's folder picker skips links):
      // two people, plus a photo without a face, a group photo and a text file
      mkdirSync(join(src, 'photos', 'E200'), { recursive: true })
      mkdirSync(join(src, 'photos', 'E201'), { recursive: true })
      copyFileSync(LIVE_PERSON.enroll, join(src, 'photos', 'E200', 'a1.jpg'))
      copyFileSync(LIVE_PERSON.other, join(src, 'photos', 'E200', 'a2.jpg'))
      copyFileSync(face('other', 'noface_landscape.jpg'), join(src, 'photos', 'E200', 'landscape.jpg'))
      copyFileSync(face('identities', 'Tony_Blair', '2.jpg'), join(src, 'photos', 'E201', 't2.jpg'))
      copyFileSync(face('other', 'group_solvay1927.jpg'), join(src, 'photos', 'E201', 'group.jpg'))
      writeFileSync(join(src, 'photos', 'E201', 'notes.txt'), 'not a photo')
      // two different people in one person's folder: whichever comes first is stored, the other refused
      mkdirSync(join(src, 'photos', 'E202'), { recursive: true })
      copyFileSync(face('identities', 'Colin_Powell', '1.jpg'), join(src, 'photos', 'E202', 'a.jpg'))
      copyFileSync(face('identities', 'Donald_Rumsfeld', '1.jpg'), join(src, 'photos', 'E202', 'b.jpg'))

      await withKiosk({ camera: { y4m: LIVE_PERSON.camera() }, locale: 'en-GB' }, async (kiosk, host) => {
        const page = kiosk.page
        const session = (await host.call('admin/set-pin', { pin: PIN })) as { data?: { token?: string } }
        // ask mode: the person taps in or out
        expect(await host.call('settings/update', { token: session.data?.token, rules: { mode: 'ask' } })).toMatchObject({ ok: true })

        await openAdmin(page)
        await page.getByTestId('admin-tab-people').click()
        await page.getByTestId('import-folder').click()
        // UU PDP: the people in the folder consented; the admin says who took it
        await page.getByTestId('consent-agree').check()
        await page.getByTestId('consent-by').fill('Admin E2E')
        await page.getByTestId('import-input').setInputFiles(join(src, 'photos'))
        const panel = page.getByTestId('import-panel')
        await expect(panel).toHaveAttribute('data-done', 'yes', { timeout: 120_000 })
        const report = page.getByTestId('import-report')
        await expect(report.locator('tr[data-code="no-face"]')).toHaveCount(1)
        await expect(report.locator('tr[data-code="multiple-faces"]')).toHaveCount(1)
        await expect(report.locator('tr[data-code="image-unreadable"]')).toHaveCount(1)
        await expect(report.locator('tr[data-code="photo-mismatch"]')).toHaveCount(1)
        await expect(report.locator('tr[data-code="photo-mismatch"]')).toContainText('E202/')
        await expect(page.getByTestId('import-summary')).toHaveAttribute('data-ok', '4')
        expect(templateCounts(host.dbFile)).toEqual({ E200: 2, E201: 1, E202: 1 })
        await page.getByTestId('import-close').click()
        await page.getByTestId('admin-exit').click()

        // the camera shows E200: the kiosk asks, the person taps "Check-out"
        await kiosk.waitForPhase('ask-direction')
        await expect(page.getByTestId('ask-direction')).toContainText('E200')
        expect(attendanceRows(host.dbFile)).toHaveLength(0)
        await page.getByTestId('ask-out').click()
        await kiosk.waitForPhase(/recognised/)
        const rows = attendanceRows(host.dbFile)
        expect(rows).toHaveLength(1)
        expect(rows[0]).toMatchObject({ person_id: 'E200', direction: 'out' })
      })
    } finally {
      rmSync(src, { recursive: true, force: true })
    }
  })
})
