/**
 * `npm run --silent cli -- liveness <file...>`: the single-frame liveness outcome for the most
 * prominent face of each photo, one JSON line per file:
 *   {"file", "live", "score", "layers": {frLiveness, humanAntispoof, humanLiveness, screen, gamut, bezel}, "reasons"}
 * `score` is fr_liveness.onnx's P(live); `live` true is the rule's `live`; otherwise `reasons` says
 * `liveness_uncertain` (the kiosk would ask for a challenge) or `spoof_detected` (refused outright).
 * A file that cannot be read gives {"file", "error": {code, message}} and the tool goes on; a photo
 * with no face gives live false with reasons ["quality_low"].
 *
 * `npm run --silent cli -- liveness --track f1.jpg f2.jpg …` (the frames of one presentation, in time
 * order): one JSON line {"files", "decision": "live" | "challenge" | "spoof", "score", "layers",
 * "reasons"} with the rule the kiosk uses (vision/core/track-liveness.ts). Frame times come from a
 * `frames.csv` beside the frames (n,original_path,timestamp_s; as ../shared/faces/sequences), else
 * from capture-time file names (epoch seconds with the fraction run on), else `--fps N`; without
 * any, 10 frames a second are assumed and the track cannot be `live`. A track with frames of
 * different sizes, of two different people, without a face in some frames, out of time order, or of
 * a single frame says so in `reasons` and is never `live` on less evidence than the rule needs.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { toApiError } from '../../src/shared/api/result'
import { cosine } from '../../src/shared/face/match'
import { chooseSubject, mostProminentFace, type DetectedFace, type FacePipeline } from '../../src/vision/core/face-pipeline'
import type { RgbFrame } from '../../src/vision/core/frame'
import type { LivenessResult, LivenessScorer } from '../../src/vision/core/liveness'
import { assessQuality, DEFAULT_QUALITY } from '../../src/vision/core/quality'
import { greyThumb } from '../../src/vision/core/scene-motion'
import { flattenMesh, type TemporalSample } from '../../src/vision/core/temporal'
import { trackEvidence, type TrackFrame } from '../../src/vision/core/track-liveness'
import { decodeImageFile } from './decode-image'
import { eachFile } from './each-file'
import { createNodePipeline } from './node-vision'

export type LivenessIo = { out(line: string): void; progress(line: string): void }

/** A frame with no face: no layer ran (frLiveness 0 = no evidence of a live face). */
const NO_FACE: LivenessResult = {
  live: false,
  score: 0,
  layers: { frLiveness: 0, humanAntispoof: null, humanLiveness: null, screen: null, gamut: null, bezel: null },
  reasons: ['quality_low'],
  outcome: 'challenge',
}

/**
 * Liveness of the most prominent face in one image file, with the time the liveness layers took and
 * the face's mesh sample (for the temporal evaluation of consecutive frames).
 */
export async function livenessOfFile(
  pipeline: FacePipeline,
  scorer: LivenessScorer,
  file: string,
): Promise<LivenessResult & { face: boolean; livenessMs: number; sample?: Omit<TemporalSample, 't'> }> {
  const frame = await decodeImageFile(file)
  const faces = await pipeline.detect(frame)
  const i = mostProminentFace(faces, frame.width, frame.height)
  if (i < 0) return { ...NO_FACE, layers: { ...NO_FACE.layers }, reasons: [...NO_FACE.reasons], face: false, livenessMs: 0 }
  const t0 = performance.now()
  const face = faces[i] as (typeof faces)[number]
  const r = await scorer.score(frame, face)
  const livenessMs = performance.now() - t0
  const sample = { box: face.box, mesh: flattenMesh(face.mesh), eyeOpenness: assessQuality(frame, face, DEFAULT_QUALITY).metrics.eyeOpenness }
  return { ...r, face: true, livenessMs, sample }
}

