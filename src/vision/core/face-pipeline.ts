import type { Human } from '@vladmandic/human'
import { fivePointsFromMesh } from './align'
import type { Embedder } from './embedder'
import type { Box, Point, RgbFrame } from './frame'

/** One face found in a frame. */
export type DetectedFace = {
  /** x, y, width, height in frame pixels */
  box: Box
  /** detector × mesh confidence, 0..1 */
  score: number
  /** five ArcFace alignment points in frame pixels */
  points: Point[]
  /** full mesh (x, y, z) in frame pixels: later issues use it for quality and liveness */
  mesh: Array<[number, number, number]>
  /** Human's `antispoof` score, 0..1 (1 = real), when that model is enabled */
  real?: number
  /** Human's `liveness` score, 0..1 (1 = live), when that model is enabled */
  live?: number
}

/** A face with its embedding. */
export type EmbeddedFace = DetectedFace & { embedding: Float32Array }

/** Per-stage timings in milliseconds. */
export type StageTimings = { detectMs: number; embedMs: number }

/** Which face a photo or frame is about. */
export type SubjectChoice =
  | { kind: 'none' }
  | { kind: 'one'; index: number }
  | { kind: 'ambiguous'; count: number }

/**
 * A face "clearly dominates" when its area, weighted by how central it is, is at least this many
 * times the next face's. Group photos with no such face are refused for enrollment.
 */
export const DOMINANCE_RATIO = 2

/**
 * The mesh model's confidence that a detection is a face (Human's `faceScore`) below which the
 * detection is dropped: the detector (min confidence 0.2) also fires on walls, balloons and shoes,
 * and the mesh it is given there scores low. Measured over the 1,052 frames and photos of
 * ../shared/faces (spoof-screen, sequences, spoof, identities, other): 1,109 detections score ≥ 0.9,
 * 45 below; the ones below 0.7 are background (a white wall, balloons, a shoe), far or blurred faces
 * in a replayed clip, and one live frame where the face was still entering (its next frame scores 0.89).
 * Without this a false face on the wall could outweigh the person (chosen as the subject) or make a
 * single person read as several ("one person only").
 */
export const MIN_MESH_SCORE = 0.7

/** Detections whose mesh is a plausible face (Human's faceScore, else its combined score, ≥ MIN_MESH_SCORE). */
export function plausibleFaces<T extends { faceScore?: number; score: number }>(faces: readonly T[]): T[] {
  return faces.filter((f) => (typeof f.faceScore === 'number' ? f.faceScore : f.score) >= MIN_MESH_SCORE)
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now())

/**
 * The vision pipeline shared by the renderer (Human's browser build) and the Node CLI (Human's
 * node-wasm build): frame → detect + mesh → align → embed. It never keeps the frame.
 */
export class FacePipeline {
  constructor(
    private readonly human: Human,
    private readonly embedder: Embedder,
    /** where the eye centres for alignment come from */
    private readonly eyes: 'contour' | 'iris' = 'contour',
  ) {}

  get embedderInfo(): Embedder['info'] {
    return this.embedder.info
  }

  /** Finds faces (largest first). */
  async detect(frame: RgbFrame): Promise<DetectedFace[]> {
    const tf = this.human.tf
    const input = tf.tensor3d(frame.data, [frame.height, frame.width, frame.channels], 'int32')
    try {
      const result = await this.human.detect(input)
      if (result.error) throw new Error(`face detection failed: ${result.error}`)
      const faces: DetectedFace[] = []
      for (const f of plausibleFaces(result.face)) {
        if (!f.mesh || f.mesh.length < 468) continue
        const mesh = f.mesh.map((p) => [p[0], p[1], p[2] ?? 0] as [number, number, number])
        const face: DetectedFace = { box: [f.box[0], f.box[1], f.box[2], f.box[3]], score: f.score, points: fivePointsFromMesh(mesh, this.eyes), mesh }
        if (typeof f.real === 'number') face.real = f.real
        if (typeof f.live === 'number') face.live = f.live
        faces.push(face)
      }
      faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])
      return faces
    } finally {
      tf.dispose(input)
    }
  }

  /** Detects and embeds every face. */
  async analyze(frame: RgbFrame, opts: { maxFaces?: number } = {}): Promise<{ faces: EmbeddedFace[]; timings: StageTimings }> {
    const t0 = now()
    const detected = await this.detect(frame)
    const t1 = now()
    const faces: EmbeddedFace[] = []
    for (const face of detected.slice(0, opts.maxFaces ?? detected.length)) {
      faces.push({ ...face, embedding: await this.embedder.embed(frame, face.points) })
    }
    return { faces, timings: { detectMs: t1 - t0, embedMs: now() - t1 } }
  }

  /** Embeds one already-detected face. */
  embed(frame: RgbFrame, face: DetectedFace): Promise<Float32Array> {
    return this.embedder.embed(frame, face.points)
  }
}

