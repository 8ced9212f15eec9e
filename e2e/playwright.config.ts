import { defineConfig } from '@playwright/test'

/**
 * Two projects. "web": the renderer build in Debian's Chromium against the plain-Node host, with a
 * fake camera fed from a y4m made from a real photo. "electron": the same flows in the Electron
 * shell; skipped with a printed reason where the Electron binary is missing.
 */
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.test\.ts$/,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  projects: [
    { name: 'web', testIgnore: /electron\/.*\.test\.ts$/ },
    { name: 'electron', testMatch: /electron\/.*\.test\.ts$/ },
  ],
})
