import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import type { AttendanceEvent, Direction } from '../../../src/shared/domain/types'
import { withDbErrors } from '../db/sqlite'
import { appendAudit } from './audit-log'

export type AttendanceDraft = Omit<AttendanceEvent, 'id'> & { kioskId: string }

/** Outbox kind for attendance events (kiosk scans and manually added events). */
export const OUTBOX_ATTENDANCE = 'attendance-event'
/** Outbox kind for a correction (a new event replacing an old one) or a void. */
export const OUTBOX_CORRECTION = 'attendance-correction'
/** Longest correction reason, in characters. */
export const MAX_REASON_LENGTH = 500
/** A manual time may be at most this far ahead of `now` (clock of the same machine; a little slack for typing). */
export const MANUAL_FUTURE_SLACK_MS = 60_000

/**
 * An attendance row with its correction fields, for the admin audit view and exports.
 * An event is *effective* (counts for payroll) when `supersededBy === null && !voided`.
 */
export type AttendanceRow = AttendanceEvent & {
  kioskId: string
  createdAt: number
  /** id of the event that replaced this one */
  supersededBy: string | null
  voided: boolean
  /** why a manual event was entered */
  reason: string | null
  /** on a correction: id of the event it replaced */
  corrects: string | null
}

type EventRow = {
  id: string
  person_id: string
  person_name: string
  direction: Direction
  at: number
  similarity: number
  source: AttendanceEvent['source']
  kiosk_id: string
  created_at: number
  superseded_by: string | null
  voided: number
  reason: string | null
  corrects: string | null
}

const toEvent = (r: Pick<EventRow, 'id' | 'person_id' | 'person_name' | 'direction' | 'at' | 'similarity' | 'source'>): AttendanceEvent => ({
  id: r.id,
  personId: r.person_id,
  personName: r.person_name,
  direction: r.direction,
  at: r.at,
  similarity: r.similarity,
  source: r.source,
})

const toRow = (r: EventRow): AttendanceRow => ({
  ...toEvent(r),
  kioskId: r.kiosk_id,
  createdAt: r.created_at,
  supersededBy: r.superseded_by,
  voided: r.voided === 1,
  reason: r.reason,
  corrects: r.corrects,
})

const EVENT_COLS = 'id, person_id, person_name, direction, at, similarity, source'
const ROW_COLS = `${EVENT_COLS}, kiosk_id, created_at, superseded_by, voided, reason, corrects`
/** Effective events: not replaced by a correction, not voided. Matches the partial index of migration 0030. */
const EFFECTIVE = 'superseded_by IS NULL AND voided = 0'

/**
 * Writes the event and its outbox row in ONE transaction. The outbox id is the event id,
 * which is the idempotency key HR uses to count the event once.
 */
