import type {
  AttendanceEvent,
  AttendanceRow,
  AttendanceRules,
  AuditEntry,
  DaySummary,
  Direction,
  Identification,
  KioskOutcome,
  LivenessEvidence,
  LivenessStrictness,
  Person,
  PersonSchedule,
  WorkSchedule,
} from '../domain/types'
import type { LevelExpectation, SecurityLevel } from '../face/decide'
import type { RecentDisplay } from '../privacy/privacy'
import type { Attestation } from './attest'
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
  /**
   * Set when the host started in recovery mode: the database could not be used, every other method
   * answers this `code` with `message`; the renderer shows the recovery screen instead of the kiosk.
   */
  recovery?: {
    code: 'db-corrupt' | 'db-from-future' | 'db-not-writable'
    message: string
    dbFile: string
    /** backups of the database, newest first */
    backups: Array<{ file: string; at: number; bytes: number }>
  }
}

/** An embedding sent by the renderer (never a photo). */
export type EmbeddingInput = {
  modelId: string
  modelVersion: string
  /** L2-normalised embedding */
  embedding: number[]
}

/** UI language: `auto` follows the OS / browser. */
export type LanguageSetting = 'auto' | 'id' | 'en'

/** Settings: what the kiosk's decisions and screen use. The HR key is never returned, only whether it is set. */
export type KioskSettings = {
  /** recognition security level; thresholds are calibrated per level (see README) */
  securityLevel: SecurityLevel
  /** the thresholds behind each level, for display; fixed per comparison (the model's 1:1 thresholds) */
  thresholds: Record<SecurityLevel, number>
  /** with a score table: each level's threshold for the current gallery size (what 1:N decisions use; issue 15) */
  galleryThresholds?: Record<SecurityLevel, number>
  /** off: no liveness check; normal: passive layers, a challenge when uncertain; strict: always a challenge */
  livenessStrictness: LivenessStrictness
  /** = rules.cooldownMs */
  cooldownMs: number
  rules: AttendanceRules
  language: LanguageSetting
  /** camera device (null: the first one) and the requested resolution */
  camera: { deviceId: string | null; width: number; height: number }
  kioskName: string
  location: string
  sound: boolean
  /** Electron: start the kiosk when the computer starts (OS login item) */
  startAtLogin: boolean
  /**
   * HR server address; `keySet` says a key is stored (the key itself is a secret and never shown
   * again); `shareTemplates`: enrollments are shared with the company's other kiosks through HR
   * (biometric data: off unless an admin turns it on)
   */
  hr: { url: string | null; keySet: boolean; shareTemplates: boolean }
  /**
   * the office's default work schedule (late arrivals, early leaves), null when none is set; a person's
   * own schedule (schedules/set) replaces it. Always present in settings/get.
   */
  schedule?: WorkSchedule | null
  /** when the face fails: PIN / badge at the kiosk, and face AND PIN (issue #12). Always present in settings/get. */
  fallback?: FallbackSettings
  /**
   * the privacy notice on the kiosk screen in both languages (the default text about face processing
   * under UU PDP when an admin has not written one) and what the recent list shows of each person.
   * Always present in settings/get.
   */
  privacyNotice?: { id: string; en: string }
  recentDisplay?: RecentDisplay
}

/**
 * Ways in when the face fails. `mode`: off (face only), pin (employee id + PIN), pin-badge (also a
 * badge reader, then the PIN). `requireFacePin`: a recognised face must also enter that person's PIN
 * before anything is recorded.
 */
export type FallbackMode = 'off' | 'pin' | 'pin-badge'
export type FallbackSettings = { mode: FallbackMode; requireFacePin: boolean }

/** An employee's kiosk PIN: 4 to 8 digits. */
export const PERSON_PIN_MIN = 4
export const PERSON_PIN_MAX = 8

/** What the kiosk shows after a PIN (or badge + PIN) check-in. */
export type PinCheckInOutcome =
  | { kind: 'recorded'; personName: string; event: AttendanceEvent; review: boolean }
  | { kind: 'already-recorded'; personName: string; event: AttendanceEvent }

/** A person's kiosk credentials as the admin sees them (never the PIN or its hash). */
export type PersonCredentials = { personId: string; pinSet: boolean; badge: string | null; lockedUntil: number | null }

/** Why an event is on the review list. */
export type ReviewReason = 'pin' | 'badge' | 'low-confidence'
/** One event an admin should look at: approve it, or void it (attendance/void) with a reason. */
export type ReviewItem = AttendanceRow & { reviewReason: ReviewReason; flaggedAt: number }

