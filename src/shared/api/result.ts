/**
 * Errors that cross the API boundary. `code` is a stable slug from a closed union:
 * UI and scripts branch on `code`, never on `message` (which is for people).
 */
export type ApiErrorCode =
  | 'invalid-args'
  | 'not-found'
  | 'conflict'
  | 'unknown-method'
  | 'db-error'
  | 'db-not-writable'
  | 'db-from-future'
  | 'disk-full'
  | 'db-corrupt'
  | 'data-key-missing'
  | 'data-key-wrong'
  | 'model-missing'
  | 'model-corrupt'
  | 'model-mismatch'
  | 'image-unreadable'
  | 'image-too-large'
  | 'no-face'
  | 'multiple-faces'
  | 'empty-gallery'
  | 'duplicate-face'
  | 'duplicate-id'
  | 'admin-required'
  | 'pin-not-set'
  | 'pin-already-set'
  | 'pin-too-short'
  | 'pin-wrong'
  | 'admin-locked'
  | 'empty-export'
  | 'transport-error'
  | 'unauthorized'
  // issue #14: pairing, call attestation, admin set-up (docs in README "Web host hardening")
  /** the first admin PIN can only be set at the kiosk screen (a paired page) or with `npm run cli -- admin set-pin` */
  | 'admin-setup-required'
  /** a sensitive setting (HR address or key, template sharing, security level, liveness off) needs the PIN again */
  | 'pin-required'
  /** a pairing code that this host never issued, or that has expired */
  | 'pair-code-invalid'
  /** a pairing code that was already exchanged for a session (each works once) */
  | 'pair-code-used'
  /** a call that records attendance came without its session counter and MAC */
  | 'attestation-required'
  /** the call's MAC does not match its arguments (altered on the way, or not from the paired page) */
  | 'bad-mac'
  /** the call's counter was already used in this session: the same call sent again */
  | 'replayed'
  /** the call's counter is older than the session's window of recent calls */
  | 'stale-counter'
  /** face templates are shared only over https: (plain http: only to this machine) */
  | 'insecure-hr-url'
  | 'internal'
  // attendance exports, roster import, work schedules (issue 12, part B)
  | 'export-too-large'
  | 'file-too-large'
  | 'roster-unreadable'
  | 'roster-columns'
  | 'invalid-schedule'
  // when the face fails: PIN and badge (issue #12 item 2)
  /** the admin turned the PIN fallback off (settings fallback.mode) */
  | 'fallback-off'
  /** a badge was read but badges are off (fallback.mode 'pin') */
  | 'badge-off'
  /** a PIN that is not 4 to 8 digits */
  | 'pin-format'
  /** a badge read that is not 1–64 letters and digits (a reader typing garbage) */
  | 'badge-format'
  /** no active person has this employee id */
  | 'person-unknown'
  /** no active person has this badge */
  | 'badge-unknown'
  /** the badge number is another person's */
  | 'badge-taken'
  /** the person has no kiosk PIN yet */
  | 'person-pin-not-set'
  /** this person's PIN is locked after 3 wrong tries (details.lockedUntil) */
  | 'pin-locked'
  /** too many PIN tries from this kiosk in a short time (details.retryAfterMs) */
  | 'rate-limited'
  // privacy (issue 12, item 4)
  /** a person's face is enrolled only with their consent on file (UU PDP): give who took it (consentBy / --consent-by) */
  | 'consent-required'
  // issue 15: enrollment from photos
  /** a photo in a person's folder shows someone else than the folder's other photos (nothing stored from it) */
  | 'photo-mismatch'

/** Plain, structured-clone and JSON-safe error. */
export type ApiError = {
  code: ApiErrorCode
  message: string
  details?: Record<string, string | number | boolean | null>
}

/** Every API call resolves to one of these; nothing is thrown across the boundary. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError }

/**
 * An error a handler (or the vision pipeline) may throw on purpose. `dispatch()` turns it
 * into `{ code, message }`; anything else becomes `internal`.
 */
export class HadirError extends Error {
  override name = 'HadirError'
  readonly code: ApiErrorCode
  readonly details?: ApiError['details']
  constructor(code: ApiErrorCode, message: string, details?: ApiError['details']) {
    super(message)
    this.code = code
    if (details) this.details = details
  }
}

/** Narrow an unknown thrown value to a JSON-safe ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof HadirError) {
    return err.details ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message }
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}
