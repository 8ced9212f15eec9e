/**
 * Authenticated encryption of data at rest (face templates, secrets in `settings`).
 *
 * Blob format (version 1):
 *
 *     0x01 || iv (12 random bytes) || ciphertext (same length as the plaintext) || GCM tag (16 bytes)
 *
 * AES-256-GCM under the 32-byte data key. The additional authenticated data (AAD) names the row the
 * blob belongs to (`template:[…]`, `setting:hr.key`), so a blob copied into another row does not open.
 * The AAD is not stored: the reader rebuilds it from the row.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { HadirError } from '../../../src/shared/api/result'

export const DATA_KEY_BYTES = 32
export const SEAL_VERSION = 0x01
const IV_BYTES = 12
const TAG_BYTES = 16
/** Bytes a sealed blob adds to its plaintext: version, iv, tag. */
export const SEAL_OVERHEAD = 1 + IV_BYTES + TAG_BYTES

function checkKey(key: Uint8Array): void {
  if (key.byteLength !== DATA_KEY_BYTES) throw new RangeError(`the data key must be ${DATA_KEY_BYTES} bytes, got ${key.byteLength}`)
}

/** Encrypts `plain` for the row named by `aad`. A fresh random IV each call. */
export function seal(plain: Uint8Array, key: Uint8Array, aad: string): Buffer {
  checkKey(key)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const body = Buffer.concat([cipher.update(plain), cipher.final()])
  return Buffer.concat([Buffer.from([SEAL_VERSION]), iv, body, cipher.getAuthTag()])
}

/**
 * Decrypts a blob made by `seal` for the same row (`aad`). Returns a fresh Buffer the caller may wipe.
 * Throws HadirError 'data-key-wrong' when it does not authenticate (another key, another row's blob,
 * or altered bytes) and 'db-corrupt' when it is not a sealed blob of a known version.
 */
export function open(blob: Uint8Array, key: Uint8Array, aad: string): Buffer {
  checkKey(key)
  if (blob.byteLength < SEAL_OVERHEAD) {
    throw new HadirError('db-corrupt', `A sealed value (${aad.split(':')[0] ?? 'value'}) is too short to be one (${blob.byteLength} bytes)`)
  }
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength)
  if (bytes[0] !== SEAL_VERSION) {
    throw new HadirError('db-corrupt', `A sealed value (${aad.split(':')[0] ?? 'value'}) has an unknown format version ${bytes[0]}`)
  }
  const iv = bytes.subarray(1, 1 + IV_BYTES)
  const tag = bytes.subarray(bytes.byteLength - TAG_BYTES)
  const body = bytes.subarray(1 + IV_BYTES, bytes.byteLength - TAG_BYTES)
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(body), decipher.final()])
  } catch {
    throw new HadirError(
      'data-key-wrong',
      `Cannot decrypt stored data (${aad.split(':')[0] ?? 'value'}): the data key is not the one it was encrypted with, or the database was altered.`,
    )
  }
}
