import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { decodeEmbedding, encodeEmbedding, openEmbedding, sealEmbedding } from './embedding-codec'

describe('embedding-codec', () => {
  it('round-trips exactly as Float32 little-endian', () => {
    const v = new Float32Array([1, -0.5, 0.1, 3.4028234663852886e38])
    const buf = encodeEmbedding(v)
    expect(buf.byteLength).toBe(16)
    expect(buf.readFloatLE(0)).toBe(1)
    expect(buf.readFloatLE(4)).toBe(-0.5)
    expect(Array.from(decodeEmbedding(buf, 4))).toEqual(Array.from(v))
  })
  it('handles a view with an odd byte offset (SQLite buffers need not be aligned)', () => {
    const raw = Buffer.alloc(9)
    raw.writeFloatLE(2.5, 1)
    raw.writeFloatLE(-1, 5)
    const out = decodeEmbedding(raw.subarray(1))
    expect(Array.from(out)).toEqual([2.5, -1])
  })
  it('encodes a subarray view, not its whole buffer', () => {
    const big = new Float32Array([9, 8, 7, 6])
    expect(Array.from(decodeEmbedding(encodeEmbedding(big.subarray(1, 3))))).toEqual([8, 7])
  })
  it('rejects bad lengths', () => {
    expect(() => decodeEmbedding(Buffer.alloc(6))).toThrow(expect.objectContaining({ code: 'db-error' }))
    expect(() => decodeEmbedding(Buffer.alloc(8), 3)).toThrow(expect.objectContaining({ code: 'db-error' }))
  })

  it('seals and opens an embedding for one row; another row, key or dimension is refused', () => {
    const key = randomBytes(32)
    const v = new Float32Array([0.25, -1, 0.5])
    const blob = sealEmbedding(v, key, 'template:["u1"]')
    expect(blob.includes(encodeEmbedding(v))).toBe(false)
    expect(Array.from(openEmbedding(blob, key, 'template:["u1"]', 3))).toEqual([0.25, -1, 0.5])
    expect(() => openEmbedding(blob, key, 'template:["u2"]', 3)).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    expect(() => openEmbedding(blob, randomBytes(32), 'template:["u1"]', 3)).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    expect(() => openEmbedding(blob, key, 'template:["u1"]', 4)).toThrow(expect.objectContaining({ code: 'db-error' }))
  })
})
