/**
 * The quality gate on real photos (../shared/faces), through the real Node vision pipeline.
 *
 * How the thresholds were chosen is written above DEFAULT_QUALITY in quality.ts; these tests check
 * that the gate does what it says on the developer set:
 * - good photos pass the kiosk gate (LFW 250×250 crops and full photos in identities/, and the real
 *   webcam frames of spoof/live and spoof-screen/live);
 * - the Big Bang Theory crops (150×150, the face fills the frame and the mesh runs to or past the
 *   edge) are what a kiosk camera sees when someone stands too close: they fail with too-near or
 *   cut-off, and pass once the same crop is set in a larger frame;
 * - a photo made dark, bright or blurred fails with exactly that reason;
 * - a face cut by the frame edge gives cut-off, a face far away gives too-small;
 * - roll follows a rotation of the photo, yaw flips sign with a mirrored photo;
 * - no photo of the set has closed eyes, so only the open-eye range of the eye aspect ratio is checked.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../../electron/cli/decode-image'
import { sharedVision } from '../../../electron/cli/testing/shared-vision'
import type { DetectedFace, FacePipeline } from './face-pipeline'
import type { RgbFrame } from './frame'
import { DEFAULT_QUALITY, ENROLL_QUALITY, assessQuality, headPose, type QualityReport } from './quality'

const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/faces')
const IDENTITIES = join(FACES, 'identities')
/** 150×150 greyscale tight crops (face fills the frame). */
const BBT = new Set(['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'])

/**
 * Floors measured on the developer set with Human's rotation correction on: 63 of the 71 photos pass
 * (88.7 %; the 8 others are turned heads), 53 of the 56 webcam frames (94.6 %; yaw 32–35° or roll 45°).
 */
const MIN_PHOTO_PASS_SHARE = 0.88
const MIN_WEBCAM_PASS_SHARE = 0.94

let pipeline: FacePipeline

beforeAll(async () => {
  pipeline = (await sharedVision()).pipeline
})

function listPhotos(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .map((f) => join(dir, f))
}

function identityPhotos(bbt: boolean): string[] {
  return readdirSync(IDENTITIES)
    .sort()
    .filter((p) => BBT.has(p) === bbt)
    .flatMap((p) => listPhotos(join(IDENTITIES, p)))
}

/**
 * Decodes as decodeImageFile does (orientation, ≤ 1600 px, sRGB), to a lossless PNG, then applies
 * `edit` in a second sharp pipeline (so its resize or rotate does not replace the first one's).
 */
async function frameOf(file: string | Buffer, edit: (s: Sharp) => Sharp = (s) => s): Promise<RgbFrame> {
  const png = await sharp(file).rotate().resize({ width: 1600, height: 1600, fit: 'inside', withoutEnlargement: true }).png().toBuffer()
  const { data, info } = await edit(sharp(png)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 }
}

/** Largest face of the frame and the kiosk gate's report on it. */
async function assess(frame: RgbFrame, thresholds = DEFAULT_QUALITY): Promise<{ frame: RgbFrame; face: DetectedFace; report: QualityReport }> {
  const faces = await pipeline.detect(frame)
  const face = faces[0]
  if (!face) throw new Error(`no face found in a ${frame.width}×${frame.height} frame`)
  return { frame, face, report: assessQuality(frame, face, thresholds) }
}

/** A photo every metric of which is well inside the kiosk gate (checked in the first test). */
const CLEAN = () => join(IDENTITIES, 'Tony_Blair', '2.jpg')

