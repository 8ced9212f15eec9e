/**
 * Hostile, malformed and oversized API arguments for the security suite (security.test.ts).
 * Every method gets: hostile values as the whole `args`, objects with prototype-polluting keys,
 * and each field of a valid call replaced by every hostile value (or removed).
 */
import type { ApiMethod } from '../../../src/shared/api/contract'
import { TEST_MODEL } from './fixtures'

/** `embedding`: too costly to clone everywhere; only for embedding fields (and as the whole args of methods that take one). */
export type Hostile = { name: string; value: unknown; only?: 'embedding' }
export type HostileCase = { name: string; args: unknown }

/** Raw JSON text for values JSON.stringify cannot encode (too deep for its recursion). */
const RAW_JSON = new WeakMap<object, string>()

/** `{ a: { a: … } }` `depth` deep, built iteratively; its JSON text is registered for `toJson`. */
export function deepObject(depth: number): object {
  const root: Record<string, unknown> = {}
  let cur = root
  for (let i = 1; i < depth; i++) {
    const next: Record<string, unknown> = {}
    cur.a = next
    cur = next
  }
  RAW_JSON.set(root, `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`)
  // a shallow copy of the root ({ ...deep, token }) starts at root.a: register that level too
  if (depth > 1) RAW_JSON.set(root.a as object, `${'{"a":'.repeat(depth - 2)}{}${'}'.repeat(depth - 2)}`)
  return root
}

/** `[[[…]]]` `depth` deep, built iteratively. */
export function deepArray(depth: number): unknown[] {
  const root: unknown[] = []
  let cur = root
  for (let i = 1; i < depth; i++) {
    const next: unknown[] = []
    cur.push(next)
    cur = next
  }
  RAW_JSON.set(root, `${'['.repeat(depth)}${']'.repeat(depth)}`)
  return root
}

/**
 * JSON text of `v` the way JSON.stringify would write it (undefined/functions/symbols dropped in objects,
 * null in arrays), but using the registered raw text for very deep values. Throws on BigInt like JSON.stringify.
 * Returns undefined when `v` itself has no JSON form.
 */
export function toJson(v: unknown): string | undefined {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined
  if (typeof v === 'bigint') throw new TypeError('Do not know how to serialize a BigInt')
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  const raw = RAW_JSON.get(v)
  if (raw !== undefined) return raw
  let text: string
  try {
    text = JSON.stringify(v)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    // too deep for JSON.stringify somewhere inside: encode this level by hand
    if (Array.isArray(v)) text = `[${v.map((x) => toJson(x) ?? 'null').join(',')}]`
    else {
      const parts: string[] = []
      for (const [k, x] of Object.entries(v)) {
        const j = toJson(x)
        if (j !== undefined) parts.push(`${JSON.stringify(k)}:${j}`)
      }
      text = `{${parts.join(',')}}`
    }
  }
  // large shared values are encoded once
  if (text.length > 100_000) RAW_JSON.set(v, text)
  return text
}

const unitVector = (dim: number): number[] => Array.from({ length: dim }, (_, i) => (i === 0 ? 1 : 0))

/** An object whose own (not inherited) `__proto__` key holds a payload: only JSON.parse makes one. */
export const protoKeyObject = (): object => JSON.parse('{"__proto__":{"polluted":"yes","isAdmin":true,"token":"x"}}') as object
export const constructorKeyObject = (): object => JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}') as object
export const prototypeKeyObject = (): object => JSON.parse('{"prototype":{"polluted":"yes"},"__defineGetter__":"x","hasOwnProperty":1}') as object

const MB2 = 'a'.repeat(2 * 1024 * 1024)
const MILLION = new Array<number>(1_000_000).fill(0.001)
const TEN_THOUSAND = Array.from({ length: 10_000 }, () => unitVector(TEST_MODEL.dim))
/** `[ <hole>, [0,0,0,1] ]`: structured clone keeps the hole, JSON turns it into null */
const SPARSE_LIST: unknown[] = new Array(2)
SPARSE_LIST[1] = unitVector(TEST_MODEL.dim)
const KB100 = 'b'.repeat(100 * 1024)

