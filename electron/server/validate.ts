import type { ApiArgs, ApiMethod, EmbeddingInput, LanguageSetting, SettingsPatch, TrackInput } from '../../src/shared/api/contract'
import type { AttendanceRules, ChallengeKind, CheckInMode, Direction, LivenessEvidence, LivenessReason, LivenessStrictness } from '../../src/shared/domain/types'
import { SECURITY_LEVELS, type SecurityLevel } from '../../src/shared/face/decide'
import { HadirError } from '../../src/shared/api/result'
import type { WorkSchedule } from '../../src/shared/domain/types'
import { validateSchedule } from './attendance/schedule'
import { MAX_PRIVACY_NOTICE_CHARS, RECENT_DISPLAYS } from '../../src/shared/privacy/privacy'

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
/** Base64 characters of a roster file in one call (under the web host's 1 MiB body; CSV travels gzipped). */
export const MAX_ROSTER_DATA_CHARS = 1_000_000
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
/** Frames of one tracked face the kiosk may send for one decision. */
export const MAX_TRACK_FRAMES = 10

/** `problem`: a stable word the admin UI translates (details.problem); the message itself is English */
const bad = (message: string, field?: string, problem?: string): HadirError =>
  new HadirError('invalid-args', message, field ? (problem ? { field, problem } : { field }) : undefined)

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
  // an index loop, not map(): a sparse array (structured clone keeps holes) must not slip holes through
  const embeddings: number[][] = []
  for (let i = 0; i < list.length; i++) embeddings.push(vector(list[i], `embeddings[${i}]`))
  if (embeddings.some((e) => e.length !== (embeddings[0] as number[]).length)) throw bad('embeddings must all have the same length', 'embeddings')
  return { ...tag, embeddings }
}

const LIVENESS_DECISIONS: readonly (LivenessReason | 'live')[] = ['live', 'spoof_detected', 'liveness_uncertain', 'quality_low', 'challenge_failed', 'timeout']
const CHALLENGES: readonly ChallengeKind[] = ['blink', 'turn-left', 'turn-right']
const MAX_CHALLENGE_SAMPLES = 400
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