describe('good photos', () => {
  it('pass the kiosk gate (LFW crops and full photos)', async () => {
    const files = identityPhotos(false)
    const failed: string[] = []
    for (const file of files) {
      const { report } = await assess(await decodeImageFile(file))
      if (!report.ok) failed.push(`${file.slice(IDENTITIES.length + 1)}: ${report.reasons.join(',')}`)
    }
    const share = 1 - failed.length / files.length
    console.info(`kiosk gate: ${files.length - failed.length}/${files.length} photos pass (${(100 * share).toFixed(1)}%); failed: ${failed.join('; ')}`)
    expect(share).toBeGreaterThanOrEqual(MIN_PHOTO_PASS_SHARE)
    // every failure of a good photo is the head pose (profile-ish news photos), nothing else
    for (const f of failed) expect(f).toMatch(/: head-turned$/)
  })

  it('pass the kiosk gate (real 640×480 webcam frames)', async () => {
    // a pinned list (the folders grow with new webcams; the floor was measured on these 56 frames):
    // NUAA and minivision live frames, and the live frames of the first two screen-replay webcams
    const files = [...listPhotos(join(FACES, 'spoof', 'live')), ...listPhotos(join(FACES, 'spoof-screen', 'live')).filter((f) => /\/(spp77|sudipto)_[^/]+$/.test(f))]
    expect(files).toHaveLength(56)
    let pass = 0
    for (const file of files) if ((await assess(await decodeImageFile(file))).report.ok) pass++
    console.info(`kiosk gate: ${pass}/${files.length} webcam frames pass`)
    expect(pass / files.length).toBeGreaterThanOrEqual(MIN_WEBCAM_PASS_SHARE)
  })

  it('the reference photo is well inside both gates', async () => {
    const frame = await decodeImageFile(CLEAN())
    const { face, report } = await assess(frame)
    expect(report.reasons).toEqual([])
    expect(assessQuality(frame, face, ENROLL_QUALITY).reasons).toEqual([])
  })

  it('tight 150×150 crops are too near or cut off, and not once set in a larger frame', async () => {
    const files = identityPhotos(true)
    let found = 0
    let padPass = 0
    for (const file of files) {
      const frame = await decodeImageFile(file)
      const face = (await pipeline.detect(frame))[0]
      if (!face) continue // leonard/5.png: the detector finds no face in the tight crop
      found++
      const report = assessQuality(frame, face)
      expect(report.reasons.some((r) => r === 'too-near' || r === 'cut-off'), `${file}: ${report.reasons.join(',')}`).toBe(true)
      // 150 px of grey on every side: the same face in a 450×450 frame
      const padded = await assess(await frameOf(file, (s) => s.extend({ top: 150, bottom: 150, left: 150, right: 150, background: '#808080' })))
      expect(padded.report.reasons).not.toContain('too-near')
      expect(padded.report.reasons).not.toContain('cut-off')
      if (padded.report.ok) padPass++
    }
    console.info(`tight crops: a face in ${found}/${files.length}; set in a 450×450 frame, ${padPass} pass`)
    expect(found).toBeGreaterThanOrEqual(files.length - 1)
  })
})

describe('one defect at a time', () => {
  it('darkened: too-dark and nothing else', async () => {
    const { report } = await assess(await frameOf(CLEAN(), (s) => s.linear(0.18, 0)))
    expect(report.reasons).toEqual(['too-dark'])
  })
  it('over-exposed: too-bright and nothing else', async () => {
    const { report } = await assess(await frameOf(CLEAN(), (s) => s.modulate({ brightness: 2.2 })))
    expect(report.reasons).toEqual(['too-bright'])
  })
  it('blurred: blurred and nothing else', async () => {
    const { report, face } = await assess(await frameOf(CLEAN(), (s) => s.blur(3)))
    expect(report.reasons).toEqual(['blurred'])
    expect(face.box[2]).toBeGreaterThan(0)
  })
  it('backlit: a darker face before a white background', async () => {
    // the face's region, darkened, on a white frame three times its size
    // the mesh spans x 78…171, y 78…187; crop close around it and keep 40 % of the light
    const crop = await sharp(CLEAN()).extract({ left: 70, top: 55, width: 110, height: 150 }).linear(0.4, 0).png().toBuffer()
    const frame = await frameOf(crop, (s) => s.extend({ top: 160, bottom: 160, left: 130, right: 130, background: '#ffffff' }))
    const { report } = await assess(frame)
    expect(report.reasons, JSON.stringify(report.metrics)).toContain('backlit')
    expect(report.reasons).not.toContain('too-dark')
    expect(report.metrics.backgroundBrightness - report.metrics.brightness).toBeGreaterThan(DEFAULT_QUALITY.maxBacklight)
  })
})

describe('framing', () => {
  it('a face cut by the frame edge is cut-off', async () => {
    const { report } = await assess(await decodeImageFile(join(FACES, 'other', 'partial_obama_partial_face.jpg')))
    expect(report.reasons).toContain('cut-off')
    expect(report.metrics.edgeMargin).toBeLessThan(0)
  })
  it('the same face with its left third cut away is cut-off', async () => {
    // Tony_Blair/2.jpg: the face spans x ≈ 80…170; keep x ≥ 110
    const { report } = await assess(await frameOf(CLEAN(), (s) => s.extract({ left: 110, top: 0, width: 140, height: 250 })))
    expect(report.reasons).toContain('cut-off')
  })
  it('a face far away is too-small', async () => {
    // shrunk to 28 %, padded into a 640×480 frame: the face is ~26 px wide
    const frame = await frameOf(CLEAN(), (s) => s.resize(70, 70).extend({ top: 205, bottom: 205, left: 285, right: 285, background: '#808080' }))
    const { report } = await assess(frame)
    expect(report.reasons).toContain('too-small')
    expect(report.metrics.faceWidthPx).toBeLessThan(DEFAULT_QUALITY.minFaceWidthPx)
  })
  it('several faces are reported when the caller says so', async () => {
    const frame = await decodeImageFile(CLEAN())
    const { face } = await assess(frame)
    expect(assessQuality(frame, face, DEFAULT_QUALITY, { otherFaces: 1 }).reasons).toEqual(['several-faces'])
    expect(assessQuality(frame, face, DEFAULT_QUALITY, { otherFaces: 0 }).reasons).toEqual([])
  })
})

