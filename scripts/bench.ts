/**
 * `npm run bench`: prints one JSON object of speed and memory figures, measured on this machine with
 * real photos from ../shared/faces, the real models (WASM) and a real SQLite file. A benchmark, not a
 * test: it asserts nothing and never fails on a slow machine.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { match as HumanMatch } from '@vladmandic/human'
import { decodeImageFile } from '../electron/cli/decode-image'
import { embedSubject } from '../electron/cli/commands'
import { percentile } from '../electron/cli/eval-metrics'
import { createNodePipeline } from '../electron/cli/node-vision'
import { createApp } from '../electron/server/create-app'
import { embeddingModelTag, recognitionConfig } from '../electron/server/models/manifest'
import { FaceIndex } from '../electron/server/recognition/face-index'
import { launchChromium } from '../e2e/fixtures/browser'
import { LIVE_PERSON } from '../e2e/fixtures/live-person'
import { sequenceRun } from '../e2e/fixtures/fake-camera'
import { frameOfFile } from '../electron/cli/eval-liveness-frames'
import { frameTimes } from '../electron/cli/liveness-cli'
import { trackEvidence } from '../src/vision/core/track-liveness'
import { CHROMIUM } from '../e2e/fixtures/paths'
import { enrollWithCli, makeDataDir, startWebHost } from '../e2e/fixtures/web-host'
import { startHrServer } from '../e2e/hr-server/server'
import { kioskForSync, TEST_SECRET } from '../electron/server/sync/testing/kiosk-for-sync'

const ROOT = resolve(import.meta.dirname, '..')
const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(ROOT, '..', 'shared', 'faces')
const IDENTITIES = join(FACES, 'identities')

const pct = percentile
const r1 = (n: number) => Math.round(n * 10) / 10
const mb = (b: number) => Math.round(b / 1048576)
const log = (s: string) => process.stderr.write(`bench: ${s}\n`)
const requireCjs = createRequire(import.meta.url)

/** Human's own matcher (`human.match`), from the node-wasm build the CLI uses */
function humanMatch(): typeof HumanMatch {
  const humanPath = join(dirname(requireCjs.resolve('@vladmandic/human')), 'human.node-wasm.js')
  return (requireCjs(humanPath) as { match: typeof HumanMatch }).match
}

function randomUnit(dim: number, seed: number): Float32Array {
  // deterministic xorshift so runs compare
  let x = seed * 2654435761 || 1
  const v = new Float32Array(dim)
  let n = 0
  for (let i = 0; i < dim; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    const g = ((x >>> 0) / 4294967296) * 2 - 1
    v[i] = g
    n += g * g
  }
  n = Math.sqrt(n)
  for (let i = 0; i < dim; i++) v[i] = (v[i] as number) / n
  return v
}

