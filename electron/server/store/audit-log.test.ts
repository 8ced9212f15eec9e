import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from 'better-sqlite3'
import { createTestDb } from '../testing/create-test-db'
import { appendAudit, listAudit } from './audit-log'
import { getSetting, setSetting } from './settings-store'

let db: Database
beforeEach(() => {
  db = createTestDb()
})
afterEach(() => db.close())

describe('audit-log / settings', () => {
  it('appends and reads back', () => {
    appendAudit(db, { at: 5, actor: 'cli', action: 'x.y', details: { a: 1 } })
    appendAudit(db, { at: 6, actor: 'cli', action: 'x.z' })
    expect(listAudit(db).map((r) => [r.action, r.subject, r.details])).toEqual([
      ['x.z', null, null],
      ['x.y', null, { a: 1 }],
    ])
  })
  it('stores JSON settings', () => {
    expect(getSetting(db, 'k')).toBeUndefined()
    setSetting(db, 'k', { a: [1, 2] })
    setSetting(db, 'k', { a: [3] })
    expect(getSetting(db, 'k')).toEqual({ a: [3] })
  })
})
