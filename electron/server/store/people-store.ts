import type { Database } from 'better-sqlite3'
import type { ModelTag, Person } from '../../../src/shared/domain/types'
import { withDbErrors } from '../db/open-db'
import { appendAudit } from './audit-log'

type PersonRow = { id: string; name: string; active: number; created_at: number; updated_at: number; templates: number; other_templates: number }

const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  name: r.name,
  department: null,
  active: r.active === 1,
  templates: r.templates,
  needsReenrollment: r.templates === 0 && r.other_templates > 0,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const SELECT_PEOPLE = `
  SELECT p.id, p.name, p.active, p.created_at, p.updated_at,
    (SELECT count(*) FROM face_templates t
      WHERE t.person_id = p.id AND t.model_id = @modelId AND t.model_version = @modelVersion) AS templates,
    (SELECT count(*) FROM face_templates t
      WHERE t.person_id = p.id AND NOT (t.model_id = @modelId AND t.model_version = @modelVersion)) AS other_templates
  FROM people p`

/** People with their template count for `model`, ordered by name then id. */
export function listPeople(db: Database, model: ModelTag, opts: { activeOnly?: boolean } = {}): Person[] {
  const where = opts.activeOnly ? ' WHERE p.active = 1' : ''
  const rows = db.prepare(`${SELECT_PEOPLE}${where} ORDER BY p.name COLLATE NOCASE, p.id`).all({
    modelId: model.modelId,
    modelVersion: model.modelVersion,
  }) as PersonRow[]
  return rows.map(toPerson)
}

export function getPerson(db: Database, id: string, model: ModelTag): Person | null {
  const row = db.prepare(`${SELECT_PEOPLE} WHERE p.id = @id`).get({ id, modelId: model.modelId, modelVersion: model.modelVersion }) as
    | PersonRow
    | undefined
  return row ? toPerson(row) : null
}

/** Creates the person (active) or renames them; audited. Returns the stored person. */
export function upsertPerson(db: Database, input: { id: string; name: string }, ctx: { now: number; actor: string; model: ModelTag }): Person {
  return withDbErrors(() =>
    db.transaction(() => {
      const existing = db.prepare('SELECT name FROM people WHERE id = ?').get(input.id) as { name: string } | undefined
      if (existing) {
        db.prepare('UPDATE people SET name = ?, updated_at = ? WHERE id = ?').run(input.name, ctx.now, input.id)
      } else {
        db.prepare('INSERT INTO people (id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run(input.id, input.name, ctx.now, ctx.now)
      }
      appendAudit(db, {
        at: ctx.now,
        actor: ctx.actor,
        action: existing ? 'person.update' : 'person.create',
        subject: input.id,
        details: existing ? { oldName: existing.name, name: input.name } : { name: input.name },
      })
      return getPerson(db, input.id, ctx.model) as Person
    })(),
  )
}

/**
 * Deletes a person and (by cascade) all their templates, of every model; audited.
 * Attendance history is kept. Returns how many templates went with them.
 */
export function deletePerson(db: Database, id: string, ctx: { now: number; actor: string }): { deleted: boolean; templates: number } {
  return withDbErrors(() =>
    db.transaction(() => {
      const { n } = db.prepare('SELECT count(*) AS n FROM face_templates WHERE person_id = ?').get(id) as { n: number }
      const res = db.prepare('DELETE FROM people WHERE id = ?').run(id)
      if (res.changes === 0) return { deleted: false, templates: 0 }
      appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'person.delete', subject: id, details: { templates: n } })
      return { deleted: true, templates: n }
    })(),
  )
}
