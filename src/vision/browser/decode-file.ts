import { HadirError } from '../../shared/api/result'
import type { RgbFrame } from '../core/frame'

/** The same limits as the CLI's decoder (electron/cli/decode-image.ts). */
export const MAX_FILE_BYTES = 25 * 1024 * 1024
export const MAX_PIXELS = 60_000_000
export const MAX_SIDE = 1600

/**
 * Decodes a picked or dropped photo in the renderer (EXIF orientation applied), refusing files over
 * 25 MB or 60 megapixels and anything the browser cannot decode; scaled so its longer side is at
 * most 1600 px. The pixels stay in memory only.
 */
export async function decodeImageBlob(file: Blob, label: string): Promise<RgbFrame> {
  if (file.size > MAX_FILE_BYTES) throw new HadirError('image-too-large', `${label} is larger than 25 MB`)
  if (file.size === 0) throw new HadirError('image-unreadable', `${label} is empty`)
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    throw new HadirError('image-unreadable', `${label} is not a readable image`)
  }
  try {
    if (bitmap.width * bitmap.height > MAX_PIXELS) throw new HadirError('image-too-large', `${label} has more than 60 megapixels`)
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height))
    const w = Math.max(1, Math.round(bitmap.width * scale))
    const h = Math.max(1, Math.round(bitmap.height * scale))
    const canvas = new OffscreenCanvas(w, h)
    const ctx = canvas.getContext('2d', { willReadFrequently: true })
    if (!ctx) throw new HadirError('image-unreadable', 'no 2D canvas to decode images')
    ctx.drawImage(bitmap, 0, 0, w, h)
    const img = ctx.getImageData(0, 0, w, h)
    return { data: img.data, width: w, height: h, channels: 4 }
  } finally {
    bitmap.close()
  }
}
