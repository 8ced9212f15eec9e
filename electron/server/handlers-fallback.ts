/**
 * When the face fails (issue #12 item 2): the employee PIN and badge, face AND PIN, and the admin's
 * review list. The kiosk methods are attested (ATTESTED_METHODS) and rate-limited per paired page;
 * every try is audited (`fallback.*`), never with the PIN.
 */
import { randomBytes } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import type { PinCheckInOutcome, ReviewItem, ReviewReason } from '../../src/shared/api/contract'
import { HadirError } from '../../src/shared/api/result'
import type { AttendanceRow, Direction, Identification, KioskOutcome } from '../../src/shared/domain/types'
import type { RecognitionConfig } from '../../src/shared/face/decide'
import { withDbErrors } from './db/sqlite'
import {
  checkBadgeFormat,
  checkPinFormat,
  credentialsOf,
  listCredentials,
  personOfBadge,
  pinCheckError,
  setPersonBadge,
  setPersonPin,
  tryPersonPin,
} from './fallback/person-credentials'
import { attemptSource, type HandlerContext, type ServerHandlers } from './handler-types'
import type { SettingsService } from './settings'
import { getAttendanceRow } from './store/attendance-store'
import { appendAudit } from './store/audit-log'

/** PIN tries one paired page may make in RATE_WINDOW_MS (right or wrong, any person). */
export const RATE_MAX_TRIES = 10
export const RATE_WINDOW_MS = 60_000
/** How long a face waits for its PIN (face AND PIN). */
export const FACE_PIN_TICKET_MS = 60_000

/** What handlers.ts lends this module: its recording under the attendance rules. */
export type Recorder = (identification: Identification, personId: string, personName: string, at: number, asked: Direction | null, ctx: HandlerContext, review: ReviewReason | null) => KioskOutcome

export type FallbackDeps = {
  db: Database
  settings: SettingsService
  now: () => number
  recognition: RecognitionConfig
  record: Recorder
}

type FallbackMethods = 'people/set-pin' | 'people/set-badge' | 'people/credentials' | 'kiosk/pin-checkin' | 'kiosk/face-pin' | 'review/list' | 'review/approve'

/**
 * A recorded face match an admin should look at: accepted but with confidence 'low' (within
 * MEDIUM_CONFIDENCE_MARGIN, 0.05, of the level's threshold: shared/face/match.ts confidenceFor), or
 * with less than twice the required margin to the second-best person.
 */
export function lowConfidence(id: Identification, recognition: RecognitionConfig): boolean {
  if (id.decision !== 'match') return false
  if (id.confidence === 'low') return true
  return id.secondSimilarity > 0 && id.similarity - id.secondSimilarity < 2 * recognition.margin
}

/** The identification a PIN check-in records with: no face, similarity 0. */
const noFace = (personId: string, name: string): Identification => ({
  decision: 'match',
  reason: null,
  personId,
  name,
  similarity: 0,
  confidence: 'low',
  secondSimilarity: 0,
  threshold: 0,
  level: 'normal',
  frames: 0,
  agreement: 0,
})