describe('head pose and eyes', () => {
  it('roll follows a 25° rotation of the photo; yaw barely moves (mesh with rotation correction)', async () => {
    // human-config.ts turns Human's detector rotation correction on: without it the mesh lags a
    // rolled head (25° read as 14–17°) and the roll check would hardly ever trigger.
    const upright = await assess(await decodeImageFile(CLEAN()))
    for (const angle of [25, -25]) {
      const rotated = await assess(await frameOf(CLEAN(), (s) => s.rotate(angle, { background: '#808080' })))
      const roll = rotated.report.metrics.rollDeg - upright.report.metrics.rollDeg
      expect(Math.abs(roll - angle), `roll ${roll.toFixed(1)} for ${angle}`).toBeLessThan(5)
      expect(Math.abs(rotated.report.metrics.yawDeg - upright.report.metrics.yawDeg)).toBeLessThan(5)
      // alignment removes roll, so the kiosk lets a 25° tilt through; enrollment asks for a straight head
      expect(rotated.report.reasons).toEqual([])
      expect(assessQuality(rotated.frame, rotated.face, ENROLL_QUALITY).reasons).toContain('head-turned')
    }
  })
  it('yaw changes sign in a mirrored photo', async () => {
    // Arnold_Schwarzenegger/1.jpg: a clearly turned head
    const file = join(IDENTITIES, 'Arnold_Schwarzenegger', '1.jpg')
    const a = await assess(await decodeImageFile(file))
    const b = await assess(await frameOf(file, (s) => s.flop()))
    expect(Math.abs(a.report.metrics.yawDeg)).toBeGreaterThan(DEFAULT_QUALITY.maxYawDeg)
    expect(Math.sign(b.report.metrics.yawDeg)).toBe(-Math.sign(a.report.metrics.yawDeg))
    expect(Math.abs(a.report.metrics.yawDeg + b.report.metrics.yawDeg)).toBeLessThan(6)
    expect(a.report.reasons).toContain('head-turned')
  })
  it('headPose on a mesh rotated in the image plane gives that roll', async () => {
    const { face } = await assess(await decodeImageFile(CLEAN()))
    const base = headPose(face.mesh)
    const t = (10 * Math.PI) / 180
    const rotated = face.mesh.map(([x, y, z]) => [x * Math.cos(t) - y * Math.sin(t), x * Math.sin(t) + y * Math.cos(t), z] as [number, number, number])
    const r = headPose(rotated)
    expect(r.rollDeg - base.rollDeg).toBeCloseTo(10, 6)
    expect(r.yawDeg).toBeCloseTo(base.yawDeg, 6)
  })
  it('eye openness of open eyes lies in the measured range', async () => {
    const openness: number[] = []
    for (const file of identityPhotos(false)) openness.push((await assess(await decodeImageFile(file))).report.metrics.eyeOpenness)
    openness.sort((a, b) => a - b)
    expect(openness[0]).toBeGreaterThan(DEFAULT_QUALITY.minEyeOpenness)
    expect(openness[openness.length - 1]).toBeLessThan(0.7)
  })
})

describe('speed', () => {
  it('takes under 3 ms per call on a 640×480 frame', async () => {
    const frame = await decodeImageFile(join(FACES, 'spoof', 'live', 'nuaa_s0001_0001_00_00_01_0.jpg'))
    expect([frame.width, frame.height]).toEqual([640, 480])
    const { face } = await assess(frame)
    for (let i = 0; i < 20; i++) assessQuality(frame, face)
    const times: number[] = []
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now()
      assessQuality(frame, face)
      times.push(performance.now() - t0)
    }
    times.sort((a, b) => a - b)
    console.info(`assessQuality on 640×480: median ${times[25]?.toFixed(2)} ms`)
    expect(times[25]).toBeLessThan(3)
  })
})
