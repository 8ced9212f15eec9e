import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { bindDataKey, dataKeyOf, unbindDataKey } from '../secrets/store-key'
import { createTestDb } from '../testing/create-test-db'
import { listAudit } from './audit-log'
import { encodeEmbedding } from './embedding-codec'
import { getPerson, upsertPerson } from './people-store'
import { addTemplate, countSealedTemplates, countTemplates, deleteTemplatesOf, loadTemplates, sealClearTemplates, templateAad } from './template-store'

const M = { modelId: 'arcface', modelVersion: '1' }
const M2 = { modelId: 'arcface', modelVersion: '2' }
let db: Database
beforeEach(() => {
  db = createTestDb()
})
afterEach(() => db.close())

describe('template-store', () => {
  it('stores and loads one model’s templates for active people, never writing the embedding to the audit log', () => {
    upsertPerson(db, { id: 'E1', name: 'Ani' }, { now: 1, actor: 't', model: M })
    upsertPerson(db, { id: 'E2', name: 'Budi' }, { now: 1, actor: 't', model: M })
    const id1 = addTemplate(db, { personId: 'E1', model: M, embedding: new Float32Array([0.6, 0.8]), quality: 0.7, source: 'cli' }, { now: 2, actor: 't' })
    addTemplate(db, { personId: 'E2', model: M, embedding: new Float32Array([1, 0]), source: 'cli' }, { now: 3, actor: 't' })
    addTemplate(db, { personId: 'E2', model: M2, embedding: new Float32Array([0, 1]), source: 'cli' }, { now: 3, actor: 't' })
    const loaded = loadTemplates(db, { ...M, dim: 2 })
    expect(loaded.map((t) => [t.id, t.personId, Array.from(t.embedding)])).toEqual([
      [id1, 'E1', [0.6000000238418579, 0.800000011920929]],
      [id1 + 1, 'E2', [1, 0]],
    ])
    expect(loadTemplates(db, { ...M, dim: 3 })).toEqual([])
    db.prepare(`UPDATE people SET active = 0 WHERE id = 'E2'`).run()
    expect(loadTemplates(db, { ...M, dim: 2 }).map((t) => t.personId)).toEqual(['E1'])
    const details = JSON.stringify(listAudit(db))
    expect(details).not.toContain('0.6')
    expect(details).toContain('"templateId"')
  })

  it('throws not-found for an unknown person and writes nothing', () => {
    expect(() => addTemplate(db, { personId: 'ghost', model: M, embedding: new Float32Array([1]), source: 'cli' }, { now: 1, actor: 't' })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    )
    expect(db.prepare('SELECT count(*) AS n FROM face_templates').get()).toEqual({ n: 0 })
    expect(listAudit(db)).toEqual([])
  })
})


describe('deleteTemplatesOf', () => {
  it('deletes one person’s templates of every model, audits the count, leaves others alone', () => {
    upsertPerson(db, { id: 'E1', name: 'Ani' }, { now: 1, actor: 't', model: M })
    upsertPerson(db, { id: 'E2', name: 'Budi' }, { now: 1, actor: 't', model: M })
    addTemplate(db, { personId: 'E1', model: M, embedding: new Float32Array([1, 0]), source: 'kiosk' }, { now: 2, actor: 't' })
    addTemplate(db, { personId: 'E1', model: M, embedding: new Float32Array([0, 1]), source: 'kiosk' }, { now: 2, actor: 't' })
    addTemplate(db, { personId: 'E1', model: M2, embedding: new Float32Array([1, 0, 0]), source: 'cli' }, { now: 2, actor: 't' })
    addTemplate(db, { personId: 'E2', model: M, embedding: new Float32Array([0.6, 0.8]), source: 'kiosk' }, { now: 2, actor: 't' })

    expect(deleteTemplatesOf(db, 'E1', { now: 9, actor: 'admin' })).toBe(3)
    expect(countTemplates(db, 'E1')).toBe(0)
    expect(countTemplates(db, 'E2')).toBe(1)
    expect(loadTemplates(db, { ...M, dim: 2 }).map((t) => t.personId)).toEqual(['E2'])
    expect(listAudit(db, 1)[0]).toMatchObject({ action: 'templates.clear', actor: 'admin', subject: 'E1', at: 9, details: { count: 3 } })
    expect(getPerson(db, 'E1', M)).toMatchObject({ templates: 0, needsReenrollment: false, updatedAt: 9, active: true })

    // again: nothing left, still audited with 0
    expect(deleteTemplatesOf(db, 'E1', { now: 10, actor: 'admin' })).toBe(0)
    expect(listAudit(db, 1)[0]?.details).toEqual({ count: 0 })
  })

  it('unknown person → not-found, nothing audited', () => {
    expect(() => deleteTemplatesOf(db, 'ghost', { now: 1, actor: 'admin' })).toThrow(expect.objectContaining({ code: 'not-found', details: { personId: 'ghost' } }))
    expect(listAudit(db)).toEqual([])
  })
})

