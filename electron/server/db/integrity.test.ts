import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { toApiError } from '../../../src/shared/api/result'
import { createBackup } from './backup'
import { checkDbFile, quickCheck } from './integrity'
import { LATEST_SCHEMA_VERSION } from './migrations/index'
import { openDb } from './open-db'
import { loadSqlite } from './sqlite'

let tmp: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-integrity-'))
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

/** A database with some rows, closed (checkpointed into one file). */
function makeDb(file: string, rows = 200): void {
  const db = openDb(file)
  const insert = db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES (?, ?, 1, 1)`)
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`E${i}`, `Person ${i} ${'x'.repeat(150)}`)
  })()
  db.close()
}

/** Overwrites `len` bytes at `offset` with 0xA5 (a damaged sector). */
function damage(file: string, offset: number, len: number): void {
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, Buffer.alloc(len, 0xa5), 0, len, offset)
  fs.closeSync(fd)
}

describe('quickCheck / checkDbFile', () => {
  it('a healthy database is ok, with its schema version', () => {
    const file = path.join(tmp, 'hadir.db')
    makeDb(file)
    expect(checkDbFile(file)).toEqual({ ok: true, userVersion: LATEST_SCHEMA_VERSION })
    const db = openDb(file)
    expect(quickCheck(db)).toMatchObject({ ok: true })
    db.close()
  })

  it('garbage bytes, a truncated file and damaged pages fail as corrupt; the file is not modified', () => {
    const garbage = path.join(tmp, 'garbage.db')
    fs.writeFileSync(garbage, Buffer.from('this is not a database at all, just some text'.repeat(100)))
    const before = sha(garbage)
    expect(checkDbFile(garbage)).toMatchObject({ ok: false, corrupt: true, reason: expect.stringMatching(/not a database/) })
    expect(sha(garbage)).toBe(before)

    const pages = path.join(tmp, 'pages.db')
    makeDb(pages)
    const pageSize = 4096
    damage(pages, pageSize * 3, pageSize * 2) // b-tree pages in the middle
    const r = checkDbFile(pages)
    expect(r).toMatchObject({ ok: false, corrupt: true })
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('pages.db'))).toEqual(['pages.db'])

    const truncated = path.join(tmp, 'trunc.db')
    makeDb(truncated)
    fs.truncateSync(truncated, fs.statSync(truncated).size - 4096 * 2)
    expect(checkDbFile(truncated)).toMatchObject({ ok: false, corrupt: true })
  })

  it('a missing file is a failed check that is not corruption', () => {
    expect(checkDbFile(path.join(tmp, 'nope.db'))).toMatchObject({ ok: false, corrupt: false })
  })

  it('quickCheck on an open connection reports problems instead of throwing', () => {
    const file = path.join(tmp, 'x.db')
    fs.writeFileSync(file, Buffer.alloc(8192, 7))
    const db = new (loadSqlite())(file)
    expect(quickCheck(db)).toMatchObject({ ok: false, corrupt: true })
    db.close()
  })
})

describe('openDb integrity check at start', () => {
  it('refuses a garbage file with db-corrupt, leaves it byte for byte, names the last good backup and the restore command', async () => {
    const file = path.join(tmp, 'data', 'hadir.db')
    makeDb(file)
    const db = openDb(file)
    const backup = await createBackup(db, file)
    db.close()
    fs.writeFileSync(file, Buffer.from('garbage '.repeat(1000)))
    const before = sha(file)
    const mtime = fs.statSync(file).mtimeMs
    let caught: unknown
    try {
      openDb(file)
    } catch (e) {
      caught = e
    }
    const err = toApiError(caught)
    expect(err.code).toBe('db-corrupt')
    expect(err.message).toMatch(/^The database hadir\.db is damaged: file is not a database/)
    expect(err.message).toContain(`the last good backup is ${backup.file}`)
    expect(err.message).toContain(`restore it with \`npm run cli -- restore ${backup.file} --db ${file}\``)
    expect(err.message).toContain('Nothing was deleted')
    expect(err.details).toMatchObject({ path: file, backup: backup.file })
    expect(sha(file)).toBe(before)
    expect(fs.statSync(file).mtimeMs).toBe(mtime)
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['backups', 'hadir.db'])
  })

  it('a damaged page inside a real database is found; with no backup the message says so', () => {
    const file = path.join(tmp, 'hadir.db')
    makeDb(file, 400)
    damage(file, 4096 * 5, 4096)
    const before = sha(file)
    expect(() => openDb(file)).toThrow(expect.objectContaining({ code: 'db-corrupt', message: expect.stringContaining('there is no good backup') }))
    expect(sha(file)).toBe(before)
  })

  it('an empty (0-byte) file is a new database, not a damaged one', () => {
    const file = path.join(tmp, 'empty.db')
    fs.writeFileSync(file, '')
    const db = openDb(file)
    expect(quickCheck(db)).toMatchObject({ ok: true })
    db.close()
  })
})