async function main(): Promise<void> {
  const rssStart = process.memoryUsage().rss
  const tag = embeddingModelTag()
  const { pipeline, loadMs } = await createNodePipeline({ maxFaces: 5 })
  const rssModels = process.memoryUsage().rss
  log(`models loaded in ${r1(loadMs)} ms`)

  // one camera-sized frame through every stage: detect + mesh, align + embed, 1:N match
  const photos = readdirSync(IDENTITIES)
    .sort()
    .map((p) => join(IDENTITIES, p, readdirSync(join(IDENTITIES, p)).sort()[0] as string))
  const dir = mkdtempSync(join(tmpdir(), 'hadir-bench-'))
  const app = createApp({ dbFile: join(dir, 'bench.db'), hostKind: 'web', modelBaseUrl: '', wasmBaseUrl: '', embeddingModel: tag, recognition: recognitionConfig() })
  try {
    // enrollment throughput: decode + detect + embed + store, one photo per identity
    const t0 = performance.now()
    let enrolled = 0
    for (const [i, file] of photos.entries()) {
      const personId = `p${i}`
      await app.dispatch('people/upsert', { id: personId, name: personId })
      try {
        const e = await embedSubject(pipeline, file)
        const r = await app.dispatch('enrollment/add-template', { personId, consentBy: 'bench', modelId: tag.modelId, modelVersion: tag.modelVersion, embedding: Array.from(e) })
        if (r.ok) enrolled++
      } catch {
        /* a photo without a usable face still counts as processed */
      }
    }
    const enrollPerS = photos.length / ((performance.now() - t0) / 1000)
    log(`enrolled ${enrolled}/${photos.length}`)

    const frames = []
    for (const file of photos.slice(0, 12)) frames.push(await decodeImageFile(file))
    const decodeMs: number[] = []
    for (const file of photos.slice(0, 12)) {
      const t = performance.now()
      await decodeImageFile(file)
      decodeMs.push(performance.now() - t)
    }
    const pipelineMs: number[] = []
    const detectMs: number[] = []
    const embedMs: number[] = []
    for (let round = 0; round < 4; round++) {
      for (const frame of frames) {
        const t = performance.now()
        const { faces, timings } = await pipeline.analyze(frame, { maxFaces: 1 })
        const face = faces[0]
        if (face) await app.dispatch('recognition/identify', { modelId: tag.modelId, modelVersion: tag.modelVersion, embedding: Array.from(face.embedding) })
        if (round > 0) {
          pipelineMs.push(performance.now() - t)
          detectMs.push(timings.detectMs)
          embedMs.push(timings.embedMs)
        }
      }
    }
    log(`pipeline over ${pipelineMs.length} frames`)

    // 1:N over synthetic galleries of unit vectors (speed only; accuracy is measured on real faces)
    const identify: Record<string, number> = {}
    let index100k: FaceIndex | null = null
    for (const n of [1_000, 10_000, 100_000]) {
      const index = new FaceIndex({ ...tag }, n)
      for (let i = 0; i < n; i++) index.add(`p${i % Math.max(1, n / 2)}`, randomUnit(tag.dim, i + 1))
      const ms: number[] = []
      let rescored = 0
      for (let q = 0; q < 30; q++) {
        const probe = randomUnit(tag.dim, 1_000_000 + q)
        const t = performance.now()
        index.search(probe)
        ms.push(performance.now() - t)
        rescored = Math.max(rescored, index.lastRescoredRows)
      }
      identify[`identify_ms_p50_${n / 1000}k`] = Math.round(pct(ms.slice(5), 50) * 100) / 100
      log(`identify ${n}: ${identify[`identify_ms_p50_${n / 1000}k`]} ms (${index.simd ? 'wasm simd' : 'js'} int8 scan, at most ${rescored} rows rescored)`)
      if (n === 100_000) {
        identify['identify_bytes_per_template'] = index.bytesPerTemplate
        index100k = index
      }
    }
    const mem = process.memoryUsage()

    // Human's own matcher over the same 100k gallery (number[][], as its API takes); after the
    // memory snapshot, so its ~0.4 GB of JS arrays do not count in the figures above
    const match = humanMatch()
    const gallery: number[][] = []
    for (let i = 0; i < 100_000; i++) gallery.push(Array.from(randomUnit(tag.dim, i + 1)))
    const hms: number[] = []
    let agree = 0
    for (let q = 0; q < 7; q++) {
      const probe = Array.from(randomUnit(tag.dim, 1_000_000 + q))
      const t = performance.now()
      const found = match.find(probe, gallery)
      hms.push(performance.now() - t)
      // same gallery, same person naming: Human's nearest row must be our best person
      if (index100k?.search(probe)?.personId === `p${found.index % 50_000}`) agree++
    }
    log(`human.match.find and FaceIndex agree on ${agree}/7 probes`)
    const human = pct(hms.slice(2), 50)
    identify['human_match_ms_p50_100k'] = r1(human)
    identify['identify_speedup_vs_human_100k'] = r1(human / (identify['identify_ms_p50_100k'] as number))
    log(`human.match.find 100000: ${r1(human)} ms`)
    log('liveness layers per face (Node)')
    const livenessMs: number[] = []
    const trackMs: number[] = []
    {
      const withLiveness = await createNodePipeline({ maxFaces: 5, liveness: true })
      const scorer = withLiveness.liveness
      if (scorer) {
        for (const frame of frames) {
          const faces = await withLiveness.pipeline.detect(frame)
          const face = faces[0]
          if (!face) continue
          const t = performance.now()
          await scorer.score(frame, face)
          livenessMs.push(performance.now() - t)
        }
      }
      // the whole-presentation decision (scene motion, planar motion, the rule) over a real track:
      // 7 frames of a live webcam run, every 4th frame as the kiosk sees them
      if (scorer) {
        const run = sequenceRun(FACES, 'spp77', 'live')
        const files = readdirSync(run).filter((f) => f.endsWith('.jpg')).sort().filter((_, i) => i % 4 === 0).slice(0, 7)
        const { times } = frameTimes(files.map((f) => join(run, f)), null)
        const track = []
        for (const [i, f] of files.entries()) {
          const ef = await frameOfFile(withLiveness.pipeline, scorer, join(run, f), times[i] as number)
          if (ef) track.push(ef.track)
        }
        for (let k = 0; k < 30; k++) {
          const t = performance.now()
          trackEvidence(track)
          trackMs.push(performance.now() - t)
        }
        await scorer.dispose()
      }
    }
    log('HR sync: 10,000 queued events drained to the local reference HR server')
    const syncDrain = await syncDrainPerS()
    log('decision latency in Chromium (fake camera), liveness off and on')
    const decisionOff = await decisionLatency('off')
    const decision = await decisionLatency('normal')
    const cold = await coldStart()
    process.stdout.write(
      `${JSON.stringify({
        machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
        model_load_ms: r1(loadMs),
        pipeline_ms_p50: r1(pct(pipelineMs, 50)),
        pipeline_ms_p95: r1(pct(pipelineMs, 95)),
        detect_ms_p50: r1(pct(detectMs, 50)),
        embed_ms_p50: r1(pct(embedMs, 50)),
        decode_ms_p50: r1(pct(decodeMs, 50)),
        ...identify,
        liveness_ms_p50: livenessMs.length ? r1(pct(livenessMs, 50)) : null,
        liveness_track_ms_p50: trackMs.length ? r1(pct(trackMs.slice(5), 50)) : null,
        decision_ms_p50_liveness_off: decisionOff.p50,
        decision_ms_p50: decision.p50,
        decision_samples: decision.samples + decisionOff.samples,
        cold_start_ms: cold.coldStartMs,
        first_decision_ms: cold.firstDecisionMs,
        host_listening_ms: cold.hostListeningMs,
        cold_start_samples: cold.samples,
        ...(cold.note ? { cold_start_note: cold.note } : {}),
        ...(decision.note ? { decision_note: decision.note } : {}),
        enroll_images_per_s: r1(enrollPerS * 10) / 10,
        sync_drain_events_per_s: syncDrain,
        rss_mb_start: mb(rssStart),
        rss_mb_models_loaded: mb(rssModels),
        rss_mb_end: mb(mem.rss),
        heap_used_mb_end: mb(mem.heapUsed),
      })}\n`,
    )
  } finally {
    app.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Decision latency in Chromium with the fake camera (the web kiosk, WASM): from the first frame in
 * which the face is found to the banner, as the kiosk itself records it (`data-decision-ms`), over
 * several consecutive decisions. Null with a reason when Chromium is not installed.
 */
async function decisionLatency(strictness: 'off' | 'normal'): Promise<{ p50: number | null; samples: number; note?: string }> {
  if (!existsSync(CHROMIUM)) return { p50: null, samples: 0, note: `no Chromium at ${CHROMIUM}` }
  if (!existsSync(join(ROOT, 'out', 'main', 'host.js'))) {
    const b = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: ROOT, stdio: 'ignore' })
    if (b.status !== 0) return { p50: null, samples: 0, note: 'electron-vite build failed' }
  }
  const dataDir = makeDataDir()
  enrollWithCli(dataDir, { [LIVE_PERSON.id]: [LIVE_PERSON.enroll] })
  const host = await startWebHost(dataDir)
  // settings are an admin's: set the first PIN (which opens admin mode), then change the strictness
  const post = async (method: string, args: unknown) => (await host.call(method, args)) as { ok: boolean; data?: { token?: string }; error?: { message: string } }
  const session = await post('admin/set-pin', { pin: '20261122' })
  // liveness off is a sensitive change: the PIN again
  const changed = await post('settings/update', { token: session.data?.token, pin: '20261122', livenessStrictness: strictness })
  if (!changed.ok) throw new Error(`bench: cannot set liveness strictness: ${changed.error?.message ?? 'unknown error'}`)
  const browser = await launchChromium({ y4m: LIVE_PERSON.camera() })
  const samples: number[] = []
  try {
    // the kiosk decides once per face, so each sample is a fresh page (models load from cache)
    const page = await browser.newPage()
    const deadline = Date.now() + 180_000
    // the first load pairs the page with the host's one-time launch code; the reloads keep its session
    let target = host.launchUrl
    while (samples.length < 5 && Date.now() < deadline) {
      await page.goto(target)
      target = host.url
      const kiosk = page.getByTestId('kiosk')
      await kiosk.waitFor()
      const until = Date.now() + 60_000
      while (Date.now() < until) {
        const v = await kiosk.getAttribute('data-decision-ms')
        if (v) {
          samples.push(Number(v))
          break
        }
        await page.waitForTimeout(100)
      }
    }
  } finally {
    await browser.close()
    await host.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { p50: samples.length ? r1(pct(samples, 50)) : null, samples: samples.length }
}

/**
 * Cold start of the web kiosk as a restart after a crash or a power cut sees it: `npm run start:web`
 * (scripts/start.mjs: build check, the host, which checks the models) is spawned, and a Chromium page (a fresh
 * browser context each time: nothing cached) opens its URL. `cold_start_ms`: host process spawned →
 * kiosk ready (models loaded and camera open, the kiosk's own `data-ready-at`); `first_decision_ms`:
 * ready → the first decision on screen (`data-first-decision-at`; an enrolled face on the fake
 * camera, liveness on). The browser itself is launched once beforehand (its launch is reported as
 * the note's `browser_launch_ms`). Medians over 3 starts.
 */
async function coldStart(): Promise<{ coldStartMs: number | null; firstDecisionMs: number | null; hostListeningMs: number | null; samples: number; note?: string }> {
  const none = { coldStartMs: null, firstDecisionMs: null, hostListeningMs: null, samples: 0 }
  if (!existsSync(CHROMIUM)) return { ...none, note: `no Chromium at ${CHROMIUM}` }
  const dataDir = makeDataDir()
  enrollWithCli(dataDir, { [LIVE_PERSON.id]: [LIVE_PERSON.enroll] })
  const tb = Date.now()
  const browser = await launchChromium({ y4m: LIVE_PERSON.camera() })
  const browserLaunchMs = Date.now() - tb
  const ready: number[] = []
  const first: number[] = []
  const listening: number[] = []
  try {
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now()
      const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--web'], {
        cwd: ROOT,
        env: { ...process.env, HADIR_DATA_DIR: dataDir, HADIR_PORT: '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      try {
        const url = await new Promise<string>((resolveUrl, reject) => {
          let out = ''
          const timer = setTimeout(() => reject(new Error('bench: the web host printed no URL in 60 s')), 60_000)
          child.stdout?.on('data', (d: Buffer) => {
            out += d.toString()
            // the printed launch URL, with its one-time pairing code (#pair=…)
            const m = /Hadir web kiosk: (http:\/\/127\.0\.0\.1:\d+\/(#pair=[A-Za-z0-9_-]+)?)\n/.exec(out)
            if (m) {
              clearTimeout(timer)
              resolveUrl(m[1] as string)
            }
          })
          child.once('exit', (code) => reject(new Error(`bench: the web host exited (${code})`)))
        })
        listening.push(Date.now() - t0)
        const context = await browser.newContext()
        const page = await context.newPage()
        await page.goto(url)
        const kiosk = page.getByTestId('kiosk')
        const until = Date.now() + 120_000
        let readyAt = 0
        let firstAt = 0
        while (Date.now() < until && !firstAt) {
          readyAt ||= Number((await kiosk.getAttribute('data-ready-at')) ?? 0)
          firstAt = Number((await kiosk.getAttribute('data-first-decision-at')) ?? 0)
          if (!firstAt) await page.waitForTimeout(50)
        }
        if (readyAt) ready.push(readyAt - t0)
        if (readyAt && firstAt) first.push(firstAt - readyAt)
        await context.close()
      } finally {
        const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())))
        child.kill('SIGTERM')
        await exited
      }
    }
  } finally {
    await browser.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  const med = (xs: number[]) => (xs.length ? r1(pct(xs, 50)) : null)
  return { coldStartMs: med(ready), firstDecisionMs: med(first), hostListeningMs: med(listening), samples: ready.length, note: `browser_launch_ms ${browserLaunchMs} (once, not counted)` }
}

