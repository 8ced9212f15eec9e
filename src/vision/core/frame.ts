/** A decoded image or camera frame: 8-bit RGB or RGBA pixels, row-major, no padding. */
export type RgbFrame = {
  data: Uint8Array | Uint8ClampedArray
  width: number
  height: number
  /** 3 = RGB, 4 = RGBA (alpha ignored) */
  channels: 3 | 4
}

/** A 2-D point in frame pixels. */
export type Point = [number, number]

/** Face box in frame pixels: x, y, width, height. */
export type Box = [number, number, number, number]