/** Values that replace a field (and the whole `args`). Large ones are shared, not rebuilt per case. */
export function hostileValues(): Hostile[] {
  return [
    { name: 'undefined', value: undefined },
    { name: 'null', value: null },
    { name: 'true', value: true },
    { name: 'false', value: false },
    { name: '0', value: 0 },
    { name: '-0', value: -0 },
    { name: '-1', value: -1 },
    { name: '1.5', value: 1.5 },
    { name: '1e308', value: 1e308 },
    { name: '-1e308', value: -1e308 },
    { name: '5e-324', value: 5e-324 },
    { name: '2^53+2', value: 2 ** 53 + 2 },
    { name: 'NaN', value: NaN },
    { name: 'Infinity', value: Infinity },
    { name: '-Infinity', value: -Infinity },
    { name: 'empty string', value: '' },
    { name: 'blank string', value: '   ' },
    { name: 'string "x"', value: 'x' },
    { name: 'string "1e308"', value: '1e308' },
    { name: 'string "NaN"', value: 'NaN' },
    { name: 'string "-0"', value: '-0' },
    { name: 'string "__proto__"', value: '__proto__' },
    { name: 'path traversal', value: '../../../../etc/passwd' },
    { name: 'SQL injection', value: "x'); DROP TABLE people; --" },
    { name: 'format string', value: '%s%s%n%x{0}${x}' },
    { name: 'NUL', value: '\u0000' },
    { name: 'embedded NUL', value: 'E1\u0000admin' },
    { name: 'control chars', value: '\u0001\u001b[2J\u007f' },
    { name: 'CRLF', value: 'a\r\nSet-Cookie: x=1' },
    { name: 'line/para separators', value: '\u2028\u2029' },
    { name: 'lone high surrogate', value: '\ud800' },
    { name: 'lone low surrogate', value: 'a\udfffb' },
    { name: 'RTL override + BOM + emoji', value: '\u202e\ufeff👩‍💻' },
    { name: 'string 100 KB', value: KB100 },
    { name: 'string 2 MB', value: MB2 },
    { name: 'empty array', value: [] },
    { name: 'array [null]', value: [null] },
    { name: 'array of strings', value: ['a', 'b'] },
    { name: 'nested empty arrays', value: [[], [[]]] },
    { name: 'empty object', value: {} },
    { name: 'object {a:1}', value: { a: 1 } },
    { name: 'own __proto__ key', value: protoKeyObject() },
    { name: 'constructor.prototype key', value: constructorKeyObject() },
    { name: 'prototype/builtin keys', value: prototypeKeyObject() },
    { name: 'object nested 10 000 deep', value: deepObject(10_000) },
    { name: 'array nested 10 000 deep', value: deepArray(10_000) },
    { name: 'embedding of 1e6 numbers', value: MILLION, only: 'embedding' },
    { name: '10 000 embeddings', value: TEN_THOUSAND, only: 'embedding' },
    { name: 'sparse list of embeddings', value: SPARSE_LIST },
    { name: 'embedding with NaN', value: [NaN, 0, 0, 0] },
    { name: 'embedding with 1e308', value: [1e308, 1e308, 1e308, 1e308] },
    { name: 'embedding of strings', value: ['1', '0', '0', '0'] },
    { name: 'sparse array', value: new Array(4) },
    { name: 'Date', value: new Date(0) },
    { name: 'Float32Array', value: new Float32Array([1, 0, 0, 0]) },
    { name: 'Map', value: new Map([['pin', '2468']]) },
    { name: 'BigInt', value: 10n ** 30n },
  ]
}

