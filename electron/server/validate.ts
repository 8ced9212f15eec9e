import type { ApiArgs, ApiMethod, EmbeddingInput, TrackInput } from '../../src/shared/api/contract'
import type { ChallengeKind, LivenessEvidence, LivenessReason, LivenessStrictness } from '../../src/shared/domain/types'
import { SECURITY_LEVELS, type SecurityLevel } from '../../src/shared/face/decide'
import { HadirError } from '../../src/shared/api/result'

/**
 * Hand-written argument validators, one per method. Each returns a fresh object holding only
 * the known fields (unknown keys are dropped), or throws HadirError('invalid-args').
 * Runs in dispatch() before any handler, so handlers can trust their argument types.
 */
export type Validators = { [M in ApiMethod]: (args: unknown) => ApiArgs<M> }

/** Upper bound on an embedding's length accepted over the API. */
export const MAX_EMBEDDING_DIM = 4096
export const MAX_ID_LENGTH = 64
export const MAX_NAME_LENGTH = 200
export const MAX_LIST_LIMIT = 10_000
/** Frames of one tracked face the kiosk may send for one decision. */
export const MAX_TRACK_FRAMES = 10

const bad = (message: string, field?: string): HadirError => new HadirError('invalid-args', message, field ? { field } : undefined)

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/

type Obj = Record<string, unknown>

/** `undefined`/`null` → `{}` when every field is optional; otherwise a plain object is required. */
function object(args: unknown, allOptional: boolean): Obj {
  if ((args === undefined || args === null) && allOptional) return {}
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw bad('arguments must be an object')
  return args as Obj
}

function str(o: Obj, field: string, max: number, opts: { optional?: boolean; trim?: boolean } = {}): string | undefined {
  const v = o[field]
  if (v === undefined && opts.optional) return undefined
  if (typeof v !== 'string') throw bad(`${field} must be a string`, field)
  const s = opts.trim ? v.trim() : v
  if (s.length === 0) throw bad(`${field} must not be empty`, field)
  if (s.length > max) throw bad(`${field} is longer than ${max} characters`, field)
  if (CONTROL_CHARS.test(s)) throw bad(`${field} contains control characters`, field)
  return s
}

