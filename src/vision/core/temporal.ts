/**
 * Liveness over time: what the frames of one tracked face show that a single frame cannot.
 *
 * - **Planar motion.** A photo or a phone is flat: however it is moved or tilted, the 468 mesh
 *   points of the face on it move together by one plane-to-plane map (a homography). A head is not
 *   flat: when it moves, turns or talks, the nose moves against the cheeks and the mouth and eyes
 *   change shape, which no homography explains. `nonRigidity` is the residual of the best
 *   homography between the track's first mesh and each later one (RMS, in units of the face's RMS
 *   radius); `rigidMotion` says the face moved clearly (`minMotion` face widths) while staying
 *   planar (`nonRigidity` below `rigidFloor`): a picture being moved about.
 * - **Blinks.** Eyes that close and open again during the track (a print cannot blink; a video on a
 *   phone can, so a blink is evidence, never a pass on its own).
 * - **Still.** Frames whose mesh did not move at all (a frozen feed, or a picture on a stand): kept
 *   as evidence only. A real webcam's noise moves the mesh a little, but the kiosk's own tests feed
 *   looping still pictures, so the rule cannot lean on it.
 *
 * How the track's decision uses this (liveness.ts): `rigidMotion` turns a passive "live" into
 * `liveness_uncertain`, which asks for an active challenge; it never refuses on its own. Measured
 * with `npm run eval:liveness` (windows of three consecutive frames of ../shared/faces, see
 * TEMPORAL_DEFAULTS); those frames are 0.2–0.6 s apart where the kiosk's are 0.1 s, so the floors
 * are conservative for the kiosk: smaller steps give a live face less time to move non-rigidly but
 * the track's first-to-last span is what is compared.
 */
import type { TemporalEvidence } from '../../shared/domain/types'
import type { Box } from './frame'

export type { TemporalEvidence }

/** One frame of the tracked face. */
export type TemporalSample = {
  /** ms */
  t: number
  box: Box
  /** mesh points (x, y) in frame pixels, flattened: x0, y0, x1, y1, … */
  mesh: Float32Array
  /** eye aspect ratio of the more open eye (quality.ts) */
  eyeOpenness: number
}

export type TemporalOptions = {
  /** fewest frames for any temporal verdict */
  minFrames: number
  /** face-width share of motion that makes planarity meaningful */
  minMotion: number
  /** below this residual the face moved like a flat picture */
  rigidFloor: number
  /** blink: eyes at most this share of the most open value seen, then back to `reopen` of it */
  blinkClosed: number
  reopen: number
  /** below this motion and residual the frames are still */
  stillEpsilon: number
}

/**
 * Shipped values. Measured on ../shared/faces/spoof-screen (20–30 consecutive webcam frames per
 * source, about 0.6 s apart): between consecutive frames whose face moved ≥ 0.08 face widths, the
 * homography residual of live faces was never below 0.021 (40 pairs, median 0.07) while 7 of 55
 * attack pairs were (phones held still enough to stay flat; median 0.031). The floor 0.02 sits
 * under every live pair. On windows of three frames (`npm run eval:liveness`): 0/36 live windows
 * and 3/54 attack windows flagged. The NUAA prints have no three consecutive frames in the set.
 */
export const TEMPORAL_DEFAULTS: TemporalOptions = {
  minFrames: 3,
  minMotion: 0.08,
  rigidFloor: 0.02,
  blinkClosed: 0.55,
  reopen: 0.8,
  stillEpsilon: 1e-4,
}

/** The mesh as the flat (x, y) array a TemporalSample keeps. */
export function flattenMesh(mesh: ReadonlyArray<readonly [number, number, number] | readonly number[]>): Float32Array {
  const out = new Float32Array(mesh.length * 2)
  for (let i = 0; i < mesh.length; i++) {
    const p = mesh[i] as readonly number[]
    out[2 * i] = p[0] as number
    out[2 * i + 1] = p[1] as number
  }
  return out
}

/** Centred and scaled to unit RMS radius (Hartley normalisation), as float64. */
function normalise(xy: Float32Array): Float64Array {
  const n = xy.length / 2
  let cx = 0
  let cy = 0
  for (let i = 0; i < n; i++) {
    cx += xy[2 * i] as number
    cy += xy[2 * i + 1] as number
  }
  cx /= n
  cy /= n
  let r = 0
  for (let i = 0; i < n; i++) r += ((xy[2 * i] as number) - cx) ** 2 + ((xy[2 * i + 1] as number) - cy) ** 2
  const s = Math.sqrt(r / n) || 1
  const out = new Float64Array(xy.length)
  for (let i = 0; i < n; i++) {
    out[2 * i] = ((xy[2 * i] as number) - cx) / s
    out[2 * i + 1] = ((xy[2 * i + 1] as number) - cy) / s
  }
  return out
}

