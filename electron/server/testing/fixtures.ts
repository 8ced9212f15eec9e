import type { HostInfo } from '../../../src/shared/api/contract'

/** A tiny 4-dim "model" for tests. */
export const TEST_MODEL = { modelId: 'test-model', modelVersion: '1', dim: 4 } as const

export const testHostInfo = (cooldownMs = 60_000): HostInfo => ({
  kind: 'web',
  version: '0.0.0-test',
  modelBaseUrl: '/models/',
  wasmBaseUrl: '/wasm/',
  locale: 'en',
  embeddingModel: { ...TEST_MODEL },
  cooldownMs,
})

/** Embedding input for TEST_MODEL. */
export const emb = (embedding: number[]) => ({ modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embedding })

/** A mutable clock. */
export function fakeClock(start: number) {
  let t = start
  return {
    now: () => t,
    set: (v: number) => {
      t = v
    },
    advance: (ms: number) => {
      t += ms
    },
  }
}
