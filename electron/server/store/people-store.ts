import type { Database } from 'better-sqlite3'
import { HadirError } from '../../../src/shared/api/result'
import type { ModelTag, Person } from '../../../src/shared/domain/types'
import { withDbErrors } from '../db/sqlite'
import { appendAudit } from './audit-log'

type PersonRow = {
  id: string
  name: string
  department: string | null
  active: number
  created_at: number
  updated_at: number
  templates: number
  other_templates: number
  consent_by: string | null
  consent_at: number | null
}

const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  name: r.name,
  department: r.department,
  active: r.active === 1,
  templates: r.templates,
  needsReenrollment: r.templates === 0 && r.other_templates > 0,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  // only a consent in force (not revoked) is shown
  ...(r.consent_by !== null && r.consent_at !== null ? { consent: { givenBy: r.consent_by, givenAt: r.consent_at } } : {}),
})

const SELECT_PEOPLE = `
  SELECT p.id, p.name, p.department, p.active, p.created_at, p.updated_at,
    (SELECT count(*) FROM face_templates t
      WHERE t.person_id = p.id AND t.model_id = @modelId AND t.model_version = @modelVersion) AS templates,
    (SELECT count(*) FROM face_templates t
      WHERE t.person_id = p.id AND NOT (t.model_id = @modelId AND t.model_version = @modelVersion)) AS other_templates,
    c.given_by AS consent_by, c.given_at AS consent_at
  FROM people p LEFT JOIN consents c ON c.person_id = p.id AND c.revoked_at IS NULL`

/** Same limits as the `people` table's CHECKs (SQLite counts characters, i.e. code points). */
export const MAX_PERSON_ID_CHARS = 64
export const MAX_PERSON_NAME_CHARS = 200
export const MAX_DEPARTMENT_CHARS = 200

/** C0, DEL and C1 control characters. */
const CONTROL_CHARS = /\p{Cc}/u
const chars = (s: string): number => [...s].length
const invalid = (message: string, field: string): HadirError => new HadirError('invalid-args', message, { field })

/** Trimmed employee id, 1–64 characters, no control characters; else HadirError('invalid-args'). */
export function normalizePersonId(raw: string): string {
  const id = typeof raw === 'string' ? raw.trim() : ''
  if (id.length === 0) throw invalid('Employee id is required', 'id')
  if (chars(id) > MAX_PERSON_ID_CHARS) throw invalid(`Employee id is longer than ${MAX_PERSON_ID_CHARS} characters`, 'id')
  if (CONTROL_CHARS.test(id)) throw invalid('Employee id contains control characters', 'id')
  return id
}

/** Trimmed name, 1–200 characters, no control characters; else HadirError('invalid-args'). */
export function normalizePersonName(raw: string): string {
  const name = typeof raw === 'string' ? raw.trim() : ''
  if (name.length === 0) throw invalid('Name is required', 'name')
  if (chars(name) > MAX_PERSON_NAME_CHARS) throw invalid(`Name is longer than ${MAX_PERSON_NAME_CHARS} characters`, 'name')
  if (CONTROL_CHARS.test(name)) throw invalid('Name contains control characters', 'name')
  return name
}

/** Trimmed department; blank or null → null; at most 200 characters, no control characters. */
export function normalizeDepartment(raw: string | null): string | null {
  if (raw === null) return null
  if (typeof raw !== 'string') throw invalid('Department must be text', 'department')
  const dep = raw.trim()
  if (dep.length === 0) return null
  if (chars(dep) > MAX_DEPARTMENT_CHARS) throw invalid(`Department is longer than ${MAX_DEPARTMENT_CHARS} characters`, 'department')
  if (CONTROL_CHARS.test(dep)) throw invalid('Department contains control characters', 'department')
  return dep
}

export type PeopleCtx = { now: number; actor: string; model: ModelTag }

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

export const DEFAULT_SEARCH_LIMIT = 100
export const MAX_SEARCH_LIMIT = 1000

/**
 * Folding for search: full Unicode lower case, then Latin combining accents (U+0300–U+036F) dropped,
 * so 'celine' finds 'Céline' (composed or decomposed) and 'umit' finds 'ÜMİT'. Other marks (Arabic harakat,
 * Indic vowel signs) are kept.
 */
const fold = (s: string): string =>
  s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
const FOLD_FN = 'hadir_fold'
const foldRegistered = new WeakSet<Database>()

/** SQLite's LIKE and lower() fold ASCII only; this connection gets a Unicode-aware fold function once. */
function ensureFold(db: Database): void {
  if (foldRegistered.has(db)) return
  db.function(FOLD_FN, { deterministic: true }, (v: unknown) => (typeof v === 'string' ? fold(v) : null))
  foldRegistered.add(db)
}

/** `%`, `_` and `\` match themselves (used with ESCAPE '\'). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * Case- and accent-insensitive substring search over id, name and department, ordered by name then id.
 * An empty or blank `q` lists everyone. `limit` defaults to 100 and is clamped to 1..1000.
 */
export function searchPeople(db: Database, model: ModelTag, opts: { q?: string; activeOnly?: boolean; limit?: number } = {}): Person[] {
  const q = (opts.q ?? '').trim()
  const rawLimit = opts.limit ?? DEFAULT_SEARCH_LIMIT
  const limit = Number.isFinite(rawLimit) ? Math.min(MAX_SEARCH_LIMIT, Math.max(1, Math.floor(rawLimit))) : DEFAULT_SEARCH_LIMIT
  const where: string[] = []
  if (opts.activeOnly) where.push('p.active = 1')
  if (q !== '') {
    ensureFold(db)
    where.push(
      `(${FOLD_FN}(p.id) LIKE @pattern ESCAPE '\\' OR ${FOLD_FN}(p.name) LIKE @pattern ESCAPE '\\' OR ${FOLD_FN}(p.department) LIKE @pattern ESCAPE '\\')`,
    )
  }
  const sql = `${SELECT_PEOPLE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY p.name COLLATE NOCASE, p.id LIMIT @limit`
  const rows = db.prepare(sql).all({
    modelId: model.modelId,
    modelVersion: model.modelVersion,
    limit,
    ...(q !== '' ? { pattern: `%${escapeLike(fold(q))}%` } : {}),
  }) as PersonRow[]
  return rows.map(toPerson)
}

