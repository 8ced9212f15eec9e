import { ARCFACE_112, estimateSimilarity, invertSimilarity } from './align'
import type { DetectedFace } from './face-pipeline'
import type { RgbFrame } from './frame'
import { eyeOpenness, headPose, type Mesh } from './head-pose'

export { headPose, eyeOpenness } from './head-pose'

/** Why a face is not good enough to decide on, most important first (see REASON_ORDER). */
export type QualityReason =
  | 'too-small'
  | 'too-near'
  | 'blurred'
  | 'too-dark'
  | 'too-bright'
  | 'backlit'
  | 'head-turned'
  | 'eyes-closed'
  | 'cut-off'
  | 'several-faces'

/** The order reasons are reported in: the first one is the one to show. */
export const REASON_ORDER: readonly QualityReason[] = [
  'several-faces',
  'cut-off',
  'too-near',
  'too-small',
  'head-turned',
  'backlit', // before too-dark: a face dark because of the light behind it needs that advice
  'too-dark',
  'too-bright',
  'blurred',
  'eyes-closed',
]

/** What was measured on one face. */
export type QualityMetrics = {
  /** face width in frame pixels: horizontal extent of the 468-point mesh */
  faceWidthPx: number
  /** faceWidthPx / frame width */
  faceWidthRatio: number
  /**
   * Laplacian variance over luma variance of the face in the 112×112 grey aligned crop
   * (dimensionless; see cropStats)
   */
  sharpness: number
  /** mean luma (0–255, BT.601) of the face in the aligned crop */
  brightness: number
  /** share (0–1) of the face's crop pixels at luma ≥ 250: blown-out skin */
  overexposed: number
  /** mean luma (0–255) of a band around the face (beside and above it), or the face's own when there is none */
  backgroundBrightness: number
  /** head pose in degrees (see headPose) */
  yawDeg: number
  pitchDeg: number
  rollDeg: number
  /** eye aspect ratio, the more open eye (see eyeOpenness) */
  eyeOpenness: number
  /**
   * Smallest distance from a mesh point to the frame edge, in face widths (negative when the mesh
   * runs outside the frame).
   */
  edgeMargin: number
}

/** Limits of the gate. */
export type QualityThresholds = {
  /** smallest face width, frame pixels (too-small) */
  minFaceWidthPx: number
  /** largest face width as a fraction of the frame width (too-near) */
  maxFaceWidthRatio: number
  /** smallest sharpness (Laplacian variance / luma variance on the 112×112 grey crop; blurred) */
  minSharpness: number
  /** smallest mean face luma, 0–255 (too-dark) */
  minBrightness: number
  /** largest mean face luma, 0–255 (too-bright) */
  maxBrightness: number
  /** largest share of blown-out face pixels, 0–1 (too-bright) */
  maxOverexposed: number
  /** backlit when the background's mean luma exceeds the face's by more than this, 0–255 */
  maxBacklight: number
  /** largest |yaw|, degrees (head-turned) */
  maxYawDeg: number
  /** largest |pitch|, degrees (head-turned) */
  maxPitchDeg: number
  /** largest |roll|, degrees (head-turned) */
  maxRollDeg: number
  /** smallest eye aspect ratio of the more open eye (eyes-closed) */
  minEyeOpenness: number
  /** smallest distance of the mesh from the frame edge, in face widths (cut-off) */
  minEdgeMargin: number
}

