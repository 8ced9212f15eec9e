/**
 * Scene motion around a tracked face: does what surrounds the face move **with the face** (a phone
 * or tablet held in a hand carries its bezel, the hand and the picture's own background along with
 * the face) or **with the room** (a real head moves in front of a background that stays where it is,
 * or that moves only as the camera moves)?
 *
 * Each frame of a track keeps a small grey thumbnail (THUMB_WIDTH pixels wide; in memory only,
 * never stored or sent). Between two frames the face's own shift comes from its mesh (sub-pixel);
 * the shift of the **ring** (blocks beside and above the face, beyond the hair, not below the chin
 * where the body moves with the head) and of the **background** (blocks far from the face) come from
 * block matching (zero-mean absolute differences, exhaustive search). `follow` is then
 *
 *   follow = 1 − |ring − face| / |face|   (shifts relative to the background's, clamped to −1..1)
 *
 * 1: the ring moved exactly with the face (a picture in a hand); 0 or below: the ring stayed with
 * the room while the face moved. Pairs in which the face hardly moved relative to the background
 * carry no evidence and are skipped; so do rings without texture (a plain wall): `null`, not a guess.
 * The track's value is the mean over its pairs weighted by how far the face moved.
 *
 * What it cannot see: a screen that does not move (a TV or monitor on a stand, a phone on a
 * stand): the face moves inside the picture while the picture's surroundings stay still, as for a
 * real person. Those attacks are left to the passive score and the challenge.
 */
import type { Box, RgbFrame } from './frame'

/** Thumbnail width in pixels (the height follows the frame's aspect). */
export const THUMB_WIDTH = 160

export type Thumb = { data: Uint8Array; width: number; height: number; /** frame pixels per thumbnail pixel */ scale: number }

/** Grey thumbnail of a frame by box averaging (luma ≈ (R + 2G + B) / 4). */
export function greyThumb(frame: RgbFrame, width = THUMB_WIDTH): Thumb {
  const scale = frame.width / width
  const height = Math.max(1, Math.round(frame.height / scale))
  const out = new Uint8Array(width * height)
  const { data, channels } = frame
  for (let ty = 0; ty < height; ty++) {
    const y0 = Math.floor(ty * scale)
    const y1 = Math.min(frame.height, Math.max(y0 + 1, Math.floor((ty + 1) * scale)))
    for (let tx = 0; tx < width; tx++) {
      const x0 = Math.floor(tx * scale)
      const x1 = Math.min(frame.width, Math.max(x0 + 1, Math.floor((tx + 1) * scale)))
      let s = 0
      let n = 0
      // every second pixel each way: enough for a box average, 4× cheaper on a 1280×720 frame
      for (let y = y0; y < y1; y += 2) {
        let o = (y * frame.width + x0) * channels
        for (let x = x0; x < x1; x += 2, o += 2 * channels) {
          s += ((data[o] as number) + 2 * (data[o + 1] as number) + (data[o + 2] as number)) >> 2
          n++
        }
      }
      out[ty * width + tx] = n ? Math.round(s / n) : 0
    }
  }
  return { data: out, width, height, scale }
}

export type SceneMotionOptions = {
  /** block side, thumbnail pixels */
  block: number
  /** search radius, thumbnail pixels (±) */
  radius: number
  /** a block whose standard deviation is below this has no texture to match */
  minBlockStd: number
  /** fewest textured blocks for a region's shift */
  minBlocks: number
  /** face shift relative to the background below this share of the face width: no evidence */
  minFaceShift: number
  /** …and below this many thumbnail pixels */
  minFacePx: number
}

export const SCENE_MOTION_DEFAULTS: SceneMotionOptions = { block: 8, radius: 12, minBlockStd: 4, minBlocks: 3, minFaceShift: 0.03, minFacePx: 3 }

type Region = Array<[number, number]>

/**
 * Blocks of the ring (beside the face from 0.65 to 1.6 face widths from its centre, and above the
 * head) and of the background (farther than 2 face sizes), in thumbnail pixels; nothing below the
 * chin near the face (the neck and shoulders move with a real head).
 */
export function regionsAround(box: Box, t: Pick<Thumb, 'width' | 'height' | 'scale'>, o: SceneMotionOptions = SCENE_MOTION_DEFAULTS): { ring: Region; background: Region } {
  const x = box[0] / t.scale
  const y = box[1] / t.scale
  const w = Math.max(1, box[2] / t.scale)
  const h = Math.max(1, box[3] / t.scale)
  const cx = x + w / 2
  const cy = y + h / 2
  const ring: Region = []
  const background: Region = []
  const step = Math.max(2, o.block >> 1)
  for (let by = o.radius; by + o.block + o.radius <= t.height; by += step) {
    for (let bx = o.radius; bx + o.block + o.radius <= t.width; bx += step) {
      const dx = Math.abs(bx + o.block / 2 - cx) / w
      const dy = (by + o.block / 2 - cy) / h
      if (dx < 0.6 && dy > -0.75 && dy < 0.75) continue // the face
      if (dy > 0.5 && dx < 1.2) continue // neck and shoulders
      const r = Math.hypot(dx, dy)
      if ((dx >= 0.65 && dx <= 1.6 && dy < 0.6 && r < 1.8) || (dx < 0.65 && dy > -1.7 && dy <= -0.75)) ring.push([bx, by])
      else if (r > 2) background.push([bx, by])
    }
  }
  return { ring, background }
}

