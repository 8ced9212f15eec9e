/**
 * `npm run --silent cli -- liveness <file...>`: the single-frame passive liveness decision for the
 * most prominent face of each photo, one JSON line per file:
 *   {"file", "live", "score", "layers": {frLiveness, humanAntispoof, humanLiveness, screen, gamut, bezel}, "reasons"}
 * A file that cannot be read gives {"file", "error": {code, message}} and the tool goes on; a photo
 * with no face gives live false with reasons ["quality_low"].
 */
import { mostProminentFace, type FacePipeline } from '../../src/vision/core/face-pipeline'
import type { LivenessResult, LivenessScorer } from '../../src/vision/core/liveness'
import { assessQuality, DEFAULT_QUALITY } from '../../src/vision/core/quality'
import { flattenMesh, type TemporalSample } from '../../src/vision/core/temporal'
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
