import { describe, expect, it } from 'vitest'
import type { Box } from './frame'
import { countBlinks, faceMotion, planarResidual, summarizeTemporal, TEMPORAL_DEFAULTS, type TemporalSample } from './temporal'

/** A head-like 3D point cloud: an ellipsoid's front half with a nose, in head units (x right, y down, z away from the camera). */
function head(): Array<[number, number, number]> {
  const pts: Array<[number, number, number]> = []
  for (let i = 0; i < 18; i++) {
    for (let j = 0; j < 26; j++) {
      const u = -1.2 + (2.4 * i) / 17 // left-right angle
      const v = -1.1 + (2.2 * j) / 25 // up-down angle
      const x = 0.8 * Math.sin(u) * Math.cos(v)
      const y = 1.0 * Math.sin(v)
      let z = -0.9 * Math.cos(u) * Math.cos(v)
      const nose = Math.exp(-((x / 0.15) ** 2 + ((y - 0.05) / 0.3) ** 2))
      z -= 0.35 * nose
      pts.push([x, y, z])
    }
  }
  return pts
}

type Pose = { yawDeg?: number; tx?: number; ty?: number; dist?: number }

/** Pinhole projection of the head after a yaw turn and a move; focal 600 px, centre (320, 240). */
function project(pts: Array<[number, number, number]>, p: Pose): Float32Array {
  const a = ((p.yawDeg ?? 0) * Math.PI) / 180
  const out = new Float32Array(pts.length * 2)
  pts.forEach(([x, y, z], i) => {
    const xr = x * Math.cos(a) + z * Math.sin(a)
    const zr = -x * Math.sin(a) + z * Math.cos(a)
    const Z = zr + (p.dist ?? 6)
    out[2 * i] = 320 + (600 * (xr + (p.tx ?? 0))) / Z
    out[2 * i + 1] = 240 + (600 * (y + (p.ty ?? 0))) / Z
  })
  return out
}

/** A photo of the head (its frame-0 image, a flat picture) tilted by `tiltDeg` about its vertical axis and moved. */
function photo(img: Float32Array, tiltDeg: number, tx: number, dist = 6): Float32Array {
  const a = (tiltDeg * Math.PI) / 180
  const out = new Float32Array(img.length)
  for (let i = 0; i < img.length / 2; i++) {
    // back to the picture plane (head units at distance 6), then the plane is turned and moved
    const x = (((img[2 * i] as number) - 320) * 6) / 600
    const y = (((img[2 * i + 1] as number) - 240) * 6) / 600
    const xr = x * Math.cos(a)
    const zr = -x * Math.sin(a)
    const Z = zr + dist
    out[2 * i] = 320 + (600 * (xr + tx)) / Z
    out[2 * i + 1] = 240 + (600 * y) / Z
  }
  return out
}

function boxOf(m: Float32Array): Box {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (let i = 0; i < m.length; i += 2) {
    x0 = Math.min(x0, m[i] as number)
    x1 = Math.max(x1, m[i] as number)
    y0 = Math.min(y0, m[i + 1] as number)
    y1 = Math.max(y1, m[i + 1] as number)
  }
  return [x0, y0, x1 - x0, y1 - y0]
}

const sample = (mesh: Float32Array, t: number, eyeOpenness = 0.3): TemporalSample => ({ t, box: boxOf(mesh), mesh, eyeOpenness })

describe('planarResidual', () => {
  const H = head()
  const f0 = project(H, {})

  it('is zero for a flat picture moved and tilted (any perspective view of a plane)', () => {
    expect(planarResidual(f0, f0)).toBeLessThan(1e-9)
    expect(planarResidual(f0, photo(f0, 25, 0.5, 5))).toBeLessThan(1e-6)
  })

  it('is well above the rigid floor for a head that turns 10° (the nose moves against the cheeks)', () => {
    const r = planarResidual(f0, project(H, { yawDeg: 10, tx: 0.3 }))
    expect(r).toBeGreaterThan(TEMPORAL_DEFAULTS.rigidFloor)
  })

  it('sees a mouth opening as non-planar', () => {
    const open = f0.slice()
    for (let i = 0; i < open.length / 2; i++) if ((open[2 * i + 1] as number) > 300) open[2 * i + 1] = (open[2 * i + 1] as number) + 12
    expect(planarResidual(f0, open)).toBeGreaterThan(TEMPORAL_DEFAULTS.rigidFloor)
  })

  it('is Infinity for meshes of different length or too few points', () => {
    expect(planarResidual(f0, f0.subarray(0, 100))).toBe(Number.POSITIVE_INFINITY)
    expect(planarResidual(new Float32Array(6), new Float32Array(6))).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('summarizeTemporal', () => {
  const H = head()
  const f0 = project(H, {})

  it('a photo moved about while held up: rigidMotion (asks for a challenge)', () => {
    const e = summarizeTemporal([sample(f0, 0), sample(photo(f0, 8, 0.3), 100), sample(photo(f0, 15, 0.7), 200)])
    expect(e.motion).toBeGreaterThanOrEqual(TEMPORAL_DEFAULTS.minMotion)
    expect(e.nonRigidity).toBeLessThan(TEMPORAL_DEFAULTS.rigidFloor)
    expect(e).toMatchObject({ frames: 3, spanMs: 200, rigidMotion: true, still: false })
  })

  it('a live head moving the same way: not rigid', () => {
    const e = summarizeTemporal([sample(f0, 0), sample(project(H, { yawDeg: 6, tx: 0.3 }), 100), sample(project(H, { yawDeg: 12, tx: 0.7 }), 200)])
    expect(e.motion).toBeGreaterThanOrEqual(TEMPORAL_DEFAULTS.minMotion)
    expect(e.rigidMotion).toBe(false)
  })

  it('too little motion or too few frames: no verdict; identical frames are still', () => {
    expect(summarizeTemporal([sample(f0, 0), sample(photo(f0, 15, 0.7), 100)]).rigidMotion).toBe(false)
    const still = summarizeTemporal([sample(f0, 0), sample(f0, 100), sample(f0, 200)])
    expect(still).toMatchObject({ rigidMotion: false, still: true, motion: 0, nonRigidity: 0 })
    expect(summarizeTemporal([])).toMatchObject({ frames: 0, rigidMotion: false, still: false })
  })

  it('counts blinks across the track', () => {
    const eyes = [0.3, 0.31, 0.1, 0.3, 0.3]
    const e = summarizeTemporal(eyes.map((x, i) => sample(f0, i * 100, x)))
    expect(e.blinks).toBe(1)
  })
})

describe('countBlinks and faceMotion', () => {
  it('needs closed then reopened eyes, relative to the most open value seen', () => {
    expect(countBlinks([0.3, 0.1, 0.29, 0.3, 0.12, 0.3])).toBe(2)
    expect(countBlinks([0.3, 0.1, 0.15])).toBe(0) // never reopened
    expect(countBlinks([0.3, 0.2, 0.3])).toBe(0) // 0.2 is not closed (> 55% of 0.3)
    expect(countBlinks([0, 0, 0])).toBe(0)
  })

  it('is the centre shift plus the size change, in face widths', () => {
    expect(faceMotion([0, 0, 100, 100], [10, 0, 100, 100])).toBeCloseTo(0.1)
    expect(faceMotion([0, 0, 100, 100], [-10, -10, 120, 120])).toBeCloseTo(0.2)
  })
})
