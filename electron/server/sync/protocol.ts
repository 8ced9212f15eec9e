/**
 * The HR sync protocol (docs/hr-sync-protocol.md, docs/hr-sync.openapi.yaml): wire types and request
 * signing, shared by the kiosk's sync client and the reference HR server (e2e/hr-server).
 *
 * Every request and every response is signed: HMAC-SHA256 with the shared secret over
 * `${timestamp}.${body}` (timestamp = Unix seconds, body = the exact bytes sent; '' for a GET),
 * carried in Standard-Webhooks-style headers:
 *   webhook-id:        a unique id of this message (the receiver may use it to drop replays)
 *   webhook-timestamp: Unix seconds
 *   webhook-signature: v1,<base64 HMAC>   (several space-separated signatures allowed, for key rotation)
 * A message whose timestamp is more than 5 minutes from the receiver's clock is refused.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { decodeEmbedding, encodeEmbedding } from '../store/embedding-codec'

export const PROTOCOL_VERSION = 1
export const HEADER_ID = 'webhook-id'
export const HEADER_TIMESTAMP = 'webhook-timestamp'
export const HEADER_SIGNATURE = 'webhook-signature'
/** Which kiosk is calling (informational; the signature is what authenticates). */
export const HEADER_KIOSK = 'hadir-kiosk-id'
/** Seconds a signed message stays acceptable either side of the receiver's clock. */
export const TOLERANCE_S = 300

/** Paths, relative to the HR base URL (which may itself have a path, e.g. https://hr.example.com/api/hadir). */
export const PATHS = {
  attendanceBatch: 'v1/attendance/batch',
  roster: 'v1/roster',
  templatesPush: 'v1/templates/batch',
  templatesPull: 'v1/templates',
  heartbeat: 'v1/heartbeat',
} as const

/** One attendance event as HR receives it. `id` is the idempotency key: HR counts each id once. */
export type WireEvent = {
  id: string
  /** 'event' = a scan or a manually added scan; 'correction' replaces `corrects`; 'void' cancels `corrects` */
  kind: 'event' | 'correction' | 'void'
  kioskId: string
  personId: string
  personName: string
  direction: 'in' | 'out'
  /** when the person was seen, Unix ms */
  at: number
  /** the same instant as ISO-8601 UTC, for readability */
  atIso: string
  source: 'kiosk' | 'cli' | 'manual' | 'pin' | 'badge'
  /** 0..1 (0 for manual entries) */
  similarity: number
  /** id of the event corrected or voided (correction, void) */
  corrects: string | null
  /** the admin's reason (manual entries, corrections, voids) */
  reason: string | null
}

export type AttendanceBatchRequest = { protocol: number; kioskId: string; events: WireEvent[] }
export type EventResult = { id: string; status: 'accepted' | 'duplicate' | 'rejected'; reason?: string }
export type AttendanceBatchResponse = { results: EventResult[] }

/** An employee as the HR roster gives it. */
export type RosterEntry = { id: string; name: string; department?: string | null; active: boolean; updatedAt?: number }
export type RosterResponse = { employees: RosterEntry[]; cursor: string; more: boolean }

/** A face template shared between kiosks of one company (biometric data: only over TLS, signed). */
export type WireTemplate = {
  /** globally unique id of the template */
  id: string
  personId: string
  modelId: string
  modelVersion: string
  dim: number
  /** float32 little-endian, base64 */
  embedding: string
  /** kiosk that enrolled it */
  kioskId: string
  createdAt: number
}
/** A person's templates were erased (person deleted or re-enrolled): every kiosk erases them too. */
export type Tombstone = { personId: string; deletedAt: number; kioskId: string }

export type TemplatesPushRequest = { protocol: number; kioskId: string; templates: WireTemplate[]; tombstones: Tombstone[] }
export type TemplatesPushResponse = { results: Array<{ id: string; status: 'accepted' | 'duplicate' | 'rejected'; reason?: string }> }
export type TemplatesPullResponse = { templates: WireTemplate[]; tombstones: Tombstone[]; cursor: string; more: boolean }

export type HeartbeatRequest = {
  protocol: number
  kioskId: string
  version: string
  at: number
  queueDepth: number
  parked: number
  lastError: string | null
  people: number
  templates: number
}
export type HeartbeatResponse = { serverTime: number }

/** The signature header value for a body at a timestamp (seconds). */
export function signature(secret: string, timestampS: number, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('base64')}`
}

/** Headers for a signed message. */
export function signedHeaders(secret: string, body: string, nowMs: number, id: string = randomUUID()): Record<string, string> {
  const ts = Math.floor(nowMs / 1000)
  return { [HEADER_ID]: id, [HEADER_TIMESTAMP]: String(ts), [HEADER_SIGNATURE]: signature(secret, ts, body) }
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'unsigned' | 'stale' | 'bad-signature' }

/**
 * Checks a received message: signed, within the tolerance of `nowMs`, and one of its `v1,` signatures
 * matching (constant-time compare). `get` reads a header case-insensitively.
 */
export function verifySignature(secret: string, get: (name: string) => string | null | undefined, body: string, nowMs: number, toleranceS = TOLERANCE_S): VerifyResult {
  const ts = get(HEADER_TIMESTAMP)
  const sig = get(HEADER_SIGNATURE)
  if (!ts || !sig || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'unsigned' }
  const t = Number(ts)
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return { ok: false, reason: 'stale' }
  const expected = Buffer.from(signature(secret, t, body).slice(3), 'base64')
  for (const part of sig.split(' ')) {
    if (!part.startsWith('v1,') || !/^[A-Za-z0-9+/]+={0,2}$/.test(part.slice(3))) continue
    const given = Buffer.from(part.slice(3), 'base64')
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true }
  }
  return { ok: false, reason: 'bad-signature' }
}

/** The URL of a protocol path under the HR base URL (a base path is kept: trailing slash added). */
export function endpoint(baseUrl: string, path: string, query?: Record<string, string>): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`
  const u = new URL(path, base)
  for (const [k, v] of Object.entries(query ?? {})) u.searchParams.set(k, v)
  return u.toString()
}

/** float32 LE ↔ base64 for templates on the wire (the store's own byte layout, embedding-codec.ts). */
export function embeddingToBase64(v: Float32Array): string {
  return encodeEmbedding(v).toString('base64')
}

export function embeddingFromBase64(s: string, dim: number): Float32Array | null {
  const b = Buffer.from(s, 'base64')
  return b.length === dim * 4 ? decodeEmbedding(b, dim) : null
}
