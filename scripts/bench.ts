/**
 * `npm run bench`: prints one JSON object of speed and memory figures, measured on this machine with
 * real photos from ../shared/faces, the real models (WASM) and a real SQLite file. A benchmark, not a
 * test: it asserts nothing and never fails on a slow machine.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { decodeImageFile } from '../electron/cli/decode-image'
import { embedSubject } from '../electron/cli/commands'
import { createNodePipeline } from '../electron/cli/node-vision'
import { createApp } from '../electron/server/create-app'
import { defaultMatchThreshold, embeddingModelTag } from '../electron/server/models/manifest'
import { FaceIndex } from '../electron/server/recognition/face-index'

const ROOT = resolve(import.meta.dirname, '..')
const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(ROOT, '..', 'shared', 'faces')
const IDENTITIES = join(FACES, 'identities')

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}
const r1 = (n: number) => Math.round(n * 10) / 10
const mb = (b: number) => Math.round(b / 1048576)
const log = (s: string) => process.stderr.write(`bench: ${s}\n`)

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
  const app = createApp({ dbFile: join(dir, 'bench.db'), hostKind: 'web', modelBaseUrl: '', wasmBaseUrl: '', embeddingModel: tag, threshold: defaultMatchThreshold() })
  try {
    // enrollment throughput: decode + detect + embed + store, one photo per identity
    const t0 = performance.now()
    let enrolled = 0
    for (const [i, file] of photos.entries()) {
      const personId = `p${i}`
      await app.dispatch('people/upsert', { id: personId, name: personId })
      try {
        const e = await embedSubject(pipeline, file)
        const r = await app.dispatch('enrollment/add-template', { personId, modelId: tag.modelId, modelVersion: tag.modelVersion, embedding: Array.from(e) })
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
    for (const n of [1_000, 10_000, 100_000]) {
      const index = new FaceIndex({ ...tag }, n)
      for (let i = 0; i < n; i++) index.add(`p${i % Math.max(1, n / 2)}`, randomUnit(tag.dim, i + 1))
      const ms: number[] = []
      for (let q = 0; q < 30; q++) {
        const probe = randomUnit(tag.dim, 1_000_000 + q)
        const t = performance.now()
        index.search(probe)
        ms.push(performance.now() - t)
      }
      identify[`identify_ms_p50_${n / 1000}k`] = Math.round(pct(ms.slice(5), 50) * 100) / 100
      log(`identify ${n}: ${identify[`identify_ms_p50_${n / 1000}k`]} ms`)
    }
    const mem = process.memoryUsage()
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
        enroll_images_per_s: r1(enrollPerS * 10) / 10,
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

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exitCode = 1
})
