import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileInt8DotWat, renderModule } from '../../../scripts/build-int8-dot-wasm'
import { Int8Rows, type Quantized } from './int8-rows'

function rng(seed: number) {
  let s = seed >>> 0 || 1
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

describe('Int8Rows', () => {
  it('the committed wasm bytes are int8-dot.wat compiled (npx tsx scripts/build-int8-dot-wasm.ts)', async () => {
    const committed = readFileSync(join(import.meta.dirname, 'int8-dot-wasm.ts'), 'utf8')
    expect(committed).toBe(renderModule(await compileInt8DotWat()))
  })

  for (const dim of [1, 7, 16, 31, 32, 33, 130, 512, 1000]) {
    it(`SIMD kernel equals the exact integer dot product and the JS loop (dim ${dim})`, () => {
      const r = rng(dim)
      const n = 37
      const wasm = new Int8Rows(dim, 2)
      const js = new Int8Rows(dim, 2, { forceJs: true })
      expect(wasm.simd).toBe(true)
      expect(js.simd).toBe(false)
      const rows = Array.from({ length: n }, () => Array.from({ length: dim }, r))
      rows.forEach((v, i) => {
        // grow while rows are stored: both memories must keep them
        if (i >= wasm.capacity) wasm.reserve(wasm.capacity * 2)
        if (i >= js.capacity) js.reserve(js.capacity * 2)
        wasm.setRow(i, v)
        js.setRow(i, v)
      })
      // removal compaction keeps rows intact
      wasm.moveRow(n - 1, 3)
      js.moveRow(n - 1, 3)
      const probe = Array.from({ length: dim }, r)
      wasm.setProbe(probe)
      js.setProbe(probe)
      const got = Array.from(wasm.scan(n))
      expect(got).toEqual(Array.from(js.scan(n)))
      // and the integer dot product computed here from the quantised values
      const qp = Array.from({ length: dim }, (_, i) => Math.max(-wasm.probeLimit, Math.min(wasm.probeLimit, Math.round((probe[i] as number) / wasm.setProbe(probe).scale))))
      const row5 = rows[5] as number[]
      const s5 = Math.fround(Math.max(...row5.map(Math.abs)) / 127)
      expect(got[5]).toBe(row5.reduce((acc, x, i) => acc + Math.max(-127, Math.min(127, Math.round(x / s5))) * (qp[i] as number), 0))
    })
  }

  it('cannot overflow int32 at the extremes', () => {
    for (const dim of [512, 1024, 4096]) {
      const q = new Int8Rows(dim, 2)
      q.setRow(0, new Array(dim).fill(1))
      q.setRow(1, new Array(dim).fill(-1))
      q.setProbe(new Array(dim).fill(1))
      const want = 127 * q.probeLimit * dim
      expect(want).toBeLessThan(2 ** 31)
      expect(Array.from(q.scan(2))).toEqual([want, -want])
    }
  })

  it('the error bound ‖e‖‖p‖ + ‖s·q‖‖d‖ holds for every row', () => {
    const dim = 512
    const r = rng(11)
    const q8 = new Int8Rows(dim, 500)
    let worst = 0
    for (let k = 0; k < 5; k++) {
      const rows: number[][] = []
      const qs: Quantized[] = []
      for (let i = 0; i < 500; i++) {
        // mix of dense and spiky rows (spiky rows quantise badly)
        const v = Array.from({ length: dim }, () => (i % 5 === 0 ? r() ** 5 : r()))
        rows.push(v)
        qs.push(q8.setRow(i, v))
      }
      const probe = Array.from({ length: dim }, r)
      const pq = q8.setProbe(probe)
      const dots = q8.scan(500)
      rows.forEach((v, i) => {
        const exact = v.reduce((s, x, j) => s + x * (probe[j] as number), 0)
        const qi = qs[i] as Quantized
        const approx = (dots[i] as number) * qi.scale * pq.scale
        const bound = qi.errNorm * pq.norm + qi.quantNorm * pq.errNorm
        expect(Math.abs(exact - approx)).toBeLessThanOrEqual(bound)
        worst = Math.max(worst, Math.abs(exact - approx) / bound)
      })
    }
    expect(worst).toBeLessThan(1)
  })
})
