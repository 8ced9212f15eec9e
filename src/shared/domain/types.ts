/** Domain types shared by main, renderer and CLI. All JSON-safe; times are epoch milliseconds. */

/** An employee who can be recognised. `id` is the employee id chosen by the office (or the folder name in bulk enrollment). */
export type Person = {
  id: string
  name: string
  /** department or team, free text; null when not given */
  department: string | null
  active: boolean
  /** number of stored face templates for the current embedding model */
  templates: number
  /** has templates only of another embedding model: must be enrolled again (photos are never kept) */
  needsReenrollment: boolean
  createdAt: number
  updatedAt: number
  /** the person's consent to face processing in force (UU PDP): the admin who took it and when; absent: none */
  consent?: { givenBy: string; givenAt: number }
}

/** Check-in or check-out. */
export type Direction = 'in' | 'out'

/** One recorded attendance event. `id` is a UUID, later the HR idempotency key. */
export type AttendanceEvent = {
  id: string
  personId: string
  personName: string
  direction: Direction
  /** when the face was seen, epoch ms */
  at: number
  /** cosine similarity of the decision, 0..1 */
  similarity: number
  /** kiosk: a face at the kiosk; pin: employee id + PIN; badge: badge + PIN (issue #12); cli; manual: an admin's entry */
  source: 'kiosk' | 'cli' | 'manual' | 'pin' | 'badge'
}

/** How sure the matcher is of a `match`. */
export type Confidence = 'high' | 'medium' | 'low'

/** The matcher's answer for one face. `personId`/`similarity` are the best candidate's even when unknown. */
export type Identification = {
  decision: 'match' | 'unknown'
  /** why not a match: below the level's threshold, too close to a second person, frames disagreeing, nobody enrolled */
  reason: 'below-threshold' | 'ambiguous' | 'inconsistent' | 'empty-gallery' | null
  personId: string | null
  name: string | null
  similarity: number
  confidence: Confidence
  /** similarity of the best *other* person (margin test), 0 when none */
  secondSimilarity: number
  /** threshold of the security level used */
  threshold: number
  level: 'normal' | 'high' | 'very-high'
  /** frames of the tracked face that were decided over */
  frames: number
  /** share of those frames whose own best person is `personId` */
  agreement: number
}

/** Why a face was refused as not live. */
export type LivenessReason = 'spoof_detected' | 'liveness_uncertain' | 'quality_low' | 'challenge_failed' | 'timeout'

/**
 * A prompt the kiosk may ask for when passive evidence is not enough. ("Come closer" is not one:
 * a photo moved towards the camera passes it.)
 */
export type ChallengeKind = 'blink' | 'turn-left' | 'turn-right'

/** The renderer's liveness evidence for one tracked face (scores only, never an image). */
export type LivenessEvidence = {
  /** the renderer's decision over the track (after the challenge, when one was asked) */
  decision: 'live' | LivenessReason
  /** passive score of the track, 0..1 (1 = live): fr_liveness.onnx, mean of its log-odds over the frames */
  score: number
  /** each layer's score over the track's frames, 0..1, null when the layer did not run */
  layers: Record<string, number | null>
  /** the active challenge, when one was asked */
  challenge: ChallengeEvidence | null
  /** what the track's frames showed over time (vision/core/temporal.ts); absent from older callers */
  temporal?: TemporalEvidence | null
  /** the whole presentation (shared/face/liveness-rule.ts decides from it); absent from older callers */
  track?: TrackEvidence | null
}

/** One presentation's evidence, as the rule reads it. */
export type TrackEvidence = {
  /** frames of the track with the face */
  frames: number
  /** of which scored by the passive model (quality-passed) */
  scoredFrames: number
  /** first to last frame, ms */
  spanMs: number
  /** scene motion: −1 the surroundings stayed with the room … +1 they moved with the face; null: no evidence */
  follow: number | null
  /** frame pairs that carried scene evidence */
  followPairs: number
  /** largest face shift against the background, face widths */
  maxFaceShift: number
  /** the rule's outcome before any challenge */
  outcome: 'live' | 'challenge' | 'spoof'
  /** the rule's reasons (shared/face/liveness-rule.ts) */
  reasons: string[]
}

/** One frame of a challenge, from the mesh. */
export type ChallengeSample = { t: number; yawDeg: number; eyeOpenness: number }

/** An active challenge and the frames that decided it (the main side verifies them again). */
export type ChallengeEvidence = {
  kind: ChallengeKind
  passed: boolean
  ms: number
  /** the mesh figures of the frames from the prompt to the verdict */
  samples?: ChallengeSample[]
  /** a turn: homography residual between the mesh at the prompt and at the pass (a flat picture stays near 0) */
  turnNonPlanarity?: number | null
}

/** Liveness evidence over the frames of one track (see vision/core/temporal.ts). */
export type TemporalEvidence = {
  frames: number
  spanMs: number
  /** largest move of the face from the first frame, in face widths */
  motion: number
  /** largest departure from a flat picture's motion (homography residual, face-size units) */
  nonRigidity: number
  /** the face moved clearly but stayed flat: a picture being moved */
  rigidMotion: boolean
  /** closed-then-open eye cycles seen */
  blinks: number
  /** nothing moved at all */
  still: boolean
}

/** How hard the kiosk looks for photos and screens. */
export type LivenessStrictness = 'off' | 'normal' | 'strict'

/** What the kiosk shows after sending an embedding. */
/**
 * How a recognised sighting relates to the person's presence (electron/server/attendance/presence.ts):
 * `new` starts a presence (the kiosk greets and sounds), `continued` is the same person still there or
 * back within the presence window (the kiosk shows "already recorded" once, quietly).
 */
