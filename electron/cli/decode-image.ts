import { readFile, stat } from 'node:fs/promises'
import sharp, { type Metadata } from 'sharp'
import { HadirError } from '../../src/shared/api/result'
import type { RgbFrame } from '../../src/vision/core/frame'

/** Files larger than this are refused before decoding. */
export const MAX_IMAGE_BYTES = 25 * 1024 * 1024
/** Images with more pixels than this are refused (a decompression bomb guard). */
export const MAX_IMAGE_PIXELS = 60_000_000
/** Photos are scaled down so the long side is at most this many pixels before detection. */
export const MAX_SIDE = 1600

/**
 * Decodes a JPEG/PNG/WebP file into 8-bit RGB with its EXIF orientation applied, scaled down to
 * MAX_SIDE. Throws `image-unreadable` or `image-too-large` with a plain message.
 */
export async function decodeImageFile(file: string): Promise<RgbFrame & { scale: number }> {
  let size: number
  try {
    const s = await stat(file)
    if (!s.isFile()) throw new HadirError('image-unreadable', `${file} is not a file`)
    size = s.size
  } catch (err) {
    if (err instanceof HadirError) throw err
    throw new HadirError('image-unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  if (size === 0) throw new HadirError('image-unreadable', `${file} is empty`)
  if (size > MAX_IMAGE_BYTES) throw new HadirError('image-too-large', `${file} is ${(size / 1048576).toFixed(1)} MB; the limit is ${MAX_IMAGE_BYTES / 1048576} MB`)
  return decodeImageBytes(await readFile(file), file)
}

/** As decodeImageFile, for bytes already in memory; `label` names the image in messages. */
export async function decodeImageBytes(bytes: Uint8Array, label: string): Promise<RgbFrame & { scale: number }> {
  if (bytes.byteLength > MAX_IMAGE_BYTES) throw new HadirError('image-too-large', `${label} is larger than ${MAX_IMAGE_BYTES / 1048576} MB`)
  let meta: Metadata
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata()
  } catch {
    throw new HadirError('image-unreadable', `${label} is not a readable image (JPEG, PNG or WebP)`)
  }
  if (!meta.width || !meta.height) throw new HadirError('image-unreadable', `${label} has no image size`)
  if (meta.width * meta.height > MAX_IMAGE_PIXELS) {
    throw new HadirError('image-too-large', `${label} is ${meta.width}×${meta.height} pixels; the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels`)
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`)
    const oriented = (meta.orientation ?? 1) >= 5 ? meta.height : meta.width
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3, scale: info.width / oriented }
  } catch (err) {
    throw new HadirError('image-unreadable', `${label} could not be decoded (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); it may be truncated or corrupt`)
  }
}
