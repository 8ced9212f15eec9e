import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backupDir, backupIfDue, BACKUP_KEEP, createBackup, listBackups, pruneBackups, restoreBackup, restoreCommand, timestamp } from './backup'
import { checkDbFile } from './integrity'
import { openDb, type Database } from './open-db'

let tmp: string
let file: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-backup-'))
  file = path.join(tmp, 'data', 'hadir.db')
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex')
const people = (db: Database) => (db.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n
const addPeople = (db: Database, from: number, n: number) => {
  const insert = db.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES (?, ?, 1, 1)`)
  db.transaction(() => {
    for (let i = from; i < from + n; i++) insert.run(`E${i}`, `Person ${i}`)
  })()
}
const T = new Date(2026, 2, 9, 7, 30, 15).getTime()
const DAY = 24 * 3600_000

describe('createBackup', () => {
  it('writes backups/hadir-YYYYMMDD-HHMMSS.db with the online API while the WAL has uncheckpointed rows; it is checked and self-contained', async () => {
    const db = openDb(file)
    addPeople(db, 0, 50)
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0) // the rows are still in the WAL
    const b = await createBackup(db, file, { now: T })
    expect(b.file).toBe(path.join(tmp, 'data', 'backups', 'hadir-20260309-073015.db'))
    expect(b.at).toBe(T)
    expect(b.bytes).toBe(fs.statSync(b.file).size)
    expect(fs.readdirSync(backupDir(file))).toEqual(['hadir-20260309-073015.db']) // no -wal, no .partial
    expect(checkDbFile(b.file)).toMatchObject({ ok: true })
    const copy = openDb(b.file)
    expect(people(copy)).toBe(50)
    copy.close()
    // a second one in the same second gets its own name
    const b2 = await createBackup(db, file, { now: T })
    expect(path.basename(b2.file)).toBe('hadir-20260309-073015-2.db')
    expect(listBackups(file).map((x) => path.basename(x.file))).toEqual(['hadir-20260309-073015-2.db', 'hadir-20260309-073015.db'])
    db.close()
  })

  it('keeps the newest 7', async () => {
    const db = openDb(file)
    for (let i = 0; i < 10; i++) await createBackup(db, file, { now: T + i * DAY })
    db.close()
    const kept = listBackups(file)
    expect(kept).toHaveLength(BACKUP_KEEP)
    expect(kept[0]?.file).toContain(timestamp(T + 9 * DAY))
    expect(kept.at(-1)?.file).toContain(timestamp(T + 3 * DAY))
    expect(pruneBackups(file, 2)).toHaveLength(5)
    // unrelated files in the folder are never touched
    fs.writeFileSync(path.join(backupDir(file), 'notes.txt'), 'mine')
    expect(pruneBackups(file, 0)).toHaveLength(2)
    expect(fs.readdirSync(backupDir(file))).toEqual(['notes.txt'])
  })
})

describe('backupIfDue', () => {
  it('backs up at most once a day', async () => {
    const db = openDb(file)
    expect(await backupIfDue(db, file, { now: T })).not.toBeNull()
    expect(await backupIfDue(db, file, { now: T + 3600_000 })).toBeNull()
    expect(await backupIfDue(db, file, { now: T + DAY - 1000 })).toBeNull()
    expect(await backupIfDue(db, file, { now: T + DAY })).not.toBeNull()
    // a backup "from the future" (clock went back) does not block backups forever
    expect(await backupIfDue(db, file, { now: T - 10 * DAY })).not.toBeNull()
    db.close()
    expect(listBackups(file)).toHaveLength(3)
  })
})

describe('restoreBackup', () => {
  it('restores a good backup, moving the damaged database and its -wal/-shm aside (nothing deleted)', async () => {
    const db = openDb(file)
    addPeople(db, 0, 20)
    const b = await createBackup(db, file, { now: T })
    addPeople(db, 20, 5)
    db.close()
    // damage the current file and leave sidecars around
    fs.writeFileSync(file, Buffer.from('garbage '.repeat(500)))
    fs.writeFileSync(`${file}-wal`, 'wal bytes')
    fs.writeFileSync(`${file}-shm`, 'shm bytes')
    const damagedSha = sha(file)
    const r = await restoreBackup(b.file, file, { now: T + DAY })
    const aside = `${file}.damaged-${timestamp(T + DAY)}`
    expect(r).toMatchObject({ restored: b.file, db: file, movedAside: [aside, `${aside}-wal`, `${aside}-shm`] })
    expect(sha(aside)).toBe(damagedSha)
    expect(fs.readFileSync(`${aside}-wal`, 'utf8')).toBe('wal bytes')
    expect(fs.existsSync(`${file}-wal`)).toBe(false)
    expect(fs.existsSync(`${file}-shm`)).toBe(false)
    const back = openDb(file)
    expect(people(back)).toBe(20)
    back.close()
    expect(fs.existsSync(b.file)).toBe(true) // the backup itself stays
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.includes('restoring'))).toEqual([])
  })

  it('refuses a damaged backup and changes nothing; accepts a bare backup name; a healthy current file is kept as .replaced-', async () => {
    const db = openDb(file)
    addPeople(db, 0, 3)
    const good = await createBackup(db, file, { now: T })
    db.close()
    const bad = path.join(backupDir(file), 'hadir-20260310-000000.db')
    fs.writeFileSync(bad, 'not a database')
    const before = sha(file)
    await expect(restoreBackup(bad, file)).rejects.toMatchObject({ code: 'db-corrupt', message: expect.stringContaining('nothing was changed') })
    expect(sha(file)).toBe(before)
    await expect(restoreBackup(path.join(tmp, 'missing.db'), file)).rejects.toMatchObject({ code: 'not-found' })
    const r = await restoreBackup(path.basename(good.file), file, { now: T + 5000 })
    expect(r.movedAside).toEqual([`${file}.replaced-${timestamp(T + 5000)}`])
    expect(sha(r.movedAside[0] as string)).toBe(before)
  })

  it('restore command: exact, quoted when a path has spaces', () => {
    expect(restoreCommand('/d/backups/hadir-1.db', '/d/hadir.db')).toBe('npm run cli -- restore /d/backups/hadir-1.db --db /d/hadir.db')
    expect(restoreCommand('/Library/Application Support/Hadir/backups/h.db', '/x/hadir.db')).toBe(
      'npm run cli -- restore "/Library/Application Support/Hadir/backups/h.db" --db /x/hadir.db',
    )
  })
})
