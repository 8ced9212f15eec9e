import { HadirError } from '../../../src/shared/api/result'
import { open, seal } from '../secrets/crypto-box'

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Float32Array → BLOB bytes, Float32 little-endian. Always copies. */
export function encodeEmbedding(v: Float32Array): Buffer {
  const out = Buffer.alloc(v.length * 4)
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
  } else {
    for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i] as number, i * 4)
  }
  return out
}

/**
 * BLOB bytes (Float32 LE) → a fresh, 4-byte-aligned Float32Array.
 * Throws HadirError 'db-error' when the length is not a multiple of 4 or differs from `dim`.
 */
export function decodeEmbedding(bytes: Uint8Array, dim?: number): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new HadirError('db-error', `embedding blob has ${bytes.byteLength} bytes, not a multiple of 4`)
  }
  const n = bytes.byteLength / 4
  if (dim !== undefined && n !== dim) throw new HadirError('db-error', `embedding blob has ${n} values, expected ${dim}`)
  const out = new Float32Array(n)
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes)
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true)
  }
  return out
}

/** Float32Array → sealed BLOB (crypto-box v1 of the Float32 LE bytes) for the row named by `aad`. */
export function sealEmbedding(v: Float32Array, key: Uint8Array, aad: string): Buffer {
  const plain = encodeEmbedding(v)
  try {
    return seal(plain, key, aad)
  } finally {
    plain.fill(0)
  }
}

/**
 * Sealed BLOB → Float32Array. Throws HadirError 'data-key-wrong' when it does not open with `key`
 * for this row, 'db-error' when the decrypted length differs from `dim`.
 */
export function openEmbedding(blob: Uint8Array, key: Uint8Array, aad: string, dim?: number): Float32Array {
  const plain = open(blob, key, aad)
  try {
    return decodeEmbedding(plain, dim)
  } finally {
    plain.fill(0)
  }
}
