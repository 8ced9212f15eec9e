/**
 * Accuracy floor of the shipped pipeline (`npm run eval`) on the developer set: small and fast, so a
 * broken pipeline fails `npm test`. The floors on the 556-people calibration set (and the security
 * levels' operating points) are their own CI step: `npm run eval -- --check-floors` (eval-floors.ts).
 */
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { embeddingModelTag } from '../server/models/manifest'
import { calibrationFloors, floorHolds } from './eval-floors'
import { runEval } from './eval'
import { sharedVision } from './testing/shared-vision'

const ROOT = resolve(import.meta.dirname, '..', '..')
const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(ROOT, '..', 'shared', 'faces')

type EvalOut = {
  rank1: number
  eer: number
  tarAtFar1e3: number
  tarAtFar1e4: number
  fnirAtFpir1pct: number
  failuresToDetect: number
  counts: { probes: number; impostorPairs: number; nonMatedSearches: number }
  operatingPoints: Record<'fmr1e-4' | 'fmr1e-5' | 'above-all-impostors', { threshold: number; misidentified: number }>
}

const run = async (dir: string) =>
  (await runEval({ dir, templates: 1, impostorShare: 'loo', flip: embeddingModelTag().flipAverage, eyes: 'contour', cache: null }, () => {}, (await sharedVision()).pipeline)) as unknown as EvalOut

describe('npm run eval', () => {
  it('developer set (24 people, one enrolled photo each): floors measured 98.8% rank-1, EER 1.45%', async () => {
    const r = await run(join(FACES, 'identities'))
    process.stderr.write(`eval identities: ${JSON.stringify({ rank1: r.rank1, eer: r.eer, tar1e3: r.tarAtFar1e3, fnir1: r.fnirAtFpir1pct })}\n`)
    expect(r.counts.probes).toBe(86)
    expect(r.failuresToDetect).toBeLessThanOrEqual(1)
    expect(r.rank1).toBeGreaterThanOrEqual(0.97)
    expect(r.eer).toBeLessThanOrEqual(0.025)
    expect(r.tarAtFar1e3).toBeGreaterThanOrEqual(0.97)
    expect(r.fnirAtFpir1pct).toBeLessThanOrEqual(0.035)
  }, 600_000)
})

describe('npm run eval -- --check-floors', () => {
  const figures = (over: Partial<Record<string, number>> = {}) => ({
    rank1: 0.9867,
    eer: 0.0067,
    tarAtFar1e4: 0.9774,
    fnirAtFpir1pct: 0.0393,
    counts: { impostorPairs: 2_433_519 },
    operatingPoints: {
      'fmr1e-4': { threshold: 0.415, misidentified: 4 },
      'fmr1e-5': { threshold: 0.48, misidentified: 1 },
      'above-all-impostors': { threshold: 0.612, misidentified: over['misidentified'] ?? 0 },
    },
    ...over,
  })
  it('the measured calibration figures hold every floor; a worse rank-1, a level below its operating point or a misidentification fails', () => {
    const levels = { normal: 0.42, high: 0.48, 'very-high': 0.62 }
    expect(calibrationFloors(figures(), levels).filter((f) => !floorHolds(f))).toEqual([])
    expect(calibrationFloors(figures({ rank1: 0.97 }), levels).filter((f) => !floorHolds(f)).map((f) => f.name)).toEqual(['rank-1'])
    expect(calibrationFloors(figures(), { ...levels, high: 0.47 }).filter((f) => !floorHolds(f)).map((f) => f.name)).toEqual(["level 'high' ≥ threshold at FMR 1e-5"])
    expect(calibrationFloors(figures({ misidentified: 1 }), levels).some((f) => !floorHolds(f))).toBe(true)
  })
})