export type PresenceKind = 'new' | 'continued'

export type KioskOutcome =
  | { kind: 'refused'; reason: LivenessReason; identification: Identification }
  /** `workedTodayMs`: the person's hours of this work day so far (in/out pairs), ms */
  | { kind: 'recorded'; identification: Identification; event: AttendanceEvent; presence?: PresenceKind; workedTodayMs?: number }
  | { kind: 'already-recorded'; identification: Identification; event: AttendanceEvent; presence?: PresenceKind; workedTodayMs?: number }
  | { kind: 'unknown'; identification: Identification }
  /**
   * ask mode: recognised; the person taps in or out (kiosk/confirm with the ticket). With `suggested`,
   * any mode: a change of direction soon after `last` ("Check out now?"): confirm `suggested` or let it lapse.
   */
  | { kind: 'needs-direction'; identification: Identification; ticket: string; expiresAt: number; suggested?: Direction; last?: AttendanceEvent }
  /** face AND PIN (settings fallback.requireFacePin): recognised; the person enters their PIN (kiosk/face-pin with the ticket) */
  | { kind: 'needs-pin'; identification: Identification; ticket: string; expiresAt: number }

/** Identifies one embedding model; templates of two models never mix. */
export type ModelTag = { modelId: string; modelVersion: string }

/** An attendance row as the admin sees it: the event plus its correction trail. */
export type AttendanceRow = AttendanceEvent & {
  kioskId: string
  /** id of the event that replaced this one (a correction); the original is kept */
  supersededBy: string | null
  voided: boolean
  /** the admin's reason, on manual events */
  reason: string | null
  /** on a correction: the id of the event it corrects */
  corrects: string | null
  /** late arrival, early leave, open check-in (attendance/list only; absent when nothing to mark) */
  marks?: AttendanceMarks
}

/** One person's work day (the day boundary and time zone of the attendance rules apply). */
export type DaySummary = {
  personId: string
  personName: string
  /** YYYY-MM-DD work day */
  day: string
  firstIn: number | null
  lastOut: number | null
  /** sum of in→out pairs, ms */
  workedMs: number
  events: number
  /** an in without its out, or an out without its in */
  incomplete: boolean
  /** ids of the events behind `firstIn` / `lastOut` (the attendance list marks them); absent from older callers */
  firstInId?: string | null
  lastOutId?: string | null
  /**
   * The person's schedule for this day (their own, else the office default), null when none applies
   * (no schedule, or a day the schedule does not cover). Absent from older callers.
   */
  schedule?: WorkSchedule | null
  /** minutes after the scheduled start of the first check-in, when beyond the tolerance; null otherwise */
  lateMinutes?: number | null
  /** minutes before the scheduled end of the last check-out, when beyond the tolerance; null otherwise */
  earlyMinutes?: number | null
  /**
   * a check-in was left open past the open-check-in limit (rules.openLimitMs): it is not paired with a
   * later check-out and counts no hours; the admin should add the missing check-out
   */
  openPastLimit?: boolean
}

/**
 * A work schedule: when a person is expected within their work day. `start` and `end` are local
 * 'HH:MM' in the rules' time zone, read from the work day's start (rules.dayBoundary), so with a
 * boundary of 04:00 a night shift 20:00–03:00 is valid; `end` must come after `start`.
 */
export type WorkSchedule = {
  /** 'HH:MM' expected arrival */
  start: string
  /** 'HH:MM' expected leave */
  end: string
  /** grace in minutes, 0..120: arriving up to this late or leaving this early is not marked */
  toleranceMin: number
  /** ISO weekdays of the work day the schedule applies on: 1 = Monday … 7 = Sunday, at least one */
  days: number[]
}

/** A person's own schedule, replacing the office default. */
export type PersonSchedule = { personId: string; personName: string; schedule: WorkSchedule; updatedAt: number }

/** How an event stands against the schedule and the open-check-in limit (attendance list). */
export type AttendanceMarks = {
  /** the day's first check-in, this many minutes late */
  lateMinutes?: number
  /** the day's last check-out, this many minutes early */
  earlyMinutes?: number
  /** a check-in still open past the limit (no check-out paired with it) */
  openPastLimit?: boolean
}

/** How a scan becomes in or out. */
export type CheckInMode = 'toggle' | 'window' | 'ask'

/** Attendance rules (settings). */
export type AttendanceRules = {
  /** toggle: first scan of the work day is in, then alternate; window: in before `checkInUntil`, out after; ask: the person taps in or out */
  mode: CheckInMode
  /** a second scan within this time shows "already recorded" and writes nothing, ms */
  cooldownMs: number
  /** 'HH:MM' local time at which a work day starts (e.g. '04:00' for night shifts) */
  dayBoundary: string
  /** IANA time zone of the office */
  timeZone: string
  /** window mode: 'HH:MM' local time from which a scan is a check-out */
  checkInUntil: string
  /**
   * a check-in with no check-out after this long (ms, default 16 h) is "open past the limit": the
   * summary flags it for the admin and a later check-out is not paired with it; the next scan is a
   * check-in again. Absent means the default.
   */
  openLimitMs?: number
  /**
   * one presence: the same person seen again within this long of their last sighting (every sighting
   * extends it) is still the same presence and nothing new is recorded, ms (default 2 min, 0 to 30 min)
   */
  presenceMs?: number
  /**
   * a change of direction (in → out or back) this soon after the person's last record is asked
   * ("Check out now?") instead of recorded silently, ms (default 10 min, 0 = never ask, up to 2 h)
   */
  confirmChangeMs?: number
}

/** One audit log row (never an image or a template). */
export type AuditEntry = { id: number; at: number; actor: string; action: string; subject: string | null; details: Record<string, unknown> | null }