/** What an admin may change; omitted fields stay. `hrKey: null` removes the key. */
export type SettingsPatch = {
  securityLevel?: SecurityLevel
  livenessStrictness?: LivenessStrictness
  rules?: Partial<AttendanceRules>
  language?: LanguageSetting
  camera?: { deviceId?: string | null; width?: number; height?: number }
  kioskName?: string
  location?: string
  sound?: boolean
  startAtLogin?: boolean
  hrUrl?: string | null
  hrKey?: string | null
  hrShareTemplates?: boolean
  /**
   * The admin PIN again, required (`pin-required` otherwise) for the sensitive changes: the HR
   * address or key, template sharing, the security level, liveness turned off. Never stored.
   */
  pin?: string
  /** the default work schedule; null removes it (`invalid-schedule` when end is not after start, tolerance out of range…) */
  schedule?: WorkSchedule | null
  /** PIN / badge fallbacks and face AND PIN */
  fallback?: Partial<FallbackSettings>
  /** the notice text per language; '' (or null) brings back the default text */
  privacyNotice?: { id?: string | null; en?: string | null }
  /** names, initials (the default) or none: enforced in attendance/recent's answer */
  recentDisplay?: RecentDisplay
}

/** Where the HR sync stands (no personal data: the kiosk screen shows part of it). */
export type SyncStatus = {
  /** an HR address and key are set */
  configured: boolean
  /** the last request reached HR (null: not configured or nothing tried yet) */
  online: boolean | null
  /** attendance events waiting to be delivered */
  queued: number
  /** events HR rejected, waiting for an admin */
  parked: number
  oldestQueuedAt: number | null
  lastSuccessAt: number | null
  lastAttemptAt: number | null
  nextAttemptAt: number | null
  lastError: { code: string; message: string; at: number } | null
  shareTemplates: boolean
  /** corrections and voids held back because the event they refer to is not accepted by HR yet (rejected or queued) */
  held?: number
}

/** An event HR rejected, parked for the admin. */
export type ParkedEvent = { id: string; kind: 'event' | 'correction' | 'void'; personId: string; at: number; reason: string; parkedAt: number | null }

/**
 * Admin mode, opened with the PIN. `lockedUntil` is the lock of the caller's own source (each paired
 * page, the CLI…): wrong PINs elsewhere never lock this kiosk screen out. `minPinLength`: a new PIN's
 * shortest length (older, shorter PINs keep working until changed).
 */
export type AdminStatus = { pinSet: boolean; lockedUntil: number | null; minPinLength?: number }
export type AdminSession = { token: string; expiresAt: number }
/**
 * Every admin method carries the session token of `admin/login`. Over IPC and HTTP a missing or
 * expired token is refused with 'admin-required'; the CLI on the machine calls the handlers
 * directly and needs none.
 */
export type AdminArgs = { token?: string }

/**
 * A scan shown on the kiosk screen's "last few" list (check-ins and check-outs). `personName` is what
 * the settings' recentDisplay allows: the name, or only the initials ("S.A."); with 'none' the list is empty.
 */
export type RecentCheckIn = { personName: string; direction: Direction; at: number }

/** A person's consent to face processing: who (the person), when, taken by which admin, stored by which session. */
export type Consent = { personId: string; givenBy: string; givenAt: number; recordedBy: string; revokedAt: number | null; revokedBy: string | null }

/** Host-side diagnostics (the renderer adds camera, frame rate and stage timings). No biometric data. */
export type Diagnostics = {
  appVersion: string
  hostKind: 'electron' | 'web'
  kioskId: string
  embeddingModel: { modelId: string; modelVersion: string; dim: number }
  models: Array<{ id: string; file: string; sha256: string; bytes: number }>
  counts: { people: number; activePeople: number; templates: number; events: number; auditEntries: number }
  outbox: { pending: number; oldestPendingAt: number | null }
  lastSync: number | null
  disk: { path: string; freeBytes: number | null; totalBytes: number | null }
  db: { sizeBytes: number; schemaVersion: number }
  now: number
  timeZone: string
  /** what each security level means for the current gallery (issue 15): threshold, expected stranger acceptance and miss rate per attempt */
  recognition?: { templates: number; level: SecurityLevel; levels: LevelExpectation[] }
}

/**
 * What `kiosk/pair` gives the page: its session id, the session token the web host wants on every
 * call (x-hadir-token), and the MAC key for attested calls (base64url, 32 bytes). Kept by the page in
 * its origin's storage so a reload goes on with the same session; never shown, never logged.
 */
export type KioskPairing = { session: string; token: string; macKey: string }
/** UI language of an export's headers and words (yes/no, in/out). */
export type ExportLang = 'id' | 'en'

