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
import { LIVENESS_DEFAULTS, type LivenessLayers } from '../../src/vision/core/liveness'
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

export async function runLivenessEval(liveDir: string, spoofDir: string, progress: (line: string) => void = () => {}): Promise<LivenessEvalResult> {
  const sets = { live: listImages(liveDir), spoof: listImages(spoofDir) }
  const { pipeline, liveness } = await createNodePipeline({ liveness: true, maxFaces: 10 })
  if (!liveness) throw new Error('liveness scorer was not created')
  const scored: Record<'live' | 'spoof', Scored[]> = { live: [], spoof: [] }
  const counts = { live: sets.live.length, spoof: sets.spoof.length, liveNoFace: 0, spoofNoFace: 0, unreadable: 0 }
  const times: number[] = []
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
          scored[kind].push({ source: name.includes('_') ? (name.split('_')[0] as string) : '(none)', layers: r.layers, fused: r.score })
        } catch (err) {
          if (toApiError(err).code !== 'image-unreadable' && toApiError(err).code !== 'image-too-large') throw err
          counts.unreadable++
        }
      }
    }
  } finally {
    await liveness.dispose()
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
  return { threshold: t, counts, layers, bySource, timingsMs: { livenessP50: q(0.5), livenessP90: q(0.9) } }
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
