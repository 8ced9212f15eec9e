/**
 * `npm run eval -- <dir> [--templates k] [--impostors 0.2] [--flip|--no-flip] [--cache FILE]`
 * `npm run eval -- --check-floors` (the accuracy floors on the calibration set: eval-floors.ts)
 * `npm run eval -- --write-table [dir]` (writes models/fr-feature.score-table.json from dir, default the calibration set)
 *
 * Accuracy of the shipped pipeline on a folder of `<identity>/*.{jpg,jpeg,png}`: the first k photos
 * of each identity are enrolled, the rest are probes; a share of identities (default a third: every
 * 3rd in sorted order) is held out as strangers who are never enrolled (`--impostors loo`: every
 * identity enrolled, each photo also searched against the others). Prints one JSON object: rank-1,
 * verification EER and TAR at FAR 1e-3 / 1e-4 over all photo pairs, open-set FNIR at FPIR 1% and
 * 0.1%, the shipped decision at each security level (stranger acceptance, wrong-person acceptance,
 * miss rate; its thresholds from a score table calibrated on the enrolled people only, so the
 * strangers are people it never saw), failures to detect, per-stage timings. `--cache FILE` keeps
 * embeddings between runs (they are biometric data: only for development, never for a real roster).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { levelExpectations, type SearchHit } from '../../src/shared/face/decide'
import { basename, extname, join, relative } from 'node:path'
import { HadirError, toApiError } from '../../src/shared/api/result'
import { mostProminentFace, type FacePipeline } from '../../src/vision/core/face-pipeline'
import { FaceIndex } from '../server/recognition/face-index'
import { decodeImageFile } from './decode-image'
import { equalErrorRate, fnirAtFpir, percentile, shareAtOrAbove, tarAtFar, type MatedSearch } from './eval-metrics'
import { checkFloors, FACES_DIR } from './eval-floors'
import { createNodePipeline } from './node-vision'
import { buildScoreTable, levelFigures, type ProbeSearch } from './eval-table'
import { embeddingModelTag, modelsDir, recognitionConfig, SCORE_TABLE_FILE } from '../server/models/manifest'

type Options = { dir: string; templates: number; impostorShare: number | 'loo'; flip: boolean; eyes: 'contour' | 'iris'; cache: string | null; writeTable?: boolean }

function parse(argv: string[]): Options {
  const o: Options = { dir: '', templates: 1, impostorShare: 1 / 3, flip: true, eyes: 'contour', cache: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    const next = () => {
      const v = argv[++i]
      if (v === undefined) throw new HadirError('invalid-args', `${a} needs a value`)
      return v
    }
    if (a === '--templates') o.templates = Number(next())
    else if (a === '--impostors') {
      const v = next()
      o.impostorShare = v === 'loo' ? 'loo' : Number(v)
    }
    else if (a === '--flip') o.flip = true
    else if (a === '--no-flip') o.flip = false
    else if (a === '--cache') o.cache = next()
    else if (a === '--iris') o.eyes = 'iris'
    else if (a === '--write-table') o.writeTable = true
    else if (a.startsWith('--')) throw new HadirError('invalid-args', `unknown option ${a}`)
    else if (!o.dir) o.dir = a
    else throw new HadirError('invalid-args', `unexpected argument ${a}`)
  }
  if (!o.dir && o.writeTable) o.dir = join(FACES_DIR, 'calibration')
  if (!o.dir) throw new HadirError('invalid-args', 'usage: npm run eval -- <dir> [--templates k] [--impostors share] [--no-flip] [--cache FILE]')
  if (!Number.isInteger(o.templates) || o.templates < 1) throw new HadirError('invalid-args', '--templates must be a whole number ≥ 1')
  if (o.impostorShare !== 'loo' && !(o.impostorShare > 0 && o.impostorShare < 1)) throw new HadirError('invalid-args', "--impostors must be 'loo' or a share in (0, 1)")
  return o
}

const IMAGE = new Set(['.jpg', '.jpeg', '.png'])
const median = (xs: number[]) => percentile(xs, 50)
const r4 = (x: number) => Math.round(x * 1e4) / 1e4

type Photo = { identity: string; file: string; embedding: Float32Array | null; error?: string }

/** `vision`: an already loaded pipeline (tests share one per worker); default: loaded here with `o.flip` and `o.eyes`. */
export async function runEval(o: Options, progress: (s: string) => void, vision?: FacePipeline): Promise<Record<string, unknown>> {
  if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) throw new HadirError('invalid-args', `${o.dir} is not a folder`)
  const identities = readdirSync(o.dir)
    .filter((n) => !n.startsWith('.') && statSync(join(o.dir, n)).isDirectory())
    .sort()
  const photos: Photo[] = []
  for (const id of identities) {
    for (const f of readdirSync(join(o.dir, id)).sort()) {
      if (IMAGE.has(extname(f).toLowerCase())) photos.push({ identity: id, file: join(o.dir, id, f), embedding: null })
    }
  }
  const cacheKey = (p: Photo) => `${o.flip ? 'flip' : 'plain'}${o.eyes === 'iris' ? '-iris' : ''}:${relative(o.dir, p.file)}`
  const cache: Record<string, string | null> = o.cache && existsSync(o.cache) ? (JSON.parse(readFileSync(o.cache, 'utf8')) as Record<string, string | null>) : {}
  const timings = { decodeMs: [] as number[], detectMs: [] as number[], embedMs: [] as number[] }
  let pipeline: FacePipeline | null = vision ?? null
  let failedToDetect = 0
  let unreadable = 0
  for (const [i, p] of photos.entries()) {
    const key = cacheKey(p)
    if (key in cache) {
      const c = cache[key]
      if (c) p.embedding = new Float32Array(new Uint8Array(Buffer.from(c, 'base64')).buffer)
      else {
        p.error = 'no-face'
        failedToDetect++
      }
      continue
    }
    pipeline ??= (await createNodePipeline({ flipAverage: o.flip, maxFaces: 10, eyes: o.eyes })).pipeline
    if (i % 50 === 0) progress(`eval: ${i}/${photos.length}`)
    try {
      const t0 = performance.now()
      const frame = await decodeImageFile(p.file)
      const t1 = performance.now()
      const faces = await pipeline.detect(frame)
      const t2 = performance.now()
      const idx = mostProminentFace(faces, frame.width, frame.height)
      if (idx < 0) {
        p.error = 'no-face'
        failedToDetect++
        cache[key] = null
        continue
      }
      p.embedding = await pipeline.embed(frame, faces[idx] as (typeof faces)[number])
      timings.decodeMs.push(t1 - t0)
      timings.detectMs.push(t2 - t1)
      timings.embedMs.push(performance.now() - t2)
      cache[key] = Buffer.from(p.embedding.buffer).toString('base64')
    } catch (err) {
      p.error = toApiError(err).code
      unreadable++
    }
  }
  if (o.cache) {
    writeFileSync(o.cache, JSON.stringify(cache), { mode: 0o600 })
    progress(`eval: --cache wrote the embeddings of ${photos.length} photos to ${o.cache}: biometric data, delete it when done`)
  }

  // Open-set protocol. 'loo' (default): every identity is enrolled, and every photo is also a
  // non-mated search against the gallery *without its own identity* (its best other person).
  // A share: every round(1/share)-th identity is held out as an impostor, never enrolled.
  const loo = o.impostorShare === 'loo'
  const step = loo ? Infinity : Math.max(2, Math.round(1 / (o.impostorShare as number)))
  const impostorIds = new Set(identities.filter((_, i) => Number.isFinite(step) && i % step === step - 1))
  const dim = photos.find((p) => p.embedding)?.embedding?.length ?? 512
  const index = new FaceIndex({ modelId: 'eval', modelVersion: '1', dim }, 1024)
  const mated: MatedSearch[] = []
  const nonMated: number[] = []
  const byIdentity = new Map<string, Photo[]>()
  for (const p of photos) if (p.embedding) byIdentity.set(p.identity, [...(byIdentity.get(p.identity) ?? []), p])
  const probes: Photo[] = []
  let enrolledPeople = 0
  for (const [id, list] of byIdentity) {
    if (impostorIds.has(id)) continue
    enrolledPeople++
    for (const p of list.slice(0, o.templates)) index.add(id, p.embedding as Float32Array)
    probes.push(...list.slice(o.templates))
  }
  let rank1 = 0
  const matedSearches: ProbeSearch[] = []
  const strangerSearches: ProbeSearch[] = []
  for (const p of probes) {
    const hit = index.search(p.embedding as Float32Array) as SearchHit | null
    if (hit?.personId === p.identity) rank1++
    mated.push({ truePersonId: p.identity, topPersonId: hit?.personId ?? null, topScore: hit?.similarity ?? -1 })
    matedSearches.push({ truePersonId: p.identity, hit })
  }
  for (const [id, list] of byIdentity) {
    if (!loo && !impostorIds.has(id)) continue
    for (const p of list) {
      const hit = index.search(p.embedding as Float32Array) as SearchHit | null
      if (!hit) continue
      nonMated.push(hit.personId === id ? hit.secondSimilarity : hit.similarity)
      if (!loo) strangerSearches.push({ truePersonId: null, hit })
    }
  }
  // verification over all pairs of embedded photos
  const embedded = photos.filter((p) => p.embedding)
  const genuine: number[] = []
  const impostor: number[] = []
  // the same among the enrolled people only: the levels' table for this run never sees the strangers
  const genuineEnrolled: number[] = []
  const impostorEnrolled: number[] = []
  for (let i = 0; i < embedded.length; i++) {
    const pi = embedded[i] as Photo
    const a = pi.embedding as Float32Array
    const iEnrolled = !impostorIds.has(pi.identity)
    for (let j = i + 1; j < embedded.length; j++) {
      const pj = embedded[j] as Photo
      const b = pj.embedding as Float32Array
      let s = 0
      for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number)
      const same = pi.identity === pj.identity
      ;(same ? genuine : impostor).push(s)
      if (iEnrolled && !impostorIds.has(pj.identity)) (same ? genuineEnrolled : impostorEnrolled).push(s)
    }
  }
  const eer = equalErrorRate(genuine, impostor)
  const t3 = tarAtFar(genuine, impostor, 1e-3)
  const t4 = tarAtFar(genuine, impostor, 1e-4)
  // operating points for security levels: per-comparison false-match rates, and what each
  // threshold gives in open-set search over this gallery
  const impostorMax = impostor.reduce((m, x) => Math.max(m, x), -1)
  const operating = Object.fromEntries(
    [
      ['fmr1e-3', tarAtFar(genuine, impostor, 1e-3).threshold],
      ['fmr1e-4', tarAtFar(genuine, impostor, 1e-4).threshold],
      ['fmr1e-5', tarAtFar(genuine, impostor, 1e-5).threshold],
      ['above-all-impostors', impostorMax + 1e-6],
    ].map(([name, t]) => {
      const threshold = t as number
      const misses = mated.filter((m) => m.topPersonId !== m.truePersonId || m.topScore < threshold).length
      const wrong = mated.filter((m) => m.topPersonId !== m.truePersonId && m.topScore >= threshold).length
      return [
        name,
        {
          threshold: r4(threshold),
          tar: r4(shareAtOrAbove(genuine, threshold)),
          fpir: r4(shareAtOrAbove(nonMated, threshold)),
          fnir: r4(mated.length ? misses / mated.length : Number.NaN),
          /** enrolled people accepted as someone else */
          misidentified: r4(mated.length ? wrong / mated.length : Number.NaN),
        },
      ]
    }),
  )
  const f1 = fnirAtFpir(mated, nonMated, 0.01)
  const f01 = fnirAtFpir(mated, nonMated, 0.001)
  // the shipped decision at each level, its thresholds following this gallery's size
  const tag = embeddingModelTag()
  const shipped = recognitionConfig()
  let runTable: ReturnType<typeof buildScoreTable> | null = null
  try {
    // a small set (the developer set's 16 enrolled people) has too few pairs to fit a tail: no level figures
    runTable = loo ? null : buildScoreTable(genuineEnrolled, impostorEnrolled, tag)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
  }
  const levels = runTable ? levelFigures({ ...shipped, scoreTable: runTable }, index.size, matedSearches, strangerSearches) : null
  const levelsShippedTable = !loo && shipped.scoreTable ? levelFigures(shipped, index.size, matedSearches, strangerSearches) : null
  const table = o.writeTable ? buildScoreTable(genuine, impostor, tag) : null
  if (table) {
    const file = `${modelsDir()}/${SCORE_TABLE_FILE}`
    const { fit, ...numbers } = table
    const doc = {
      $comment: 'Score table of fr-feature (numbers only, no face data): per-comparison false-match rate -> cosine threshold (impostorTail), and share of genuine comparisons below each threshold (genuineMiss). A security level is a target share of a stranger\'s attempts accepted as someone (targetFpir); its threshold for a gallery of n templates is the one at rate 1 - (1 - targetFpir)^(1/n). Rates below observedDownTo come from an exponential fit of the observed tail. See README, Accuracy.',
      $command: 'npm run eval -- --write-table',
      $calibration: { set: `${basename(o.dir)}/ of the shared developer face set (LFW)`, identities: identities.length, photos: photos.length, impostorPairs: impostor.length, genuinePairs: genuine.length, tailFit: fit },
      ...numbers,
    }
    // one [rate, threshold] / [threshold, miss] row per line
    writeFileSync(file, `${JSON.stringify(doc, null, 1).replace(/\[\s+(-?[\d.e-]+),\s+(-?[\d.e-]+)\s+\]/g, '[$1, $2]')}\n`)
    progress(`eval: wrote ${file}`)
  }
  return {
    dir: o.dir,
    pipeline: { flipAverage: o.flip, eyes: o.eyes, templatesPerPerson: o.templates, matcher: 'max over templates', openSet: loo ? 'leave-one-identity-out' : `held-out share ${o.impostorShare}` },
    counts: {
      identities: identities.length,
      photos: photos.length,
      enrolledPeople,
      impostorPeople: impostorIds.size,
      probes: probes.length,
      nonMatedSearches: nonMated.length,
      genuinePairs: genuine.length,
      impostorPairs: impostor.length,
    },
    failuresToDetect: failedToDetect,
    unreadable,
    rank1: r4(probes.length ? rank1 / probes.length : Number.NaN),
    eer: r4(eer.eer),
    eerThreshold: r4(eer.threshold),
    tarAtFar1e3: r4(t3.tar),
    thresholdAtFar1e3: r4(t3.threshold),
    tarAtFar1e4: r4(t4.tar),
    thresholdAtFar1e4: r4(t4.threshold),
    fnirAtFpir1pct: r4(f1.fnir),
    thresholdAtFpir1pct: r4(f1.threshold),
    fnirAtFpir01pct: r4(f01.fnir),
    thresholdAtFpir01pct: r4(f01.threshold),
    operatingPoints: operating,
    /** the shipped decision (one frame) at each level: thresholds from a table of the enrolled people only (leave-strangers-out) */
    levels,
    /** the same with the shipped table (calibrated on every identity of the calibration set: in-sample there) */
    levelsShippedTable,
    /** what the shipped table expects at this gallery size */
    levelsExpected: shipped.scoreTable ? levelExpectations(shipped, index.size) : null,
    galleryTemplates: index.size,
    timingsMs: { decodeP50: r4(median(timings.decodeMs)), detectP50: r4(median(timings.detectMs)), embedP50: r4(median(timings.embedMs)) },
  }
}

const isMain = process.argv[1] && /eval\.ts$|eval\.js$/.test(process.argv[1])
if (isMain) {
  const progress = (s: string) => process.stderr.write(`${s}\n`)
  const argv = process.argv.slice(2)
  const job = argv[0] === '--check-floors' && argv.length === 1
    ? checkFloors((dir) => runEval({ ...parse([dir]), dir }, progress) as ReturnType<Parameters<typeof checkFloors>[0]>, (l) => process.stdout.write(`${l}\n`)).then((code) => {
        process.exitCode = code
      })
    : runEval(parse(argv), progress).then((r) => {
        process.stdout.write(`${JSON.stringify(r)}\n`)
      })
  job.catch((err: unknown) => {
    const e = toApiError(err)
    process.stdout.write(`${JSON.stringify({ error: e })}\n`)
    process.stderr.write(`hadir eval: ${e.message}\n`)
    process.exitCode = 1
  })
}