/*
 * How the thresholds were chosen (developer set ../shared/faces, real Node pipeline; scripts not kept).
 *
 * Degradation sweeps: the 71 non-BBT photos of identities/ were darkened (sharp .linear(a), a 0.6…0.07),
 * over-exposed (.modulate brightness 1.15…3.5), blurred (.blur, σ 0.5…6 per 100 px of face) and shrunk
 * (face 90…17 px); each degraded face was embedded and compared with the same photo's original
 * embedding. Per bin of the metric, the 10th percentile of that self-similarity (p10):
 *   - face luma:            ≥ 30 → p10 ≥ 0.86;  ≥ 60 → p10 ≥ 0.95;  [20, 25) → 0.74;  [10, 15) → 0.30
 *   - blown-out share:      < 0.3 → p10 ≥ 0.88; < 0.1 → p10 ≥ 0.96; [0.3, 0.5) → 0.77; ≥ 0.5 → 0.29
 *     (mean luma alone predicts little once blown-out pixels are counted: with < 30 % blown out, every
 *     10-level bin up to 230 keeps p10 ≥ 0.90; no face in the sweep was brighter than that)
 *   - sharpness:            ≥ 0.02 → p10 ≥ 0.88; ≥ 0.04 → p10 ≥ 0.95; [0.01, 0.015) → 0.63;
 *     darkening does not move it (median 0.198 → 0.248 at a = 0.07)
 *   - face width:           ≥ 36 px → p10 ≥ 0.93; ≥ 45 px → p10 ≥ 0.96; [28, 32) → 0.85; [20, 24) → 0.70
 * Kiosk: the lowest value above which every bin keeps p10 ≥ 0.85; enrollment: p10 ≥ 0.95.
 *
 * Pose, from the 437 non-reference photos of 139 people of calibration/ (LFW, every 4th person), genuine similarity to the
 * person's most frontal photo: p10 stays 0.50–0.55 in every 5° bin of |yaw| up to 30° (drops to 0.24 and
 * 0.39 in the few photos beyond); over |pitch| it falls from 0.59 (< 5°) to 0.48 (20–25°) and 0.36
 * (25–30°). Kiosk 30° yaw, 25° pitch; enrollment 20° yaw (no loss yet), 15° pitch (p10 ≥ 0.50).
 * Roll costs the embedder nothing (the similarity alignment removes it). With Human's detector
 * rotation correction on (human-config.ts; without it the mesh under-reads roll, 25° reading 14–17°)
 * the real webcam frames of the set reach |roll| 45° (8 of 56 beyond 20°), 575 of 576 calibration photos
 * are within 10°: kiosk 40° (only an extreme tilt, where the mesh itself degrades), enrollment 15°.
 *
 * Eyes: the eye aspect ratio of 703 open-eyed faces (576 of calibration/, 71 of identities/, 56 webcam
 * frames) is ≥ 0.125 (the lowest are broad smiles and squints; 1st percentile 0.18, median 0.32). No photo in the set has
 * closed eyes, so the closed-eye side is not measured: kiosk 0.10, enrollment 0.12.
 *
 * Framing: the mesh's margin to the frame edge is ≥ 0.29 face widths on every good photo and
 * webcam frame, ≤ 0.10 on the 150×150 BBT crops and −0.17 on other/partial_obama_partial_face.jpg:
 * kiosk 0.05 ("within a few %"), enrollment 0.10. Face width over frame width is ≤ 0.57 on every good
 * photo (≤ 0.38 on the 640×480 webcam frames), 0.70–0.87 on the BBT crops: kiosk 0.65, enrollment 0.60.
 *
 * Backlight (background luma − face luma): up to 141 on the 15 NUAA webcam frames of spoof/live (faces
 * at luma 45–128 before a white wall at 129–231), ≤ 104 on the other 41 real webcam frames, ≤ 91 on
 * the photos of identities/ (≤ 59 on the LFW ones). Kiosk 150 (every real frame passes); enrollment
 * 100 (asks for better light in front of the NUAA white wall).
 */

/** The kiosk's gate (see the calibration note above). */
export const DEFAULT_QUALITY: QualityThresholds = {
  minFaceWidthPx: 36,
  maxFaceWidthRatio: 0.65,
  minSharpness: 0.02,
  minBrightness: 30,
  maxBrightness: 230,
  maxOverexposed: 0.3,
  maxBacklight: 150,
  maxYawDeg: 30,
  maxPitchDeg: 25,
  maxRollDeg: 40,
  minEyeOpenness: 0.1,
  minEdgeMargin: 0.05,
}

/** Enrollment's gate: stricter, because a template is kept for years. */
export const ENROLL_QUALITY: QualityThresholds = {
  minFaceWidthPx: 45,
  maxFaceWidthRatio: 0.6,
  minSharpness: 0.04,
  minBrightness: 60,
  maxBrightness: 220,
  maxOverexposed: 0.1,
  maxBacklight: 100,
  maxYawDeg: 20,
  maxPitchDeg: 15,
  maxRollDeg: 15,
  minEyeOpenness: 0.12,
  minEdgeMargin: 0.1,
}

/** The gate's verdict on one face. */
export type QualityReport = { ok: boolean; reasons: QualityReason[]; metrics: QualityMetrics }