export function recordAttendance(db: Database, draft: AttendanceDraft, ctx: { now: number; id?: string }): AttendanceEvent {
  const event: AttendanceEvent = {
    id: ctx.id ?? randomUUID(),
    personId: draft.personId,
    personName: draft.personName,
    direction: draft.direction,
    at: draft.at,
    similarity: draft.similarity,
    source: draft.source,
  }
  withDbErrors(() =>
    db.transaction(() => {
      db.prepare(
        `INSERT INTO attendance_events (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(event.id, event.personId, event.personName, event.direction, event.at, event.similarity, event.source, draft.kioskId, ctx.now)
      insertOutbox(db, event.id, OUTBOX_ATTENDANCE, { ...event, kioskId: draft.kioskId }, ctx.now)
    })(),
  )
  return event
}

/**
 * One outbox row. `dependsOn`: the id of the event a correction or void refers to; HR sync sends the
 * row only once that event is accepted by HR (migration 0080).
 */
function insertOutbox(db: Database, id: string, kind: string, payload: Record<string, unknown>, now: number, dependsOn: string | null = null): void {
  db.prepare(`INSERT INTO outbox (id, kind, payload, created_at, attempts, next_attempt_at, depends_on) VALUES (?, ?, ?, ?, 0, ?, ?)`).run(
    id,
    kind,
    JSON.stringify(payload),
    now,
    now,
    dependsOn,
  )
}

export type AttendanceQuery = {
  /** inclusive, epoch ms */
  from?: number
  /** exclusive, epoch ms */
  to?: number
  personId?: string
  direction?: Direction
  /** also return events replaced by a correction or voided; default false (effective events only) */
  includeSuperseded?: boolean
  /** default 500; null for no limit (exports) */
  limit?: number | null
}

function queryRows(db: Database, cols: string, q: AttendanceQuery): unknown[] {
  const where: string[] = []
  const params: Record<string, unknown> = { limit: q.limit === null ? -1 : (q.limit ?? 500) }
  if (q.from !== undefined) {
    where.push('at >= @from')
    params.from = q.from
  }
  if (q.to !== undefined) {
    where.push('at < @to')
    params.to = q.to
  }
  if (q.personId !== undefined) {
    where.push('person_id = @personId')
    params.personId = q.personId
  }
  if (q.direction !== undefined) {
    where.push('direction = @direction')
    params.direction = q.direction
  }
  if (q.includeSuperseded !== true) where.push(EFFECTIVE)
  const sql = `SELECT ${cols} FROM attendance_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, created_at DESC, id LIMIT @limit`
  return db.prepare(sql).all(params)
}

/** Events newest first; by default only effective ones (not superseded, not voided). */
export function listAttendance(db: Database, q: AttendanceQuery = {}): AttendanceEvent[] {
  return (queryRows(db, EVENT_COLS, q) as EventRow[]).map(toEvent)
}

/** Like `listAttendance` but with kiosk, creation time and correction fields (admin audit view, exports). */
export function listAttendanceRows(db: Database, q: AttendanceQuery = {}): AttendanceRow[] {
  return (queryRows(db, ROW_COLS, q) as EventRow[]).map(toRow)
}

/** One row by id, superseded or voided included; null when unknown. */
export function getAttendanceRow(db: Database, eventId: string): AttendanceRow | null {
  const row = db.prepare(`SELECT ${ROW_COLS} FROM attendance_events WHERE id = ?`).get(eventId) as EventRow | undefined
  return row ? toRow(row) : null
}

/**
 * The person's latest effective event (by `at`), optionally only among events at or before `atOrBefore`.
 * Superseded and voided events are ignored: they must not drive direction or cooldown.
 */
export function lastEventOf(db: Database, personId: string, atOrBefore?: number): AttendanceEvent | null {
  const row = (
    atOrBefore === undefined
      ? db.prepare(`SELECT ${EVENT_COLS} FROM attendance_events WHERE person_id = ? AND ${EFFECTIVE} ORDER BY at DESC, created_at DESC LIMIT 1`).get(personId)
      : db
          .prepare(`SELECT ${EVENT_COLS} FROM attendance_events WHERE person_id = ? AND at <= ? AND ${EFFECTIVE} ORDER BY at DESC, created_at DESC LIMIT 1`)
          .get(personId, atOrBefore)
  ) as EventRow | undefined
  return row ? toEvent(row) : null
}

/** Who makes a correction, where, and when. `id` fixes the new event's id (tests). */
export type CorrectionCtx = { now: number; actor: string; kioskId: string; id?: string }

export type CorrectionInput = {
  eventId: string
  /** corrected time, epoch ms; default: the original's */
  at?: number
  /** corrected direction; default: the original's */
  direction?: Direction
  reason: string
}

export type ManualAttendanceInput = { personId: string; personName: string; at: number; direction: Direction; reason: string }

export type VoidInput = { eventId: string; reason: string }

/** `problem`: a stable word the UI translates (details.problem), since the message is English */
const invalid = (field: string, message: string, problem?: string) => new HadirError('invalid-args', message, problem ? { field, problem } : { field })

/** Trimmed reason; invalid-args when empty or longer than MAX_REASON_LENGTH characters. */
function checkReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '') throw invalid('reason', 'a reason is required for a manual attendance change', 'reason-required')
  const trimmed = reason.trim()
  const chars = [...trimmed].length
  if (chars > MAX_REASON_LENGTH) throw invalid('reason', `the reason is too long (${chars} characters, at most ${MAX_REASON_LENGTH})`, 'reason-too-long')
  return trimmed
}

function checkDirection(direction: unknown, field = 'direction'): Direction {
  if (direction !== 'in' && direction !== 'out') throw invalid(field, `${field} must be 'in' or 'out'`)
  return direction
}

function checkAt(at: unknown, now: number): number {
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) throw invalid('at', 'at must be a time in epoch milliseconds')
  if (at > now + MANUAL_FUTURE_SLACK_MS) throw invalid('at', 'at is in the future', 'future')
  return at
}

function checkCtx(ctx: CorrectionCtx): void {
  if (typeof ctx.actor !== 'string' || ctx.actor.trim() === '') throw invalid('actor', 'who makes the change (actor) is required')
  if (typeof ctx.kioskId !== 'string' || ctx.kioskId === '') throw invalid('kioskId', 'kioskId is required')
}

function requireText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, `${field} is required`)
  if ([...value].length > max) throw invalid(field, `${field} is longer than ${max} characters`)
  return value
}

/** The row to change, checked to be effective; throws not-found / conflict. */
function effectiveRow(db: Database, eventId: string): EventRow {
  const row = db.prepare(`SELECT ${ROW_COLS} FROM attendance_events WHERE id = ?`).get(eventId) as EventRow | undefined
  if (!row) throw new HadirError('not-found', `no attendance entry with id "${eventId}"`, { eventId })
  if (row.superseded_by !== null) {
    throw new HadirError('conflict', 'this entry was already corrected: correct the newer one', { supersededBy: row.superseded_by })
  }
  if (row.voided === 1) throw new HadirError('conflict', 'this entry was voided: it no longer counts and cannot be changed', { supersededBy: null, voided: true })
  return row
}

const snapshot = (r: EventRow) => ({ id: r.id, at: r.at, direction: r.direction, source: r.source, similarity: r.similarity, kioskId: r.kiosk_id, reason: r.reason })

function insertManual(db: Database, e: AttendanceEvent, kioskId: string, now: number, reason: string, corrects: string | null): void {
  db.prepare(
    `INSERT INTO attendance_events (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at, reason, corrects)
     VALUES (?, ?, ?, ?, ?, ?, 'manual', ?, ?, ?, ?)`,
  ).run(e.id, e.personId, e.personName, e.direction, e.at, e.similarity, kioskId, now, reason, corrects)
}

/**
 * Replaces an effective event by a manual one with the corrected time and/or direction. The original is
 * kept and marked `superseded_by`; the new event has `corrects` = the original's id. One IMMEDIATE
 * transaction with an 'attendance.correct' audit row and an 'attendance-correction' outbox row.
 * Errors: invalid-args (reason empty or > 500 characters, nothing changed, bad time/direction),
 * not-found (unknown event), conflict (already corrected — details.supersededBy — or voided).
 */
export function correctAttendance(db: Database, input: CorrectionInput, ctx: CorrectionCtx): AttendanceEvent {
  const reason = checkReason(input.reason)
  checkCtx(ctx)
  if (typeof input.eventId !== 'string' || input.eventId === '') throw invalid('eventId', 'eventId is required')
  if (input.at === undefined && input.direction === undefined) throw invalid('at', 'give the corrected time, direction or both', 'no-change')
  const newAt = input.at === undefined ? undefined : checkAt(input.at, ctx.now)
  const newDirection = input.direction === undefined ? undefined : checkDirection(input.direction)

  return withDbErrors(() =>
    db
      .transaction((): AttendanceEvent => {
        const orig = effectiveRow(db, input.eventId)
        const event: AttendanceEvent = {
          id: ctx.id ?? randomUUID(),
          personId: orig.person_id,
          personName: orig.person_name,
          direction: newDirection ?? orig.direction,
          at: newAt ?? orig.at,
          similarity: 0,
          source: 'manual',
        }
        if (event.at === orig.at && event.direction === orig.direction) {
          throw invalid('at', 'the correction changes nothing: give a different time or direction', 'no-change')
        }
        insertManual(db, event, ctx.kioskId, ctx.now, reason, orig.id)
        const upd = db.prepare(`UPDATE attendance_events SET superseded_by = ? WHERE id = ? AND ${EFFECTIVE}`).run(event.id, orig.id)
        if (upd.changes !== 1) throw new HadirError('conflict', 'this entry was already corrected: correct the newer one', { supersededBy: null })
        appendAudit(db, {
          at: ctx.now,
          actor: ctx.actor,
          action: 'attendance.correct',
          subject: orig.id,
          details: {
            personId: orig.person_id,
            personName: orig.person_name,
            original: snapshot(orig),
            corrected: { id: event.id, at: event.at, direction: event.direction, kioskId: ctx.kioskId },
            reason,
          },
        })
        insertOutbox(db, event.id, OUTBOX_CORRECTION, { ...event, kioskId: ctx.kioskId, corrects: orig.id, voided: false, reason }, ctx.now, orig.id)
        return event
      })
      .immediate(),
  )
}

/**
 * Adds a manual event for a forgotten scan (source 'manual', similarity 0). The person must be known:
 * enrolled now or present in the attendance history (a deleted employee's last days can still be fixed).
 * One IMMEDIATE transaction with an 'attendance.add' audit row and an 'attendance-event' outbox row.
 */
export function addManualAttendance(db: Database, input: ManualAttendanceInput, ctx: CorrectionCtx): AttendanceEvent {
  const reason = checkReason(input.reason)
  checkCtx(ctx)
  const personId = requireText(input.personId, 'personId', 64)
  const personName = requireText(input.personName, 'personName', 200)
  const at = checkAt(input.at, ctx.now)
  const direction = checkDirection(input.direction)
  const event: AttendanceEvent = { id: ctx.id ?? randomUUID(), personId, personName, direction, at, similarity: 0, source: 'manual' }

  return withDbErrors(() =>
    db
      .transaction((): AttendanceEvent => {
        const known =
          db.prepare('SELECT 1 FROM people WHERE id = ?').get(personId) !== undefined ||
          db.prepare('SELECT 1 FROM attendance_events WHERE person_id = ? LIMIT 1').get(personId) !== undefined
        if (!known) throw new HadirError('not-found', `no person with id "${personId}"`, { personId })
        insertManual(db, event, ctx.kioskId, ctx.now, reason, null)
        appendAudit(db, {
          at: ctx.now,
          actor: ctx.actor,
          action: 'attendance.add',
          subject: event.id,
          details: { personId, personName, added: { id: event.id, at, direction, kioskId: ctx.kioskId }, reason },
        })
        insertOutbox(db, event.id, OUTBOX_ATTENDANCE, { ...event, kioskId: ctx.kioskId, corrects: null, voided: false, reason }, ctx.now)
        return event
      })
      .immediate(),
  )
}

/**
 * Withdraws an effective event without replacement (kept, marked voided). Voiding a correction removes
 * that correction too; its original stays superseded. One IMMEDIATE transaction with an 'attendance.void'
 * audit row and an 'attendance-correction' outbox row (a UUID of its own — voids queued before issue
 * #14 have the id `<eventId>:void` — payload `voided: true` and the void's reason). Returns the voided event.
 */
export function voidAttendance(db: Database, input: VoidInput, ctx: CorrectionCtx): AttendanceRow {
  const reason = checkReason(input.reason)
  checkCtx(ctx)
  if (typeof input.eventId !== 'string' || input.eventId === '') throw invalid('eventId', 'eventId is required')

  return withDbErrors(() =>
    db
      .transaction((): AttendanceRow => {
        const orig = effectiveRow(db, input.eventId)
        const upd = db.prepare(`UPDATE attendance_events SET voided = 1 WHERE id = ? AND ${EFFECTIVE}`).run(orig.id)
        if (upd.changes !== 1) throw new HadirError('conflict', 'this entry was already corrected: correct the newer one', { supersededBy: null })
        appendAudit(db, {
          at: ctx.now,
          actor: ctx.actor,
          action: 'attendance.void',
          subject: orig.id,
          details: { personId: orig.person_id, personName: orig.person_name, original: snapshot(orig), voided: true, kioskId: ctx.kioskId, reason },
        })
        const row = toRow({ ...orig, voided: 1 })
        insertOutbox(
          db,
          randomUUID(),
          OUTBOX_CORRECTION,
          { ...toEvent(orig), kioskId: orig.kiosk_id, corrects: orig.corrects, voided: true, reason, voidedBy: { actor: ctx.actor, kioskId: ctx.kioskId, at: ctx.now } },
          ctx.now,
          orig.id,
        )
        return row
      })
      .immediate(),
  )
}

export type OutboxRow = {
  id: string
  kind: string
  payload: unknown
  createdAt: number
  attempts: number
  nextAttemptAt: number
  lastErrorCode: string | null
  sentAt: number | null
}

/** For tests and the future sync service. Oldest first. */
export function listOutbox(db: Database): OutboxRow[] {
  const rows = db.prepare('SELECT * FROM outbox ORDER BY created_at, id').all() as Array<{
    id: string
    kind: string
    payload: string
    created_at: number
    attempts: number
    next_attempt_at: number
    last_error_code: string | null
    sent_at: number | null
  }>
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    payload: JSON.parse(r.payload) as unknown,
    createdAt: r.created_at,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastErrorCode: r.last_error_code,
    sentAt: r.sent_at,
  }))
}
