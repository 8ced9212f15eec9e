import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { open, seal, SEAL_OVERHEAD, SEAL_VERSION } from './crypto-box'

const key = randomBytes(32)
const plain = Buffer.from('Float32 bytes of a face template, or an HR key', 'utf8')

describe('crypto-box (AES-256-GCM, v1 || iv || ciphertext || tag)', () => {
  it('round-trips, with the documented layout and a fresh IV each time', () => {
    const a = seal(plain, key, 'template:["u1"]')
    const b = seal(plain, key, 'template:["u1"]')
    expect(a.byteLength).toBe(plain.byteLength + SEAL_OVERHEAD)
    expect(a[0]).toBe(SEAL_VERSION)
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false)
    expect(a.includes(plain.subarray(0, 8))).toBe(false)
    expect(open(a, key, 'template:["u1"]').equals(plain)).toBe(true)
    expect(open(b, key, 'template:["u1"]').equals(plain)).toBe(true)
    expect(open(seal(Buffer.alloc(0), key, 'x'), key, 'x').byteLength).toBe(0)
  })

  it('another key → data-key-wrong', () => {
    const blob = seal(plain, key, 'setting:hr.key')
    expect(() => open(blob, randomBytes(32), 'setting:hr.key')).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
  })

  it("another row's blob (AAD) → data-key-wrong", () => {
    const forU1 = seal(plain, key, 'template:["u1","E1"]')
    expect(() => open(forU1, key, 'template:["u2","E2"]')).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    expect(() => open(forU1, key, 'setting:hr.key')).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
  })

  it('any altered byte of iv, ciphertext or tag → data-key-wrong; a truncated blob too', () => {
    const blob = seal(plain, key, 'a')
    for (let i = 1; i < blob.byteLength; i++) {
      const bad = Buffer.from(blob)
      bad[i] = (bad[i] as number) ^ 0x01
      expect(() => open(bad, key, 'a'), `byte ${i}`).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    }
    expect(() => open(blob.subarray(0, blob.byteLength - 1), key, 'a')).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
  })

  it('an unknown version or a blob shorter than the overhead → db-corrupt; a key of the wrong size → RangeError', () => {
    const blob = seal(plain, key, 'a')
    const v2 = Buffer.from(blob)
    v2[0] = 2
    expect(() => open(v2, key, 'a')).toThrow(expect.objectContaining({ code: 'db-corrupt' }))
    expect(() => open(blob.subarray(0, SEAL_OVERHEAD - 1), key, 'a')).toThrow(expect.objectContaining({ code: 'db-corrupt' }))
    expect(() => seal(plain, randomBytes(16), 'a')).toThrow(RangeError)
    expect(() => open(blob, randomBytes(31), 'a')).toThrow(RangeError)
  })
})