const CROP = 112
/** Face region of the 112×112 ArcFace crop used for brightness and sharpness: brows to chin, cheek to cheek. */
const FACE_X0 = 24
const FACE_X1 = 88
const FACE_Y0 = 32
const FACE_Y1 = 108
const grey = new Float32Array(CROP * CROP)

/** Luma of the pixel at integer (x, y), clamped to the frame. */
function lumaAt(frame: RgbFrame, x: number, y: number): number {
  const xx = x < 0 ? 0 : x >= frame.width ? frame.width - 1 : x
  const yy = y < 0 ? 0 : y >= frame.height ? frame.height - 1 : y
  const o = (yy * frame.width + xx) * frame.channels
  const d = frame.data
  return 0.299 * (d[o] as number) + 0.587 * (d[o + 1] as number) + 0.114 * (d[o + 2] as number)
}

/**
 * Fills `grey` with the 112×112 aligned face (ArcFace template) in luma. When a crop pixel covers
 * more than ~1.5 frame pixels it is the mean of n×n point samples (n ≤ 4), so a big face is
 * downsampled without aliasing and the sharpness does not depend on the camera's resolution;
 * otherwise bilinear. Outside the frame the nearest edge pixel is read.
 */
function warpGrey(frame: RgbFrame, points: DetectedFace['points']): void {
  const inv = invertSimilarity(estimateSimilarity(points, ARCFACE_112))
  const scale = Math.hypot(inv.a, inv.b) // frame pixels per crop pixel
  const n = Math.max(1, Math.min(4, Math.round(scale)))
  for (let v = 0; v < CROP; v++) {
    for (let u = 0; u < CROP; u++) {
      let acc = 0
      if (n === 1) {
        const x = inv.a * u - inv.b * v + inv.tx
        const y = inv.b * u + inv.a * v + inv.ty
        const x0 = Math.floor(x)
        const y0 = Math.floor(y)
        const fx = x - x0
        const fy = y - y0
        acc =
          (1 - fx) * (1 - fy) * lumaAt(frame, x0, y0) +
          fx * (1 - fy) * lumaAt(frame, x0 + 1, y0) +
          (1 - fx) * fy * lumaAt(frame, x0, y0 + 1) +
          fx * fy * lumaAt(frame, x0 + 1, y0 + 1)
      } else {
        for (let j = 0; j < n; j++) {
          for (let i = 0; i < n; i++) {
            const su = u + (i + 0.5) / n - 0.5
            const sv = v + (j + 0.5) / n - 0.5
            acc += lumaAt(frame, Math.round(inv.a * su - inv.b * sv + inv.tx), Math.round(inv.b * su + inv.a * sv + inv.ty))
          }
        }
        acc /= n * n
      }
      grey[v * CROP + u] = acc
    }
  }
}

/**
 * Over the face region of `grey`: mean luma, share of blown-out pixels, and sharpness, the variance
 * of the 4-neighbour Laplacian over the variance of the luma (the share of the face's contrast that
 * lies in the finest detail). Dividing by the contrast makes it blind to gain and offset, so a dark or
 * low-contrast face is not mistaken for a blurred one.
 */
function cropStats(): { brightness: number; sharpness: number; overexposed: number } {
  let clipped = 0
  let sum = 0
  let sum2 = 0
  let count = 0
  let ls = 0
  let ls2 = 0
  for (let y = FACE_Y0; y < FACE_Y1; y++) {
    for (let x = FACE_X0; x < FACE_X1; x++) {
      const i = y * CROP + x
      const c = grey[i] as number
      sum += c
      sum2 += c * c
      if (c >= 250) clipped++
      count++
      const lap = (grey[i - 1] as number) + (grey[i + 1] as number) + (grey[i - CROP] as number) + (grey[i + CROP] as number) - 4 * c
      ls += lap
      ls2 += lap * lap
    }
  }
  const mean = sum / count
  const variance = sum2 / count - mean * mean
  const lapMean = ls / count
  const lapVar = ls2 / count - lapMean * lapMean
  return { brightness: mean, sharpness: variance > 1e-6 ? lapVar / variance : 0, overexposed: clipped / count }
}

/**
 * Mean luma of a band around the face's mesh box: beside it (half a face width on each side) and
 * above it (half a face height), not below (the body is not background). Sampled on a grid of at
 * most ~64×64 points. Returns NaN when the band lies wholly outside the frame.
 */