/** A required non-negative number of `o` (named `<where>.<field>` in the error). */
function requiredCount(o: Obj, where: string): (f: string, max: number) => number {
  return (f, max) => {
    const x = num(o, f, { min: 0, max })
    if (x === undefined) throw bad(`${where}.${f} is required`, 'liveness')
    return x
  }
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
    if (c.samples !== undefined) {
      if (!Array.isArray(c.samples) || c.samples.length > MAX_CHALLENGE_SAMPLES) throw bad(`liveness.challenge.samples must be a list of at most ${MAX_CHALLENGE_SAMPLES}`, 'liveness')
      challenge.samples = Array.from(c.samples, (x: unknown) => {
        const o2 = object(x, false)
        const t = num(o2, 't', { min: 0, max: 600_000 })
        const yawDeg = num(o2, 'yawDeg', { min: -180, max: 180 })
        const eyeOpenness = num(o2, 'eyeOpenness', { min: 0, max: 10 })
        if (t === undefined || yawDeg === undefined || eyeOpenness === undefined) throw bad('each liveness.challenge.samples entry needs t, yawDeg and eyeOpenness', 'liveness')
        return { t, yawDeg, eyeOpenness }
      })
    }
    if (c.turnNonPlanarity !== undefined && c.turnNonPlanarity !== null) {
      const x = num(c, 'turnNonPlanarity', { min: 0, max: 1000 })
      challenge.turnNonPlanarity = x ?? null
    }
  }
  let track: LivenessEvidence['track'] = null
  if (o.track !== undefined && o.track !== null) {
    const t = object(o.track, false)
    const count = requiredCount(t, 'liveness.track')
    const follow = t.follow === null ? null : num(t, 'follow', { min: -1, max: 1 })
    if (follow === undefined) throw bad('liveness.track.follow is required (a number -1..1 or null)', 'liveness')
    const outcome = oneOf(t, 'outcome', ['live', 'challenge', 'spoof'] as const)
    if (!outcome) throw bad('liveness.track.outcome is required', 'liveness')
    if (!Array.isArray(t.reasons) || t.reasons.length > 20 || t.reasons.some((r: unknown) => typeof r !== 'string' || r.length > 40)) throw bad('liveness.track.reasons must be a short list of words', 'liveness')
    track = {
      frames: count('frames', 10_000),
      scoredFrames: count('scoredFrames', 10_000),
      spanMs: count('spanMs', 3_600_000),
      follow,
      followPairs: count('followPairs', 10_000),
      maxFaceShift: count('maxFaceShift', 1_000),
      outcome,
      reasons: [...(t.reasons as string[])],
    }
  }
  let temporal: LivenessEvidence['temporal'] = null
  if (o.temporal !== undefined && o.temporal !== null) {
    const t = object(o.temporal, false)
    const count = requiredCount(t, 'liveness.temporal')
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
  return { decision, score: unit(o, 'score'), layers, challenge, temporal, track }
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

const DIRECTIONS: readonly Direction[] = ['in', 'out']
const MODES: readonly CheckInMode[] = ['toggle', 'window', 'ask']
const LANGUAGES: readonly LanguageSetting[] = ['auto', 'id', 'en']
export const MAX_REASON_LENGTH = 500
/** Shortest PIN that logs in (older PINs); a new PIN needs NEW_MIN_PIN */
export const MIN_PIN = 4
export const NEW_MIN_PIN = 6
export const MAX_PIN = 12
/** Earliest and latest event time an admin may enter: 2000-01-01 … 2100-01-01. */
const MIN_TIME = Date.UTC(2000, 0, 1)
const MAX_TIME = Date.UTC(2100, 0, 1)

/**
 * The session token of an admin method. Missing is not malformed: the guard answers
 * 'admin-required' (a clearer message than invalid-args); a non-string is malformed.
 */
function token(o: Obj): { token?: string } {
  const v = o.token
  if (v === undefined || v === null || v === '') return {}
  if (typeof v !== 'string' || v.length > 200) throw bad('token must be a string', 'token')
  return { token: v }
}

/** A PIN: digits only, `min`–12 long; too short is its own code so the PIN pad can say so. */
function pin(o: Obj, min = MIN_PIN): string {
  const v = o.pin
  if (typeof v !== 'string' || !/^\d*$/.test(v)) throw bad('The PIN must be digits only', 'pin')
  if (v.length < min) throw new HadirError('pin-too-short', `The PIN needs at least ${min} digits`, { field: 'pin', minLength: min })
  if (v.length > MAX_PIN) throw bad(`The PIN has at most ${MAX_PIN} digits`, 'pin')
  return v
}

/** A one-time pairing code: base64url, 16–100 characters. */
function pairCode(o: Obj): { code?: string } {
  const v = o.code
  if (v === undefined || v === null || v === '') return {}
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{16,100}$/.test(v)) throw new HadirError('pair-code-invalid', 'A pairing code is 32 letters, digits, - or _ (from the address …/#pair=<code>)', { field: 'code' })
  return { code: v }
}

function time(o: Obj, field: string, optional: boolean): number | undefined {
  const v = num(o, field, { min: MIN_TIME, max: MAX_TIME, integer: true })
  if (v === undefined && !optional) throw bad(`${field} is required`, field)
  return v
}

function reason(o: Obj): string {
  const v = o.reason
  if (typeof v !== 'string' || v.trim().length === 0) throw bad('A reason is required for every correction', 'reason', 'reason-required')
  return str(o, 'reason', MAX_REASON_LENGTH, { trim: true }) as string
}

function range(o: Obj, required: boolean): { from?: number; to?: number } {
  const from = time(o, 'from', !required)
  const to = time(o, 'to', !required)
  if (from !== undefined && to !== undefined && from > to) throw bad('from must not be after to', 'from')
  return withOptional({}, { from, to })
}

