import { test, expect } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startHrServer } from './hr-server/server'
import { LIVE_PERSON } from './fixtures/live-person'
import { withKiosk } from './fixtures/kiosk-session'

const SECRET = 'whsec_e2e_0123456789abcdef0123456789'
const PIN = '135790'

test.describe('HR sync (web host, reference HR server, fake camera)', () => {
  test('a check-in HR rejects is parked and visible; after HR is fixed, Retry delivers it exactly once', async () => {
    test.setTimeout(180_000)
    const dir = mkdtempSync(join(tmpdir(), 'hadir-e2e-hr-'))
    const hr = await startHrServer({ dbFile: join(dir, 'hr.db'), secret: SECRET, rejectPersonIds: [LIVE_PERSON.id] })
    try {
      await withKiosk({ camera: { y4m: LIVE_PERSON.camera() }, enroll: { [LIVE_PERSON.id]: [LIVE_PERSON.enroll] }, locale: 'en-GB' }, async (kiosk, host) => {
        const page = kiosk.page
        // an installer sets the PIN and the HR server through the same API the admin screen uses
        const session = (await host.call('admin/set-pin', { pin: PIN })) as { ok: boolean; data?: { token?: string } }
        // the HR address and key are sensitive: the PIN is asked again
        expect(await host.call('settings/update', { token: session.data?.token, hrUrl: hr.url, hrKey: SECRET })).toMatchObject({ ok: false, error: { code: 'pin-required' } })
        expect(await host.call('settings/update', { token: session.data?.token, pin: PIN, hrUrl: hr.url, hrKey: SECRET })).toMatchObject({ ok: true })

        await kiosk.waitForPhase(/recognised|already-recorded/)
        // the kiosk screen shows HR's state in one line; the rejected event is counted
        await expect(page.getByTestId('sync-badge')).toContainText(/rejected by HR/, { timeout: 20_000 })
        expect(hr.stats().events).toBe(0)
        expect(hr.stats().rejected).toBeGreaterThanOrEqual(1)

        // admin: the parked event with HR's reason and a retry button
        await page.keyboard.press('Control+Shift+A')
        await page.getByTestId('pin-input').fill(PIN)
        await page.getByTestId('pin-ok').click()
        await page.getByTestId('admin-tab-sync').click()
        await expect(page.getByTestId('sync-online')).toHaveAttribute('data-state', 'online', { timeout: 15_000 })
        const parked = page.locator('[data-testid^="parked-"]')
        await expect(parked).toHaveCount(1)
        await expect(parked).toContainText('unknown employee')
        await expect(parked).toContainText(LIVE_PERSON.id)

        hr.setRejectPersonIds([])
        await page.locator('[data-testid^="retry-"]').filter({ hasNotText: /all/i }).first().click()
        await expect(parked).toHaveCount(0, { timeout: 15_000 })
        await expect.poll(() => hr.stats().events, { timeout: 15_000 }).toBe(1)
        const receipts = Object.values(hr.eventReceipts())
        expect(receipts.filter((r) => r.stored === 1)).toHaveLength(1)
        await expect(page.getByTestId('sync-queued')).toContainText('0')
      })
    } finally {
      await hr.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
