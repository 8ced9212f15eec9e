/**
 * `npm run eval:liveness -- <live-dir> <spoof-dir>`
 *
 * Passive liveness of the shipped pipeline on a folder of live photos and a folder of attacks
 * (jpg, jpeg, png; the most prominent face of each). Prints one JSON object: for every layer and
 * the fused score, the AUC (chance that a live frame scores above an attack), APCER (attacks
 * accepted) and BPCER (live faces refused) at the shipped threshold, and the highest threshold that
 * keeps BPCER ≤ 5% with its APCER; the same rates per source (file-name prefix before the first
 * `_`); frames without a detectable face are counted, not scored; median time of the liveness
 * layers per face.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import { HadirError, toApiError } from '../../src/shared/api/result'
import { LIVENESS_DEFAULTS, type LivenessLayers, type LivenessScorer } from '../../src/vision/core/liveness'
import type { FacePipeline } from '../../src/vision/core/face-pipeline'
import { summarizeTemporal, type TemporalSample } from '../../src/vision/core/temporal'
import { livenessOfFile } from './liveness-cli'
import { createNodePipeline } from './node-vision'

const IMAGE = new Set(['.jpg', '.jpeg', '.png'])
const r4 = (x: number): number => Math.round(x * 1e4) / 1e4

/** What every layer is judged on. */
export const LIVENESS_EVAL_LAYERS = ['frLiveness', 'humanAntispoof', 'humanLiveness', 'gamut', 'bezel', 'screen', 'fused'] as const
export type LivenessEvalLayer = (typeof LIVENESS_EVAL_LAYERS)[number]

export type LayerFigures = {
  auc: number
  /** attacks accepted at the shipped threshold (score ≥ threshold) */
  apcer: number
  /** live faces refused at the shipped threshold */
  bpcer: number
  /** highest threshold with BPCER ≤ 5% */
  thresholdAtBpcer5: number
  apcerAtBpcer5: number
  n: { live: number; spoof: number }
}

export type LivenessEvalResult = {
  threshold: number
  counts: { live: number; spoof: number; liveNoFace: number; spoofNoFace: number; unreadable: number }
  layers: Record<LivenessEvalLayer, LayerFigures>
  /** fused decision at the shipped threshold per source (file-name prefix) */
  bySource: Record<string, { live: number; spoof: number; apcer: number | null; bpcer: number | null }>
  timingsMs: { livenessP50: number; livenessP90: number }
  /**
   * Liveness over time (temporal.ts) on windows of TEMPORAL_WINDOW consecutive frames of one
   * sequence (files whose names differ only after the last `_`): how many windows the shipped rule
   * flags as a picture moved rigidly (that asks for a challenge), how many moved enough to judge,
   * and how many show a blink.
   */
  temporal: Record<'live' | 'spoof', { sequences: number; windows: number; moved: number; rigidMotion: number; blinks: number }>
}

/** Frames per temporal window: the kiosk decides after three quality-passed frames. */
export const TEMPORAL_WINDOW = 3

/**
 * Sequence and order of a frame file: the name up to its last `_` is the sequence, the rest its
 * position (a number; 13+ digit epoch stamps with their fraction run together, as spoof-screen's,
 * are read as seconds.fraction).
 */
export function sequenceOf(name: string): { sequence: string; position: number } {
  const stem = name.replace(/\.[^.]+$/, '')
  const cut = stem.lastIndexOf('_')
  if (cut < 0) return { sequence: stem, position: 0 }
  const tail = stem.slice(cut + 1)
  const position = /^\d{13,}$/.test(tail) ? Number(`${tail.slice(0, 10)}.${tail.slice(10)}`) : /^\d+$/.test(tail) ? Number(tail) : 0
  return { sequence: stem.slice(0, cut), position }
}

/** Windows of consecutive frames per sequence, judged by the shipped temporal rule. */
export function temporalFigures(samples: ReadonlyArray<{ name: string; sample: Omit<TemporalSample, 't'> }>): LivenessEvalResult['temporal']['live'] {
  const bySeq = new Map<string, Array<{ position: number; sample: Omit<TemporalSample, 't'> }>>()
  for (const { name, sample } of samples) {
    const { sequence, position } = sequenceOf(name)
    const list = bySeq.get(sequence) ?? []
    list.push({ position, sample })
    bySeq.set(sequence, list)
  }
  const out = { sequences: 0, windows: 0, moved: 0, rigidMotion: 0, blinks: 0 }
  for (const list of bySeq.values()) {
    if (list.length < TEMPORAL_WINDOW) continue
    out.sequences++
    list.sort((a, b) => a.position - b.position)
    for (let i = 0; i + TEMPORAL_WINDOW <= list.length; i++) {
      const e = summarizeTemporal(list.slice(i, i + TEMPORAL_WINDOW).map((x) => ({ ...x.sample, t: x.position })))
      out.windows++
      if (e.motion >= 0.08) out.moved++
      if (e.rigidMotion) out.rigidMotion++
      if (e.blinks > 0) out.blinks++
    }
  }
  return out
}

/** P(live score > attack score), ties count half. */
export function auc(live: readonly number[], spoof: readonly number[]): number {
  if (!live.length || !spoof.length) return Number.NaN
  let s = 0
  for (const l of live) for (const a of spoof) s += l > a ? 1 : l === a ? 0.5 : 0
  return s / (live.length * spoof.length)
}

