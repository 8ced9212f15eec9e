/**
 * Passive liveness floors on real photos (`npm run eval:liveness`), measured with the shipped
 * settings (LIVENESS_DEFAULTS, whose comment holds the full figures), and the `liveness` command's
 * output format.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { auc, layerFigures, runLivenessEval, sequenceOf, thresholdAtBpcer } from './eval-liveness'
import { runLivenessCommand } from './liveness-cli'
import { sharedVision } from './testing/shared-vision'

const ROOT = resolve(import.meta.dirname, '..', '..')
const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(ROOT, '..', 'shared', 'faces')

describe('liveness metrics', () => {
  it('AUC counts ties as half; the BPCER-5% threshold refuses at most 5% of live scores', () => {
    expect(auc([1, 0.5], [0.5, 0])).toBeCloseTo(0.875)
    const live = Array.from({ length: 40 }, (_, i) => i / 40)
    const t = thresholdAtBpcer(live, 0.05)
    expect(live.filter((x) => x < t).length).toBe(2)
    expect(layerFigures(live, [0.01, 0.99], 0.5)).toMatchObject({ apcer: 0.5, bpcer: 0.5 })
  })
  it('frames of one sequence share the name up to the last _ and are ordered by what follows (epoch stamps as seconds.fraction)', () => {
    expect(sequenceOf('nuaa_s0002_0002_01_00_01_29.jpg')).toEqual({ sequence: 'nuaa_s0002_0002_01_00_01', position: 29 })
    const a = sequenceOf('spp77_16976063088891675.jpg')
    const b = sequenceOf('spp77_1697606309524936.jpg')
    expect(a.sequence).toBe('spp77')
    expect(a.position).toBeLessThan(b.position) // 1697606308.889 s before 1697606309.525 s
    expect(sequenceOf('image.png')).toEqual({ sequence: 'image', position: 0 })
  })
})

describe('npm run eval:liveness', () => {
  it('print attacks (spoof/: NUAA prints, a minivision print and tablet): measured APCER 0/17, BPCER 0/16, AUC 1.0', async () => {
    const r = await runLivenessEval(join(FACES, 'spoof', 'live'), join(FACES, 'spoof', 'spoof'), () => {}, await sharedVision())
    process.stderr.write(`eval:liveness print: ${JSON.stringify({ fused: r.layers.fused, fr: r.layers.frLiveness, ms: r.timingsMs })}\n`)
    expect(r.threshold).toBe(0.5)
    expect(r.counts).toMatchObject({ live: 16, spoof: 17, liveNoFace: 0, spoofNoFace: 0 })
    expect(r.layers.fused.apcer).toBe(0)
    expect(r.layers.fused.bpcer).toBe(0)
    expect(r.layers.fused.auc).toBeGreaterThanOrEqual(0.99)
    expect(r.layers.frLiveness.auc).toBeGreaterThanOrEqual(0.99)
    // Human's models are evidence only: at chance on prints
    expect(r.layers.humanAntispoof.auc).toBeLessThan(0.75)
  }, 300_000)

  it('screen replays of the two webcams the cues were fitted on (spoof-screen/ spp77_*, sudipto_*): measured fused APCER 1/58, BPCER 7/40 (fr_liveness alone 9/40), AUC 0.995', async () => {
    // a pinned file list: the folder grows with new webcams, these figures are of these two
    const pinned = mkdtempSync(join(tmpdir(), 'hadir-screen-'))
    for (const kind of ['live', 'spoof']) {
      mkdirSync(join(pinned, kind))
      for (const f of readdirSync(join(FACES, 'spoof-screen', kind)).filter((n) => /^(spp77|sudipto)_/.test(n))) symlinkSync(join(FACES, 'spoof-screen', kind, f), join(pinned, kind, f))
    }
    const r = await runLivenessEval(join(pinned, 'live'), join(pinned, 'spoof'), () => {}, await sharedVision()).finally(() => rmSync(pinned, { recursive: true, force: true }))
    process.stderr.write(`eval:liveness screen: ${JSON.stringify({ fused: r.layers.fused, fr: r.layers.frLiveness, screen: r.layers.screen, bySource: r.bySource, ms: r.timingsMs })}\n`)
    expect(r.counts.live).toBe(40)
    expect(r.counts.spoof).toBe(60)
    expect(r.counts.spoofNoFace).toBeLessThanOrEqual(2)
    expect(r.layers.fused.apcer).toBeLessThanOrEqual(2 / 58) // measured 1/58, one frame of slack
    expect(r.layers.fused.bpcer).toBeLessThanOrEqual(8 / 40) // measured 7/40, one frame of slack
    expect(r.layers.fused.bpcer).toBeLessThanOrEqual(r.layers.frLiveness.bpcer)
    expect(r.layers.fused.auc).toBeGreaterThanOrEqual(0.98)
    expect(r.layers.gamut.auc).toBeGreaterThanOrEqual(0.9)
    expect(r.layers.bezel.auc).toBeGreaterThanOrEqual(0.7)
    // over time (windows of three consecutive frames): measured 0/36 live windows and 3/54 attack
    // windows flagged as a picture moved rigidly (a flag asks for a challenge, it never refuses)
    process.stderr.write(`eval:liveness screen temporal: ${JSON.stringify(r.temporal)}\n`)
    expect(r.temporal.live.windows).toBeGreaterThanOrEqual(30)
    expect(r.temporal.live.rigidMotion).toBe(0)
    expect(r.temporal.spoof.windows).toBeGreaterThanOrEqual(40)
    expect(r.temporal.spoof.rigidMotion).toBeGreaterThanOrEqual(2)
  }, 300_000)
})

describe('npm run cli -- liveness', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hadir-liveness-'))
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it('one JSON line per file: live/score/layers/reasons, an error line for an unreadable file, quality_low without a face', async () => {
    const broken = join(tmp, 'broken.jpg')
    writeFileSync(broken, 'not a jpeg')
    const files = [
      join(FACES, 'spoof', 'live', 'nuaa_s0001_0001_00_00_01_0.jpg'),
      broken,
      join(FACES, 'spoof', 'spoof', 'minivision_image_F1_print.jpg'),
      join(FACES, 'other', 'noface_landscape.jpg'),
      join(tmp, 'missing.jpg'),
    ]
    const out: string[] = []
    const code = await runLivenessCommand(files, { out: (l) => out.push(l), progress: () => {} })
    expect(code).toBe(0)
    expect(out).toHaveLength(files.length)
    const lines = out.map((l) => JSON.parse(l) as Record<string, unknown>)
    lines.forEach((l, i) => expect(l['file']).toBe(files[i]))
    const [live, bad, print, noFace, missing] = lines as [Record<string, unknown>, ...Record<string, unknown>[]]
    expect(Object.keys(live)).toEqual(['file', 'live', 'score', 'layers', 'reasons'])
    expect(live).toMatchObject({ live: true, reasons: [] })
    expect(Object.keys(live['layers'] as object).sort()).toEqual(['bezel', 'frLiveness', 'gamut', 'humanAntispoof', 'humanLiveness', 'screen'])
    for (const v of Object.values(live['layers'] as Record<string, number>)) expect(v >= 0 && v <= 1).toBe(true)
    expect(print).toMatchObject({ live: false, reasons: ['spoof_detected'] })
    expect(noFace).toMatchObject({ live: false, score: 0, reasons: ['quality_low'] })
    expect((bad as { error: { code: string } }).error.code).toBe('image-unreadable')
    expect((missing as { error: { code: string } }).error.code).toBe('image-unreadable')
    expect(typeof (bad as { error: { message: string } }).error.message).toBe('string')
  }, 120_000)
})
