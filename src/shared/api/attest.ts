/**
 * Call attestation: the kiosk page binds every call that records attendance to its paired session.
 *
 * At pairing (`kiosk/pair`) the page gets a session id and a random 32-byte MAC key. Every attested
 * call (ATTESTED_METHODS in contract.ts: `kiosk/recognize`, `kiosk/confirm`) then carries
 *
 *     { session, counter, mac }   mac = base64url(HMAC-SHA256(key, attestMessage(method, session, counter, args)))
 *
 * where `counter` increases by one per call of the session and `args` are the call's arguments
 * exactly as sent (embeddings and liveness evidence included, whatever fields they hold), in their
 * RFC 8785 canonical JSON form. The main side recomputes the MAC over what it received and keeps a
 * 64-call window of the counters it accepted, so a call altered on the way is refused (`bad-mac`),
 * one sent twice is refused (`replayed`) and one older than the window is refused (`stale-counter`).
 *
 * Pure: the renderer signs with WebCrypto, the main side verifies with node:crypto.
 */
import canonicalize from 'canonicalize'

/** What an attested call carries beside its arguments. */
export type Attestation = {
  /** the session id of `kiosk/pair` */
  session: string
  /** 1, 2, 3 … per session; each value is accepted once */
  counter: number
  /** base64url HMAC-SHA256 over {@link attestMessage} with the session's MAC key */
  mac: string
}

/** Version tag of the signed message (a new message layout gets a new tag). */
export const ATTEST_VERSION = 'hadir-attest-v1'
/** Counters the main side remembers below the highest one it accepted (out-of-order calls within it are fine). */
export const ATTEST_WINDOW = 64
/** Bytes of a session's MAC key. */
export const MAC_KEY_BYTES = 32

/**
 * RFC 8785 (JCS) canonical JSON of `v` (the `canonicalize` package): sorted keys, shortest number
 * form, no whitespace; `undefined` fields are left out as JSON.stringify does. Throws on values JSON
 * cannot carry (NaN, Infinity, BigInt, lone surrogates, cycles).
 */
export function canonicalJson(v: unknown): string {
  const text = canonicalize(v === undefined ? null : v)
  if (text === undefined) throw new TypeError('the arguments have no JSON form')
  return text
}

/** The exact text a session's MAC covers. Newlines cannot occur in the method, session or counter. */
export function attestMessage(method: string, session: string, counter: number, args: unknown): string {
  return `${ATTEST_VERSION}\n${method}\n${session}\n${counter}\n${canonicalJson(args)}`
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new TypeError('not base64url')
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** Shape check of an attestation as it arrives (the MAC itself is checked by the main side). */
export function isAttestation(v: unknown): v is Attestation {
  if (typeof v !== 'object' || v === null) return false
  const a = v as Record<string, unknown>
  return (
    typeof a.session === 'string' &&
    /^[A-Za-z0-9_-]{8,64}$/.test(a.session) &&
    typeof a.counter === 'number' &&
    Number.isSafeInteger(a.counter) &&
    a.counter >= 1 &&
    typeof a.mac === 'string' &&
    /^[A-Za-z0-9_-]{43}$/.test(a.mac)
  )
}