/**
 * An attendance export. CSV: UTF-8 with BOM, CRLF, the chosen separator, local date/time text, the
 * language's decimal mark. XLSX: the same columns with real date/time cells (office time zone), hours
 * as a duration (`[h]:mm`), bytes in base64 (JSON-safe).
 */
export type ExportFile =
  | { format: 'csv'; filename: string; mime: string; rows: number; csv: string }
  | { format: 'xlsx'; filename: string; mime: string; rows: number; base64: string }

/** Why one roster row cannot be imported. */
export type RosterProblem = 'missing-id' | 'missing-name' | 'duplicate-id' | 'id-too-long' | 'name-too-long' | 'department-too-long' | 'control-chars'

/** One data row of a roster file: what it would do, or why it cannot. */
export type RosterRowReport = {
  /** 1-based row in the file (the header is row 1 when it is the first line) */
  line: number
  id: string
  name: string
  department: string | null
  /** create: new person; update: name or department changes; unchanged: same as stored; error: see `problem` */
  status: 'create' | 'update' | 'unchanged' | 'error'
  problem?: RosterProblem
  /** duplicate-id: the line where this id first appears */
  duplicateOf?: number
}

/**
 * The answer of people/import-roster. All or nothing: `applied` is true only when every row was valid
 * and all of them were written in one transaction; with any error row nothing is written.
 */