describe('templates at rest', () => {
  const blobs = () => db.prepare('SELECT id, uid, embedding, sealed FROM face_templates ORDER BY id').all() as Array<{ id: number; uid: string; embedding: Buffer; sealed: number }>

  beforeEach(() => {
    upsertPerson(db, { id: 'E1', name: 'Ani' }, { now: 1, actor: 't', model: M })
    upsertPerson(db, { id: 'E2', name: 'Budi' }, { now: 1, actor: 't', model: M })
  })

  it('are stored sealed: the blob is not the Float32 bytes and opens only with the data key', () => {
    const v = new Float32Array([0.6, 0.8])
    addTemplate(db, { personId: 'E1', model: M, embedding: v, source: 'cli' }, { now: 2, actor: 't' })
    const [row] = blobs()
    expect(row?.sealed).toBe(1)
    expect(row?.embedding.byteLength).toBe(8 + 29)
    expect(row?.embedding.includes(encodeEmbedding(v))).toBe(false)
    expect(countSealedTemplates(db)).toEqual({ sealed: 1, clear: 0 })
    expect(Array.from(loadTemplates(db, { ...M, dim: 2 })[0]?.embedding ?? [])).toEqual(Array.from(v))

    bindDataKey(db, randomBytes(32))
    expect(() => loadTemplates(db, { ...M, dim: 2 })).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    unbindDataKey(db)
    expect(() => loadTemplates(db, { ...M, dim: 2 })).toThrow(expect.objectContaining({ code: 'data-key-missing' }))
    expect(() => addTemplate(db, { personId: 'E1', model: M, embedding: v, source: 'cli' }, { now: 3, actor: 't' })).toThrow(expect.objectContaining({ code: 'data-key-missing' }))
    expect(countTemplates(db, 'E1')).toBe(1)
  })

  it("a blob moved to another row (other person or uid) does not open", () => {
    addTemplate(db, { personId: 'E1', model: M, embedding: new Float32Array([1, 0]), source: 'cli' }, { now: 2, actor: 't' })
    addTemplate(db, { personId: 'E2', model: M, embedding: new Float32Array([0, 1]), source: 'cli' }, { now: 2, actor: 't' })
    const [a, b] = blobs()
    // swap the two blobs: each would now make the other person recognisable
    db.prepare('UPDATE face_templates SET embedding = ? WHERE id = ?').run(b?.embedding, a?.id)
    db.prepare('UPDATE face_templates SET embedding = ? WHERE id = ?').run(a?.embedding, b?.id)
    expect(() => loadTemplates(db, { ...M, dim: 2 })).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    // put them back, then give E1's template to E2 by editing person_id
    db.prepare('UPDATE face_templates SET embedding = ? WHERE id = ?').run(a?.embedding, a?.id)
    db.prepare('UPDATE face_templates SET embedding = ? WHERE id = ?').run(b?.embedding, b?.id)
    expect(loadTemplates(db, { ...M, dim: 2 })).toHaveLength(2)
    db.prepare(`UPDATE face_templates SET person_id = 'E2' WHERE id = ?`).run(a?.id)
    expect(() => loadTemplates(db, { ...M, dim: 2 })).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
  })

  it('a row written in clear behind the app’s back is refused; sealClearTemplates seals such rows (pre-sealing installs)', () => {
    const v = new Float32Array([0.6, 0.8])
    db.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, source, created_at, uid) VALUES ('E1', ?, ?, 2, ?, 'cli', 2, 'old-1')`).run(M.modelId, M.modelVersion, encodeEmbedding(v))
    expect(() => loadTemplates(db, { ...M, dim: 2 })).toThrow(expect.objectContaining({ code: 'db-corrupt' }))
    expect(sealClearTemplates(db, dataKeyOf(db))).toBe(1)
    expect(sealClearTemplates(db, dataKeyOf(db))).toBe(0)
    expect(blobs()[0]?.embedding.includes(encodeEmbedding(v))).toBe(false)
    expect(Array.from(loadTemplates(db, { ...M, dim: 2 })[0]?.embedding ?? [])).toEqual(Array.from(v))
    expect(loadTemplates(db, { ...M, dim: 2 }, { personId: 'E2' })).toEqual([])
    expect(templateAad({ uid: 'old-1', person_id: 'E1', model_id: 'm', model_version: '1', dim: 2 })).toBe('template:["old-1","E1","m","1",2]')
  })
})
