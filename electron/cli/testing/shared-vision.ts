/**
 * One loaded vision pipeline per test worker. The Vitest project `vision` (vitest.config.ts) runs its
 * files without module isolation, so every file of a worker imports this same module and shares the
 * one promise below: the models are read, checked and compiled once per worker, not once per file.
 * Never disposed: the worker ends with the run.
 *
 * The options cover every vision test: Human's antispoof and liveness on (they only add scores), up
 * to 10 faces (group photos, several-face tests), flip averaging as the shipped model tag says.
 */
import { createNodePipeline } from '../node-vision'

export type SharedVision = Awaited<ReturnType<typeof createNodePipeline>> & { liveness: NonNullable<Awaited<ReturnType<typeof createNodePipeline>>['liveness']> }

let shared: Promise<SharedVision> | null = null

export function sharedVision(): Promise<SharedVision> {
  shared ??= createNodePipeline({ liveness: true, maxFaces: 10 }).then((v) => {
    if (!v.liveness) throw new Error('the liveness scorer was not created')
    return v as SharedVision
  })
  return shared
}