export type RosterReport = {
  applied: boolean
  dryRun: boolean
  format: 'csv' | 'xlsx'
  /** CSV only: the separator found in the header line and the text encoding */
  separator: ',' | ';' | '\t' | null
  encoding: 'utf-8' | 'windows-1252' | null
  /** the header cells taken for id, name and department (department null when the file has none) */
  columns: { id: string; name: string; department: string | null }
  counts: { rows: number; create: number; update: number; unchanged: number; errors: number }
  rows: RosterRowReport[]
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

  /**
   * Pairs the calling page with the host: over HTTP it needs a one-time code (the launch URL's
   * `#pair=<code>`, or `npm run cli -- pair`): `pair-code-invalid`, `pair-code-used`; over Electron's
   * IPC only our own page can call it and needs none.
   */
  'kiosk/pair': (args: { code?: string }) => KioskPairing

  // admin mode: PIN set on first start, then a session token on every admin method
  'admin/status': (args: Record<string, never>) => AdminStatus
  /** the first PIN needs no token (first start); changing it needs the session's */
  'admin/set-pin': (args: { pin: string; token?: string }) => AdminSession
  'admin/login': (args: { pin: string }) => AdminSession
  'admin/logout': (args: AdminArgs) => { loggedOut: boolean }

  'people/list': (args: AdminArgs & { q?: string; activeOnly?: boolean; limit?: number }) => Person[]
  /** `duplicate-id` when the employee id is taken */
  'people/create': (args: AdminArgs & { id: string; name: string; department?: string | null }) => Person
  /** rename, change department, deactivate (unrecognisable at once) or reactivate */
  'people/update': (args: AdminArgs & { id: string; name?: string; department?: string | null; active?: boolean }) => Person
  /** create or rename (scripts); audited */
  'people/upsert': (args: AdminArgs & { id: string; name: string; department?: string | null }) => Person
  /** erases the person and every template; attendance history is kept; audited */
  'people/delete': (args: AdminArgs & { personId: string }) => { deleted: boolean; templates: number }
  /** re-enrollment: erases the person's templates, keeps the person */
  'people/clear-templates': (args: AdminArgs & { personId: string }) => { templates: number }
  /**
   * `duplicate-face` when the face is someone else's; `not-found` when the person is gone;
   * `consent-required` when the person has no consent to face processing on file and `consentBy`
   * (the admin who took the consent) is not given. With `consentBy` the consent is recorded first.
   */
  'enrollment/add-template': (args: AdminArgs & EmbeddingInput & { personId: string; quality?: number; consentBy?: string }) => { templateId: number; templates: number }
  /** records the person's consent to face processing, taken by the admin `givenBy`; audited */
  'people/record-consent': (args: AdminArgs & { personId: string; givenBy: string }) => Consent
  /** withdraws the consent: every template of the person is erased (tombstoned to HR), audited; attendance is kept */
  'people/revoke-consent': (args: AdminArgs & { personId: string }) => { templates: number }
  /** 1:N identification of one embedding at the current (or the given) security level; `empty-gallery` when nobody is enrolled */
  'recognition/identify': (args: AdminArgs & EmbeddingInput & { level?: SecurityLevel }) => Identification

  /**
   * decide over a tracked face's frames, then record check-in/out unless within the cooldown.
   * In `ask` mode the answer is `needs-direction` with a ticket for `kiosk/confirm`.
   * Attested (ATTESTED_METHODS). The time recorded is the main side's clock: `seenAt` is ignored
   * (kept in the type so older callers still validate; a renderer cannot backdate a check-in).
   */
  'kiosk/recognize': (args: TrackInput & { seenAt?: number; liveness?: LivenessEvidence }) => KioskOutcome
  /** ask mode: the direction the person tapped for a recognised face (ticket valid 20 s) */
  'kiosk/confirm': (args: { ticket: string; direction: Direction }) => KioskOutcome
  /** today's last scans for the kiosk screen (times, directions, and names or initials as recentDisplay says) */
  'attendance/recent': (args: { limit?: number }) => RecentCheckIn[]

  'settings/get': (args: Record<string, never>) => KioskSettings
  'settings/update': (args: AdminArgs & SettingsPatch) => KioskSettings

  'attendance/list': (args: AdminArgs & { from?: number; to?: number; personId?: string; direction?: Direction; includeSuperseded?: boolean; limit?: number }) => AttendanceRow[]
  /** a correction is a new event; the original is kept and marked superseded; the reason is mandatory */
  'attendance/correct': (args: AdminArgs & { eventId: string; at?: number; direction?: Direction; reason: string }) => AttendanceRow
  /** a forgotten scan */
  'attendance/add': (args: AdminArgs & { personId: string; at: number; direction: Direction; reason: string }) => AttendanceRow
  'attendance/void': (args: AdminArgs & { eventId: string; reason: string }) => AttendanceRow
  'attendance/summary': (args: AdminArgs & { from: number; to: number; personId?: string }) => DaySummary[]
  /**
   * CSV (default) or XLSX for payroll, headers in `lang` (default: the settings' language, else the
   * host's); CSV separator default ';' for 'id' (decimal comma), ',' for 'en'. `empty-export` when
   * nothing matches, `export-too-large` past the row limit.
   */
  'attendance/export': (
    args: AdminArgs & { from: number; to: number; personId?: string; kind: 'events' | 'summary'; format?: 'csv' | 'xlsx'; lang?: ExportLang; separator?: ',' | ';' },
  ) => ExportFile

  'audit/list': (args: AdminArgs & { limit?: number; subject?: string }) => AuditEntry[]

  /** HR sync: online/offline, queue depth, last success (the kiosk screen shows it small) */
  'sync/status': (args: Record<string, never>) => SyncStatus
  'sync/parked': (args: AdminArgs) => ParkedEvent[]
  /** puts parked events (all, or the given ids) back in the queue */
  'sync/retry': (args: AdminArgs & { ids?: string[] }) => { requeued: number }
  /** one sync round now (deliver, pull roster and templates, heartbeat) */
  'sync/now': (args: AdminArgs) => SyncStatus
  /** Electron: closes the kiosk (the only way out of kiosk mode); the web host answers quitting: false */
  'app/quit': (args: AdminArgs) => { quitting: boolean }
  'diagnostics/get': (args: AdminArgs) => Diagnostics

  /**
   * People from a roster file (.csv or .xlsx: id, name, department; headers in Indonesian or English).
   * `data` is the file's bytes in base64, gzip-compressed first when `encoding` is 'gzip' (CSV from the
   * admin screen). All or nothing; `dryRun` only reports. `file-too-large`, `roster-unreadable`,
   * `roster-columns` for a file that cannot be read as a roster.
   */
  'people/import-roster': (args: AdminArgs & { fileName: string; data: string; encoding?: 'gzip'; dryRun?: boolean }) => RosterReport
  /** people with their own work schedule */
  'schedules/list': (args: AdminArgs) => PersonSchedule[]
  /** sets (or with null removes) a person's own schedule; `invalid-schedule`, `not-found` */
  'schedules/set': (args: AdminArgs & { personId: string; schedule: WorkSchedule | null }) => { personId: string; schedule: WorkSchedule | null }

  // when the face fails: PIN and badge (issue #12 item 2; README "When the face fails")
  /** a person's kiosk PIN (4–8 digits), null removes it; clears the PIN's lock. `pin-format`, `not-found`; audited */
  'people/set-pin': (args: AdminArgs & { personId: string; pin: string | null }) => PersonCredentials
  /** a person's badge number (1–64 letters/digits), null removes it. `badge-format`, `badge-taken`, `not-found`; audited */
  'people/set-badge': (args: AdminArgs & { personId: string; badge: string | null }) => PersonCredentials
  /** every person's credentials (PIN set or not, badge, lock) */
  'people/credentials': (args: AdminArgs) => PersonCredentials[]
  /**
   * Check-in without the face: `employeeId` or `badge`, then the person's PIN. Attested and
   * rate-limited. `fallback-off`, `badge-off`, `pin-format`, `badge-format`, `person-unknown`,
   * `badge-unknown`, `person-pin-not-set`, `pin-wrong` ({ triesLeft }), `pin-locked` ({ lockedUntil }),
   * `rate-limited` ({ retryAfterMs }). Ask mode needs `direction`.
   * Every try is audited; a recorded one goes on the review list.
   */
  'kiosk/pin-checkin': (args: { employeeId?: string; badge?: string; pin: string; direction?: Direction }) => PinCheckInOutcome
  /** face AND PIN: the PIN of the person kiosk/recognize answered `needs-pin` for (ticket valid 60 s); errors as kiosk/pin-checkin */
  'kiosk/face-pin': (args: { ticket: string; pin: string; direction?: Direction }) => KioskOutcome
  /** events waiting for an admin's look, oldest first */
  'review/list': (args: AdminArgs & { limit?: number }) => ReviewItem[]
  /** approves a flagged event (it stays as recorded); audited. `not-found`, `conflict` (voided or corrected) */
  'review/approve': (args: AdminArgs & { eventId: string }) => { eventId: string; approvedAt: number }
}

