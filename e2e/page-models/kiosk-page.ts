import { expect, type Page } from '@playwright/test'

/** The kiosk screen as a person sees it. */
export class KioskPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await expect(this.page.getByTestId('kiosk')).toBeVisible()
  }

  phase(): Promise<string | null> {
    return this.page.getByTestId('kiosk').getAttribute('data-phase')
  }

  async waitForPhase(phase: string | RegExp, timeout = 90_000): Promise<void> {
    await expect(this.page.getByTestId('kiosk')).toHaveAttribute('data-phase', phase, { timeout })
  }

  bannerName() {
    return this.page.getByTestId('banner-name')
  }

  statusText(): Promise<string> {
    return this.page.getByTestId('status').innerText()
  }
}
