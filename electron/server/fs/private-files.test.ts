/**
 * File modes on real files: the data folder 0700; the database, its -wal and -shm, backups, the key
 * file and the logs 0600 — with a umask of 0 (nothing left to the umask), and an install from before
 * (0644 files in a 0755 folder) tightened on its next start.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../create-app'
import { createBackup } from '../db/backup'
import { createLogger } from '../log/logger'
import { TEST_MODEL, testRecognition, track } from '../testing/fixtures'
import { ensurePrivateDir } from './private-files'

const posix = process.platform !== 'win32'
const mode = (p: string) => (fs.statSync(p).mode & 0o7777).toString(8)
let tmp: string
let oldUmask: number

const open = (dbFile: string) =>
  createApp({ dbFile, hostKind: 'web', modelBaseUrl: '/m/', wasmBaseUrl: '/w/', embeddingModel: { ...TEST_MODEL }, recognition: testRecognition(0.5), now: () => Date.UTC(2025, 0, 6, 8) })

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-modes-'))
  // the most permissive umask: every mode below is set by the code, not inherited
  oldUmask = process.umask(0)
})
afterEach(() => {
  process.umask(oldUmask)
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe.skipIf(!posix)('private files', () => {
  it('a new data folder: 0700 folders, 0600 database, -wal, -shm, key, backups and logs', async () => {
    const dir = path.join(tmp, 'Hadir')
    const dbFile = path.join(dir, 'hadir.db')
    const app = open(dbFile)
    try {
      await app.dispatch('people/upsert', { id: 'E1', name: 'Ani' })
      await app.dispatch('enrollment/add-template', { modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embedding: [1, 0, 0, 0], personId: 'E1', consentBy: 'test admin' })
      await app.dispatch('kiosk/recognize', track([1, 0, 0, 0]))
      const backup = await createBackup(app.db, dbFile)
      const logger = createLogger({ dir: path.join(dir, 'logs') })
      logger.info('a line naming a person', { personId: 'E1' })
      logger.close()
      expect(fs.existsSync(`${dbFile}-wal`)).toBe(true)
      expect(fs.existsSync(`${dbFile}-shm`)).toBe(true)
      const modes = Object.fromEntries(
        [dir, dbFile, `${dbFile}-wal`, `${dbFile}-shm`, path.join(dir, 'hadir.key'), path.join(dir, 'backups'), backup.file, path.join(dir, 'logs'), path.join(dir, 'logs', 'hadir.log')].map((p) => [path.relative(tmp, p), mode(p)]),
      )
      expect(modes).toEqual({
        Hadir: '700',
        'Hadir/hadir.db': '600',
        'Hadir/hadir.db-wal': '600',
        'Hadir/hadir.db-shm': '600',
        'Hadir/hadir.key': '600',
        'Hadir/backups': '700',
        [path.relative(tmp, backup.file)]: '600',
        'Hadir/logs': '700',
        'Hadir/logs/hadir.log': '600',
      })
    } finally {
      app.close()
    }
  })

  it('an older install (0755 folder, 0644 files) is tightened when it starts', () => {
    const dir = path.join(tmp, 'Hadir')
    const dbFile = path.join(dir, 'hadir.db')
    open(dbFile).close()
    fs.chmodSync(dir, 0o755)
    for (const f of fs.readdirSync(dir)) if (f !== 'hadir.key') fs.chmodSync(path.join(dir, f), 0o644)
    const app = open(dbFile)
    try {
      expect(mode(dir)).toBe('700')
      for (const f of fs.readdirSync(dir)) expect(mode(path.join(dir, f)), f).toBe(f === 'logs' || f === 'backups' ? '700' : '600')
    } finally {
      app.close()
    }
  })

  it('never closes a shared folder it was merely pointed at (a --db in /tmp, a home folder)', () => {
    const shared = path.join(tmp, 'shared')
    fs.mkdirSync(shared, { mode: 0o1777 })
    fs.chmodSync(shared, 0o1777)
    const home = path.join(tmp, 'home')
    fs.mkdirSync(home, { mode: 0o755 })
    open(path.join(shared, 'x.db')).close()
    ensurePrivateDir(home)
    expect(mode(shared)).toBe('1777')
    expect(mode(home)).toBe('755')
    // the files in it are private all the same
    expect(mode(path.join(shared, 'x.db'))).toBe('600')
  })
})
