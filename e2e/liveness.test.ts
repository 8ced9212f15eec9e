import { test, expect } from '@playwright/test'
import { readdirSync } from 'node:fs'
import Database from 'better-sqlite3'
import { attendanceRows } from './fixtures/db'
import { sequenceRun, y4mFromPhotos, y4mFromRun } from './fixtures/fake-camera'
import { face, FACES } from './fixtures/paths'
import { withKiosk } from './fixtures/kiosk-session'
import type { WebHost } from './fixtures/web-host'

/**
 * Liveness at the kiosk with fake cameras made from real webcam frames: runs of consecutive frames
 * from ../shared/faces/sequences played at their own pace (real motion), and still frames.
 */
const PIN = '246810'
const frames = (dir: string, prefix: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .sort()
    .map((f) => `${dir}/${f}`)

function auditRefusals(dbFile: string): Array<{ subject: string | null; details: Record<string, unknown> }> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    const rows = db.prepare("SELECT subject, details FROM audit_log WHERE action = 'liveness.refused'").all() as { subject: string | null; details: string }[]
    return rows.map((r) => ({ subject: r.subject, details: JSON.parse(r.details) as Record<string, unknown> }))
  } finally {
    db.close()
  }
}

async function setStrictness(host: WebHost, livenessStrictness: 'normal' | 'strict'): Promise<void> {
  const session = (await host.call('admin/set-pin', { pin: PIN })) as { data?: { token?: string } }
  const r = await host.call('settings/update', { token: session.data?.token, pin: PIN, livenessStrictness })
  expect(r.ok, JSON.stringify(r)).toBe(true)
  await host.call('admin/logout', { token: session.data?.token })
}

/** The author of the spp77 webcam, enrolled from one frontal live frame of that webcam (not a frame of the run). */
const SPP77 = { spp77_author: [face('spoof-screen', 'live', 'spp77_16976063076559317.jpg')] }
/** The man of the ramkh webcam, whose own selfie is the phone replay of that webcam's run. */
const RAMKH = { ramkh_man: [face('spoof-screen', 'live', 'ramkh_17076300243462946.jpg')] }

test.describe('liveness at the kiosk (web host, fake camera from real webcam runs)', () => {
  test('a live person moving in front of a still room checks in without a prompt', async () => {
    await withKiosk({ camera: { y4m: y4mFromRun(sequenceRun(FACES, 'spp77', 'live')) }, enroll: SPP77 }, async (kiosk, host) => {
      const seen = new Set<string>()
      const watch = setInterval(() => void kiosk.phase().then((p) => p && seen.add(p)), 100)
      try {
        await kiosk.waitForPhase(/recognised|already-recorded/)
      } finally {
        clearInterval(watch)
      }
      expect([...seen].filter((p) => p.startsWith('challenge'))).toEqual([])
      expect(attendanceRows(host.dbFile)).toHaveLength(1)
      expect(auditRefusals(host.dbFile)).toHaveLength(0)
    })
  })

  test('strict mode: a random prompt with an animated hint; a real head that turns passes it and checks in', async () => {
    await withKiosk({ camera: { y4m: y4mFromRun(sequenceRun(FACES, 'spp77', 'live')) }, enroll: SPP77 }, async (kiosk, host) => {
      await setStrictness(host, 'strict')
      await kiosk.waitForPhase(/^challenge/)
      const hint = kiosk.page.getByTestId('challenge-hint')
      await expect(hint).toBeVisible()
      expect(['blink', 'turn-left', 'turn-right']).toContain(await hint.getAttribute('data-kind'))
      expect(await kiosk.statusText()).toMatch(/Tolehkan kepala|Kedipkan mata/)
      // the person in the run turns his head both ways every loop (and never closes his eyes far enough
      // for a blink: a blink prompt times out and the retry asks for a turn)
      await kiosk.waitForPhase(/recognised|already-recorded/, 60_000)
      expect(attendanceRows(host.dbFile)).toHaveLength(1)
    })
  })

  test("the same man's selfie on a hand-held phone is asked to act, cannot, and checks no one in", async () => {
    await withKiosk({ camera: { y4m: y4mFromRun(sequenceRun(FACES, 'ramkh', 'spoof')) }, enroll: RAMKH }, async (kiosk, host) => {
      await kiosk.waitForPhase(/^challenge/)
      // a phone that the evidence marks as a likely attack is only asked to turn (a video blinks by itself)
      expect(await kiosk.page.getByTestId('challenge-hint').getAttribute('data-kind')).toMatch(/^turn-/)
      await kiosk.waitForPhase('refused', 60_000)
      await expect(kiosk.page.getByTestId('banner-state')).toHaveAttribute('data-reason', /challenge_failed|timeout/)
      await kiosk.page.waitForTimeout(3000)
      expect(attendanceRows(host.dbFile)).toHaveLength(0)
      const refusals = auditRefusals(host.dbFile)
      expect(refusals.length).toBeGreaterThanOrEqual(1)
      expect(refusals[0]?.details).toMatchObject({ challenge: { passed: false } })
    })
  })

  test('a phone carried in a hand playing a video is refused and audited', async () => {
    await withKiosk({ camera: { y4m: y4mFromRun(sequenceRun(FACES, 'spp77', 'spoof')) }, enroll: SPP77 }, async (kiosk, host) => {
      await kiosk.waitForPhase(/refused|^challenge/)
      await kiosk.waitForPhase('refused', 60_000)
      await kiosk.page.waitForTimeout(3000)
      expect(attendanceRows(host.dbFile)).toHaveLength(0)
      expect(auditRefusals(host.dbFile).length).toBeGreaterThanOrEqual(1)
    })
  })

  test('printed photos of the enrolled person check no one in', async () => {
    const nuaa = { nuaa_s0001: [frames(face('spoof', 'live'), 'nuaa_s0001_')[0] as string] }
    await withKiosk({ camera: { y4m: y4mFromPhotos(frames(face('spoof', 'spoof'), 'nuaa_s0001_')) }, enroll: nuaa }, async (kiosk, host) => {
      await kiosk.waitForPhase('refused', 60_000)
      await kiosk.page.waitForTimeout(3000)
      expect(attendanceRows(host.dbFile)).toHaveLength(0)
      expect(auditRefusals(host.dbFile).length).toBeGreaterThanOrEqual(1)
    })
  })
})
