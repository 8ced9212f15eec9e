import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../testing/create-test-db'
import { listAttendance, recordAttendance } from './attendance-store'
import { listAudit } from './audit-log'
import { createPerson, deletePerson, escapeLike, getPerson, listPeople, searchPeople, updatePerson, upsertPerson } from './people-store'
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
    expect(p).toEqual({ id: 'E2', name: 'Budi', department: null, active: true, templates: 0, needsReenrollment: false, createdAt: 100, updatedAt: 100 })
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

  it('upsert accepts an optional department: kept when omitted, cleared by null or blank', () => {
    const ctx = { now: 1, actor: 'cli', model: M }
    expect(upsertPerson(db, { id: 'E1', name: 'Ani', department: '  Gudang ' }, ctx).department).toBe('Gudang')
    expect(upsertPerson(db, { id: 'E1', name: 'Ani S.' }, { ...ctx, now: 2 })).toMatchObject({ name: 'Ani S.', department: 'Gudang', updatedAt: 2 })
    expect(listAudit(db, 1)[0]?.details).toEqual({ oldName: 'Ani', name: 'Ani S.' })
    expect(upsertPerson(db, { id: 'E1', name: 'Ani S.', department: '   ' }, ctx).department).toBeNull()
    expect(listAudit(db, 1)[0]?.details).toEqual({ oldName: 'Ani S.', name: 'Ani S.', oldDepartment: 'Gudang', department: null })
    expect(upsertPerson(db, { id: 'E2', name: 'Budi' }, ctx).department).toBeNull()
    expect(() => upsertPerson(db, { id: 'E3', name: 'Citra', department: 'x'.repeat(201) }, ctx)).toThrow(
      expect.objectContaining({ code: 'invalid-args', details: { field: 'department' } }),
    )
    expect(getPerson(db, 'E3', M)).toBeNull()
  })
})

describe('createPerson', () => {
  const ctx = { now: 50, actor: 'admin', model: M }

  it('trims id, name and department, stores an active person and audits', () => {
    const p = createPerson(db, { id: ' E7 ', name: '  Siti Rahma ', department: ' Keuangan ' }, ctx)
    expect(p).toEqual({
      id: 'E7',
      name: 'Siti Rahma',
      department: 'Keuangan',
      active: true,
      templates: 0,
      needsReenrollment: false,
      createdAt: 50,
      updatedAt: 50,
    })
    expect(getPerson(db, 'E7', M)).toEqual(p)
    expect(createPerson(db, { id: 'E8', name: 'Budi' }, ctx).department).toBeNull()
    expect(listAudit(db).map((a) => [a.action, a.actor, a.subject, a.details])).toEqual([
      ['person.create', 'admin', 'E8', { name: 'Budi', department: null }],
      ['person.create', 'admin', 'E7', { name: 'Siti Rahma', department: 'Keuangan' }],
    ])
  })

  it('refuses an id already in use, naming its owner, and changes nothing', () => {
    createPerson(db, { id: 'E1', name: 'Ani' }, ctx)
    let err: unknown
    try {
      createPerson(db, { id: ' E1', name: 'Someone Else' }, { ...ctx, now: 60 })
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ code: 'duplicate-id', message: 'Employee id E1 is already used by Ani', details: { personId: 'E1', name: 'Ani' } })
    expect(getPerson(db, 'E1', M)).toMatchObject({ name: 'Ani', updatedAt: 50 })
    expect(listAudit(db)).toHaveLength(1)
    // ids are exact: another case is another id
    expect(createPerson(db, { id: 'e1', name: 'Lowercase' }, ctx).id).toBe('e1')
  })

  it.each([
    ['', 'Name is required'],
    ['   ', 'Name is required'],
    ['\t\n ', 'Name is required'],
  ])('refuses the empty name %j', (name, message) => {
    expect(() => createPerson(db, { id: 'E1', name }, ctx)).toThrow(expect.objectContaining({ code: 'invalid-args', message, details: { field: 'name' } }))
    expect(getPerson(db, 'E1', M)).toBeNull()
    expect(listAudit(db)).toEqual([])
  })

  it('checks ids: required, at most 64 characters, no control characters', () => {
    const code = (id: string): unknown => {
      try {
        createPerson(db, { id, name: 'Ani' }, ctx)
        return 'ok'
      } catch (e) {
        return [(e as { code: string }).code, (e as { details?: unknown }).details]
      }
    }
    expect(code('  ')).toEqual(['invalid-args', { field: 'id' }])
    expect(code('x'.repeat(65))).toEqual(['invalid-args', { field: 'id' }])
    expect(code('E\u00001')).toEqual(['invalid-args', { field: 'id' }])
    expect(code('E\u009b1')).toEqual(['invalid-args', { field: 'id' }])
    expect(code('E\n1')).toEqual(['invalid-args', { field: 'id' }])
    expect(code('x'.repeat(64))).toBe('ok')
    // 64 characters that are 128 UTF-16 units still fit (SQLite counts characters)
    expect(code('😀'.repeat(64))).toBe('ok')
    expect(code(' ' + 'y'.repeat(64) + ' ')).toBe('ok')
    expect(listPeople(db, M).map((p) => p.id.length)).toEqual([64, 64, 128])
  })

  it('checks name and department lengths', () => {
    expect(() => createPerson(db, { id: 'E1', name: 'n'.repeat(201) }, ctx)).toThrow(expect.objectContaining({ code: 'invalid-args', details: { field: 'name' } }))
    expect(() => createPerson(db, { id: 'E1', name: 'Ani', department: 'd'.repeat(201) }, ctx)).toThrow(
      expect.objectContaining({ code: 'invalid-args', details: { field: 'department' } }),
    )
    expect(createPerson(db, { id: 'E1', name: 'n'.repeat(200), department: 'd'.repeat(200) }, ctx).department).toHaveLength(200)
  })
})