/** Runs the `liveness` command; returns the exit code (0 once every file has its line). */
export async function runLivenessCommand(files: string[], io: LivenessIo): Promise<number> {
  const { pipeline, liveness } = await createNodePipeline({ liveness: true, maxFaces: 10 })
  if (!liveness) throw new Error('liveness scorer was not created')
  try {
    await eachFile(files, io, 'liveness', async (file) => {
      const r = await livenessOfFile(pipeline, liveness, file)
      return { live: r.live, score: r.score, layers: r.layers, reasons: r.reasons }
    })
  } finally {
    await liveness.dispose()
  }
  return 0
}

/** Capture times (s) of frames, from a frames.csv in their folder: basename → timestamp. */
function framesCsvTimes(dir: string): Map<string, number> | null {
  const csv = join(dir, 'frames.csv')
  if (!existsSync(csv)) return null
  const out = new Map<string, number>()
  for (const line of readFileSync(csv, 'utf8').split(/\r?\n/).slice(1)) {
    const [n, , ts] = line.split(',')
    if (n === undefined || ts === undefined || !/^\d+$/.test(n.trim())) continue
    const t = Number(ts)
    if (Number.isFinite(t)) out.set(`${n.trim().padStart(3, '0')}.jpg`, t)
  }
  return out
}

/** Capture time (s) of a file named by its capture time: 13+ digits = epoch seconds with the fraction run on. */
function stampOf(file: string): number | null {
  const m = /(\d{13,})\.[a-z]+$/i.exec(basename(file))
  return m ? Number(`${(m[1] as string).slice(0, 10)}.${(m[1] as string).slice(10)}`) : null
}

/** Frame times in ms (relative to the first) and how they were found. */
export function frameTimes(files: readonly string[], fps: number | null): { times: number[]; source: 'frames.csv' | 'file-names' | 'fps' | 'assumed' } {
  const csv = files.length ? framesCsvTimes(dirname(files[0] as string)) : null
  const fromCsv = csv ? files.map((f) => csv.get(basename(f)) ?? null) : null
  if (fromCsv && fromCsv.every((t) => t !== null) && files.every((f) => dirname(f) === dirname(files[0] as string))) {
    const t0 = fromCsv[0] as number
    return { times: fromCsv.map((t) => ((t as number) - t0) * 1000), source: 'frames.csv' }
  }
  const stamps = files.map(stampOf)
  if (stamps.every((t) => t !== null)) return { times: stamps.map((t) => ((t as number) - (stamps[0] as number)) * 1000), source: 'file-names' }
  return { times: files.map((_, i) => (i * 1000) / (fps ?? 10)), source: fps ? 'fps' : 'assumed' }
}

export type TrackLivenessLine = { files: string[]; decision: 'live' | 'challenge' | 'spoof'; score: number; layers: Record<string, number | null>; reasons: string[] }

/** One frame of a track as the kiosk sees it, or why it is not one. */
type TrackInputFrame = { frame: TrackFrame; embedding: Float32Array | null; width: number; height: number } | { skip: 'unreadable' | 'no-face' | 'several-faces' }

async function trackFrameOf(pipeline: FacePipeline, scorer: LivenessScorer, file: string, t: number): Promise<TrackInputFrame> {
  let frame: RgbFrame
  try {
    frame = await decodeImageFile(file)
  } catch (err) {
    const code = toApiError(err).code
    if (code === 'image-unreadable' || code === 'image-too-large') return { skip: 'unreadable' }
    throw err
  }
  const faces = await pipeline.detect(frame)
  if (faces.length === 0) return { skip: 'no-face' }
  const choice = chooseSubject(faces, frame.width, frame.height)
  if (choice.kind !== 'one') return { skip: 'several-faces' }
  const face = faces[choice.index] as DetectedFace
  const quality = assessQuality(frame, face, DEFAULT_QUALITY)
  // as the kiosk: the passive score and the embedding only on quality-passed frames
  const passive = quality.ok ? await scorer.score(frame, face) : null
  const embedding = quality.ok ? await pipeline.embed(frame, face) : null
  return {
    frame: { t, box: face.box, mesh: flattenMesh(face.mesh), eyeOpenness: quality.metrics.eyeOpenness, yawDeg: quality.metrics.yawDeg, thumb: greyThumb(frame), passive },
    embedding,
    width: frame.width,
    height: frame.height,
  }
}

