import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import type { ModelTag } from '../../../src/shared/domain/types'
import { withDbErrors } from '../db/open-db'
import { appendAudit } from './audit-log'
import { decodeEmbedding, encodeEmbedding } from './embedding-codec'

/** A stored face template. Biometric secret: never log it, never return it through the API. */
export type StoredTemplate = { id: number; personId: string; embedding: Float32Array }

export type NewTemplate = {
  personId: string
  model: ModelTag
  embedding: Float32Array
  quality?: number | null
  /** where it came from: 'kiosk', 'cli', 'http', 'ipc', 'hr'… */
  source: string
  /** global id (a pulled template keeps the id it has at HR); default a new UUID */
  uid?: string
  /** the kiosk that enrolled it, when it came through HR; null = enrolled here */
  originKiosk?: string | null
}

/** Stores one template; audited (without the embedding). Throws 'not-found' if the person does not exist. */
export function addTemplate(db: Database, t: NewTemplate, ctx: { now: number; actor: string }): number {
  return withDbErrors(() =>
    db.transaction(() => {
      const person = db.prepare('SELECT 1 FROM people WHERE id = ?').get(t.personId)
      if (!person) throw new HadirError('not-found', `No person with id ${t.personId}`, { personId: t.personId })
      const res = db
        .prepare(
          `INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, quality, source, created_at, uid, origin_kiosk, shared_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          t.personId,
          t.model.modelId,
          t.model.modelVersion,
          t.embedding.length,
          encodeEmbedding(t.embedding),
          t.quality ?? null,
          t.source,
          ctx.now,
          t.uid ?? randomUUID(),
          t.originKiosk ?? null,
          // a template that came from another kiosk is not shared back
          t.originKiosk ? ctx.now : null,
        )
      const id = Number(res.lastInsertRowid)
      appendAudit(db, {
        at: ctx.now,
        actor: ctx.actor,
        action: 'template.add',
        subject: t.personId,
        details: { templateId: id, modelId: t.model.modelId, modelVersion: t.model.modelVersion, source: t.source },
      })
      db.prepare('UPDATE people SET updated_at = ? WHERE id = ?').run(ctx.now, t.personId)
      return id
    })(),
  )
}

/**
 * All templates of one model for active people, in insertion order.
 * Rows with another dimension than `dim` are skipped (they cannot be compared).
 */
export function loadTemplates(db: Database, model: ModelTag & { dim: number }): StoredTemplate[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.person_id, t.embedding FROM face_templates t JOIN people p ON p.id = t.person_id
       WHERE t.model_id = ? AND t.model_version = ? AND t.dim = ? AND p.active = 1
       ORDER BY t.id`,
    )
    .all(model.modelId, model.modelVersion, model.dim) as Array<{ id: number; person_id: string; embedding: Buffer }>
  return rows.map((r) => ({ id: r.id, personId: r.person_id, embedding: decodeEmbedding(r.embedding, model.dim) }))
}

export function countTemplates(db: Database, personId: string, model?: ModelTag): number {
  const row = model
    ? db.prepare('SELECT count(*) AS n FROM face_templates WHERE person_id = ? AND model_id = ? AND model_version = ?').get(personId, model.modelId, model.modelVersion)
    : db.prepare('SELECT count(*) AS n FROM face_templates WHERE person_id = ?').get(personId)
  return (row as { n: number }).n
}

/**
 * Deletes every template of one person, of every model (before enrolling them again); audited
 * ('templates.clear', `{ count }`). Returns how many were deleted. Unknown person → HadirError('not-found').
 */
export function deleteTemplatesOf(db: Database, personId: string, ctx: { now: number; actor: string; /** record a tombstone for other kiosks (not when applying theirs) */ tombstone?: boolean }): number {
  return withDbErrors(() =>
    db.transaction(() => {
      const person = db.prepare('SELECT 1 FROM people WHERE id = ?').get(personId)
      if (!person) throw new HadirError('not-found', `No person with id ${personId}`, { personId })
      const count = db.prepare('DELETE FROM face_templates WHERE person_id = ?').run(personId).changes
      appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'templates.clear', subject: personId, details: { count } })
      if (count > 0 && ctx.tombstone !== false) db.prepare('INSERT INTO tombstones (person_id, deleted_at) VALUES (?, ?)').run(personId, ctx.now)
      db.prepare('UPDATE people SET updated_at = ? WHERE id = ?').run(ctx.now, personId)
      return count
    })(),
  )
}