/** Best shift (dx, dy) of block (bx, by) of `a` in `b`, or null for a block without texture. */
function blockShift(a: Thumb, b: Thumb, bx: number, by: number, o: SceneMotionOptions): [number, number] | null {
  const n = o.block * o.block
  let mean = 0
  for (let y = 0; y < o.block; y++) for (let x = 0; x < o.block; x++) mean += a.data[(by + y) * a.width + bx + x] as number
  mean /= n
  let v = 0
  for (let y = 0; y < o.block; y++) for (let x = 0; x < o.block; x++) v += ((a.data[(by + y) * a.width + bx + x] as number) - mean) ** 2
  if (Math.sqrt(v / n) < o.minBlockStd) return null
  let best = Number.POSITIVE_INFINITY
  let bestDx = 0
  let bestDy = 0
  for (let dy = -o.radius; dy <= o.radius; dy++) {
    const y0 = by + dy
    if (y0 < 0 || y0 + o.block > b.height) continue
    for (let dx = -o.radius; dx <= o.radius; dx++) {
      const x0 = bx + dx
      if (x0 < 0 || x0 + o.block > b.width) continue
      let m = 0
      for (let y = 0; y < o.block; y++) for (let x = 0; x < o.block; x++) m += b.data[(y0 + y) * b.width + x0 + x] as number
      m /= n
      let e = 0
      for (let y = 0; y < o.block && e < best; y++) {
        const ra = (by + y) * a.width + bx
        const rb = (y0 + y) * b.width + x0
        for (let x = 0; x < o.block; x++) e += Math.abs((a.data[ra + x] as number) - mean - ((b.data[rb + x] as number) - m))
      }
      // ties go to the smaller shift: a flat match prefers "did not move"
      if (e < best || (e === best && Math.abs(dx) + Math.abs(dy) < Math.abs(bestDx) + Math.abs(bestDy))) {
        best = e
        bestDx = dx
        bestDy = dy
      }
    }
  }
  return [bestDx, bestDy]
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** Median shift of a region's textured blocks, or null with fewer than `minBlocks` of them. */
function regionShift(a: Thumb, b: Thumb, blocks: Region, o: SceneMotionOptions): [number, number] | null {
  const xs: number[] = []
  const ys: number[] = []
  for (const [bx, by] of blocks) {
    const d = blockShift(a, b, bx, by, o)
    if (d) {
      xs.push(d[0])
      ys.push(d[1])
    }
  }
  return xs.length >= o.minBlocks ? [median(xs), median(ys)] : null
}

/** One frame of a track for scene motion: its thumbnail, the face box and the mesh centroid (frame pixels). */
export type SceneSample = { thumb: Thumb; box: Box; centre: [number, number] }

/** Mean of the mesh points (x, y), frame pixels; `mesh` flattened as x0, y0, x1, y1, … */
export function meshCentre(mesh: ArrayLike<number>): [number, number] {
  let x = 0
  let y = 0
  const n = mesh.length >> 1
  for (let i = 0; i < n; i++) {
    x += mesh[2 * i] as number
    y += mesh[2 * i + 1] as number
  }
  return n ? [x / n, y / n] : [0, 0]
}

export type PairMotion = {
  /** face shift relative to the background, in face widths */
  faceShift: number
  /** +1 = every textured ring block moved with the face … −1 = every one stayed with the room; null: no evidence */
  follow: number | null
  /** the background's shift was measured (else the camera is taken as still) */
  background: boolean
}

/** Zero-mean absolute difference of block (bx, by) of `a` against `b` shifted by (dx, dy); +∞ off the thumbnail. */
function blockCost(a: Thumb, b: Thumb, bx: number, by: number, dx: number, dy: number, block: number): number {
  const x0 = bx + dx
  const y0 = by + dy
  if (x0 < 0 || y0 < 0 || x0 + block > b.width || y0 + block > b.height) return Number.POSITIVE_INFINITY
  let ma = 0
  let mb = 0
  for (let y = 0; y < block; y++) {
    const ra = (by + y) * a.width + bx
    const rb = (y0 + y) * b.width + x0
    for (let x = 0; x < block; x++) {
      ma += a.data[ra + x] as number
      mb += b.data[rb + x] as number
    }
  }
  const n = block * block
  ma /= n
  mb /= n
  let e = 0
  for (let y = 0; y < block; y++) {
    const ra = (by + y) * a.width + bx
    const rb = (y0 + y) * b.width + x0
    for (let x = 0; x < block; x++) e += Math.abs((a.data[ra + x] as number) - ma - ((b.data[rb + x] as number) - mb))
  }
  return e / n
}

/** Best cost of a block within ±1 pixel of shift (sx, sy). */
function costNear(a: Thumb, b: Thumb, bx: number, by: number, sx: number, sy: number, block: number): number {
  const cx = Math.round(sx)
  const cy = Math.round(sy)
  let best = Number.POSITIVE_INFINITY
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) best = Math.min(best, blockCost(a, b, bx, by, cx + dx, cy + dy, block))
  return best
}