const T0 = Date.UTC(2025, 0, 6, 1, 0, 0)
const DAY = 86_400_000
const MODEL = { modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion }
const LIVENESS = {
  decision: 'live',
  score: 0.9,
  layers: { frLiveness: 0.95, humanAntispoof: null },
  challenge: { kind: 'blink', passed: true, ms: 1200 },
  temporal: { frames: 10, spanMs: 900, motion: 0.1, nonRigidity: 0.2, rigidMotion: false, blinks: 1, still: false },
}

/**
 * A valid call of every method (without the admin token, which the suite adds). Typed over every
 * ApiMethod: a new method in the contract fails type-checking here until it gets an example.
 */
export const VALID_EXAMPLES: Record<ApiMethod, Record<string, unknown>> = {
  'host/info': {},
  'kiosk/pair': { code: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
  'admin/status': {},
  'admin/set-pin': { pin: '246813' },
  'admin/login': { pin: '246813' },
  'admin/logout': {},
  'people/list': { q: 'sec', activeOnly: true, limit: 10 },
  'people/create': { id: 'S1', name: 'Sec One', department: 'Ops' },
  'people/update': { id: 'S1', name: 'Sec One', department: 'Ops', active: true },
  'people/upsert': { id: 'S1', name: 'Sec One', department: 'Ops' },
  'people/delete': { personId: 'S9' },
  'people/clear-templates': { personId: 'S9' },
  'enrollment/add-template': { ...MODEL, embedding: [0, 0, 0, 1], personId: 'S1', quality: 0.9, consentBy: 'Admin Sec' },
  'people/record-consent': { personId: 'S1', givenBy: 'Admin Sec' },
  'people/revoke-consent': { personId: 'S9' },
  'recognition/identify': { ...MODEL, embedding: [0, 0, 0, 1], level: 'normal' },
  'kiosk/recognize': { ...MODEL, embeddings: [[0, 0, 0, 1]], seenAt: T0, liveness: LIVENESS },
  'kiosk/confirm': { ticket: 'no-such-ticket', direction: 'in' },
  'attendance/recent': { limit: 5 },
  'settings/get': {},
  'settings/update': {
    securityLevel: 'normal',
    livenessStrictness: 'normal',
    rules: { mode: 'toggle', cooldownMs: 60_000, dayBoundary: '04:00', timeZone: 'Asia/Jakarta', checkInUntil: '10:00' },
    language: 'en',
    camera: { deviceId: null, width: 1280, height: 720 },
    kioskName: 'Lobby',
    location: 'Gate 1',
    sound: true,
    startAtLogin: false,
    hrUrl: null,
    hrKey: null,
    hrShareTemplates: false,
    recentDisplay: 'initials',
    privacyNotice: { id: 'Pemberitahuan', en: 'Notice' },
    pin: '246813',
  },
  'attendance/list': { from: T0 - DAY, to: T0 + DAY, personId: 'S1', direction: 'in', includeSuperseded: true, limit: 10 },
  'attendance/correct': { eventId: 'no-such-event', at: T0, direction: 'out', reason: 'security suite' },
  'attendance/add': { personId: 'S1', at: T0, direction: 'in', reason: 'security suite' },
  'attendance/void': { eventId: 'no-such-event', reason: 'security suite' },
  'attendance/summary': { from: T0 - DAY, to: T0 + DAY, personId: 'S1' },
  'attendance/export': { from: T0 - DAY, to: T0 + DAY, personId: 'S1', kind: 'events' },
  'audit/list': { limit: 10, subject: 'S1' },
  'diagnostics/get': {},
  'sync/status': {},
  'sync/parked': {},
  'sync/retry': { ids: ['no-such-event'] },
  'sync/now': {},
  'app/quit': {},
  'people/import-roster': { fileName: 'roster.csv', data: Buffer.from('id;nama;departemen\r\nS1;Sec One;Ops\r\n').toString('base64'), dryRun: true },
  'schedules/list': {},
  'schedules/set': { personId: 'S9', schedule: { start: '08:00', end: '17:00', toleranceMin: 10, days: [1, 2, 3, 4, 5] } },
  'people/set-pin': { personId: 'S9', pin: '2468' },
  'people/set-badge': { personId: 'S9', badge: '00112233' },
  'people/credentials': {},
  'kiosk/pin-checkin': { employeeId: 'S9', pin: '2468', direction: 'in' },
  'kiosk/face-pin': { ticket: 'no-such-ticket', pin: '2468', direction: 'in' },
  'review/list': { limit: 10 },
  'review/approve': { eventId: 'no-such-event' },
}

type Path = Array<string | number>

/** Every field path of `v`: object keys and the first element of arrays, down to `maxDepth`. */
export function fieldPaths(v: unknown, maxDepth = 4, prefix: Path = []): Path[] {
  if (prefix.length >= maxDepth || v === null || typeof v !== 'object') return []
  const out: Path[] = []
  const children: Array<[string | number, unknown]> = Array.isArray(v) ? (v.length > 0 ? [[0, v[0]]] : []) : Object.entries(v)
  for (const [k, child] of children) {
    const p = [...prefix, k]
    out.push(p, ...fieldPaths(child, maxDepth, p))
  }
  return out
}

/** A copy of `v` with the value at `path` replaced (or deleted when `remove`). Only the path is copied. */
export function withField(v: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value
  const [head, ...rest] = path as [string | number, ...Path]
  if (Array.isArray(v)) {
    const copy: unknown[] = [...(v as unknown[])]
    const i = head as number
    if (remove && rest.length === 0) copy.splice(i, 1)
    else copy[i] = withField(copy[i], rest, value, remove)
    return copy
  }
  const copy: Record<string, unknown> = { ...(v as object) }
  const k = String(head)
  if (remove && rest.length === 0) delete copy[k]
  else copy[k] = withField(copy[k], rest, value, remove)
  return copy
}

const pathName = (p: Path): string => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')

/** `valid` merged into an object that also carries a prototype-polluting own key. */
function withPollutingKey(valid: Record<string, unknown>, make: () => object): object {
  return Object.assign(make(), valid)
}

export type CaseOptions = {
  /** include hostile values as the whole `args` (default true) */
  topLevel?: boolean
  /** add a `token` field to mutate (admin methods) */
  tokenField?: string
}

/** The hostile cases for one method, built around `valid` (one of VALID_EXAMPLES, maybe with a token). */
export function hostileCases(valid: Record<string, unknown>, opts: CaseOptions = {}): HostileCase[] {
  const values = hostileValues()
  const cases: HostileCase[] = []
  const isEmbeddingPath = (p: Path) => p.some((k) => typeof k === 'string' && k.startsWith('embedding'))
  const paths = fieldPaths(opts.tokenField !== undefined ? { ...valid, token: opts.tokenField } : valid)
  const takesEmbeddings = paths.some(isEmbeddingPath)
  if (opts.topLevel ?? true) {
    for (const h of values) if (!h.only || takesEmbeddings) cases.push({ name: `args = ${h.name}`, args: h.value })
  }
  cases.push(
    { name: 'valid args', args: valid },
    { name: 'valid args + own __proto__ key', args: withPollutingKey(valid, protoKeyObject) },
    { name: 'valid args + constructor.prototype key', args: withPollutingKey(valid, constructorKeyObject) },
    { name: 'valid args + prototype/builtin keys', args: withPollutingKey(valid, prototypeKeyObject) },
    { name: 'valid args + unknown fields', args: { ...valid, admin: true, transport: 'direct', actor: 'root', role: 'admin' } },
  )
  const base = opts.tokenField !== undefined ? { ...valid, token: opts.tokenField } : valid
  for (const p of paths) {
    cases.push({ name: `${pathName(p)} removed`, args: withField(base, p, undefined, true) })
    const embeddingField = isEmbeddingPath(p)
    for (const h of values) {
      if (h.only === 'embedding' && !embeddingField) continue
      cases.push({ name: `${pathName(p)} = ${h.name}`, args: withField(base, p, h.value) })
    }
  }
  return cases
}
