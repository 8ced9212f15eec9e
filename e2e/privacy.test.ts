import { test, expect } from '@playwright/test'
import { withKiosk } from './fixtures/kiosk-session'
import { LIVE_PERSON } from './fixtures/live-person'

const PIN = '482916'

/**
 * Privacy people can see (issue #12 item 4) and walk-through fixes (item 7), in Chromium against the
 * web host: the notice on the kiosk, initials in the recent list, the PIN typed on the keyboard
 * without clicking the field, the saved message following a language switch, the new kiosk name
 * on the kiosk screen as soon as admin closes (no reload).
 */
test.describe('privacy on the kiosk screen (web host, fake camera)', () => {
  test('notice shown, recent list in initials; PIN by keyboard; saved message and kiosk name follow at once', async () => {
    test.setTimeout(300_000)
    await withKiosk({ camera: { y4m: LIVE_PERSON.camera() }, enroll: { [LIVE_PERSON.id]: [LIVE_PERSON.enroll] }, locale: 'id-ID' }, async (kiosk) => {
      const page = kiosk.page
      const notice = page.getByTestId('privacy-notice')
      await expect(notice).toBeVisible()
      await expect(notice).toContainText('UU No. 27/2022')

      // the enrolled person checks in: the list shows initials, never the name
      await kiosk.waitForPhase(/recognised|already-recorded/)
      const recent = page.getByTestId('recent')
      await expect(recent).toBeVisible({ timeout: 30_000 })
      await expect(recent).toHaveAttribute('data-display', 'initials')
      await expect(recent.locator('.recent-name').first()).toHaveText('S.')
      await expect(recent).not.toContainText(LIVE_PERSON.id)
      await expect(recent).toContainText('Tercatat terakhir')

      // admin by keyboard only: the digits count without clicking the PIN field
      await page.keyboard.press('Control+Shift+A')
      await expect(page.getByTestId('pin-pad')).toHaveAttribute('data-flow', 'set-first')
      await page.keyboard.type(PIN)
      await page.keyboard.press('Enter')
      await expect(page.getByTestId('pin-pad')).toHaveAttribute('data-flow', 'set-confirm')
      await page.keyboard.type(PIN)
      await page.keyboard.press('Enter')
      await expect(page.getByTestId('admin-screen')).toBeVisible()

      await page.getByTestId('admin-tab-settings').click()
      await page.getByTestId('set-kiosk-name').fill('Lobi Timur')
      await page.getByTestId('set-location').fill('Gedung B')
      await page.getByTestId('set-privacy-notice-id').fill('Wajah Anda diproses hanya untuk absensi kantor ini.')
      await page.getByTestId('settings-save').click()
      await expect(page.getByTestId('settings-message')).toHaveText('Pengaturan disimpan.')
      // the screen's language switched: the message reads in the new language
      await page.getByTestId('admin-lang').click()
      await expect(page.getByTestId('settings-message')).toHaveText('Settings saved.')
      await page.getByTestId('admin-lang').click()

      await page.getByTestId('admin-exit').click()
      await expect(page.getByTestId('admin-screen')).toBeHidden()
      await expect(page.locator('.brand')).toContainText('Lobi Timur')
      await expect(page.locator('.brand-location')).toHaveText('Gedung B')
      await expect(notice).toContainText('Wajah Anda diproses hanya untuk absensi kantor ini.')
    })
  })
})