describe('updatePerson', () => {
  const ctx = { now: 10, actor: 'admin', model: M }
  beforeEach(() => {
    createPerson(db, { id: 'E1', name: 'Ani', department: 'Gudang' }, { ...ctx, now: 1 })
  })

  it('changes name and department and audits old and new values', () => {
    const p = updatePerson(db, { id: 'E1', name: ' Ani Susanti ', department: 'Keuangan' }, ctx)
    expect(p).toMatchObject({ id: 'E1', name: 'Ani Susanti', department: 'Keuangan', active: true, createdAt: 1, updatedAt: 10 })
    expect(listAudit(db, 1)[0]).toMatchObject({
      action: 'person.update',
      actor: 'admin',
      subject: 'E1',
      details: { from: { name: 'Ani', department: 'Gudang' }, to: { name: 'Ani Susanti', department: 'Keuangan' } },
    })
    // only the changed field is in the audit row; null and blank clear the department
    updatePerson(db, { id: 'E1', name: 'Ani Susanti', department: '  ' }, { ...ctx, now: 11 })
    expect(listAudit(db, 1)[0]?.details).toEqual({ from: { department: 'Keuangan' }, to: { department: null } })
    expect(getPerson(db, 'E1', M)?.department).toBeNull()
  })

  it('writes nothing when nothing changes', () => {
    const before = listAudit(db).length
    expect(updatePerson(db, { id: 'E1', name: 'Ani ', department: 'Gudang', active: true }, ctx)).toMatchObject({ updatedAt: 1 })
    expect(updatePerson(db, { id: 'E1' }, ctx)).toMatchObject({ updatedAt: 1 })
    expect(listAudit(db)).toHaveLength(before)
  })

  it('deactivates and reactivates with their own audit rows, keeping templates', () => {
    addTemplate(db, { personId: 'E1', model: M, embedding: new Float32Array([1, 0]), source: 'kiosk' }, { now: 2, actor: 'admin' })
    expect(updatePerson(db, { id: 'E1', active: false }, ctx)).toMatchObject({ active: false, templates: 1, updatedAt: 10 })
    expect(listPeople(db, M, { activeOnly: true })).toEqual([])
    expect(updatePerson(db, { id: 'E1', active: false }, { ...ctx, now: 11 })).toMatchObject({ updatedAt: 10 })
    expect(updatePerson(db, { id: 'E1', active: true, name: 'Ani B.' }, { ...ctx, now: 12 })).toMatchObject({ active: true, name: 'Ani B.', updatedAt: 12 })
    expect(
      listAudit(db)
        .slice(0, 3)
        .map((a) => [a.action, a.subject, a.at, a.details]),
    ).toEqual([
      ['person.reactivate', 'E1', 12, null],
      ['person.update', 'E1', 12, { from: { name: 'Ani' }, to: { name: 'Ani B.' } }],
      ['person.deactivate', 'E1', 10, null],
    ])
  })

  it('unknown id → not-found; empty name → invalid-args; nothing written', () => {
    const before = listAudit(db).length
    expect(() => updatePerson(db, { id: 'E404', name: 'X' }, ctx)).toThrow(expect.objectContaining({ code: 'not-found', details: { personId: 'E404' } }))
    expect(() => updatePerson(db, { id: 'E1', name: ' ' }, ctx)).toThrow(
      expect.objectContaining({ code: 'invalid-args', message: 'Name is required', details: { field: 'name' } }),
    )
    expect(getPerson(db, 'E1', M)?.name).toBe('Ani')
    expect(listAudit(db)).toHaveLength(before)
  })
})