/** The highest threshold t (live when score ≥ t) refusing at most `rate` of the live scores. */
export function thresholdAtBpcer(live: readonly number[], rate: number): number {
  if (!live.length) return Number.NaN
  const s = [...live].sort((a, b) => a - b)
  return s[Math.floor(rate * s.length)] as number
}

const share = (xs: readonly number[], pred: (x: number) => boolean): number => (xs.length ? xs.filter(pred).length / xs.length : Number.NaN)

/** Figures of one layer from its live and attack scores. */
export function layerFigures(live: readonly number[], spoof: readonly number[], threshold: number): LayerFigures {
  const t5 = thresholdAtBpcer(live, 0.05)
  return {
    auc: r4(auc(live, spoof)),
    apcer: r4(share(spoof, (x) => x >= threshold)),
    bpcer: r4(share(live, (x) => x < threshold)),
    thresholdAtBpcer5: r4(t5),
    apcerAtBpcer5: r4(share(spoof, (x) => x >= t5)),
    n: { live: live.length, spoof: spoof.length },
  }
}

function listImages(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new HadirError('invalid-args', `${dir} is not a folder`)
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && IMAGE.has(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(dir, f))
}

type Scored = { source: string; layers: LivenessLayers; fused: number }

/** `vision`: an already loaded pipeline and scorer (tests share one per worker; left open); default: loaded here and disposed. */
export async function runLivenessEval(
  liveDir: string,
  spoofDir: string,
  progress: (line: string) => void = () => {},
  vision?: { pipeline: FacePipeline; liveness: LivenessScorer },
): Promise<LivenessEvalResult> {
  const sets = { live: listImages(liveDir), spoof: listImages(spoofDir) }
  const { pipeline, liveness } = vision ?? (await createNodePipeline({ liveness: true, maxFaces: 10 }))
  if (!liveness) throw new Error('liveness scorer was not created')
  const scored: Record<'live' | 'spoof', Scored[]> = { live: [], spoof: [] }
  const counts = { live: sets.live.length, spoof: sets.spoof.length, liveNoFace: 0, spoofNoFace: 0, unreadable: 0 }
  const times: number[] = []
  const samples: Record<'live' | 'spoof', Array<{ name: string; sample: Omit<TemporalSample, 't'> }>> = { live: [], spoof: [] }
  try {
    for (const kind of ['live', 'spoof'] as const) {
      for (const [i, file] of sets[kind].entries()) {
        if (i % 20 === 0) progress(`eval:liveness ${kind} ${i}/${sets[kind].length}`)
        try {
          const r = await livenessOfFile(pipeline, liveness, file)
          if (!r.face) {
            counts[kind === 'live' ? 'liveNoFace' : 'spoofNoFace']++
            continue
          }
          times.push(r.livenessMs)
          const name = file.split(/[\\/]/).pop() as string
          if (r.sample) samples[kind].push({ name, sample: r.sample })
          scored[kind].push({ source: name.includes('_') ? (name.split('_')[0] as string) : '(none)', layers: r.layers, fused: r.score })
        } catch (err) {
          if (toApiError(err).code !== 'image-unreadable' && toApiError(err).code !== 'image-too-large') throw err
          counts.unreadable++
        }
      }
    }
  } finally {
    if (!vision) await liveness.dispose()
  }
  const t = LIVENESS_DEFAULTS.threshold
  const pick = (s: Scored[], layer: LivenessEvalLayer): number[] =>
    s.map((x) => (layer === 'fused' ? x.fused : x.layers[layer])).filter((v): v is number => typeof v === 'number')
  const layers = Object.fromEntries(LIVENESS_EVAL_LAYERS.map((l) => [l, layerFigures(pick(scored.live, l), pick(scored.spoof, l), t)])) as Record<LivenessEvalLayer, LayerFigures>
  const bySource: LivenessEvalResult['bySource'] = {}
  for (const src of new Set([...scored.live, ...scored.spoof].map((x) => x.source))) {
    const l = scored.live.filter((x) => x.source === src).map((x) => x.fused)
    const s = scored.spoof.filter((x) => x.source === src).map((x) => x.fused)
    bySource[src] = { live: l.length, spoof: s.length, apcer: s.length ? r4(share(s, (x) => x >= t)) : null, bpcer: l.length ? r4(share(l, (x) => x < t)) : null }
  }
  const sorted = [...times].sort((a, b) => a - b)
  const q = (p: number) => (sorted.length ? r4(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number) : Number.NaN)
  const temporal = { live: temporalFigures(samples.live), spoof: temporalFigures(samples.spoof) }
  return { threshold: t, counts, layers, bySource, timingsMs: { livenessP50: q(0.5), livenessP90: q(0.9) }, temporal }
}

async function main(argv: string[]): Promise<number> {
  const [liveDir, spoofDir, ...rest] = argv
  if (!liveDir || !spoofDir || rest.length) {
    process.stderr.write('usage: npm run eval:liveness -- <live-dir> <spoof-dir>\n')
    return 2
  }
  const r = await runLivenessEval(liveDir, spoofDir, (line) => process.stderr.write(`${line}\n`))
  process.stdout.write(`${JSON.stringify(r)}\n`)
  return 0
}

if (process.argv[1] && /eval-liveness\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      const e = toApiError(err)
      process.stdout.write(`${JSON.stringify({ error: e })}\n`)
      process.stderr.write(`eval:liveness: ${e.message}\n`)
      process.exitCode = 1
    },
  )
}
