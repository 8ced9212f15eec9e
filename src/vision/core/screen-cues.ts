import type { Box, RgbFrame } from './frame'

/**
 * Cues a flat screen (phone, tablet, TV) held up to the camera leaves in a single frame. Pure
 * pixel arithmetic, no model. Each raw measure is mapped to a 0..1 score (1 = looks live) by a
 * linear ramp between two anchors (see SCREEN_CUE_DEFAULTS for the figures behind them).
 *
 * Measured and kept (faces/spoof-screen: 40 live, 58 attacks with a face, two sources):
 * - gamut: mean HSV saturation of the face box. Phone displays show faces far more saturated than
 *   a webcam renders real skin (live median 0.15, attacks 0.29). AUC 0.944; but it depends on the
 *   camera's colour processing (the one live frame from another camera, minivision, has 0.38) and
 *   on skin tone and lighting; the live frames here show a handful of people on four cameras.
 *   Check BPCER on the kiosk's own camera and people before relying on it.
 * - bezel: the longest straight edge in the fr_liveness context crop outside the face (a Hough
 *   transform), as a share of the crop side: a phone's edge or bezel around the face (live median
 *   0.25, attacks 0.58). AUC 0.778; a door frame behind a live person looks the same.
 *
 * Measured and not kept (same data; AUC with 1 = live-higher, per source spp77 / sudipto):
 * - moiré as high-frequency energy or off-JPEG-grid spectral peaks of a 128-pixel face patch:
 *   AUC 0.47 / 0.52, with opposite signs in the two sources (640×480 JPEG webcams do not resolve
 *   the pixel grid);
 * - specular glare (share of luma ≥ 245): 0.55, opposite signs per source;
 * - face scale (box height / frame height): 0.78, but trivially defeated by holding the phone
 *   closer, and it punishes people standing back (the quality gate's job);
 * - context texture (median gradient around the face): 0.98, but it measures how busy the wall
 *   behind the subject is (it refuses every live NUAA frame at its screen threshold);
 * - saturation relative to the whole frame, blue/red ratio: do not transfer between the sources.
 */

export type ScreenCueOptions = {
  /** face saturation at or below which the gamut score is 1 */
  satLive: number
  /** face saturation at or above which the gamut score is 0 */
  satScreen: number
  /** longest straight edge (share of the crop side) at or below which the bezel score is 1 */
  lineLive: number
  /** longest straight edge at or above which the bezel score is 0 */
  lineScreen: number
}

/**
 * Anchors of the ramps, rounded, on the pooled spoof-screen set: satLive 0.20 at the live frames'
 * 95th percentile (0.19), satScreen 0.30 near the attacks' median (0.29); lineLive 0.45 between the
 * live median (0.25) and the attacks' median (0.58), lineScreen 0.70 above it (the live 95th
 * percentile, 0.66, is a door frame behind one subject). See liveness.ts for the validation.
 */
export const SCREEN_CUE_DEFAULTS: ScreenCueOptions = { satLive: 0.2, satScreen: 0.3, lineLive: 0.45, lineScreen: 0.7 }

/** Raw measurements and their 0..1 scores (1 = live). */
export type ScreenCues = { faceSaturation: number; longestLine: number; gamut: number; bezel: number; screen: number }

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x))

/** 1 at or below `live`, 0 at or above `screen`, linear between. */
export function ramp(v: number, live: number, screen: number): number {
  return clamp01((screen - v) / (screen - live))
}

/** Mean HSV saturation ((max − min) / max) over the face box. */
export function faceSaturation(frame: RgbFrame, box: Box): number {
  const { data, width, height, channels } = frame
  const x0 = Math.max(0, Math.floor(box[0]))
  const y0 = Math.max(0, Math.floor(box[1]))
  const x1 = Math.min(width, Math.ceil(box[0] + box[2]))
  const y1 = Math.min(height, Math.ceil(box[1] + box[3]))
  // at most ~160 samples a side: the mean does not need every pixel
  const step = Math.max(1, Math.floor(Math.max(x1 - x0, y1 - y0) / 160))
  let sum = 0
  let n = 0
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const o = (y * width + x) * channels
      const r = data[o] as number
      const g = data[o + 1] as number
      const b = data[o + 2] as number
      const mx = Math.max(r, g, b)
      sum += mx > 0 ? (mx - Math.min(r, g, b)) / mx : 0
      n++
    }
  }
  return n ? sum / n : 0
}

const GRID = 128
const ANGLES = 90
const EDGE_MIN = 80 // Sobel magnitude on 0–255 grey

