import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../testing/create-test-db'
import { listAttendance, recordAttendance } from './attendance-store'
import { listAudit } from './audit-log'
import { deletePerson, getPerson, listPeople, upsertPerson } from './people-store'
import { addTemplate, countTemplates } from './template-store'

const M = { modelId: 'arcface', modelVersion: '1' }
const M2 = { modelId: 'arcface', modelVersion: '2' }
let db: Database
beforeEach(() => {
  db = createTestDb()
})
afterEach(() => db.close())

describe('people-store', () => {
  it('creates, renames, lists with template counts for one model, and audits', () => {
    const p = upsertPerson(db, { id: 'E2', name: 'Budi' }, { now: 100, actor: 'test', model: M })
    expect(p).toEqual({ id: 'E2', name: 'Budi', active: true, templates: 0, needsReenrollment: false, createdAt: 100, updatedAt: 100 })
    upsertPerson(db, { id: 'E1', name: 'ani' }, { now: 110, actor: 'test', model: M })
    const renamed = upsertPerson(db, { id: 'E2', name: 'Budi S.' }, { now: 120, actor: 'test', model: M })
    expect(renamed).toMatchObject({ name: 'Budi S.', createdAt: 100, updatedAt: 120 })
    addTemplate(db, { personId: 'E2', model: M, embedding: new Float32Array([1, 0]), source: 'cli' }, { now: 130, actor: 'test' })
    addTemplate(db, { personId: 'E2', model: M2, embedding: new Float32Array([1, 0]), source: 'cli' }, { now: 130, actor: 'test' })
    expect(listPeople(db, M).map((x) => [x.id, x.name, x.templates])).toEqual([
      ['E1', 'ani', 0],
      ['E2', 'Budi S.', 1],
    ])
    expect(getPerson(db, 'E2', M2)?.templates).toBe(1)
    expect(getPerson(db, 'nope', M)).toBeNull()
    const audit = listAudit(db).map((a) => [a.action, a.subject])
    expect(audit).toEqual([
      ['template.add', 'E2'],
      ['template.add', 'E2'],
      ['person.update', 'E2'],
      ['person.create', 'E1'],
      ['person.create', 'E2'],
    ])
  })

  it('activeOnly filters inactive people', () => {
    upsertPerson(db, { id: 'E1', name: 'Ani' }, { now: 1, actor: 't', model: M })
    upsertPerson(db, { id: 'E2', name: 'Budi' }, { now: 1, actor: 't', model: M })
    db.prepare(`UPDATE people SET active = 0 WHERE id = 'E2'`).run()
    expect(listPeople(db, M, { activeOnly: true }).map((p) => p.id)).toEqual(['E1'])
    expect(listPeople(db, M).map((p) => p.id)).toEqual(['E1', 'E2'])
  })

  it('delete removes templates of every model, keeps attendance, audits', () => {
    upsertPerson(db, { id: 'E1', name: 'Ani' }, { now: 1, actor: 't', model: M })
    addTemplate(db, { personId: 'E1', model: M, embedding: new Float32Array([1, 0]), source: 'cli' }, { now: 2, actor: 't' })
    addTemplate(db, { personId: 'E1', model: M2, embedding: new Float32Array([0, 1]), source: 'cli' }, { now: 2, actor: 't' })
    recordAttendance(db, { personId: 'E1', personName: 'Ani', direction: 'in', at: 5, similarity: 0.9, source: 'kiosk', kioskId: 'k' }, { now: 5 })
    expect(deletePerson(db, 'E1', { now: 10, actor: 'admin' })).toEqual({ deleted: true, templates: 2 })
    expect(countTemplates(db, 'E1')).toBe(0)
    expect(listAttendance(db).map((e) => e.personName)).toEqual(['Ani'])
    expect(listAudit(db, 1)[0]).toMatchObject({ action: 'person.delete', actor: 'admin', subject: 'E1', details: { templates: 2 } })
    expect(deletePerson(db, 'E1', { now: 11, actor: 'admin' })).toEqual({ deleted: false, templates: 0 })
  })
})