function num(o: Obj, field: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const v = o[field]
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${field} must be a finite number`, field)
  if (opts.integer && !Number.isInteger(v)) throw bad(`${field} must be an integer`, field)
  if (opts.min !== undefined && v < opts.min) throw bad(`${field} must be ≥ ${opts.min}`, field)
  if (opts.max !== undefined && v > opts.max) throw bad(`${field} must be ≤ ${opts.max}`, field)
  return v
}

function bool(o: Obj, field: string): boolean | undefined {
  const v = o[field]
  if (v === undefined) return undefined
  if (typeof v !== 'boolean') throw bad(`${field} must be a boolean`, field)
  return v
}

function vector(e: unknown, field: string): number[] {
  if (!Array.isArray(e)) throw bad(`${field} must be an array of numbers`, field)
  if (e.length === 0 || e.length > MAX_EMBEDDING_DIM) throw bad(`${field} must have 1..${MAX_EMBEDDING_DIM} values`, field)
  const out = new Array<number>(e.length)
  for (let i = 0; i < e.length; i++) {
    const x: unknown = e[i]
    if (typeof x !== 'number' || !Number.isFinite(x)) throw bad(`${field}[${i}] is not a finite number`, field)
    out[i] = x
  }
  return out
}

function modelTag(o: Obj): { modelId: string; modelVersion: string } {
  return { modelId: str(o, 'modelId', 128) as string, modelVersion: str(o, 'modelVersion', 64) as string }
}

function embeddingInput(o: Obj): EmbeddingInput {
  return { ...modelTag(o), embedding: vector(o.embedding, 'embedding') }
}

function trackInput(o: Obj): TrackInput {
  const tag = modelTag(o)
  const list = o.embeddings
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_TRACK_FRAMES) {
    throw bad(`embeddings must be an array of 1..${MAX_TRACK_FRAMES} embeddings`, 'embeddings')
  }
  const embeddings = list.map((e, i) => vector(e, `embeddings[${i}]`))
  if (embeddings.some((e) => e.length !== (embeddings[0] as number[]).length)) throw bad('embeddings must all have the same length', 'embeddings')
  return { ...tag, embeddings }
}

const LIVENESS_DECISIONS: readonly (LivenessReason | 'live')[] = ['live', 'spoof_detected', 'liveness_uncertain', 'quality_low', 'challenge_failed', 'timeout']
const CHALLENGES: readonly ChallengeKind[] = ['blink', 'turn-left', 'turn-right']
const STRICTNESS: readonly LivenessStrictness[] = ['off', 'normal', 'strict']
const MAX_LAYERS = 16

function oneOf<T extends string>(o: Obj, field: string, allowed: readonly T[]): T | undefined {
  const v = o[field]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw bad(`${field} must be one of ${allowed.join(', ')}`, field)
  return v as T
}

function unit(o: Obj, field: string): number {
  const v = num(o, field, { min: 0, max: 1 })
  if (v === undefined) throw bad(`${field} is required`, field)
  return v
}

function livenessEvidence(v: unknown): LivenessEvidence | undefined {
  if (v === undefined) return undefined
  const o = object(v, false)
  const decision = oneOf(o, 'decision', LIVENESS_DECISIONS)
  if (!decision) throw bad('liveness.decision is required', 'liveness')
  const layersIn = object(o.layers ?? {}, true)
  const entries = Object.entries(layersIn)
  if (entries.length > MAX_LAYERS) throw bad(`liveness.layers has more than ${MAX_LAYERS} entries`, 'liveness')
  const layers: Record<string, number | null> = {}
  for (const [k, x] of entries) {
    if (k.length > 40 || CONTROL_CHARS.test(k) || k === '__proto__' || k === 'constructor' || k === 'prototype') throw bad('liveness.layers has a bad key', 'liveness')
    if (x !== null && (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1)) throw bad(`liveness.layers.${k} must be 0..1 or null`, 'liveness')
    layers[k] = x as number | null
  }
  let challenge: LivenessEvidence['challenge'] = null
  if (o.challenge !== undefined && o.challenge !== null) {
    const c = object(o.challenge, false)
    const kind = oneOf(c, 'kind', CHALLENGES)
    const passed = bool(c, 'passed')
    const ms = num(c, 'ms', { min: 0, max: 600_000 })
    if (!kind || passed === undefined || ms === undefined) throw bad('liveness.challenge needs kind, passed and ms', 'liveness')
    challenge = { kind, passed, ms }
  }
  let temporal: LivenessEvidence['temporal'] = null
  if (o.temporal !== undefined && o.temporal !== null) {
    const t = object(o.temporal, false)
    const count = (f: string, max: number) => {
      const x = num(t, f, { min: 0, max })
      if (x === undefined) throw bad(`liveness.temporal.${f} is required`, 'liveness')
      return x
    }
    const flag = (f: string) => {
      const x = bool(t, f)
      if (x === undefined) throw bad(`liveness.temporal.${f} is required`, 'liveness')
      return x
    }
    temporal = {
      frames: count('frames', 10_000),
      spanMs: count('spanMs', 3_600_000),
      motion: count('motion', 1_000),
      nonRigidity: count('nonRigidity', 1_000),
      rigidMotion: flag('rigidMotion'),
      blinks: count('blinks', 10_000),
      still: flag('still'),
    }
  }
  return { decision, score: unit(o, 'score'), layers, challenge, temporal }
}

function level(o: Obj, field: string): SecurityLevel | undefined {
  const v = o[field]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !(SECURITY_LEVELS as readonly string[]).includes(v)) throw bad(`${field} must be one of ${SECURITY_LEVELS.join(', ')}`, field)
  return v as SecurityLevel
}

function withOptional<T extends Obj>(base: T, extra: Obj): T {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (base as Obj)[k] = v
  return base
}

export const VALIDATORS: Validators = {
  'host/info': (args) => {
    object(args, true)
    return {}
  },
  'people/list': (args) => {
    const o = object(args, true)
    return withOptional({}, { activeOnly: bool(o, 'activeOnly') })
  },
  'people/upsert': (args) => {
    const o = object(args, false)
    return { id: str(o, 'id', MAX_ID_LENGTH, { trim: true }) as string, name: str(o, 'name', MAX_NAME_LENGTH, { trim: true }) as string }
  },
  'people/delete': (args) => {
    const o = object(args, false)
    return { personId: str(o, 'personId', MAX_ID_LENGTH, { trim: true }) as string }
  },
  'enrollment/add-template': (args) => {
    const o = object(args, false)
    const base = { ...embeddingInput(o), personId: str(o, 'personId', MAX_ID_LENGTH, { trim: true }) as string }
    return withOptional(base, { quality: num(o, 'quality', { min: 0, max: 1 }) })
  },
  'recognition/identify': (args) => {
    const o = object(args, false)
    return withOptional(embeddingInput(o), { level: level(o, 'level') })
  },
  'kiosk/recognize': (args) => {
    const o = object(args, false)
    return withOptional(trackInput(o), { seenAt: num(o, 'seenAt', { min: 0 }), liveness: livenessEvidence(o.liveness) })
  },
  'settings/get': (args) => {
    object(args, true)
    return {}
  },
  'settings/update': (args) => {
    const o = object(args, false)
    return withOptional({}, { securityLevel: level(o, 'securityLevel'), livenessStrictness: oneOf(o, 'livenessStrictness', STRICTNESS) })
  },
  'attendance/list': (args) => {
    const o = object(args, true)
    const from = num(o, 'from')
    const to = num(o, 'to')
    if (from !== undefined && to !== undefined && from > to) throw bad('from must not be after to', 'from')
    return withOptional(
      {},
      {
        from,
        to,
        personId: str(o, 'personId', MAX_ID_LENGTH, { optional: true, trim: true }),
        limit: num(o, 'limit', { min: 1, max: MAX_LIST_LIMIT, integer: true }),
      },
    )
  },
}
