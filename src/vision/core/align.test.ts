import { describe, expect, it } from 'vitest'
import { ARCFACE_112, estimateSimilarity, invertSimilarity, warpToBgrTensor, type Similarity } from './align'
import type { Point } from './frame'

const apply = (m: Similarity, [x, y]: Point): Point => [m.a * x - m.b * y + m.tx, m.b * x + m.a * y + m.ty]

describe('similarity alignment', () => {
  it('recovers an exact similarity transform from five points', () => {
    const truth: Similarity = { a: 0.8 * Math.cos(0.3), b: 0.8 * Math.sin(0.3), tx: 12, ty: -7 }
    const src = ARCFACE_112.map((p) => apply(invertSimilarity(truth), p))
    const m = estimateSimilarity(src, ARCFACE_112)
    expect(m.a).toBeCloseTo(truth.a, 9)
    expect(m.b).toBeCloseTo(truth.b, 9)
    expect(m.tx).toBeCloseTo(truth.tx, 9)
    expect(m.ty).toBeCloseTo(truth.ty, 9)
  })
  it('the inverse maps crop points back onto frame points', () => {
    const m: Similarity = { a: 0.5, b: -0.2, tx: 3, ty: 40 }
    const p: Point = [123.4, 56.7]
    const back = apply(invertSimilarity(m), apply(m, p))
    expect(back[0]).toBeCloseTo(p[0], 9)
    expect(back[1]).toBeCloseTo(p[1], 9)
  })
  it('warps into B,G,R planes normalised as (v − 127) / 128', () => {
    // a 4×4 pure-red frame, identity transform: every in-frame crop pixel is R=255, G=B=0
    const data = new Uint8Array(4 * 4 * 3)
    for (let i = 0; i < 16; i++) data[i * 3] = 255
    const t = warpToBgrTensor({ data, width: 4, height: 4, channels: 3 }, { a: 1, b: 0, tx: 0, ty: 0 }, 2, 127, 128)
    expect(Array.from(t.subarray(0, 4))).toEqual([-127 / 128, -127 / 128, -127 / 128, -127 / 128]) // B
    expect(Array.from(t.subarray(8, 12))).toEqual([1, 1, 1, 1]) // R
  })
})