/**
 * Frames of one person stay above this cosine to the track's other frames (fr_feature,
 * flip-averaged; ../shared/MODELS.md puts a false-match rate of 1e-3 at ≈ 0.34 on LFW): lower than
 * the security levels because a frame is compared with frames seconds apart, not an enrollment
 * photo, and an unlike frame is only left out.
 */
const SAME_FACE = 0.3

const meanOf = (vs: readonly Float32Array[]): Float32Array => {
  const m = new Float32Array((vs[0] as Float32Array).length)
  for (const v of vs) for (let i = 0; i < m.length; i++) m[i] = (m[i] as number) + (v[i] as number)
  return m
}

/** The decision over one presentation's frames (see the file comment); `sameFace` is the cosine two frames of one person reach. */
export async function trackLiveness(
  pipeline: FacePipeline,
  scorer: LivenessScorer,
  files: readonly string[],
  opts: { fps?: number | null; sameFace?: number } = {},
): Promise<TrackLivenessLine> {
  const reasons = new Set<string>()
  const { times, source } = frameTimes(files, opts.fps ?? null)
  if (source === 'assumed') reasons.add('timing-assumed')
  if (files.length < 2) reasons.add('single-frame')
  for (let i = 1; i < times.length; i++) if ((times[i] as number) < (times[i - 1] as number)) reasons.add('out-of-order')
  const frames: TrackFrame[] = []
  const embeddings: Float32Array[] = []
  let unlike = 0
  let size: string | null = null
  for (const [i, file] of files.entries()) {
    const f = await trackFrameOf(pipeline, scorer, file, times[i] as number)
    if ('skip' in f) {
      reasons.add(f.skip === 'unreadable' ? 'unreadable-frames' : f.skip === 'no-face' ? 'no-face-in-some-frames' : 'several-faces')
      continue
    }
    const s = `${f.width}x${f.height}`
    if (size !== null && s !== size) {
      reasons.add('frame-sizes-differ')
      continue
    }
    size = s
    if (f.embedding) {
      // one presentation is one person: a frame unlike the frames before it is left out; more than
      // one such frame (a hand over the face spoils one, not several) says the track holds two people
      if (embeddings.length && cosine(meanOf(embeddings), f.embedding) < (opts.sameFace ?? SAME_FACE)) {
        if (++unlike > 1) reasons.add('different-people')
        continue
      }
      embeddings.push(f.embedding)
    }
    frames.push(f.frame)
  }
  // time order as given: evidence from frames sorted by the caller's claim would be no evidence
  const e = trackEvidence(frames)
  for (const r of e.track.reasons) reasons.add(r)
  if (frames.length === 0) reasons.add('no-face')
  const inputFlaw = [...reasons].some((r) => !e.track.reasons.includes(r as never))
  const decision = e.track.outcome === 'live' && inputFlaw ? 'challenge' : e.track.outcome
  const layers: Record<string, number | null> = {
    ...e.layers,
    sceneFollow: e.track.follow,
    maxFaceShift: e.track.maxFaceShift,
    nonRigidity: e.temporal?.nonRigidity ?? null,
    blinks: e.temporal?.blinks ?? null,
    frames: e.track.frames,
    scoredFrames: e.track.scoredFrames,
    spanMs: e.track.spanMs,
  }
  return { files: [...files], decision, score: e.score, layers, reasons: [...reasons] }
}

/** Runs `liveness --track`; one JSON line; returns the exit code. */
export async function runTrackLivenessCommand(files: string[], io: LivenessIo, opts: { fps: number | null }): Promise<number> {
  const { pipeline, liveness } = await createNodePipeline({ liveness: true, maxFaces: 10 })
  if (!liveness) throw new Error('liveness scorer was not created')
  try {
    io.progress(`liveness --track: ${files.length} frames`)
    io.out(JSON.stringify(await trackLiveness(pipeline, liveness, files, opts)))
  } finally {
    await liveness.dispose()
  }
  return 0
}
