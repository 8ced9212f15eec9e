import type { AttendanceEvent, Identification, KioskOutcome, LivenessEvidence, LivenessStrictness, Person } from '../domain/types'
import type { SecurityLevel } from '../face/decide'
import type { ApiResult } from './result'

/** What the host tells the renderer at start. */
export type HostInfo = {
  kind: 'electron' | 'web'
  version: string
  /** base URL for model files, with trailing slash (Human's `modelBasePath`) */
  modelBaseUrl: string
  /** base URL for wasm binaries, with trailing slash */
  wasmBaseUrl: string
  /** UI language suggested by the host (OS locale) */
  locale: 'id' | 'en'
  /** the embedding model the store's index is built for */
  embeddingModel: { modelId: string; modelVersion: string; dim: number }
  /** repeat-scan cooldown, ms */
  cooldownMs: number
}

/** An embedding sent by the renderer (never a photo). */
export type EmbeddingInput = {
  modelId: string
  modelVersion: string
  /** L2-normalised embedding */
  embedding: number[]
}

/** Settings the kiosk's decisions use. */
export type KioskSettings = {
  /** recognition security level; thresholds are calibrated per level (see README) */
  securityLevel: SecurityLevel
  /** the thresholds behind each level, for display */
  thresholds: Record<SecurityLevel, number>
  /** off: no liveness check; normal: passive layers, a challenge when uncertain; strict: always a challenge */
  livenessStrictness: LivenessStrictness
  cooldownMs: number
}

/** The evidence of one tracked face: 1–10 frames' embeddings from the same track. */
export type TrackInput = {
  modelId: string
  modelVersion: string
  /** L2-normalised embeddings, one per quality-passed frame of the track */
  embeddings: number[][]
}

/**
 * THE method map. Both transports (Electron IPC, HTTP) and the one dispatcher are typed from it.
 * Method names are `domain/verb-noun`.
 */
export type ApiHandlers = {
  'host/info': (args: Record<string, never>) => HostInfo
  'people/list': (args: { activeOnly?: boolean }) => Person[]
  'people/upsert': (args: { id: string; name: string }) => Person
  'people/delete': (args: { personId: string }) => { deleted: boolean; templates: number }
  'enrollment/add-template': (args: EmbeddingInput & { personId: string; quality?: number }) => { templateId: number }
  /** 1:N identification of one embedding at the current (or the given) security level; `empty-gallery` when nobody is enrolled */
  'recognition/identify': (args: EmbeddingInput & { level?: SecurityLevel }) => Identification
  /** decide over a tracked face's frames, then record check-in/out unless within the cooldown */
  'kiosk/recognize': (args: TrackInput & { seenAt?: number; liveness?: LivenessEvidence }) => KioskOutcome
  'settings/get': (args: Record<string, never>) => KioskSettings
  'settings/update': (args: { securityLevel?: SecurityLevel; livenessStrictness?: LivenessStrictness }) => KioskSettings
  'attendance/list': (args: { from?: number; to?: number; personId?: string; limit?: number }) => AttendanceEvent[]
}

export type ApiMethod = keyof ApiHandlers
export type ApiArgs<M extends ApiMethod> = Parameters<ApiHandlers[M]>[0]
export type ApiData<M extends ApiMethod> = ReturnType<ApiHandlers[M]>

/** All method names, for validation at the dispatcher and the conformance test. */
export const API_METHODS: readonly ApiMethod[] = [
  'host/info',
  'people/list',
  'people/upsert',
  'people/delete',
  'enrollment/add-template',
  'recognition/identify',
  'kiosk/recognize',
  'attendance/list',
  'settings/get',
  'settings/update',
] as const

/**
 * What the Electron preload exposes as `window.kiosk`, and nothing else.
 * `invoke` never rejects for domain errors: it resolves to the dispatcher's ApiResult.
 */
export type KioskBridge = {
  invoke(method: string, args: unknown): Promise<ApiResult<unknown>>
}