/** Solves A x = b (n×n, row-major) by Gaussian elimination with partial pivoting; null when singular. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const m = new Float64Array(n * (n + 1))
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) m[r * (n + 1) + c] = a[r * n + c] as number
    m[r * (n + 1) + n] = b[r] as number
  }
  const w = n + 1
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * w + c] as number) > Math.abs(m[p * w + c] as number)) p = r
    if (Math.abs(m[p * w + c] as number) < 1e-12) return null
    if (p !== c) {
      for (let k = 0; k < w; k++) {
        const t = m[c * w + k] as number
        m[c * w + k] = m[p * w + k] as number
        m[p * w + k] = t
      }
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue
      const f = (m[r * w + c] as number) / (m[c * w + c] as number)
      if (f === 0) continue
      for (let k = c; k < w; k++) m[r * w + k] = (m[r * w + k] as number) - f * (m[c * w + k] as number)
    }
  }
  const x = new Float64Array(n)
  for (let r = 0; r < n; r++) x[r] = (m[r * w + n] as number) / (m[r * w + r] as number)
  return x
}

/**
 * RMS residual of the least-squares homography mapping mesh `a` onto mesh `b` (both normalised to
 * unit RMS radius, so the residual is in face-size units). 0 when `b` is a perspective view of the
 * same flat picture as `a`; larger when the face changed shape or turned in depth. Infinity when the
 * meshes differ in length or are degenerate.
 */
export function planarResidual(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length < 8) return Number.POSITIVE_INFINITY
  const p = normalise(a)
  const q = normalise(b)
  const n = a.length / 2
  // linearised DLT with h33 = 1: for each point two rows of 8 unknowns; normal equations AᵀA h = Aᵀy
  const ata = new Float64Array(64)
  const aty = new Float64Array(8)
  const row = new Float64Array(8)
  const acc = (y: number) => {
    for (let i = 0; i < 8; i++) {
      const ri = row[i] as number
      if (ri === 0) continue
      aty[i] = (aty[i] as number) + ri * y
      for (let j = 0; j < 8; j++) ata[i * 8 + j] = (ata[i * 8 + j] as number) + ri * (row[j] as number)
    }
  }
  for (let i = 0; i < n; i++) {
    const x = p[2 * i] as number
    const y = p[2 * i + 1] as number
    const u = q[2 * i] as number
    const v = q[2 * i + 1] as number
    row.set([x, y, 1, 0, 0, 0, -u * x, -u * y])
    acc(u)
    row.set([0, 0, 0, x, y, 1, -v * x, -v * y])
    acc(v)
  }
  const h = solve(ata, aty, 8)
  if (!h) return Number.POSITIVE_INFINITY
  let e = 0
  for (let i = 0; i < n; i++) {
    const x = p[2 * i] as number
    const y = p[2 * i + 1] as number
    const w = (h[6] as number) * x + (h[7] as number) * y + 1
    const u = ((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / w
    const v = ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / w
    e += (u - (q[2 * i] as number)) ** 2 + (v - (q[2 * i + 1] as number)) ** 2
  }
  return Math.sqrt(e / n)
}

/** How far the face moved from `a` to `b`, in face widths: centre shift plus change of size. */
export function faceMotion(a: Box, b: Box): number {
  const w = Math.max(1, a[2])
  const shift = Math.hypot(a[0] + a[2] / 2 - (b[0] + b[2] / 2), a[1] + a[3] / 2 - (b[1] + b[3] / 2)) / w
  return shift + Math.abs(b[2] - a[2]) / w
}

/** Closed-then-open eye cycles in a series of eye openness values. */
export function countBlinks(openness: readonly number[], o: Pick<TemporalOptions, 'blinkClosed' | 'reopen'> = TEMPORAL_DEFAULTS): number {
  let most = 0
  let closed = false
  let blinks = 0
  for (const e of openness) {
    most = Math.max(most, e)
    if (most <= 0) continue
    if (e <= most * o.blinkClosed) closed = true
    else if (closed && e >= most * o.reopen) {
      blinks++
      closed = false
    }
  }
  return blinks
}

const r4 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x)

/** The temporal evidence of a track's frames (oldest first). */
export function summarizeTemporal(samples: readonly TemporalSample[], o: TemporalOptions = TEMPORAL_DEFAULTS): TemporalEvidence {
  const first = samples[0]
  const last = samples[samples.length - 1]
  if (!first || !last) return { frames: 0, spanMs: 0, motion: 0, nonRigidity: 0, rigidMotion: false, blinks: 0, still: false }
  let motion = 0
  let nonRigidity = 0
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i] as TemporalSample
    motion = Math.max(motion, faceMotion(first.box, s.box))
    const r = planarResidual(first.mesh, s.mesh)
    if (Number.isFinite(r)) nonRigidity = Math.max(nonRigidity, r)
  }
  const enough = samples.length >= o.minFrames
  return {
    frames: samples.length,
    spanMs: Math.round(last.t - first.t),
    motion: r4(motion),
    nonRigidity: r4(nonRigidity),
    rigidMotion: enough && motion >= o.minMotion && nonRigidity < o.rigidFloor,
    blinks: countBlinks(samples.map((s) => s.eyeOpenness), o),
    still: enough && motion < o.stillEpsilon && nonRigidity < o.stillEpsilon,
  }
}