/** 10,000 events queued offline, drained to the reference HR server on 127.0.0.1 (both on real SQLite files). */
async function syncDrainPerS(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hadir-bench-sync-'))
  const server = await startHrServer({ dbFile: join(dir, 'hr.db'), secret: TEST_SECRET })
  const kiosk = await kioskForSync({ dbFile: join(dir, 'kiosk.db'), hrUrl: server.url })
  try {
    kiosk.queue(10_000)
    const t0 = performance.now()
    for (let i = 0; i < 100 && kiosk.app.sync.status().queued > 0; i++) await kiosk.app.sync.syncOnce({ force: true })
    const s = (performance.now() - t0) / 1000
    if (server.stats().events !== 10_000) throw new Error(`bench: HR holds ${server.stats().events} events, expected 10000`)
    return Math.round(10_000 / s)
  } finally {
    await kiosk.close()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

// `npm run bench -- --cold-start`: only the start-up figures
const job = process.argv.includes('--cold-start') ? coldStart().then((c) => process.stdout.write(`${JSON.stringify({ cold_start_ms: c.coldStartMs, first_decision_ms: c.firstDecisionMs, host_listening_ms: c.hostListeningMs, cold_start_samples: c.samples, cold_start_note: c.note })}\n`)) : main()
job.catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exitCode = 1
})
