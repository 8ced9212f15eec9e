import { randomUUID } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import type { FaceIndex } from '../recognition/face-index'
import { HadirError } from '../../../src/shared/api/result'
import type { ModelTag } from '../../../src/shared/domain/types'
import { withDbErrors } from '../db/sqlite'
import { appendAudit } from './audit-log'
import { dataKeyOf } from '../secrets/store-key'
import { decodeEmbedding, openEmbedding, sealEmbedding } from './embedding-codec'

/**
 * A stored face template. Biometric secret: never log it, never return it through the API.
 * At rest the embedding is sealed (secrets/crypto-box.ts) under the store's data key, with the row's
 * identity (`templateAad`) as associated data.
 */
export type StoredTemplate = { id: number; personId: string; embedding: Float32Array }

/** The columns a template's blob is bound to, plus the blob itself (as `SELECT … FROM face_templates` returns them). */
export type TemplateRow = {
  uid: string
  person_id: string
  model_id: string
  model_version: string
  dim: number
  embedding: Uint8Array
  /** 1 = sealed; 0 = clear (an install from before sealing, sealed at its first start) */
  sealed: number
}

/** The AAD of a template's sealed blob: its uid, owner and model, so a blob moved to another row does not open. */
export function templateAad(t: Pick<TemplateRow, 'uid' | 'person_id' | 'model_id' | 'model_version' | 'dim'>): string {
  return `template:${JSON.stringify([t.uid, t.person_id, t.model_id, t.model_version, t.dim])}`
}

/**
 * The embedding of one stored template row, decrypted with the store's data key.
 * Throws 'data-key-wrong' when the blob does not open for this row (other key, moved or altered blob),
 * 'db-corrupt' for a row stored in clear (only a pre-sealing install has those, sealed at start).
 */
export function readTemplateEmbedding(db: Database, row: TemplateRow): Float32Array {
  if (row.sealed !== 1) {
    throw new HadirError('db-corrupt', `Face template ${row.uid} is stored unencrypted; it was not written by this app.`, { uid: row.uid })
  }
  return openEmbedding(row.embedding, dataKeyOf(db), templateAad(row), row.dim)
}

const TEMPLATE_ROW_COLUMNS = 't.uid, t.person_id, t.model_id, t.model_version, t.dim, t.embedding, t.sealed'

/**
 * Seals every template still stored in clear (sealed = 0) with `key`; returns how many. Call inside the
 * caller's transaction (createApp does, on the first unlock of an install from before sealing).
 */
export function sealClearTemplates(db: Database, key: Uint8Array): number {
  const rows = db.prepare(`SELECT t.id, ${TEMPLATE_ROW_COLUMNS} FROM face_templates t WHERE t.sealed = 0 ORDER BY t.id`).all() as Array<TemplateRow & { id: number }>
  const update = db.prepare('UPDATE face_templates SET embedding = ?, sealed = 1 WHERE id = ?')
  for (const r of rows) {
    const v = decodeEmbedding(r.embedding, r.dim)
    update.run(sealEmbedding(v, key, templateAad(r)), r.id)
    v.fill(0)
  }
  return rows.length
}

/** How many templates are sealed / still in clear. */
export function countSealedTemplates(db: Database): { sealed: number; clear: number } {
  const row = db.prepare('SELECT coalesce(sum(sealed = 1), 0) AS sealed, coalesce(sum(sealed = 0), 0) AS clear FROM face_templates').get() as { sealed: number; clear: number }
  return { sealed: row.sealed, clear: row.clear }
}

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

/**
 * Stores one template, sealed with the store's data key; audited (without the embedding).
 * Throws 'not-found' if the person does not exist, 'data-key-missing' if the store has no data key.
 */
export function addTemplate(db: Database, t: NewTemplate, ctx: { now: number; actor: string }): number {
  return withDbErrors(() =>
    db.transaction(() => {
      const person = db.prepare('SELECT 1 FROM people WHERE id = ?').get(t.personId)
      if (!person) throw new HadirError('not-found', `No person with id ${t.personId}`, { personId: t.personId })
      const uid = t.uid ?? randomUUID()
      const aad = templateAad({ uid, person_id: t.personId, model_id: t.model.modelId, model_version: t.model.modelVersion, dim: t.embedding.length })
      const res = db
        .prepare(
          `INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, sealed, quality, source, created_at, uid, origin_kiosk, shared_at)
           VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          t.personId,
          t.model.modelId,
          t.model.modelVersion,
          t.embedding.length,
          sealEmbedding(t.embedding, dataKeyOf(db), aad),
          t.quality ?? null,
          t.source,
          ctx.now,
          uid,
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
 * All templates of one model for active people (or for one active person), decrypted, in insertion order.
 * Rows with another dimension than `dim` are skipped (they cannot be compared).
 * Throws 'data-key-wrong' / 'db-corrupt' as `readTemplateEmbedding`.
 */
export function loadTemplates(db: Database, model: ModelTag & { dim: number }, filter: { personId?: string } = {}): StoredTemplate[] {
  const rows = db
    .prepare(
      `SELECT t.id, ${TEMPLATE_ROW_COLUMNS} FROM face_templates t JOIN people p ON p.id = t.person_id
       WHERE t.model_id = ? AND t.model_version = ? AND t.dim = ? AND p.active = 1 ${filter.personId !== undefined ? 'AND t.person_id = ?' : ''}
       ORDER BY t.id`,
    )
    .all(model.modelId, model.modelVersion, model.dim, ...(filter.personId !== undefined ? [filter.personId] : [])) as Array<TemplateRow & { id: number }>
  return rows.map((r) => ({ id: r.id, personId: r.person_id, embedding: readTemplateEmbedding(db, r) }))
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
export function deleteTemplatesOf(
  db: Database,
  personId: string,
  ctx: { now: number; actor: string; /** a tombstone for other kiosks when templates went (false: not when applying theirs; 'always': even when this kiosk had none) */ tombstone?: boolean | 'always' },
): number {
  return withDbErrors(() =>
    db.transaction(() => {
      const person = db.prepare('SELECT 1 FROM people WHERE id = ?').get(personId)
      if (!person) throw new HadirError('not-found', `No person with id ${personId}`, { personId })
      const count = db.prepare('DELETE FROM face_templates WHERE person_id = ?').run(personId).changes
      appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'templates.clear', subject: personId, details: { count } })
      if ((count > 0 && ctx.tombstone !== false) || ctx.tombstone === 'always') db.prepare('INSERT INTO tombstones (person_id, deleted_at) VALUES (?, ?)').run(personId, ctx.now)
      db.prepare('UPDATE people SET updated_at = ? WHERE id = ?').run(ctx.now, personId)
      return count
    })(),
  )
}

/**
 * Puts one person's templates of the index's model back into the live index (active) or leaves them
 * out (inactive, deleted): after a change of `active`, a roster update or a tombstone.
 */
export function reindexPerson(db: Database, index: FaceIndex, personId: string): void {
  index.removePerson(personId)
  // loadTemplates returns active people only
  for (const t of loadTemplates(db, { modelId: index.modelId, modelVersion: index.modelVersion, dim: index.dim }, { personId })) index.add(personId, t.embedding)
}
