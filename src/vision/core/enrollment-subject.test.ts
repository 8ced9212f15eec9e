/**
 * Which face an enrollment photo is about (chooseEnrollmentSubject). Boxes are the ones Human finds
 * on real photos of the calibration set (250×250 LFW crops) and the group photos of other/.
 */
import { describe, expect, it } from 'vitest'
import type { Box } from './frame'
import { chooseEnrollmentSubject, chooseSubject } from './face-pipeline'

const faces = (...boxes: Box[]) => boxes.map((box) => ({ box }))

describe('chooseEnrollmentSubject', () => {
  it('a large central face wins over a comparable neighbour cut by the border (refused by the general rule)', () => {
    // Serena_Williams_0003: the neighbour touches the left edge
    const f = faces([54, 63, 142, 141], [0, 62, 117, 127])
    expect(chooseSubject(f, 250, 250).kind).toBe('ambiguous')
    expect(chooseEnrollmentSubject(f, 250, 250)).toEqual({ kind: 'one', index: 0, ignored: 1 })
    // Susan_Sarandon_0001: the subject is the second, whole face
    expect(chooseEnrollmentSubject(faces([0, 65, 129, 165], [64, 61, 142, 143]), 250, 250)).toMatchObject({ kind: 'one', index: 1 })
  })

  it('two whole faces of comparable size stay ambiguous, naming both', () => {
    // Ben_Affleck_0007
    expect(chooseEnrollmentSubject(faces([39, 60, 143, 144], [121, 100, 117, 117]), 250, 250)).toEqual({ kind: 'ambiguous', count: 2, rivals: [0, 1] })
  })

  it('whatever the general rule accepts is accepted as before', () => {
    const f = faces([57, 62, 143, 144], [157, 153, 78, 79]) // Tom_Craddick_0001: a small second face
    expect(chooseEnrollmentSubject(f, 250, 250)).toEqual({ kind: 'one', index: (chooseSubject(f, 250, 250) as { index: number }).index, ignored: 1 })
    expect(chooseEnrollmentSubject(faces([10, 10, 50, 50]), 250, 250)).toEqual({ kind: 'one', index: 0, ignored: 0 })
    expect(chooseEnrollmentSubject([], 250, 250)).toEqual({ kind: 'none' })
  })

  it('group photos without a large central face are refused', () => {
    // group_kit_with_rose.jpg (501×700) and group_bbt1.jpg (1366×768)
    expect(chooseEnrollmentSubject(faces([228, 68, 157, 157], [50, 99, 134, 134]), 501, 700).kind).toBe('ambiguous')
    expect(chooseEnrollmentSubject(faces([938, 39, 218, 219], [665, 89, 218, 218], [165, 103, 192, 192], [432, 122, 178, 179]), 1366, 768).kind).toBe('ambiguous')
    // a small central face beside a border-cut one is not "large": the general rule decides (ambiguous)
    expect(chooseEnrollmentSubject(faces([110, 110, 30, 30], [0, 100, 28, 28]), 250, 250).kind).toBe('ambiguous')
  })
})