/**
 * Creates the person (active) or renames them; audited. Returns the stored person.
 * `department`: omitted keeps the stored one (null for a new person); null or blank clears it.
 * Id and name are stored as given (the caller validates them), as before.
 */
export function upsertPerson(db: Database, input: { id: string; name: string; department?: string | null }, ctx: PeopleCtx): Person {
  const department = input.department === undefined ? undefined : normalizeDepartment(input.department)
  return withDbErrors(() =>
    db.transaction(() => {
      const existing = db.prepare('SELECT name, department FROM people WHERE id = ?').get(input.id) as
        | { name: string; department: string | null }
        | undefined
      if (existing) {
        db.prepare('UPDATE people SET name = ?, department = ?, updated_at = ? WHERE id = ?').run(
          input.name,
          department === undefined ? existing.department : department,
          ctx.now,
          input.id,
        )
      } else {
        db.prepare('INSERT INTO people (id, name, department, active, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)').run(
          input.id,
          input.name,
          department ?? null,
          ctx.now,
          ctx.now,
        )
      }
      const depDetails = department === undefined ? {} : existing ? { oldDepartment: existing.department, department } : { department }
      appendAudit(db, {
        at: ctx.now,
        actor: ctx.actor,
        action: existing ? 'person.update' : 'person.create',
        subject: input.id,
        details: existing ? { oldName: existing.name, name: input.name, ...depDetails } : { name: input.name, ...depDetails },
      })
      return getPerson(db, input.id, ctx.model) as Person
    })(),
  )
}

/**
 * Creates a new, active person; audited ('person.create'). Id and name are trimmed and checked
 * (HadirError 'invalid-args'); an id already in use → HadirError('duplicate-id') naming its owner.
 */
export function createPerson(db: Database, input: { id: string; name: string; department?: string | null }, ctx: PeopleCtx): Person {
  const id = normalizePersonId(input.id)
  const name = normalizePersonName(input.name)
  const department = normalizeDepartment(input.department ?? null)
  return withDbErrors(() =>
    db.transaction(() => {
      const existing = db.prepare('SELECT name FROM people WHERE id = ?').get(id) as { name: string } | undefined
      if (existing) throw new HadirError('duplicate-id', `Employee id ${id} is already used by ${existing.name}`, { personId: id, name: existing.name })
      db.prepare('INSERT INTO people (id, name, department, active, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)').run(id, name, department, ctx.now, ctx.now)
      appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'person.create', subject: id, details: { name, department } })
      return getPerson(db, id, ctx.model) as Person
    })(),
  )
}

export type PersonUpdate = {
  id: string
  /** trimmed; must not be blank */
  name?: string
  /** null or blank clears it */
  department?: string | null
  active?: boolean
}

/**
 * Changes name, department and/or active; omitted fields stay. Unknown id → HadirError('not-found').
 * Audited only when something changes: 'person.update' with `{ from, to }` of the changed name/department,
 * and 'person.deactivate' / 'person.reactivate' when `active` flips. Returns the stored person.
 */
export function updatePerson(db: Database, input: PersonUpdate, ctx: PeopleCtx): Person {
  const id = normalizePersonId(input.id)
  const name = input.name === undefined ? undefined : normalizePersonName(input.name)
  const department = input.department === undefined ? undefined : normalizeDepartment(input.department)
  if (input.active !== undefined && typeof input.active !== 'boolean') throw invalid('active must be true or false', 'active')
  return withDbErrors(() =>
    db.transaction(() => {
      const old = db.prepare('SELECT name, department, active FROM people WHERE id = ?').get(id) as
        | { name: string; department: string | null; active: number }
        | undefined
      if (!old) throw new HadirError('not-found', `No person with id ${id}`, { personId: id })
      const from: Record<string, string | null> = {}
      const to: Record<string, string | null> = {}
      if (name !== undefined && name !== old.name) {
        from.name = old.name
        to.name = name
      }
      if (department !== undefined && department !== old.department) {
        from.department = old.department
        to.department = department
      }
      const wasActive = old.active === 1
      const activeChanges = input.active !== undefined && input.active !== wasActive
      if (Object.keys(to).length === 0 && !activeChanges) return getPerson(db, id, ctx.model) as Person

      db.prepare('UPDATE people SET name = ?, department = ?, active = ?, updated_at = ? WHERE id = ?').run(
        name ?? old.name,
        department === undefined ? old.department : department,
        activeChanges ? (input.active ? 1 : 0) : old.active,
        ctx.now,
        id,
      )
      if (Object.keys(to).length > 0) appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'person.update', subject: id, details: { from, to } })
      if (activeChanges) appendAudit(db, { at: ctx.now, actor: ctx.actor, action: input.active ? 'person.reactivate' : 'person.deactivate', subject: id })
      return getPerson(db, id, ctx.model) as Person
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
      // other kiosks of the company erase their copies too (HR sync, when template sharing is on)
      if (n > 0) db.prepare('INSERT INTO tombstones (person_id, deleted_at) VALUES (?, ?)').run(id, ctx.now)
      return { deleted: true, templates: n }
    })(),
  )
}
