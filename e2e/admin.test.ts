import { test, expect, type Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { attendanceRows } from './fixtures/db'
import { y4mFromPhotos } from './fixtures/fake-camera'
import { face } from './fixtures/paths'
import { withKiosk } from './fixtures/kiosk-session'

// One person seen by the fake camera: Colin Powell turned to his left (1), frontal (2, 4, 5) and to
// his right (3), 1.5 s each, looped. Nobody is enrolled at first: the admin enrolls him at the kiosk.
const COLIN = [1, 2, 3, 4, 5].map((n) => face('identities', 'Colin_Powell', `${n}.jpg`))
const PIN = '482916'

async function typePin(page: Page, pin: string): Promise<void> {
  await page.getByTestId('pin-input').fill(pin)
  await page.getByTestId('pin-ok').click()
}

async function openAdmin(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+A')
  await expect(page.getByTestId('pin-pad')).toBeVisible()
}

function templatesOf(dbFile: string, personId: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM face_templates WHERE person_id = ?').get(personId) as { n: number }).n
  } finally {
    db.close()
  }
}

test.describe('admin at the kiosk (web host, fake camera)', () => {
  test('PIN on first start, guided enrollment, recognised, CSV export, correction with audit trail, delete', async () => {
    test.setTimeout(300_000)
    await withKiosk({ camera: { y4m: y4mFromPhotos(COLIN, 1.5) }, locale: 'en-GB' }, async (kiosk, host) => {
      const page = kiosk.page
      await kiosk.waitForPhase(/looking|not-recognised|quality|verifying/)

      // first start: the PIN is set at the kiosk screen (a short one is refused: 6 digits at least), then admin opens
      await openAdmin(page)
      await typePin(page, '12345')
      await expect(page.getByTestId('pin-pad')).toContainText(/6/)
      await typePin(page, PIN)
      await typePin(page, PIN) // confirmation
      await expect(page.getByTestId('admin-screen')).toBeVisible()
      // this test's camera plays still photos (Colin Powell in several poses, for the guided enrollment):
      // to the kiosk a still photo is a picture held still, never live, so liveness is off here
      // (liveness at the kiosk has its own e2e, with real webcam runs: liveness.test.ts)
      const installer = (await host.call('admin/login', { pin: PIN })) as { data?: { token?: string } }
      expect(await host.call('settings/update', { token: installer.data?.token, pin: PIN, livenessStrictness: 'off' })).toMatchObject({ ok: true })
      await host.call('admin/logout', { token: installer.data?.token })

      // add the person; a duplicate id is refused and names who has it
      await page.getByTestId('admin-tab-people').click()
      await page.getByTestId('add-person-id').fill('E100')
      await page.getByTestId('add-person-name').fill('Colin Powell')
      await page.getByTestId('add-person-department').fill('Diplomacy')
      await page.getByTestId('add-person-submit').click()
      await expect(page.getByTestId('people-row-E100')).toBeVisible()
      await page.getByTestId('add-person-id').fill('E100')
      await page.getByTestId('add-person-name').fill('Someone Else')
      await page.getByTestId('add-person-submit').click()
      await expect(page.getByTestId('people-panel')).toContainText('Colin Powell')

      // guided camera enrollment: the poses the video shows are captured, the one it lacks is skipped
      const enrollStart = Date.now()
      await page.getByTestId('enroll-E100').click()
      const panel = page.getByTestId('enroll-panel')
      await expect(panel).toBeVisible()
      // UU PDP: the camera starts once the consent is ticked and the admin who took it is named
      await expect(page.getByTestId('enroll-consent-start')).toBeDisabled()
      await page.getByTestId('consent-agree').check()
      await page.getByTestId('consent-by').fill('Admin E2E')
      await page.getByTestId('enroll-consent-start').click()
      for (let i = 0; i < 40; i++) {
        if ((await panel.getAttribute('data-done')) === 'yes') break
        const step = await page.getByTestId('enroll-step').getAttribute('data-step').catch(() => null)
        // the video has no "chin up": skip that pose once the others are in
        if (step === 'up') await page.getByTestId('enroll-skip').click()
        await page.waitForTimeout(2000)
      }
      await expect(panel).toHaveAttribute('data-done', 'yes', { timeout: 60_000 })
      const captured = Number(await panel.getAttribute('data-captures'))
      const enrollSeconds = (Date.now() - enrollStart) / 1000
      console.log(`[admin] guided enrollment: ${captured} templates in ${enrollSeconds.toFixed(1)} s`)
      expect(captured).toBeGreaterThanOrEqual(3)
      expect(templatesOf(host.dbFile, 'E100')).toBe(captured)
      // the turned photos were captured as the turned poses, the frontal ones as frontal
      const steps = ((await panel.getAttribute('data-steps')) ?? '').split(',')
      expect(steps).toContain('frontal')
      expect(steps.some((s) => s === 'left' || s === 'right')).toBe(true)
      expect(await page.getByTestId('enroll-captures').locator('tbody tr').count()).toBe(captured)
      await page.getByTestId('enroll-finish').click()

      // back to the kiosk: recognised and checked in
      await page.getByTestId('admin-exit').click()
      await expect(page.getByTestId('admin-screen')).toHaveCount(0)
      await kiosk.waitForPhase(/recognised|already-recorded/)
      await expect(kiosk.bannerName()).toContainText('Colin Powell')
      // the kiosk's recent list shows initials by default (privacy setting): anyone walking by reads it
      await expect(page.getByTestId('recent')).toContainText('C.P.')
      await expect(page.getByTestId('recent')).not.toContainText('Colin Powell')
      const rows = attendanceRows(host.dbFile)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ person_id: 'E100', direction: 'in' })

      // admin again: the day's log, CSV export
      await openAdmin(page)
      await typePin(page, PIN)
      await page.getByTestId('admin-tab-attendance').click()
      const row = page.locator('[data-testid^="att-row-"]')
      await expect(row).toHaveCount(1)
      const eventId = ((await row.getAttribute('data-testid')) as string).replace('att-row-', '')
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-events').click()])
      const csv = readFileSync((await download.path()) as string, 'utf8')
      expect(csv.charCodeAt(0)).toBe(0xfeff)
      const lines = csv.slice(1).split('\r\n').filter(Boolean)
      // English UI: comma separated, English headers, local date/time text (issue 12: not ISO with an offset)
      expect(lines[0]).toBe('Employee ID,Name,Department,Work day,Direction,Time,Source,Similarity,Late (minutes),Left early (minutes),No check-out (past limit),Reason,Corrects')
      expect(lines).toHaveLength(2)
      expect(lines[1]).toMatch(/^E100,Colin Powell,Diplomacy,\d{4}-\d\d-\d\d,In,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,Kiosk,0\.\d{3},,,No,,$/)

      // correct it to a check-out with a reason; the original is kept and the audit shows it
      await page.getByTestId(`correct-${eventId}`).click()
      await page.getByTestId('correct-direction').selectOption('out')
      await page.getByTestId('correct-submit').click()
      await expect(page.getByTestId('attendance-panel')).toContainText(/reason|alasan/i) // a reason is mandatory
      await page.getByTestId('correct-reason').fill('pressed the wrong way: left for a meeting')
      await page.getByTestId('correct-submit').click()
      await expect(page.locator('[data-testid^="att-row-"]')).toHaveCount(1)
      await expect(page.getByTestId('attendance-panel')).toContainText('pressed the wrong way')
      const stored = new Database(host.dbFile, { readonly: true })
      try {
        const all = stored.prepare('SELECT id, direction, source, superseded_by, corrects FROM attendance_events ORDER BY created_at').all() as Array<Record<string, unknown>>
        expect(all).toHaveLength(2)
        expect(all[0]).toMatchObject({ id: eventId, direction: 'in', source: 'kiosk' })
        expect(all[1]).toMatchObject({ direction: 'out', source: 'manual', corrects: eventId })
        expect(all[0]?.['superseded_by']).toBe(all[1]?.['id'])
      } finally {
        stored.close()
      }
      await page.getByTestId('admin-tab-audit').click()
      await expect(page.getByTestId('audit-panel')).toContainText('attendance.correct')
      await expect(page.getByTestId('audit-panel')).toContainText('pressed the wrong way')

      // delete the person: their templates go at once
      await page.getByTestId('admin-tab-people').click()
      await page.getByTestId('delete-E100').click()
      await page.getByTestId('confirm-yes').click()
      await expect(page.getByTestId('people-row-E100')).toHaveCount(0)
      expect(templatesOf(host.dbFile, 'E100')).toBe(0)
      await page.getByTestId('admin-exit').click()

      // and the kiosk no longer knows him; nothing more is recorded
      await kiosk.waitForPhase('not-recognised')
      expect(attendanceRows(host.dbFile)).toHaveLength(2)
    })
  })
})
