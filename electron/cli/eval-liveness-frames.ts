/**
 * One frame as `npm run eval:liveness` judges it: the kiosk's view (the subject as the kiosk picks it,
 * the passive score only on quality-passed frames, the thumbnail for scene motion) and the
 * single-frame view (fr_liveness on the face whatever its quality, as `cli liveness` prints it).
 */
import { toApiError } from '../../src/shared/api/result'
import { chooseSubject, type DetectedFace, type FacePipeline } from '../../src/vision/core/face-pipeline'
import { v1Fused, type LivenessScorer } from '../../src/vision/core/liveness'
import { assessQuality, DEFAULT_QUALITY } from '../../src/vision/core/quality'
import { greyThumb } from '../../src/vision/core/scene-motion'
import { flattenMesh } from '../../src/vision/core/temporal'
import type { TrackFrame } from '../../src/vision/core/track-liveness'
import { decodeImageFile } from './decode-image'

export type EvalFrame = {
  track: TrackFrame
  /** fr_liveness's P(live) of the face (quality or not) */
  frameScore: number
  /** the decision shipped before #13: fused fr_liveness + screen cues */
  v1Fused: number
  livenessMs: number
}

/** The frame, or null when it cannot be read or shows no single subject. `t`: its time, ms. */
export async function frameOfFile(pipeline: FacePipeline, scorer: LivenessScorer, file: string, t: number): Promise<EvalFrame | null> {
  let frame
  try {
    frame = await decodeImageFile(file)
  } catch (err) {
    const code = toApiError(err).code
    if (code === 'image-unreadable' || code === 'image-too-large') return null
    throw err
  }
  const faces = await pipeline.detect(frame)
  if (!faces.length) return null
  const choice = chooseSubject(faces, frame.width, frame.height)
  if (choice.kind !== 'one') return null
  const face = faces[choice.index] as DetectedFace
  const quality = assessQuality(frame, face, DEFAULT_QUALITY)
  const t0 = performance.now()
  const passive = await scorer.score(frame, face)
  const livenessMs = performance.now() - t0
  return {
    track: { t, box: face.box, mesh: flattenMesh(face.mesh), eyeOpenness: quality.metrics.eyeOpenness, yawDeg: quality.metrics.yawDeg, thumb: greyThumb(frame), passive: quality.ok ? passive : null },
    frameScore: passive.score,
    v1Fused: v1Fused(passive.layers),
    livenessMs,
  }
}
