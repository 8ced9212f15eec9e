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
  const level = (strangerAcceptance: number, wrongPersonOfAllProbes: number, missRate: number) => ({ strangerAcceptance, wrongPersonOfAllProbes, missRate })
  const figures = (over: Record<string, unknown> = {}) => ({
    rank1: 0.9879,
    eer: 0.0067,
    tarAtFar1e4: 0.9774,
    fnirAtFpir1pct: 0.0297,
    fnirAtFpir01pct: 0.079,
    counts: { impostorPairs: 2_431_314, nonMatedSearches: 761 },
    levels: { normal: level(0.0118, 0.0049, 0.028), high: level(0, 0, 0.092), 'very-high': level(0, 0, 0.186) },
    levelsShippedTable: { normal: level(0.0092, 0.0038, 0.03), high: level(0, 0, 0.087), 'very-high': level(0, 0, 0.177) },
    ...over,
  })
  const failing = (r: ReturnType<typeof figures>) => calibrationFloors(r as Parameters<typeof calibrationFloors>[0]).filter((f) => !floorHolds(f)).map((f) => f.name)
  it('the measured calibration figures hold every floor; a worse rank-1, strangers let in at the default level, or no level figures fail', () => {
    expect(failing(figures())).toEqual([])
    expect(failing(figures({ rank1: 0.97 }))).toEqual(['rank-1'])
    const leaky = figures()
    leaky.levels.high = level(0.004, 0.0017, 0.05)
    expect(failing(leaky)).toEqual(["level 'high': strangers accepted per attempt", "level 'high' (default): probes accepted as someone they are not"])
    expect(failing(figures({ levels: null })).length).toBeGreaterThanOrEqual(5)
    expect(failing(figures({ levelsShippedTable: null }))).toEqual(["shipped score table, level 'normal': strangers accepted per attempt", "shipped score table, level 'high': probes accepted as someone they are not"])
  })
})