/** Index of the face with the largest centre-weighted area (the likely subject), or -1 when none. */
export function mostProminentFace(faces: readonly { box: Box }[], width: number, height: number): number {
  const w = prominence(faces, width, height)
  let best = -1
  for (let i = 0; i < w.length; i++) if (best < 0 || (w[i] as number) > (w[best] as number)) best = i
  return best
}

function prominence(faces: readonly { box: Box }[], width: number, height: number): number[] {
  const cx = width / 2
  const cy = height / 2
  const diag = Math.hypot(width, height) / 2
  return faces.map(({ box }) => {
    const d = Math.hypot(box[0] + box[2] / 2 - cx, box[1] + box[3] / 2 - cy) / diag
    return box[2] * box[3] * (1 - 0.5 * Math.min(1, d))
  })
}

/**
 * Picks the face a photo or frame is about: the only face, or the one whose area weighted by
 * centrality is at least DOMINANCE_RATIO times every other's.
 */
export function chooseSubject(faces: readonly { box: Box }[], width: number, height: number): SubjectChoice {
  if (faces.length === 0) return { kind: 'none' }
  if (faces.length === 1) return { kind: 'one', index: 0 }
  const weight = prominence(faces, width, height)
  const order = weight.map((w, i) => [w, i] as const).sort((a, b) => b[0] - a[0])
  const [best, second] = order as [readonly [number, number], readonly [number, number]]
  return best[0] >= DOMINANCE_RATIO * second[0] ? { kind: 'one', index: best[1] } : { kind: 'ambiguous', count: faces.length }
}

/** Why an enrollment photo has no single subject: the faces that compete, with their boxes. */
export type EnrollmentChoice =
  | { kind: 'none' }
  | { kind: 'one'; index: number; ignored: number }
  | { kind: 'ambiguous'; count: number; rivals: [number, number] }

/**
 * A face "cut by the border" reaches within this share of the frame's side of an edge: HR photos and
 * LFW-style crops often show a neighbour half outside the picture.
 */
export const BORDER_SHARE = 0.01
/** A whole face at least this share of the subject's area competes with it (two people posing together). */
export const COMPARABLE_AREA = 0.35
/** The subject of an enrollment photo: its centre within this share of the half-diagonal from the frame's centre... */
export const CENTRAL_DISTANCE = 0.35
/** ...and its box at least this share of the frame's shorter side wide. */
export const LARGE_SHARE = 0.2

const cutByBorder = (b: Box, width: number, height: number): boolean => {
  const mx = BORDER_SHARE * width
  const my = BORDER_SHARE * height
  return b[0] <= mx || b[1] <= my || b[0] + b[2] >= width - mx || b[1] + b[3] >= height - my
}

/**
 * The face an enrollment photo is about: the general rule's subject (chooseSubject: one face
 * clearly dominating by centre-weighted area) when there is one; else a large, central face that the
 * border does not cut, when every other face is small (below COMPARABLE_AREA of its area) or cut by
 * the border. A second whole face of comparable size leaves the photo ambiguous, naming both.
 */
export function chooseEnrollmentSubject(faces: readonly { box: Box }[], width: number, height: number): EnrollmentChoice {
  if (faces.length === 0) return { kind: 'none' }
  if (faces.length === 1) return { kind: 'one', index: 0, ignored: 0 }
  const general = chooseSubject(faces, width, height)
  if (general.kind === 'one') return { kind: 'one', index: general.index, ignored: faces.length - 1 }
  const w = prominence(faces, width, height)
  const diag = Math.hypot(width, height) / 2
  const area = (b: Box) => b[2] * b[3]
  const whole = faces.map((f) => !cutByBorder(f.box, width, height))
  let best = -1
  for (let i = 0; i < faces.length; i++) if (whole[i] && (best < 0 || (w[i] as number) > (w[best] as number))) best = i
  if (best >= 0) {
    const b = (faces[best] as { box: Box }).box
    const central = Math.hypot(b[0] + b[2] / 2 - width / 2, b[1] + b[3] / 2 - height / 2) / diag <= CENTRAL_DISTANCE
    const large = b[2] >= LARGE_SHARE * Math.min(width, height)
    if (central && large) {
      const rival = faces.findIndex((f, i) => i !== best && whole[i] && area(f.box) >= COMPARABLE_AREA * area(b))
      if (rival < 0) return { kind: 'one', index: best, ignored: faces.length - 1 }
      return { kind: 'ambiguous', count: faces.length, rivals: [best, rival] }
    }
  }
  const order = w.map((x, i) => [x, i] as const).sort((a, b2) => b2[0] - a[0])
  return { kind: 'ambiguous', count: faces.length, rivals: [(order[0] as readonly [number, number])[1], (order[1] as readonly [number, number])[1]] }
}
