import { test, expect } from '@playwright/test'
import { readdirSync } from 'node:fs'
import Database from 'better-sqlite3'
import { attendanceRows } from './fixtures/db'
import { y4mFromPhotos } from './fixtures/fake-camera'
import { face } from './fixtures/paths'
import { withKiosk } from './fixtures/kiosk-session'

// NUAA subject 0001: five live webcam frames, and five printed photos of the same person held up
// to the same webcam. The person is enrolled from one live frame first.
const LIVE_DIR = face('spoof', 'live')
const SPOOF_DIR = face('spoof', 'spoof')
const subjectFrames = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('nuaa_s0001_'))
    .sort()
    .map((f) => `${dir}/${f}`)
const SCREEN_DIR = face('spoof-screen', 'spoof')
const screenFrames = readdirSync(SCREEN_DIR)
  .filter((f) => f.startsWith('spp77_'))
  .sort()
  .slice(0, 6)
  .map((f) => `${SCREEN_DIR}/${f}`)

function auditRefusals(dbFile: string): { subject: string | null; details: string }[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    return db.prepare("SELECT subject, details FROM audit_log WHERE action = 'liveness.refused'").all() as { subject: string | null; details: string }[]
  } finally {
    db.close()
  }
}

/** The subject enrolled from one live frame; the camera shows something else of theirs. */
const ENROLL = { nuaa_s0001: [subjectFrames(LIVE_DIR)[0] as string] }

test.describe('liveness at the kiosk (web host, fake camera)', () => {
  test('the enrolled person, live at the webcam, checks in', async () => {
    await withKiosk({ camera: { y4m: y4mFromPhotos(subjectFrames(LIVE_DIR).slice(1)) }, enroll: ENROLL }, async (kiosk, host) => {
      await kiosk.waitForPhase(/recognised|already-recorded/)
      expect(attendanceRows(host.dbFile)).toHaveLength(1)
      expect(auditRefusals(host.dbFile)).toHaveLength(0)
    })
  })

  test('a printed photo of the enrolled person is refused, audited, and checks no one in', async () => {
    await withKiosk({ camera: { y4m: y4mFromPhotos(subjectFrames(SPOOF_DIR)) }, enroll: ENROLL }, async (kiosk, host) => {
      await kiosk.waitForPhase('refused')
      await expect(kiosk.page.getByTestId('banner-state')).toHaveAttribute('data-reason', 'spoof_detected')
      expect(await kiosk.statusText()).toContain('foto atau layar tidak diterima')
      await kiosk.page.waitForTimeout(4000)
      expect(attendanceRows(host.dbFile)).toHaveLength(0)
      const refusals = auditRefusals(host.dbFile)
      expect(refusals.length).toBeGreaterThanOrEqual(1)
      expect(JSON.parse(refusals[0]?.details as string)).toMatchObject({ reason: 'spoof_detected' })
    })
  })

  test('a phone screen held up to the camera is refused and checks no one in', async () => {
    await withKiosk({ camera: { y4m: y4mFromPhotos(screenFrames) }, enroll: ENROLL }, async (kiosk, host) => {
      // without liveness this stranger would be "not recognised": reaching "refused" is the liveness layer's doing
      await kiosk.waitForPhase('refused')
      await expect(kiosk.page.getByTestId('banner-state')).toHaveAttribute('data-reason', /spoof_detected|liveness_uncertain|challenge_failed|timeout/)
      await kiosk.page.waitForTimeout(4000)
      expect(attendanceRows(host.dbFile)).toHaveLength(0)
      expect(auditRefusals(host.dbFile).length).toBeGreaterThanOrEqual(1)
    })
  })
})
