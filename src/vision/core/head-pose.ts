/**
 * Head pose and eye openness from MediaPipe's 468-point face mesh (as Human returns it: x, y in
 * frame pixels, z the model's relative depth). Pure arithmetic on a few mesh points; no allocation
 * beyond the result object.
 */

/** A mesh as Human gives it: at least 468 points [x, y, z]. */
export type Mesh = ReadonlyArray<ReadonlyArray<number>>

/** Head rotation in degrees. */
export type HeadPose = {
  /**
   * Turn left/right. 0 = facing the camera; positive when the nose points to the image's right
   * (the subject turns to their left).
   */
  yawDeg: number
  /** Nod up/down. 0 = facing the camera; positive when the chin is raised (looking up). */
  pitchDeg: number
  /**
   * Tilt in the image plane: the angle of the line from the image-left eye to the image-right eye,
   * in image coordinates (y down). Positive = the face is turned clockwise on screen.
   */
  rollDeg: number
}

// Mesh indices (MediaPipe canonical face mesh).
const OUTLINE_IMAGE_LEFT = 234 // face outline at eye level, image-left side (subject's right)
const OUTLINE_IMAGE_RIGHT = 454 // same, image-right side
const FOREHEAD = 10 // top of the face outline, mid-line
const CHIN = 152 // bottom of the chin, mid-line
const NOSE_TIP = 1
// Eye contours, as in align.ts (subject's right eye is the image-left one).
const RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173] as const
const LEFT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398] as const

const DEG = 180 / Math.PI

function px(mesh: Mesh, i: number, k: 0 | 1 | 2): number {
  const p = mesh[i]
  return p ? ((p[k] as number | undefined) ?? 0) : 0
}

function eyeCentre(mesh: Mesh, idx: readonly number[]): [number, number] {
  let x = 0
  let y = 0
  for (const i of idx) {
    x += px(mesh, i, 0)
    y += px(mesh, i, 1)
  }
  return [x / idx.length, y / idx.length]
}

/**
 * Head pose from the mesh.
 *
 * Roll: angle of the line joining the two eye centres (mean of each eye's 16 contour points).
 *
 * Yaw: from where the nose tip (point 1) sits between the face outline points 234 and 454, measured
 * along that line in the frame (so roll does not leak into yaw). With the head a rigid body turning
 * about a vertical axis, the nose tip's offset from the mid-point, in half-widths, is
 * `(d / r)·tan(yaw)`, d being how far the nose tip stands in front of the outline points and r half
 * their distance; d / r = YAW_DEPTH_RATIO was read off the mesh's own depth on near-frontal photos.
 * This 2-D estimate does not need the mesh's z scale and agrees with the z-based one (r = 0.99).
 *
 * Pitch: from the mesh's depth: the angle out of the image plane of the line from forehead point
 * 10 to chin point 152, z converted to frame pixels (Human gives z in pixels of its 192-px model crop,
 * the face box; `boxSize` is that box's side in frame pixels, estimated from the mesh width when
 * not given), minus PITCH_NEUTRAL, that angle's median on near-frontal photos. (The nose-tip method
 * is too weak for pitch: the nose tip stands only ~0.37 half-heights in front of the 10–152 line.)
 */
export function headPose(mesh: Mesh, boxSize?: number): HeadPose {
  if (mesh.length < 468) throw new Error(`face mesh has ${mesh.length} points, need 468`)
  const [lx, ly] = eyeCentre(mesh, RIGHT_EYE)
  const [rx, ry] = eyeCentre(mesh, LEFT_EYE)
  const rollDeg = Math.atan2(ry - ly, rx - lx) * DEG

  // Horizontal face axis (image-left outline → image-right outline).
  const ax = px(mesh, OUTLINE_IMAGE_LEFT, 0)
  const ay = px(mesh, OUTLINE_IMAGE_LEFT, 1)
  const hx = px(mesh, OUTLINE_IMAGE_RIGHT, 0) - ax
  const hy = px(mesh, OUTLINE_IMAGE_RIGHT, 1) - ay
  const hLen2 = hx * hx + hy * hy
  // Vertical face axis (forehead → chin).
  const vx = px(mesh, CHIN, 0) - px(mesh, FOREHEAD, 0)
  const vy = px(mesh, CHIN, 1) - px(mesh, FOREHEAD, 1)
  const vz = px(mesh, CHIN, 2) - px(mesh, FOREHEAD, 2)
  if (hLen2 === 0 || vx * vx + vy * vy === 0) return { yawDeg: 0, pitchDeg: 0, rollDeg }
  // Nose tip's offset from the outline mid-point along the axis, in half-widths (−1..1).
  const u = (((px(mesh, NOSE_TIP, 0) - ax) * hx + (px(mesh, NOSE_TIP, 1) - ay) * hy) / hLen2) * 2 - 1
  const yawDeg = Math.atan(u / YAW_DEPTH_RATIO) * DEG

  let box = boxSize ?? 0
  if (!(box > 0)) {
    let x0 = Infinity
    let x1 = -Infinity
    for (let i = 0; i < 468; i++) {
      const x = px(mesh, i, 0)
      if (x < x0) x0 = x
      if (x > x1) x1 = x
    }
    box = (x1 - x0) / MESH_WIDTH_PER_BOX
  }
  const zPx = (vz * box) / MESH_CROP
  // z grows away from the camera: a chin further away than the forehead means the head is bowed.
  const pitchDeg = -(Math.atan2(zPx, Math.hypot(vx, vy)) * DEG - PITCH_NEUTRAL)
  return { yawDeg, pitchDeg, rollDeg }
}

/**
 * Depth of the nose tip in front of outline points 234/454, over half the 234–454 distance: the
 * median over 88 near-frontal faces of the developer set (|offset| < 0.3), 1.39 (quartiles 1.32–1.43).
 */
export const YAW_DEPTH_RATIO = 1.39
/** Median angle of 10→152 out of the image plane on those faces, degrees. */
export const PITCH_NEUTRAL = 3.2
/** Side of the face mesh model's input, pixels (Human's z unit). */
const MESH_CROP = 192
/** Mesh width over face-box side: median 0.60 over 128 faces whose box is not clamped by the frame. */
const MESH_WIDTH_PER_BOX = 0.6

/**
 * Eye openness: the eye aspect ratio (eyelid gap 159–145 over eye width 33–133 for the image-left
 * eye, 386–374 over 263–362 for the other), the larger of the two eyes so that a turned head, whose
 * far eye is foreshortened and poorly meshed, is judged by the eye the camera sees best.
 */
export function eyeOpenness(mesh: Mesh): number {
  const ear = (top: number, bottom: number, a: number, b: number): number => {
    const w = Math.hypot(px(mesh, a, 0) - px(mesh, b, 0), px(mesh, a, 1) - px(mesh, b, 1))
    const h = Math.hypot(px(mesh, top, 0) - px(mesh, bottom, 0), px(mesh, top, 1) - px(mesh, bottom, 1))
    return w > 0 ? h / w : 0
  }
  return Math.max(ear(159, 145, 33, 133), ear(386, 374, 263, 362))
}
