import type { Point, RgbFrame } from './frame'

/**
 * ArcFace reference points for a 112×112 crop: image-left eye, image-right eye, nose tip,
 * image-left mouth corner, image-right mouth corner.
 */
export const ARCFACE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
]

// Eye contours of MediaPipe's 468-point mesh. The subject's right eye is the image-left one.
const RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173]
const LEFT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398]
const NOSE_TIP = 1
const MOUTH_IMAGE_LEFT = 61
const MOUTH_IMAGE_RIGHT = 291

/** Iris centres of the 478-point mesh (Human with iris on): image-left eye first. */
const IRIS_CENTERS = [468, 473] as const

/**
 * Five alignment points from a 468(+)-point mesh (x, y in frame pixels), in ARCFACE_112 order.
 * Eye centres are the mean of each eye's contour, or the iris centres when `eyes` is 'iris' and
 * the mesh has them (478 points).
 */
export function fivePointsFromMesh(mesh: ReadonlyArray<ReadonlyArray<number>>, eyes: 'contour' | 'iris' = 'contour'): Point[] {
  if (mesh.length < 468) throw new Error(`face mesh has ${mesh.length} points, need 468`)
  const at = (i: number): Point => {
    const p = mesh[i] as ReadonlyArray<number>
    return [p[0] as number, p[1] as number]
  }
  const mean = (idx: number[]): Point => {
    let x = 0
    let y = 0
    for (const i of idx) {
      const p = at(i)
      x += p[0]
      y += p[1]
    }
    return [x / idx.length, y / idx.length]
  }
  let imageLeft = mean(RIGHT_EYE)
  let imageRight = mean(LEFT_EYE)
  if (eyes === 'iris' && mesh.length >= 478) {
    // which iris is which: the one nearer the image-left eye contour
    const a = at(IRIS_CENTERS[0])
    const b = at(IRIS_CENTERS[1])
    const d = (p: Point, q: Point) => Math.hypot(p[0] - q[0], p[1] - q[1])
    ;[imageLeft, imageRight] = d(a, imageLeft) <= d(b, imageLeft) ? [a, b] : [b, a]
  }
  return [imageLeft, imageRight, at(NOSE_TIP), at(MOUTH_IMAGE_LEFT), at(MOUTH_IMAGE_RIGHT)]
}

/**
 * Similarity transform (scale, rotation, translation; no reflection) mapping `src` onto `dst`
 * in the least-squares sense: dst ≈ [a −b; b a]·src + [tx, ty].
 */
export type Similarity = { a: number; b: number; tx: number; ty: number }

export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  const n = src.length
  if (n < 2 || dst.length !== n) throw new Error('need at least two point pairs of equal count')
  let sx = 0, sy = 0, du = 0, dv = 0
  for (let i = 0; i < n; i++) {
    const s = src[i] as Point
    const d = dst[i] as Point
    sx += s[0]; sy += s[1]; du += d[0]; dv += d[1]
  }
  sx /= n; sy /= n; du /= n; dv /= n
  let num1 = 0, num2 = 0, den = 0
  for (let i = 0; i < n; i++) {
    const s = src[i] as Point
    const d = dst[i] as Point
    const x = s[0] - sx, y = s[1] - sy, u = d[0] - du, v = d[1] - dv
    num1 += x * u + y * v
    num2 += x * v - y * u
    den += x * x + y * y
  }
  if (den === 0) throw new Error('degenerate alignment points')
  const a = num1 / den
  const b = num2 / den
  return { a, b, tx: du - (a * sx - b * sy), ty: dv - (b * sx + a * sy) }
}

/** The inverse of a similarity transform (itself a similarity): crop pixel → frame pixel. */
export function invertSimilarity(m: Similarity): Similarity {
  const det = m.a * m.a + m.b * m.b
  if (det === 0) throw new Error('degenerate similarity transform')
  const a = m.a / det
  const b = -m.b / det
  return { a, b, tx: -(a * m.tx - b * m.ty), ty: -(b * m.tx + a * m.ty) }
}

/**
 * Warps the face into a `size`×`size` crop by the similarity `m` (frame → crop) with bilinear
 * sampling (outside the frame reads 0), writing NCHW planes in B, G, R order as (v − mean) / std.
 */
export function warpToBgrTensor(frame: RgbFrame, m: Similarity, size: number, mean: number, std: number): Float32Array {
  const { data, width, height, channels } = frame
  const out = new Float32Array(3 * size * size)
  const plane = size * size
  const inv = invertSimilarity(m)
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const x = inv.a * u - inv.b * v + inv.tx
      const y = inv.b * u + inv.a * v + inv.ty
      const x0 = Math.floor(x)
      const y0 = Math.floor(y)
      const fx = x - x0
      const fy = y - y0
      let r = 0, g = 0, bl = 0
      for (let k = 0; k < 4; k++) {
        const xx = x0 + (k & 1)
        const yy = y0 + (k >> 1)
        if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue
        const w = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy)
        const o = (yy * width + xx) * channels
        r += w * (data[o] as number)
        g += w * (data[o + 1] as number)
        bl += w * (data[o + 2] as number)
      }
      const i = v * size + u
      out[i] = (bl - mean) / std
      out[plane + i] = (g - mean) / std
      out[2 * plane + i] = (r - mean) / std
    }
  }
  return out
}