function backgroundLuma(frame: RgbFrame, x0: number, y0: number, x1: number, y1: number): number {
  const w = x1 - x0
  const h = y1 - y0
  const bx0 = Math.max(0, Math.floor(x0 - 0.5 * w))
  const bx1 = Math.min(frame.width - 1, Math.ceil(x1 + 0.5 * w))
  const by0 = Math.max(0, Math.floor(y0 - 0.5 * h))
  const by1 = Math.min(frame.height - 1, Math.ceil(y1))
  const step = Math.max(1, Math.floor(Math.max(bx1 - bx0, by1 - by0) / 64))
  let sum = 0
  let count = 0
  for (let y = by0; y <= by1; y += step) {
    for (let x = bx0; x <= bx1; x += step) {
      if (x >= x0 && x <= x1 && y >= y0) continue // inside the face box
      sum += lumaAt(frame, x, y)
      count++
    }
  }
  return count > 0 ? sum / count : Number.NaN
}

/**
 * Measures one detected face and checks it against the thresholds. `opts.otherFaces` is how many
 * other faces in the frame this one does not clearly dominate (0 when the caller picked it with
 * chooseSubject); any gives `several-faces`.
 */
export function assessQuality(
  frame: RgbFrame,
  face: DetectedFace,
  thresholds: QualityThresholds = DEFAULT_QUALITY,
  opts: { otherFaces?: number } = {},
): QualityReport {
  const mesh = face.mesh as Mesh
  let mx0 = Infinity
  let my0 = Infinity
  let mx1 = -Infinity
  let my1 = -Infinity
  for (let i = 0; i < 468; i++) {
    const p = mesh[i]
    if (!p) continue
    const x = p[0] as number
    const y = p[1] as number
    if (x < mx0) mx0 = x
    if (x > mx1) mx1 = x
    if (y < my0) my0 = y
    if (y > my1) my1 = y
  }
  const faceWidthPx = Math.max(1, mx1 - mx0)
  const edgePx = Math.min(mx0, my0, frame.width - 1 - mx1, frame.height - 1 - my1)

  warpGrey(frame, face.points)
  const { brightness, sharpness, overexposed } = cropStats()
  const bg = backgroundLuma(frame, mx0, my0, mx1, my1)
  // Human clamps the box to the frame; its side is the mesh model's crop only when unclamped.
  const [bx, by, bw, bh] = face.box
  const clamped = bx <= 0 || by <= 0 || bx + bw >= frame.width - 1 || by + bh >= frame.height - 1
  const pose = headPose(mesh, clamped ? undefined : Math.max(bw, bh))

  const metrics: QualityMetrics = {
    faceWidthPx,
    faceWidthRatio: faceWidthPx / frame.width,
    sharpness,
    brightness,
    overexposed,
    backgroundBrightness: Number.isNaN(bg) ? brightness : bg,
    yawDeg: pose.yawDeg,
    pitchDeg: pose.pitchDeg,
    rollDeg: pose.rollDeg,
    eyeOpenness: eyeOpenness(mesh),
    edgeMargin: edgePx / faceWidthPx,
  }

  const t = thresholds
  const failed = new Set<QualityReason>()
  if ((opts.otherFaces ?? 0) > 0) failed.add('several-faces')
  if (metrics.edgeMargin < t.minEdgeMargin) failed.add('cut-off')
  if (metrics.faceWidthRatio > t.maxFaceWidthRatio) failed.add('too-near')
  if (metrics.faceWidthPx < t.minFaceWidthPx) failed.add('too-small')
  if (Math.abs(metrics.yawDeg) > t.maxYawDeg || Math.abs(metrics.pitchDeg) > t.maxPitchDeg || Math.abs(metrics.rollDeg) > t.maxRollDeg) {
    failed.add('head-turned')
  }
  if (metrics.brightness < t.minBrightness) failed.add('too-dark')
  if (metrics.brightness > t.maxBrightness || metrics.overexposed > t.maxOverexposed) failed.add('too-bright')
  if (metrics.backgroundBrightness - metrics.brightness > t.maxBacklight) failed.add('backlit')
  if (metrics.sharpness < t.minSharpness) failed.add('blurred')
  if (metrics.eyeOpenness < t.minEyeOpenness) failed.add('eyes-closed')
  const reasons = REASON_ORDER.filter((r) => failed.has(r))
  return { ok: reasons.length === 0, reasons, metrics }
}
