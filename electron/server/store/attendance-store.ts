import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import type { AttendanceEvent, Direction } from '../../../src/shared/domain/types'
import { withDbErrors } from '../db/open-db'

export type AttendanceDraft = Omit<AttendanceEvent, 'id'> & { kioskId: string }

/** Outbox kind for attendance events. */
export const OUTBOX_ATTENDANCE = 'attendance-event'

type EventRow = { id: string; person_id: string; person_name: string; direction: Direction; at: number; similarity: number; source: AttendanceEvent['source'] }

const toEvent = (r: EventRow): AttendanceEvent => ({
  id: r.id,
  personId: r.person_id,
  personName: r.person_name,
  direction: r.direction,
  at: r.at,
  similarity: r.similarity,
  source: r.source,
})

const EVENT_COLS = 'id, person_id, person_name, direction, at, similarity, source'

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
      db.prepare(
        `INSERT INTO outbox (id, kind, payload, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, 0, ?)`,
      ).run(event.id, OUTBOX_ATTENDANCE, JSON.stringify({ ...event, kioskId: draft.kioskId }), ctx.now, ctx.now)
    })(),
  )
  return event
}

export type AttendanceQuery = {
  /** inclusive, epoch ms */
  from?: number
  /** exclusive, epoch ms */
  to?: number
  personId?: string
  /** default 500 */
  limit?: number
}

/** Events newest first. */
export function listAttendance(db: Database, q: AttendanceQuery = {}): AttendanceEvent[] {
  const where: string[] = []
  const params: Record<string, unknown> = { limit: q.limit ?? 500 }
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
  const sql = `SELECT ${EVENT_COLS} FROM attendance_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, created_at DESC, id LIMIT @limit`
  return (db.prepare(sql).all(params) as EventRow[]).map(toEvent)
}

/** The person's latest event (by `at`), optionally only among events at or before `atOrBefore`. */
export function lastEventOf(db: Database, personId: string, atOrBefore?: number): AttendanceEvent | null {
  const row = (
    atOrBefore === undefined
      ? db.prepare(`SELECT ${EVENT_COLS} FROM attendance_events WHERE person_id = ? ORDER BY at DESC, created_at DESC LIMIT 1`).get(personId)
      : db
          .prepare(`SELECT ${EVENT_COLS} FROM attendance_events WHERE person_id = ? AND at <= ? ORDER BY at DESC, created_at DESC LIMIT 1`)
          .get(personId, atOrBefore)
  ) as EventRow | undefined
  return row ? toEvent(row) : null
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
