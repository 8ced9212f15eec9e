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
  | 'internal'
  // attendance exports, roster import, work schedules (issue 12, part B)
  | 'export-too-large'
  | 'file-too-large'
  | 'roster-unreadable'
  | 'roster-columns'
  | 'invalid-schedule'

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
