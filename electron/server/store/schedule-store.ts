import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import type { PersonSchedule, WorkSchedule } from '../../../src/shared/domain/types'
import { withDbErrors } from '../db/sqlite'
import { appendAudit } from './audit-log'

type Row = { person_id: string; name: string; start_time: string; end_time: string; tolerance_min: number; days: string; updated_at: number }

const toSchedule = (r: Pick<Row, 'start_time' | 'end_time' | 'tolerance_min' | 'days'>): WorkSchedule => ({
  start: r.start_time,
  end: r.end_time,
  toleranceMin: r.tolerance_min,
  days: [...r.days].map(Number),
})

/** People with their own schedule, by name then id. */
export function listPersonSchedules(db: Database): PersonSchedule[] {
  const rows = db
    .prepare('SELECT s.person_id, p.name, s.start_time, s.end_time, s.tolerance_min, s.days, s.updated_at FROM person_schedules s JOIN people p ON p.id = s.person_id ORDER BY p.name COLLATE NOCASE, s.person_id')
    .all() as Row[]
  return rows.map((r) => ({ personId: r.person_id, personName: r.name, schedule: toSchedule(r), updatedAt: r.updated_at }))
}

/** Every person's own schedule by person id (one query; summaries and exports look them up per day). */
export function personScheduleMap(db: Database): Map<string, WorkSchedule> {
  const rows = db.prepare('SELECT person_id, start_time, end_time, tolerance_min, days FROM person_schedules').all() as Row[]
  return new Map(rows.map((r) => [r.person_id, toSchedule(r)]))
}

/**
 * Sets a person's own schedule (already validated: attendance/schedule.ts validateSchedule), or with
 * null removes it; audited ('schedule.set' / 'schedule.clear'). Unknown person → 'not-found'.
 */
export function setPersonSchedule(db: Database, personId: string, schedule: WorkSchedule | null, ctx: { now: number; actor: string }): WorkSchedule | null {
  return withDbErrors(() =>
    db.transaction(() => {
      const person = db.prepare('SELECT id FROM people WHERE id = ?').get(personId)
      if (!person) throw new HadirError('not-found', `No person with id ${personId}`, { personId })
      const before = db.prepare('SELECT start_time, end_time, tolerance_min, days FROM person_schedules WHERE person_id = ?').get(personId) as Row | undefined
      const from = before ? toSchedule(before) : null
      if (schedule === null) {
        if (!before) return null
        db.prepare('DELETE FROM person_schedules WHERE person_id = ?').run(personId)
        appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'schedule.clear', subject: personId, details: { from } })
        return null
      }
      if (from && JSON.stringify(from) === JSON.stringify(schedule)) return schedule
      db.prepare(
        `INSERT INTO person_schedules (person_id, start_time, end_time, tolerance_min, days, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET start_time = excluded.start_time, end_time = excluded.end_time,
           tolerance_min = excluded.tolerance_min, days = excluded.days, updated_at = excluded.updated_at`,
      ).run(personId, schedule.start, schedule.end, schedule.toleranceMin, schedule.days.join(''), ctx.now)
      appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'schedule.set', subject: personId, details: { from, to: schedule } })
      return schedule
    })(),
  )
}
