import type { HostInfo } from '../../../src/shared/api/contract'
import type { RecognitionConfig } from '../../../src/shared/face/decide'

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

/** Passive liveness evidence that says live. */
/** Evidence of a live presentation as the renderer sends it: the rule (shared/face/liveness-rule.ts) says live. */
export const LIVE_TRACK = { frames: 7, scoredFrames: 7, spanMs: 900, follow: -0.8, followPairs: 5, maxFaceShift: 0.2, outcome: 'live' as const, reasons: [] as string[] }
export const LIVE = { decision: 'live' as const, score: 0.93, layers: { frLiveness: 0.93, humanAntispoof: 0.5 }, challenge: null, track: LIVE_TRACK }

/** A passed challenge with the frames that passed it (the main side verifies them again). */
export const PASSED_BLINK = { kind: 'blink' as const, passed: true, ms: 600, samples: [{ t: 0, yawDeg: 0, eyeOpenness: 0.3 }, { t: 200, yawDeg: 0, eyeOpenness: 0.08 }, { t: 400, yawDeg: 0, eyeOpenness: 0.31 }] }
export const PASSED_TURN_LEFT = { kind: 'turn-left' as const, passed: true, ms: 900, samples: [{ t: 0, yawDeg: 1, eyeOpenness: 0.3 }, { t: 400, yawDeg: 9, eyeOpenness: 0.3 }, { t: 800, yawDeg: 19, eyeOpenness: 0.3 }], turnNonPlanarity: 0.09 }

/** A tracked face's frames for TEST_MODEL (kiosk/recognize), with live evidence. */
export const track = (...embeddings: number[][]) => ({ modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embeddings, liveness: LIVE })

/** Decision rule for tests: one threshold for `normal`, stricter ones above it. */
export const testRecognition = (threshold: number): RecognitionConfig => ({
  thresholds: { normal: threshold, high: Math.min(0.99, threshold + 0.1), 'very-high': Math.min(0.995, threshold + 0.2) },
  margin: 0.02,
  minAgreement: 0.6,
  defaultLevel: 'normal',
})

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
