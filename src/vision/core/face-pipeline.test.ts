/**
 * Detections without a plausible mesh are dropped (issue #12 item 7): real phone-replay frames of
 * ../shared/faces/spoof-screen where the detector also fired on the wall, balloons or a shoe.
 */
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../../electron/cli/decode-image'
import { sharedVision } from '../../../electron/cli/testing/shared-vision'
import { chooseSubject, MIN_MESH_SCORE, plausibleFaces } from './face-pipeline'
import type { Box } from './frame'

const FACES = process.env['HADIR_FACES_DIR'] ?? resolve(import.meta.dirname, '../../../../shared/faces')
const frame = (name: string) => decodeImageFile(resolve(FACES, 'spoof-screen', 'spoof', name))
const centre = (b: Box) => [b[0] + b[2] / 2, b[1] + b[3] / 2] as const

describe('plausible faces', () => {
  it('keeps detections whose mesh scores at least MIN_MESH_SCORE (faceScore first, else score)', () => {
    const list = [
      { score: 1, faceScore: 1, id: 'face' },
      { score: 0.9, faceScore: 0.4, id: 'wall' },
      { score: MIN_MESH_SCORE, id: 'edge' },
      { score: 0.3, id: 'shoe' },
    ]
    expect(plausibleFaces(list).map((f) => f.id)).toEqual(['face', 'edge'])
  })

  it('a replayed photo in front of balloons on a wall: the wall is not the subject, the face is', async () => {
    const { pipeline } = await sharedVision()
    // the detector also boxes 458×392 px of balloons and wall (mesh score 0.57): it outweighed the face
    const f = await frame('kalyani_17024939843003647.jpg')
    const faces = await pipeline.detect(f)
    expect(faces).toHaveLength(1)
    const choice = chooseSubject(faces, f.width, f.height)
    expect(choice.kind).toBe('one')
    const [x, y] = centre((faces[0] as (typeof faces)[number]).box.map((v) => v / f.scale) as unknown as Box)
    // the woman's face is left of centre, in the middle third (x 143–309, y 183–349 in the 640×480 frame)
    expect(x).toBeGreaterThan(143)
    expect(x).toBeLessThan(309)
    expect(y).toBeGreaterThan(183)
    expect(y).toBeLessThan(349)
  })

  it('one person in front of a replay is one person, not "one person only" (two and three detections before)', async () => {
    const { pipeline } = await sharedVision()
    for (const name of ['kalyani_17024939319986665.jpg', 'eyash_17010716130316641.jpg']) {
      const f = await frame(name)
      const faces = await pipeline.detect(f)
      expect(chooseSubject(faces, f.width, f.height).kind, name).toBe('one')
      for (const face of faces) expect(face.score, name).toBeGreaterThanOrEqual(MIN_MESH_SCORE)
    }
  })
})
