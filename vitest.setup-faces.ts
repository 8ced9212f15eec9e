import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/** The unit tests read real photos: say where they were looked for before any test fails on a missing file. */
export default function setup(): void {
  const faces = process.env['HADIR_FACES_DIR'] ?? resolve(import.meta.dirname, '..', 'shared', 'faces')
  if (!existsSync(resolve(faces, 'identities'))) {
    throw new Error(`the tests need the real face set at ${faces} (../shared/faces beside the repository, or set HADIR_FACES_DIR)`)
  }
}