function blockStd(t: Thumb, bx: number, by: number, block: number): number {
  let m = 0
  for (let y = 0; y < block; y++) for (let x = 0; x < block; x++) m += t.data[(by + y) * t.width + bx + x] as number
  m /= block * block
  let v = 0
  for (let y = 0; y < block; y++) for (let x = 0; x < block; x++) v += ((t.data[(by + y) * t.width + bx + x] as number) - m) ** 2
  return Math.sqrt(v / (block * block))
}

/**
 * Scene motion between two frames of one face: each textured ring block of `a` is matched in `b`
 * under two hypotheses only, "moved with the room" (the background's shift, or none) and "moved
 * with the face" (the mesh centre's shift), each refined by ±1 pixel; the block votes for the one
 * that fits better by a clear margin. Two hypotheses instead of a free search: a large face motion
 * cannot fall outside a search window, and a plain block cannot vote.
 */
export function pairMotion(a: SceneSample, b: SceneSample, o: SceneMotionOptions = SCENE_MOTION_DEFAULTS): PairMotion {
  const t = a.thumb
  const { ring, background } = regionsAround(a.box, t, o)
  const bg = regionShift(a.thumb, b.thumb, background, o)
  const cam: [number, number] = bg ?? [0, 0]
  const fdx = (b.centre[0] - a.centre[0]) / t.scale
  const fdy = (b.centre[1] - a.centre[1]) / t.scale
  const fx = fdx - cam[0]
  const fy = fdy - cam[1]
  const faceW = Math.max(1, a.box[2] / t.scale)
  const m = Math.hypot(fx, fy)
  const faceShift = m / faceW
  // the two hypotheses must be told apart: more than the ±1 pixel refinement each way
  if (faceShift < o.minFaceShift || m < o.minFacePx) return { faceShift, follow: null, background: bg !== null }
  let withFace = 0
  let withRoom = 0
  for (const [bx, by] of ring) {
    if (blockStd(a.thumb, bx, by, o.block) < o.minBlockStd) continue
    const room = costNear(a.thumb, b.thumb, bx, by, cam[0], cam[1], o.block)
    const face = costNear(a.thumb, b.thumb, bx, by, fdx, fdy, o.block)
    if (!Number.isFinite(room) || !Number.isFinite(face)) continue
    if (face < 0.8 * room) withFace++
    else if (room < 0.8 * face) withRoom++
  }
  const votes = withFace + withRoom
  if (votes < o.minBlocks) return { faceShift, follow: null, background: bg !== null }
  return { faceShift, follow: (withFace - withRoom) / votes, background: bg !== null }
}

export type SceneMotion = {
  /** weighted mean follow over the pairs with evidence; null when none had any */
  follow: number | null
  /** pairs that carried evidence / pairs compared */
  pairs: number
  compared: number
  /** largest face shift relative to the background, face widths */
  maxFaceShift: number
}

/**
 * Scene motion of a track (frames oldest first): every frame against the track's first one (motion
 * adds up over the track, so a face that drifts slowly still shows whether its surroundings drift
 * with it), from `minGapMs` after it, weighted by the face's shift. A frame of another size starts
 * a new anchor.
 */
export function sceneMotion(samples: ReadonlyArray<SceneSample & { t: number }>, o: SceneMotionOptions = SCENE_MOTION_DEFAULTS, minGapMs = 120): SceneMotion {
  let num = 0
  let den = 0
  let pairs = 0
  let compared = 0
  let maxFaceShift = 0
  let anchor = samples[0]
  for (let i = 1; i < samples.length && anchor; i++) {
    const b = samples[i] as SceneSample & { t: number }
    if (anchor.thumb.width !== b.thumb.width || anchor.thumb.height !== b.thumb.height) {
      anchor = b
      continue
    }
    if (b.t - anchor.t < minGapMs) continue
    const p = pairMotion(anchor, b, o)
    compared++
    maxFaceShift = Math.max(maxFaceShift, p.faceShift)
    if (p.follow !== null) {
      num += p.follow * p.faceShift
      den += p.faceShift
      pairs++
    }
  }
  return { follow: den > 0 ? num / den : null, pairs, compared, maxFaceShift }
}