/** Methods that need an admin session over IPC and HTTP (the CLI on the machine calls handlers directly). */
export const ADMIN_METHODS: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'admin/logout',
  'people/list',
  'people/create',
  'people/update',
  'people/upsert',
  'people/delete',
  'people/clear-templates',
  'enrollment/add-template',
  'recognition/identify',
  'settings/update',
  'attendance/list',
  'attendance/correct',
  'attendance/add',
  'attendance/void',
  'attendance/summary',
  'attendance/export',
  'audit/list',
  'diagnostics/get',
  'sync/parked',
  'sync/retry',
  'sync/now',
  'app/quit',
  'people/import-roster',
  'schedules/list',
  'schedules/set',
  'people/set-pin',
  'people/set-badge',
  'people/credentials',
  'review/list',
  'review/approve',
  'people/record-consent',
  'people/revoke-consent',
])

/**
 * Methods that record attendance: over IPC and HTTP each call carries its session's counter and
 * MAC (shared/api/attest.ts), added by the renderer's API client. A method added later that records
 * attendance belongs here too. The CLI on the machine calls the handlers directly and needs none.
 */
export const ATTESTED_METHODS: ReadonlySet<ApiMethod> = new Set<ApiMethod>(['kiosk/recognize', 'kiosk/confirm', 'kiosk/pin-checkin', 'kiosk/face-pin'])

export type ApiMethod = keyof ApiHandlers
export type ApiArgs<M extends ApiMethod> = Parameters<ApiHandlers[M]>[0]
export type ApiData<M extends ApiMethod> = ReturnType<ApiHandlers[M]>

/** All method names, for validation at the dispatcher and the conformance test. */
export const API_METHODS: readonly ApiMethod[] = [
  'host/info',
  'kiosk/pair',
  'admin/status',
  'admin/set-pin',
  'admin/login',
  'admin/logout',
  'people/list',
  'people/create',
  'people/update',
  'people/upsert',
  'people/delete',
  'people/clear-templates',
  'enrollment/add-template',
  'recognition/identify',
  'kiosk/recognize',
  'kiosk/confirm',
  'attendance/recent',
  'settings/get',
  'settings/update',
  'attendance/list',
  'attendance/correct',
  'attendance/add',
  'attendance/void',
  'attendance/summary',
  'attendance/export',
  'audit/list',
  'diagnostics/get',
  'sync/status',
  'sync/parked',
  'sync/retry',
  'sync/now',
  'app/quit',
  'people/import-roster',
  'schedules/list',
  'schedules/set',
  'people/set-pin',
  'people/set-badge',
  'people/credentials',
  'kiosk/pin-checkin',
  'kiosk/face-pin',
  'review/list',
  'review/approve',
  'people/record-consent',
  'people/revoke-consent',
] as const

/**
 * What the Electron preload exposes as `window.kiosk`, and nothing else.
 * `invoke` never rejects for domain errors: it resolves to the dispatcher's ApiResult.
 */
export type KioskBridge = {
  /** `attest`: the session counter and MAC of an attested call (ATTESTED_METHODS) */
  invoke(method: string, args: unknown, attest?: Attestation): Promise<ApiResult<unknown>>
  /** main → renderer events (IPC_EVENTS only, e.g. 'app:resume' after sleep); returns an unsubscribe */
  on?(channel: string, listener: () => void): () => void
}