describe('searchPeople', () => {
  const ctx = { now: 1, actor: 't', model: M }
  const ids = (q: string | undefined, opts: { activeOnly?: boolean; limit?: number } = {}) => searchPeople(db, M, { q, ...opts }).map((p) => p.id)
  beforeEach(() => {
    createPerson(db, { id: 'E1', name: 'Zaki', department: 'Gudang' }, ctx)
    createPerson(db, { id: 'E2', name: 'ani', department: 'Keuangan 100%' }, ctx)
    createPerson(db, { id: 'E_3', name: 'Budi' }, ctx)
    createPerson(db, { id: 'E4', name: 'ÜMİT Özdemir', department: 'Lager' }, ctx)
    createPerson(db, { id: 'E5', name: 'أحمد الخطيب', department: 'المالية' }, ctx)
    createPerson(db, { id: 'X6', name: 'Back\\slash' }, ctx)
    createPerson(db, { id: 'E7', name: 'Cé\u0301line', department: 'Gudang' }, ctx)
  })

  it('matches id, name and department case-insensitively, ordered by name', () => {
    expect(ids(undefined)).toEqual(['E2', 'X6', 'E_3', 'E7', 'E1', 'E4', 'E5'])
    expect(ids('  ')).toHaveLength(7)
    expect(ids('gudANG')).toEqual(['E7', 'E1'])
    expect(ids('ANI')).toEqual(['E2'])
    expect(ids('x6')).toEqual(['X6'])
  })

  it('treats % _ and \\ literally', () => {
    expect(ids('%')).toEqual(['E2'])
    expect(ids('100%')).toEqual(['E2'])
    expect(ids('_')).toEqual(['E_3'])
    expect(ids('E_')).toEqual(['E_3'])
    expect(ids('\\')).toEqual(['X6'])
    expect(ids('k\\s')).toEqual(['X6'])
    expect(ids('%%')).toEqual([])
    expect(escapeLike('a%b_c\\d')).toBe('a\\%b\\_c\\\\d')
  })

  it('folds non-ASCII case and Latin accents (dotted İ too), and finds Arabic text', () => {
    expect(ids('ümit')).toEqual(['E4'])
    expect(ids('umit oz')).toEqual(['E4'])
    expect(ids('ÖZDEM')).toEqual(['E4'])
    expect(ids('الخطيب')).toEqual(['E5'])
    expect(ids('مالية')).toEqual(['E5'])
    // composed é finds the decomposed e + U+0301 and vice versa
    expect(ids('CÉLINE')).toEqual(['E7'])
    expect(ids('ce\u0301l')).toEqual(['E7'])
    expect(ids('celine')).toEqual(['E7'])
  })

  it('activeOnly and limit', () => {
    updatePerson(db, { id: 'E1', active: false }, ctx)
    expect(ids('gudang', { activeOnly: true })).toEqual(['E7'])
    expect(ids('e', { limit: 2 })).toEqual(['E2', 'E_3'])
    expect(ids(undefined, { limit: 0 })).toEqual(['E2'])
    expect(ids(undefined, { limit: 1e9 })).toHaveLength(7)
  })
})
