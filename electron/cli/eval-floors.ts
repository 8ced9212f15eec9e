/**
 * `npm run eval -- --check-floors`: the accuracy floors of the shipped pipeline on the large sets,
 * run as their own CI step after `npm test` (a long accuracy run is not a unit test: it must not fail
 * because the machine is busy). Prints every figure it checks and exits 1 when a floor is missed.
 *
 * The unit suite keeps a small, fast floor on the developer set (eval.test.ts), so a broken pipeline
 * still fails `npm test`.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { recognitionConfig } from '../server/models/manifest'

export const FACES_DIR = process.env['HADIR_FACES_DIR'] ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'faces')

/** One floor: a figure of the eval result, a bound, and the value measured when it was set. */
export type Floor = { name: string; value: number; op: '>=' | '<=' | '=='; bound: number; measured?: string }

type EvalFigures = {
  rank1: number
  eer: number
  tarAtFar1e4: number
  fnirAtFpir1pct: number
  counts: { impostorPairs: number }
  operatingPoints: Record<'fmr1e-4' | 'fmr1e-5' | 'above-all-impostors', { threshold: number; misidentified: number }>
}

/** The calibration set's floors (556 LFW people, 2.4 M impostor pairs) and the security levels' operating points. */
export function calibrationFloors(r: EvalFigures, levels = recognitionConfig().thresholds): Floor[] {
  return [
    { name: 'impostor pairs', value: r.counts.impostorPairs, op: '>=', bound: 2_400_000 },
    { name: 'rank-1', value: r.rank1, op: '>=', bound: 0.98, measured: '98.67%' },
    { name: 'EER', value: r.eer, op: '<=', bound: 0.01, measured: '0.67%' },
    { name: 'TAR @ FAR 1e-4', value: r.tarAtFar1e4, op: '>=', bound: 0.97, measured: '97.74%' },
    { name: 'FNIR @ FPIR 1%', value: r.fnirAtFpir1pct, op: '<=', bound: 0.05, measured: '3.93%' },
    // each level's threshold is at or above the one its false-match rate needs
    { name: "level 'normal' ≥ threshold at FMR 1e-4", value: levels.normal, op: '>=', bound: r.operatingPoints['fmr1e-4'].threshold },
    { name: "level 'high' ≥ threshold at FMR 1e-5", value: levels.high, op: '>=', bound: r.operatingPoints['fmr1e-5'].threshold },
    { name: "level 'very-high' ≥ highest impostor", value: levels['very-high'], op: '>=', bound: r.operatingPoints['above-all-impostors'].threshold },
    { name: "'very-high': enrolled people taken for someone else", value: r.operatingPoints['above-all-impostors'].misidentified, op: '==', bound: 0 },
  ]
}

export function floorHolds(f: Floor): boolean {
  return f.op === '>=' ? f.value >= f.bound : f.op === '<=' ? f.value <= f.bound : f.value === f.bound
}

/** Runs the calibration eval and checks its floors; one line per floor on `out`; returns the exit code. */
export async function checkFloors(
  runEval: (dir: string) => Promise<EvalFigures & Record<string, unknown>>,
  out: (line: string) => void,
  facesDir = FACES_DIR,
): Promise<number> {
  const dir = join(facesDir, 'calibration')
  // the shared face set ships calibration/: its absence is a broken set-up, not a reason to skip
  if (!existsSync(dir)) {
    out(`eval --check-floors: ${dir} is missing (set HADIR_FACES_DIR)`)
    return 1
  }
  const t0 = performance.now()
  const r = await runEval(dir)
  const floors = calibrationFloors(r)
  let failed = 0
  for (const f of floors) {
    const ok = floorHolds(f)
    if (!ok) failed++
    out(`${ok ? 'ok  ' : 'FAIL'} calibration ${f.name}: ${+f.value.toFixed(4)} ${f.op} ${+f.bound.toFixed(4)}${f.measured ? ` (measured ${f.measured})` : ''}`)
  }
  out(`eval --check-floors: ${floors.length - failed}/${floors.length} floors hold on ${dir} (${((performance.now() - t0) / 1000).toFixed(0)} s)`)
  return failed ? 1 : 0
}
