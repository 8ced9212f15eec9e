import { test, expect } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { attendanceRows } from './fixtures/db'
import { y4mFromPhoto } from './fixtures/fake-camera'
import { face } from './fixtures/paths'
import { withKiosk } from './fixtures/kiosk-session'
import { LIVE_PERSON, LIVE_STRANGER } from './fixtures/live-person'

// Enrolled from one frame; the camera plays a run of the same person moving (fixtures/live-person.ts).
const ENROLLED = { id: LIVE_PERSON.id, name: LIVE_PERSON.id, enrollPhoto: LIVE_PERSON.enroll, cameraPhoto: LIVE_PERSON.enroll }

const ENROLL = { [ENROLLED.id]: [ENROLLED.enrollPhoto] }

test.describe('kiosk check-in (web host, fake camera)', () => {
  test('an enrolled person is recognised and exactly one check-in is stored', async () => {
    await withKiosk({ camera: { y4m: LIVE_PERSON.camera() }, enroll: ENROLL }, async (kiosk, host) => {
      await kiosk.waitForPhase(/recognised|already-recorded/)
      await expect(kiosk.bannerName()).toContainText(ENROLLED.name)
      expect(await kiosk.statusText()).toMatch(/Selamat (pagi|siang|sore|malam), spp77_author\s+(Masuk pukul \d\d:\d\d|Sudah tercatat: masuk pukul \d\d:\d\d)/)
      // keep looking at the same person for a while: the cooldown must stop a second row
      await kiosk.page.waitForTimeout(8000)
      await expect(kiosk.bannerName()).toContainText(ENROLLED.name)
      const rows = attendanceRows(host.dbFile)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ person_id: ENROLLED.id, direction: 'in' })
      expect(await kiosk.phase()).toMatch(/recognised|already-recorded/)
    })
  })

  test('a person who is not enrolled is "not recognised" and nothing is stored', async () => {
    await withKiosk({ camera: { y4m: LIVE_STRANGER.camera() }, enroll: ENROLL }, async (kiosk, host) => {
      await kiosk.waitForPhase('not-recognised')
      expect(await kiosk.statusText()).toContain('Wajah tidak dikenali')
      await kiosk.page.waitForTimeout(4000)
      expect(attendanceRows(host.dbFile)).toHaveLength(0)
    })
  })

  test('an enrolled person in the dark is asked for more light, and nothing is stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hadir-dark-'))
    const dark = join(dir, 'dark.jpg')
    await sharp(ENROLLED.cameraPhoto).linear(0.1, 0).jpeg().toFile(dark)
    try {
      await withKiosk({ camera: { y4m: y4mFromPhoto(dark) }, enroll: ENROLL }, async (kiosk, host) => {
        await kiosk.waitForPhase('quality')
        await expect(kiosk.page.getByTestId('banner-state')).toHaveAttribute('data-reason', 'too-dark')
        expect(await kiosk.statusText()).toContain('Terlalu gelap')
        await kiosk.page.waitForTimeout(3000)
        expect(attendanceRows(host.dbFile)).toHaveLength(0)
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a landscape keeps the kiosk looking for a face', async () => {
    await withKiosk({ camera: { y4m: y4mFromPhoto(face('other', 'noface_landscape.jpg')) }, enroll: ENROLL }, async (kiosk, host) => {
      await kiosk.waitForPhase('looking')
      await kiosk.page.waitForTimeout(6000)
      expect(await kiosk.phase()).toBe('looking')
      expect(attendanceRows(host.dbFile)).toHaveLength(0)
    })
  })

  test('no camera: the kiosk says so instead of failing silently', async () => {
    await withKiosk({ camera: 'none' }, async (kiosk) => {
      await kiosk.waitForPhase('no-camera')
      expect(await kiosk.statusText()).toContain('Kamera tidak ditemukan')
    })
  })

  test('camera permission refused: the kiosk asks for it, in English on an English system', async () => {
    await withKiosk({ camera: 'refused', locale: 'en-US' }, async (kiosk) => {
      await kiosk.waitForPhase('camera-refused')
      expect(await kiosk.statusText()).toContain('Camera access was refused')
    })
  })
})