/** '' or null clears an optional text (department). */
function optionalText(o: Obj, field: string, max: number): string | null | undefined {
  const v = o[field]
  if (v === undefined) return undefined
  if (v === null || (typeof v === 'string' && v.trim() === '')) return null
  return str(o, field, max, { trim: true })
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/

function rulesPatch(v: unknown): Partial<AttendanceRules> | undefined {
  if (v === undefined) return undefined
  const o = object(v, false)
  const hhmm = (field: string): string | undefined => {
    const x = o[field]
    if (x === undefined) return undefined
    if (typeof x !== 'string' || !HHMM.test(x)) throw bad(`rules.${field} must be a time like 04:00`, `rules.${field}`)
    return x
  }
  let timeZone: string | undefined
  if (o.timeZone !== undefined) {
    timeZone = str(o, 'timeZone', 64) as string
    try {
      new Intl.DateTimeFormat('en', { timeZone })
    } catch {
      throw bad(`rules.timeZone '${timeZone}' is not a known IANA time zone`, 'rules.timeZone')
    }
  }
  return withOptional(
    {},
    {
      mode: oneOf(o, 'mode', MODES),
      cooldownMs: num(o, 'cooldownMs', { min: 0, max: 24 * 3600_000, integer: true }),
      dayBoundary: hhmm('dayBoundary'),
      timeZone,
      checkInUntil: hhmm('checkInUntil'),
      openLimitMs: num(o, 'openLimitMs', { min: 3600_000, max: 24 * 3600_000, integer: true }),
      presenceMs: num(o, 'presenceMs', { min: 0, max: 30 * 60_000, integer: true }),
      confirmChangeMs: num(o, 'confirmChangeMs', { min: 0, max: 2 * 3600_000, integer: true }),
    },
  )
}

/** A work schedule's shape (validateSchedule without the day boundary; the handler checks the order). */
function schedule(v: unknown, field: string): WorkSchedule | null | undefined {
  if (v === undefined) return undefined
  if (v === null) return null
  return validateSchedule(v, null, field)
}

function hrUrl(o: Obj): string | null | undefined {
  const v = o.hrUrl
  if (v === undefined) return undefined
  if (v === null || v === '') return null
  if (typeof v !== 'string' || v.length > 500) throw bad('The HR server address must be a URL like https://hr.example.com/hadir', 'hrUrl')
  let u: URL
  try {
    u = new URL(v.trim())
  } catch {
    throw bad(`The HR server address '${v.slice(0, 100)}' is not a URL (like https://hr.example.com/hadir)`, 'hrUrl')
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw bad('The HR server address must start with https:// or http://', 'hrUrl')
  if (u.username || u.password) throw bad('Put the HR key in its own field, not in the address', 'hrUrl')
  return u.toString()
}

const FALLBACK_MODES = ['off', 'pin', 'pin-badge'] as const

function fallbackPatch(v: unknown): SettingsPatch['fallback'] {
  if (v === undefined) return undefined
  const o = object(v, false)
  return withOptional({}, { mode: oneOf(o, 'mode', FALLBACK_MODES), requireFacePin: bool(o, 'requireFacePin') })
}

/**
 * A PIN or badge as typed at the kiosk: any string up to 2000 characters passes here, so that the
 * handler can answer its own stable code (`pin-format`, `badge-format`) and audit the try.
 */
function typed(o: Obj, field: string, code: 'pin-format' | 'badge-format', optional: boolean): string | undefined {
  const v = o[field]
  if (v === undefined && optional) return undefined
  if (typeof v !== 'string' || v.length > 2000) {
    throw new HadirError(code, code === 'pin-format' ? 'The PIN must be 4 to 8 digits (0–9)' : 'A badge number is 1 to 64 letters and digits: this read was not one', { field })
  }
  return v
}

function settingsPatch(o: Obj): SettingsPatch {
  let camera: SettingsPatch['camera']
  if (o.camera !== undefined) {
    const c = object(o.camera, false)
    const deviceId = c.deviceId === null ? null : str(c, 'deviceId', 300, { optional: true })
    camera = withOptional({}, { width: num(c, 'width', { min: 160, max: 3840, integer: true }), height: num(c, 'height', { min: 120, max: 2160, integer: true }) })
    if (deviceId !== undefined) camera.deviceId = deviceId
  }
  let hrKey: string | null | undefined
  if (o.hrKey === null) hrKey = null
  else if (o.hrKey !== undefined) {
    hrKey = str(o, 'hrKey', 500) as string
    if (hrKey.length < 16) throw bad('The HR key must be at least 16 characters', 'hrKey')
  }
  const patch: SettingsPatch = withOptional(
    {},
    {
      securityLevel: level(o, 'securityLevel'),
      livenessStrictness: oneOf(o, 'livenessStrictness', STRICTNESS),
      rules: rulesPatch(o.rules),
      language: oneOf(o, 'language', LANGUAGES),
      camera,
      kioskName: o.kioskName === '' ? '' : str(o, 'kioskName', 100, { optional: true, trim: true }),
      location: o.location === '' ? '' : str(o, 'location', 200, { optional: true, trim: true }),
      sound: bool(o, 'sound'),
      hrShareTemplates: bool(o, 'hrShareTemplates'),
      startAtLogin: bool(o, 'startAtLogin'),
    },
  )
  const sched = schedule(o.schedule, 'schedule')
  if (sched !== undefined) patch.schedule = sched
  const fallback = fallbackPatch(o.fallback)
  if (fallback !== undefined) patch.fallback = fallback
  const recent = oneOf(o, 'recentDisplay', RECENT_DISPLAYS)
  if (recent !== undefined) patch.recentDisplay = recent
  if (o.privacyNotice !== undefined) {
    const n = object(o.privacyNotice, false)
    const text = (lang: 'id' | 'en'): string | null | undefined => {
      const v = n[lang]
      if (v === undefined) return undefined
      if (v === null || (typeof v === 'string' && v.trim() === '')) return null
      if (typeof v !== 'string') throw bad(`privacyNotice.${lang} must be text`, `privacyNotice.${lang}`)
      const t = v.trim()
      if ([...t].length > MAX_PRIVACY_NOTICE_CHARS) throw bad(`privacyNotice.${lang} is longer than ${MAX_PRIVACY_NOTICE_CHARS} characters`, `privacyNotice.${lang}`)
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(t)) throw bad(`privacyNotice.${lang} contains control characters`, `privacyNotice.${lang}`)
      return t
    }
    patch.privacyNotice = withOptional({}, { id: text('id'), en: text('en') })
  }
  const url = hrUrl(o)
  if (url !== undefined) patch.hrUrl = url
  if (hrKey !== undefined) patch.hrKey = hrKey
  return patch
}

const personId = (o: Obj, field = 'personId'): string => str(o, field, MAX_ID_LENGTH, { trim: true }) as string
const eventId = (o: Obj): string => str(o, 'eventId', 64, { trim: true }) as string
const limit = (o: Obj, max = MAX_LIST_LIMIT): number | undefined => num(o, 'limit', { min: 1, max, integer: true })
const empty = (args: unknown): Record<string, never> => {
  object(args, true)
  return {}
}

export const VALIDATORS: Validators = {
  'host/info': empty,
  'kiosk/pair': (args) => pairCode(object(args, true)),
  'admin/status': empty,
  'admin/set-pin': (args) => {
    const o = object(args, false)
    return { ...token(o), pin: pin(o, NEW_MIN_PIN) }
  },
  'admin/login': (args) => ({ pin: pin(object(args, false)) }),
  'admin/logout': (args) => token(object(args, true)),
  'people/list': (args) => {
    const o = object(args, true)
    return withOptional(token(o), { q: o.q === '' ? undefined : str(o, 'q', 100, { optional: true, trim: true }), activeOnly: bool(o, 'activeOnly'), limit: limit(o) })
  },
  'people/create': (args) => {
    const o = object(args, false)
    return withOptional(
      { ...token(o), id: personId(o, 'id'), name: str(o, 'name', MAX_NAME_LENGTH, { trim: true }) as string },
      { department: optionalText(o, 'department', MAX_NAME_LENGTH) },
    )
  },
  'people/update': (args) => {
    const o = object(args, false)
    return withOptional(
      { ...token(o), id: personId(o, 'id') },
      { name: str(o, 'name', MAX_NAME_LENGTH, { optional: true, trim: true }), department: optionalText(o, 'department', MAX_NAME_LENGTH), active: bool(o, 'active') },
    )
  },
  'people/upsert': (args) => {
    const o = object(args, false)
    return withOptional(
      { ...token(o), id: personId(o, 'id'), name: str(o, 'name', MAX_NAME_LENGTH, { trim: true }) as string },
      { department: optionalText(o, 'department', MAX_NAME_LENGTH) },
    )
  },
  'people/delete': (args) => {
    const o = object(args, false)
    return { ...token(o), personId: personId(o) }
  },
  'people/clear-templates': (args) => {
    const o = object(args, false)
    return { ...token(o), personId: personId(o) }
  },
  'enrollment/add-template': (args) => {
    const o = object(args, false)
    const base = { ...token(o), ...embeddingInput(o), personId: personId(o) }
    return withOptional(base, { quality: num(o, 'quality', { min: 0, max: 1 }), consentBy: o.consentBy === '' ? undefined : str(o, 'consentBy', 100, { optional: true, trim: true }) })
  },
  'people/record-consent': (args) => {
    const o = object(args, false)
    return { ...token(o), personId: personId(o), givenBy: str(o, 'givenBy', 100, { trim: true }) as string }
  },
  'people/revoke-consent': (args) => {
    const o = object(args, false)
    return { ...token(o), personId: personId(o) }
  },
  'recognition/identify': (args) => {
    const o = object(args, false)
    return withOptional({ ...token(o), ...embeddingInput(o) }, { level: level(o, 'level') })
  },
  'kiosk/recognize': (args) => {
    const o = object(args, false)
    // seenAt is dropped unread: the time recorded is the main side's clock (a renderer cannot backdate)
    return withOptional(trackInput(o), { liveness: livenessEvidence(o.liveness) })
  },
  'kiosk/confirm': (args) => {
    const o = object(args, false)
    const direction = oneOf(o, 'direction', DIRECTIONS)
    if (!direction) throw bad('direction is required', 'direction')
    return { ticket: str(o, 'ticket', 100) as string, direction }
  },
  'attendance/recent': (args) => withOptional({}, { limit: limit(object(args, true), 20) }),
  'settings/get': empty,
  'settings/update': (args) => {
    const o = object(args, false)
    const patch: ApiArgs<'settings/update'> = { ...token(o), ...settingsPatch(o) }
    if (o.pin !== undefined && o.pin !== null && o.pin !== '') patch.pin = pin(o)
    return patch
  },
  'attendance/list': (args) => {
    const o = object(args, true)
    return withOptional(
      { ...token(o), ...range(o, false) },
      {
        personId: str(o, 'personId', MAX_ID_LENGTH, { optional: true, trim: true }),
        direction: oneOf(o, 'direction', DIRECTIONS),
        includeSuperseded: bool(o, 'includeSuperseded'),
        limit: limit(o),
      },
    )
  },
  'attendance/correct': (args) => {
    const o = object(args, false)
    const base: ApiArgs<'attendance/correct'> = { ...token(o), eventId: eventId(o), reason: reason(o) }
    const patch = withOptional(base, { at: time(o, 'at', true), direction: oneOf(o, 'direction', DIRECTIONS) })
    if (patch.at === undefined && patch.direction === undefined) throw bad('A correction changes the time, the direction or both', 'at', 'no-change')
    return patch
  },
  'attendance/add': (args) => {
    const o = object(args, false)
    const direction = oneOf(o, 'direction', DIRECTIONS)
    if (!direction) throw bad('direction is required', 'direction')
    return { ...token(o), personId: personId(o), at: time(o, 'at', false) as number, direction, reason: reason(o) }
  },
  'attendance/void': (args) => {
    const o = object(args, false)
    return { ...token(o), eventId: eventId(o), reason: reason(o) }
  },
  'attendance/summary': (args) => {
    const o = object(args, false)
    const r = range(o, true) as { from: number; to: number }
    return withOptional({ ...token(o), ...r }, { personId: str(o, 'personId', MAX_ID_LENGTH, { optional: true, trim: true }) })
  },
  'attendance/export': (args) => {
    const o = object(args, false)
    const r = range(o, true) as { from: number; to: number }
    const kind = oneOf(o, 'kind', ['events', 'summary'] as const)
    if (!kind) throw bad('kind must be events or summary', 'kind')
    return withOptional(
      { ...token(o), ...r, kind },
      {
        personId: str(o, 'personId', MAX_ID_LENGTH, { optional: true, trim: true }),
        format: oneOf(o, 'format', ['csv', 'xlsx'] as const),
        lang: oneOf(o, 'lang', ['id', 'en'] as const),
        separator: oneOf(o, 'separator', [',', ';'] as const),
      },
    )
  },
  'audit/list': (args) => {
    const o = object(args, true)
    return withOptional(token(o), { limit: limit(o, 1000), subject: str(o, 'subject', MAX_ID_LENGTH, { optional: true, trim: true }) })
  },
  'diagnostics/get': (args) => token(object(args, true)),
  'sync/status': empty,
  'sync/parked': (args) => token(object(args, true)),
  'sync/retry': (args) => {
    const o = object(args, true)
    if (o.ids === undefined) return token(o)
    if (!Array.isArray(o.ids) || o.ids.length > 10_000) throw bad('ids must be a list of event ids', 'ids')
    const list: unknown[] = o.ids
    const ids: string[] = []
    // an index loop, not map(): holes of a sparse array are refused, not passed on
    for (let i = 0; i < list.length; i++) {
      const x = list[i]
      if (typeof x !== 'string' || x.length === 0 || x.length > 64) throw bad(`ids[${i}] is not an event id`, 'ids')
      ids.push(x)
    }
    return { ...token(o), ids }
  },
  'sync/now': (args) => token(object(args, true)),
  'app/quit': (args) => token(object(args, true)),
  'people/import-roster': (args) => {
    const o = object(args, false)
    const data = o.data
    if (typeof data !== 'string' || data.length === 0) throw bad('data must be the file in base64', 'data')
    if (data.length > MAX_ROSTER_DATA_CHARS) {
      throw new HadirError('file-too-large', `The roster file is too large to send (${data.length} base64 characters, at most ${MAX_ROSTER_DATA_CHARS})`, { field: 'data', limit: MAX_ROSTER_DATA_CHARS })
    }
    if (!BASE64.test(data)) throw bad('data must be base64 (A–Z, a–z, 0–9, +, /, =)', 'data')
    return withOptional(
      { ...token(o), fileName: str(o, 'fileName', 255, { trim: true }) as string, data },
      { encoding: oneOf(o, 'encoding', ['gzip'] as const), dryRun: bool(o, 'dryRun') },
    )
  },
  'schedules/list': (args) => token(object(args, true)),
  'schedules/set': (args) => {
    const o = object(args, false)
    if (o.schedule === undefined) throw bad('schedule is required (null removes the person\'s own schedule)', 'schedule')
    return { ...token(o), personId: personId(o), schedule: schedule(o.schedule, 'schedule') as WorkSchedule | null }
  },
  'people/set-pin': (args) => {
    const o = object(args, false)
    if (o.pin === undefined) throw bad('pin is required (null removes the PIN)', 'pin')
    return { ...token(o), personId: personId(o), pin: o.pin === null ? null : (typed(o, 'pin', 'pin-format', false) as string) }
  },
  'people/set-badge': (args) => {
    const o = object(args, false)
    if (o.badge === undefined) throw bad('badge is required (null removes the badge)', 'badge')
    return { ...token(o), personId: personId(o), badge: o.badge === null ? null : (typed(o, 'badge', 'badge-format', false) as string) }
  },
  'people/credentials': (args) => token(object(args, true)),
  'kiosk/pin-checkin': (args) => {
    const o = object(args, false)
    const employeeId = o.employeeId === undefined ? undefined : (str(o, 'employeeId', MAX_ID_LENGTH, { trim: true }) as string)
    const badge = typed(o, 'badge', 'badge-format', true)
    if ((employeeId === undefined) === (badge === undefined)) throw bad('give the employee id or the badge (one of them)', 'employeeId')
    return withOptional({ pin: typed(o, 'pin', 'pin-format', false) as string }, { employeeId, badge, direction: oneOf(o, 'direction', DIRECTIONS) })
  },
  'kiosk/face-pin': (args) => {
    const o = object(args, false)
    return withOptional({ ticket: str(o, 'ticket', 100) as string, pin: typed(o, 'pin', 'pin-format', false) as string }, { direction: oneOf(o, 'direction', DIRECTIONS) })
  },
  'review/list': (args) => {
    const o = object(args, true)
    return withOptional({ ...token(o) }, { limit: limit(o, 1000) })
  },
  'review/approve': (args) => {
    const o = object(args, false)
    return { ...token(o), eventId: eventId(o) }
  },
}