/**
 * Longest straight edge in `ctx` (frame pixels) outside the face box grown by 15%: the grey crop
 * is area-averaged to 128×128, Sobel edges above EDGE_MIN vote in a Hough transform (2° steps, each
 * edge only near its own normal); the best line's votes over 128.
 */
export function longestLine(frame: RgbFrame, box: Box, ctx: Box): number {
  const { data, width, height, channels } = frame
  const g = new Float32Array(GRID * GRID)
  const sx = ctx[2] / GRID
  const sy = ctx[3] / GRID
  const sub = Math.max(1, Math.floor(Math.min(sx, sy) / 3)) // sample grid within each cell
  for (let v = 0; v < GRID; v++) {
    const ya = ctx[1] + v * sy
    for (let u = 0; u < GRID; u++) {
      const xa = ctx[0] + u * sx
      let s = 0
      let n = 0
      for (let y = Math.floor(ya); y < Math.max(Math.floor(ya) + 1, Math.ceil(ya + sy)); y += sub) {
        const yy = Math.min(height - 1, Math.max(0, y))
        for (let x = Math.floor(xa); x < Math.max(Math.floor(xa) + 1, Math.ceil(xa + sx)); x += sub) {
          const o = (yy * width + Math.min(width - 1, Math.max(0, x))) * channels
          s += 0.299 * (data[o] as number) + 0.587 * (data[o + 1] as number) + 0.114 * (data[o + 2] as number)
          n++
        }
      }
      g[v * GRID + u] = s / n
    }
  }
  const fx0 = (box[0] - 0.15 * box[2] - ctx[0]) / sx
  const fx1 = (box[0] + 1.15 * box[2] - ctx[0]) / sx
  const fy0 = (box[1] - 0.15 * box[3] - ctx[1]) / sy
  const fy1 = (box[1] + 1.15 * box[3] - ctx[1]) / sy
  const rMax = Math.ceil(Math.SQRT2 * GRID)
  const rows = 2 * rMax + 1
  const acc = new Uint16Array(ANGLES * rows)
  const cos = new Float64Array(ANGLES)
  const sin = new Float64Array(ANGLES)
  for (let a = 0; a < ANGLES; a++) {
    cos[a] = Math.cos((a * Math.PI) / ANGLES)
    sin[a] = Math.sin((a * Math.PI) / ANGLES)
  }
  let best = 0
  for (let y = 1; y < GRID - 1; y++) {
    for (let x = 1; x < GRID - 1; x++) {
      if (x >= fx0 && x <= fx1 && y >= fy0 && y <= fy1) continue
      const i = y * GRID + x
      const tl = g[i - GRID - 1] as number, tc = g[i - GRID] as number, tr = g[i - GRID + 1] as number
      const ml = g[i - 1] as number, mr = g[i + 1] as number
      const bl = g[i + GRID - 1] as number, bc = g[i + GRID] as number, br = g[i + GRID + 1] as number
      const gx = tr + 2 * mr + br - tl - 2 * ml - bl
      const gy = bl + 2 * bc + br - tl - 2 * tc - tr
      if (gx * gx + gy * gy <= EDGE_MIN * EDGE_MIN) continue
      let normal = Math.atan2(gy, gx)
      if (normal < 0) normal += Math.PI
      const a0 = Math.round((normal * ANGLES) / Math.PI)
      for (let da = -3; da <= 3; da++) {
        const a = (((a0 + da) % ANGLES) + ANGLES) % ANGLES
        const k = a * rows + Math.round(x * (cos[a] as number) + y * (sin[a] as number)) + rMax
        const votes = (acc[k] as number) + 1
        acc[k] = votes
        if (votes > best) best = votes
      }
    }
  }
  return best / GRID
}

/**
 * The screen cues of one face. `ctx` is the region around the face to look for a bezel in (the
 * fr_liveness crop). `screen` is the mean of the gamut and bezel scores: two weak, unrelated cues
 * averaged, so neither alone can swing the fused decision by more than half its weight.
 */
export function screenCues(frame: RgbFrame, box: Box, ctx: Box, o: ScreenCueOptions = SCREEN_CUE_DEFAULTS): ScreenCues {
  const sat = faceSaturation(frame, box)
  const line = longestLine(frame, box, ctx)
  const gamut = ramp(sat, o.satLive, o.satScreen)
  const bezel = ramp(line, o.lineLive, o.lineScreen)
  return { faceSaturation: sat, longestLine: line, gamut, bezel, screen: (gamut + bezel) / 2 }
}