export function createFallback(deps: FallbackDeps) {
  const { db, settings, now } = deps
  const actorOf = (ctx: HandlerContext) => ctx.actor ?? ctx.transport
  /** recent tries per attempt source, for the rate limit */
  const tries = new Map<string, number[]>()
  /** face AND PIN: recognised faces waiting for their PIN, by ticket */
  const tickets = new Map<string, { identification: Identification; personId: string; name: string; at: number; expiresAt: number }>()

  const audit = (ctx: HandlerContext, action: string, subject: string | null, details: Record<string, unknown>) =>
    withDbErrors(() => appendAudit(db, { at: now(), actor: actorOf(ctx), action, subject, details: { ...details, source: attemptSource(ctx) } }))

  /** Refuses with `code`, audited as `fallback.refused`. */
  const refuse = (ctx: HandlerContext, err: HadirError, subject: string | null, details: Record<string, unknown>): never => {
    audit(ctx, 'fallback.refused', subject, { code: err.code, ...details })
    throw err
  }

  /** The per-page rate limit: `rate-limited` past RATE_MAX_TRIES in RATE_WINDOW_MS (audited once per window). */
  function rateLimit(ctx: HandlerContext, method: string): void {
    // the CLI on the machine is not a kiosk page (it needs no attestation either)
    if (ctx.transport === 'direct') return
    const source = attemptSource(ctx)
    const t = now()
    const recent = (tries.get(source) ?? []).filter((x) => t - x < RATE_WINDOW_MS && x <= t)
    if (recent.length >= RATE_MAX_TRIES) {
      const retryAfterMs = RATE_WINDOW_MS - (t - (recent[0] as number))
      const err = new HadirError('rate-limited', `Too many PIN tries from this kiosk: wait ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs })
      // one audit row per window, not one per flooded call
      if (recent.length === RATE_MAX_TRIES) {
        recent.push(t)
        tries.set(source, recent)
        refuse(ctx, err, null, { method })
      }
      throw err
    }
    recent.push(t)
    tries.set(source, recent)
    if (tries.size > 1000) for (const [k, v] of tries) if (v.every((x) => t - x >= RATE_WINDOW_MS)) tries.delete(k)
  }

  /** Checks the person's PIN; wrong, locked and not-set tries are audited and thrown. */
  function verify(ctx: HandlerContext, personId: string, pin: string, method: string): void {
    const c = tryPersonPin(db, personId, pin, now())
    if (c.ok) return
    if (c.code === 'pin-wrong') audit(ctx, 'fallback.pin-wrong', personId, { method, triesLeft: c.triesLeft })
    else if (c.code === 'pin-locked' && c.justLocked) audit(ctx, 'fallback.pin-locked', personId, { method, lockedUntil: c.lockedUntil })
    else audit(ctx, 'fallback.refused', personId, { method, code: c.code, ...(c.code === 'pin-locked' ? { lockedUntil: c.lockedUntil } : {}) })
    throw pinCheckError(c)
  }

  const askDirection = (ctx: HandlerContext, direction: Direction | undefined, method: string, subject: string | null) => {
    if (settings.rules().mode === 'ask' && direction === undefined) {
      refuse(ctx, new HadirError('invalid-args', "this kiosk asks for the direction: choose 'in' or 'out'", { field: 'direction' }), subject, { method })
    }
  }

  const handlers: Pick<ServerHandlers, FallbackMethods> = {
    'people/set-pin': (args, ctx) => {
      const creds = setPersonPin(db, args.personId, args.pin, now())
      // the PIN itself never reaches the audit log
      audit(ctx, args.pin === null ? 'people.pin-removed' : 'people.pin-set', args.personId, {})
      return creds
    },

    'people/set-badge': (args, ctx) => {
      const creds = setPersonBadge(db, args.personId, args.badge, now())
      audit(ctx, args.badge === null ? 'people.badge-removed' : 'people.badge-set', args.personId, { badge: creds.badge })
      return creds
    },

    'people/credentials': () => listCredentials(db, now()),

    'kiosk/pin-checkin': (args, ctx): PinCheckInOutcome => {
      const method = args.badge !== undefined ? 'badge' : 'pin'
      rateLimit(ctx, method)
      const mode = settings.fallback().mode
      if (mode === 'off') refuse(ctx, new HadirError('fallback-off', 'Check-in by PIN is turned off on this kiosk: please use the camera'), null, { method })
      if (method === 'badge' && mode !== 'pin-badge') refuse(ctx, new HadirError('badge-off', 'Badges are turned off on this kiosk: enter your employee id'), null, { method })
      let person: { id: string; name: string } | null
      if (args.badge !== undefined) {
        let badge: string
        try {
          badge = checkBadgeFormat(args.badge)
        } catch (err) {
          return refuse(ctx, err as HadirError, null, { method, length: args.badge.length })
        }
        person = personOfBadge(db, badge)
        if (!person) refuse(ctx, new HadirError('badge-unknown', 'This badge is not registered: ask the admin'), null, { method, badgeTail: badge.slice(-4) })
      } else {
        const id = args.employeeId as string
        person = (db.prepare('SELECT id, name FROM people WHERE id = ? AND active = 1').get(id) as { id: string; name: string } | undefined) ?? null
        if (!person) refuse(ctx, new HadirError('person-unknown', 'There is no employee with this id'), null, { method, employeeId: id.slice(0, 64) })
      }
      const p = person as { id: string; name: string }
      try {
        checkPinFormat(args.pin)
      } catch (err) {
        return refuse(ctx, err as HadirError, p.id, { method, length: args.pin.length })
      }
      askDirection(ctx, args.direction, method, p.id)
      verify(ctx, p.id, args.pin, method)
      const ctxSource: HandlerContext = { ...ctx, eventSource: method }
      const out = deps.record(noFace(p.id, p.name), p.id, p.name, now(), args.direction ?? null, ctxSource, method)
      if (out.kind !== 'recorded' && out.kind !== 'already-recorded') throw new Error(`unexpected outcome ${out.kind}`)
      audit(ctx, 'fallback.checkin', p.id, { method, kind: out.kind, eventId: out.event.id, direction: out.event.direction })
      return out.kind === 'recorded' ? { kind: 'recorded', personName: p.name, event: out.event, review: true } : { kind: 'already-recorded', personName: p.name, event: out.event }
    },

    'kiosk/face-pin': (args, ctx) => {
      rateLimit(ctx, 'face-pin')
      const t = now()
      const ticket = tickets.get(args.ticket)
      if (!ticket || ticket.expiresAt < t) {
        tickets.delete(args.ticket)
        refuse(ctx, new HadirError('not-found', 'This check-in has expired: please look at the camera again'), null, { method: 'face-pin' })
      }
      const tk = ticket as NonNullable<typeof ticket>
      try {
        checkPinFormat(args.pin)
      } catch (err) {
        return refuse(ctx, err as HadirError, tk.personId, { method: 'face-pin', length: args.pin.length })
      }
      askDirection(ctx, args.direction, 'face-pin', tk.personId)
      try {
        verify(ctx, tk.personId, args.pin, 'face-pin')
      } catch (err) {
        // a wrong PIN may be tried again on the same ticket; a lock ends it
        if (err instanceof HadirError && err.code !== 'pin-wrong') tickets.delete(args.ticket)
        throw err
      }
      tickets.delete(args.ticket)
      const review = lowConfidence(tk.identification, deps.recognition) ? 'low-confidence' : null
      const out = deps.record(tk.identification, tk.personId, tk.name, tk.at, args.direction ?? null, ctx, review)
      if (out.kind === 'recorded' || out.kind === 'already-recorded') audit(ctx, 'fallback.checkin', tk.personId, { method: 'face-pin', kind: out.kind, eventId: out.event.id, direction: out.event.direction })
      return out
    },

    'review/list': (args) => {
      const rows = db
        .prepare(
          `SELECT r.event_id, r.reason, r.created_at FROM attendance_review r JOIN attendance_events e ON e.id = r.event_id
           WHERE r.approved_at IS NULL AND e.superseded_by IS NULL AND e.voided = 0 ORDER BY r.created_at, r.event_id LIMIT ?`,
        )
        .all(args.limit ?? 200) as Array<{ event_id: string; reason: ReviewReason; created_at: number }>
      const out: ReviewItem[] = []
      for (const r of rows) {
        const row = getAttendanceRow(db, r.event_id)
        if (row) out.push({ ...(row as AttendanceRow), reviewReason: r.reason, flaggedAt: r.created_at })
      }
      return out
    },

    'review/approve': (args, ctx) => {
      const t = now()
      return withDbErrors(() =>
        db
          .transaction(() => {
            const r = db.prepare('SELECT reason, approved_at FROM attendance_review WHERE event_id = ?').get(args.eventId) as { reason: ReviewReason; approved_at: number | null } | undefined
            const ev = getAttendanceRow(db, args.eventId)
            if (!r || !ev) throw new HadirError('not-found', `No flagged attendance entry with id "${args.eventId}"`, { eventId: args.eventId })
            if (ev.voided || ev.supersededBy !== null) throw new HadirError('conflict', 'This entry was voided or corrected: there is nothing left to approve', { eventId: args.eventId })
            if (r.approved_at !== null) throw new HadirError('conflict', 'This entry was already approved', { eventId: args.eventId })
            db.prepare('UPDATE attendance_review SET approved_at = ?, approved_by = ? WHERE event_id = ?').run(t, actorOf(ctx), args.eventId)
            appendAudit(db, { at: t, actor: actorOf(ctx), action: 'attendance.review-approved', subject: args.eventId, details: { personId: ev.personId, personName: ev.personName, reason: r.reason, source: ev.source } })
            return { eventId: args.eventId, approvedAt: t }
          })
          .immediate(),
      )
    },
  }

  return {
    handlers,
    /** face AND PIN: true when a recognised face must also give its PIN */
    requiresFacePin: (): boolean => settings.fallback().requireFacePin,
    /** a ticket for a recognised face that waits for its PIN */
    faceTicket(identification: Identification, personId: string, name: string, at: number): KioskOutcome {
      const t = now()
      for (const [k, v] of tickets) if (v.expiresAt < t) tickets.delete(k)
      const ticket = randomBytes(16).toString('base64url')
      const expiresAt = t + FACE_PIN_TICKET_MS
      tickets.set(ticket, { identification, personId, name, at, expiresAt })
      return { kind: 'needs-pin', identification, ticket, expiresAt }
    },
    credentialsOf: (personId: string) => credentialsOf(db, personId, now()),
  }
}

/** Flags `eventId` for the review list. Call inside the transaction that records the event. */
export function flagForReview(db: Database, eventId: string, reason: ReviewReason, now: number): void {
  db.prepare('INSERT INTO attendance_review (event_id, reason, created_at) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING').run(eventId, reason, now)
}
