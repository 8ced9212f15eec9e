/**
 * Issue #7 item 5: copying the database file alone yields no usable templates and no HR key.
 * Real SQLite files, real crypto, the real createApp.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp, type App, type CreateAppOptions } from '../create-app'
import { loadSqlite } from '../db/sqlite'
import { migrate } from '../db/migrate'
import { createSettings } from '../settings'
import { decodeEmbedding, encodeEmbedding } from '../store/embedding-codec'
import { TEST_MODEL, testRecognition } from '../testing/fixtures'
import { encodeDataKey } from './data-key'

const HR_KEY = 'hr-secret-Zq8uXw3vN1pLm6Rt'
const ANI = [0.1234567, -0.7654321, 0.3141592, 0.2718281]
const BUDI = [-0.5772156, 0.6180339, 0.1414213, -0.1732050]

let tmp: string
let dbFile: string
let keyFile: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-rest-'))
  dbFile = path.join(tmp, 'hadir.db')
  keyFile = path.join(tmp, 'hadir.key')
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

const opts = (over: Partial<CreateAppOptions> = {}): CreateAppOptions => ({
  dbFile,
  hostKind: 'web',
  modelBaseUrl: '/models/',
  wasmBaseUrl: '/wasm/',
  embeddingModel: { ...TEST_MODEL },
  recognition: testRecognition(0.5),
  locale: 'en',
  now: () => 1_000,
  ...over,
})
const emb = (embedding: number[]) => ({ modelId: TEST_MODEL.modelId, modelVersion: TEST_MODEL.modelVersion, embedding })

/** Every 8-byte window (two Float32 values) of each embedding, as stored in clear. */
const clearChunks = (...vs: number[][]): Buffer[] =>
  vs.flatMap((v) => {
    const bytes = encodeEmbedding(new Float32Array(v))
    return [0, 4, 8].map((o) => bytes.subarray(o, o + 8))
  })

/** The database's files on disk (main file and, when there is one, its WAL). */
const rawFiles = (): Buffer[] => [dbFile, `${dbFile}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f))

function leaks(files: Buffer[], secrets: Buffer[]): number {
  let n = 0
  for (const f of files) for (const s of secrets) if (f.includes(s)) n++
  return n
}

/** What a thief with only the .db file sees: plain better-sqlite3, no key. */
function thiefView(): { blobs: Array<{ dim: number; embedding: Buffer }>; settings: Array<{ key: string; value: string }> } {
  const Sqlite = loadSqlite()
  const copy = path.join(tmp, 'stolen', 'copy.db')
  fs.mkdirSync(path.dirname(copy), { recursive: true })
  fs.copyFileSync(dbFile, copy)
  const db = new Sqlite(copy, { readonly: true })
  try {
    return {
      blobs: db.prepare('SELECT dim, embedding FROM face_templates').all() as Array<{ dim: number; embedding: Buffer }>,
      settings: db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>,
    }
  } finally {
    db.close()
  }
}

function snapshot(): unknown {
  const Sqlite = loadSqlite()
  const db = new Sqlite(dbFile, { readonly: true })
  try {
    return {
      templates: db.prepare('SELECT * FROM face_templates ORDER BY id').all(),
      settings: db.prepare('SELECT * FROM settings ORDER BY key').all(),
      audit: db.prepare('SELECT count(*) AS n FROM audit_log').get(),
    }
  } finally {
    db.close()
  }
}

async function enrolled(): Promise<App> {
  const app = createApp(opts())
  for (const [id, name, v] of [['E1', 'Ani', ANI], ['E2', 'Budi', BUDI]] as const) {
    expect(await app.dispatch('people/upsert', { id, name })).toMatchObject({ ok: true })
    expect(await app.dispatch('enrollment/add-template', { ...emb([...v]), personId: id, consentBy: 'test admin' })).toMatchObject({ ok: true })
  }
  expect(await app.dispatch('settings/update', { hrKey: HR_KEY })).toMatchObject({ ok: true, data: { hr: { keySet: true } } })
  return app
}

describe('data at rest', () => {
  it('a copy of the database file alone holds no usable template and no HR key; the key file is 0600 beside it', async () => {
    const app = await enrolled()
    const secrets = [...clearChunks(ANI, BUDI), Buffer.from(HR_KEY, 'utf8')]
    // while running (recent writes are in the WAL) …
    expect(leaks(rawFiles(), secrets)).toBe(0)
    app.close()
    // … and after a clean shutdown
    expect(leaks(rawFiles(), secrets)).toBe(0)

    const key = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64')
    expect(key.byteLength).toBe(32)
    if (process.platform !== 'win32') expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(leaks(rawFiles(), [key, Buffer.from(key.toString('base64'))])).toBe(0)

    const stolen = thiefView()
    expect(stolen.blobs).toHaveLength(2)
    for (const b of stolen.blobs) {
      expect(b.embedding.byteLength).not.toBe(b.dim * 4)
      // no window of the blob reads as either enrolled embedding
      for (let o = 0; o + b.dim * 4 <= b.embedding.byteLength; o++) {
        const v = Array.from(decodeEmbedding(Buffer.from(b.embedding.subarray(o, o + b.dim * 4)), b.dim))
        for (const e of [ANI, BUDI]) expect(v.every((x, i) => Math.abs(x - (e[i] as number)) < 1e-6)).toBe(false)
      }
    }
    expect(JSON.stringify(stolen.settings)).not.toContain(HR_KEY)
    expect(stolen.settings.find((s) => s.key === 'hr.key')?.value).toMatch(/^\{"sealed":"[A-Za-z0-9+/=]+"\}$/)
  })

  it('reopened with the same key file, the kiosk still recognises and the HR key still opens', async () => {
    ;(await enrolled()).close()
    const app = createApp(opts())
    try {
      expect(app.index.size).toBe(2)
      expect(await app.dispatch('recognition/identify', emb(ANI))).toMatchObject({ ok: true, data: { decision: 'match', personId: 'E1' } })
      expect(await app.dispatch('recognition/identify', emb(BUDI))).toMatchObject({ ok: true, data: { decision: 'match', personId: 'E2' } })
      const settings = createSettings(app.db, { recognition: testRecognition(0.5), cooldownMs: 0 })
      expect(settings.hrKey()).toBe(HR_KEY)
      expect(JSON.stringify(settings.get())).not.toContain(HR_KEY)
      expect(settings.get().hr.keySet).toBe(true)
    } finally {
      app.close()
    }
  })

  it('another key → data-key-wrong at start, a missing key file → data-key-missing; nothing changed, the right key still works', async () => {
    ;(await enrolled()).close()
    const before = snapshot()
    const original = fs.readFileSync(keyFile)

    expect(() => createApp(opts({ dataKey: randomBytes(32) }))).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    fs.writeFileSync(keyFile, encodeDataKey(randomBytes(32)), { mode: 0o600 })
    expect(() => createApp(opts())).toThrow(expect.objectContaining({ code: 'data-key-wrong' }))
    fs.rmSync(keyFile)
    expect(() => createApp(opts())).toThrow(expect.objectContaining({ code: 'data-key-missing', message: expect.stringContaining('hadir.key') }))
    expect(fs.existsSync(keyFile)).toBe(false) // no new key was made for an encrypted database
    if (process.platform !== 'win32') {
      fs.writeFileSync(keyFile, original, { mode: 0o644 })
      fs.chmodSync(keyFile, 0o644)
      expect(() => createApp(opts())).toThrow(expect.objectContaining({ code: 'data-key-wrong', message: expect.stringContaining('chmod 600') }))
    }
    expect(snapshot()).toEqual(before)

    fs.rmSync(keyFile, { force: true })
    fs.writeFileSync(keyFile, original, { mode: 0o600 })
    fs.chmodSync(keyFile, 0o600)
    const app = createApp(opts({ dataKey: Buffer.from(original.toString('utf8').trim(), 'base64') }))
    expect(await app.dispatch('recognition/identify', emb(ANI))).toMatchObject({ ok: true, data: { decision: 'match', personId: 'E1' } })
    app.close()
  })

  it('an install from before sealing (schema 50, templates and HR key in clear) is sealed on its first start and still recognises', async () => {
    const Sqlite = loadSqlite()
    const old = new Sqlite(dbFile)
    old.pragma('journal_mode = WAL')
    old.pragma('foreign_keys = ON')
    migrate(old, 50)
    old.prepare(`INSERT INTO people (id, name, created_at, updated_at) VALUES ('E1', 'Ani', 1, 1), ('E2', 'Budi', 1, 1)`).run()
    const ins = old.prepare(`INSERT INTO face_templates (person_id, model_id, model_version, dim, embedding, source, created_at, uid) VALUES (?, ?, ?, 4, ?, 'cli', 2, ?)`)
    ins.run('E1', TEST_MODEL.modelId, TEST_MODEL.modelVersion, encodeEmbedding(new Float32Array(ANI)), 'uid-ani')
    ins.run('E2', TEST_MODEL.modelId, TEST_MODEL.modelVersion, encodeEmbedding(new Float32Array(BUDI)), 'uid-budi')
    old.prepare(`INSERT INTO settings (key, value) VALUES ('hr.key', ?)`).run(JSON.stringify(HR_KEY))
    old.close()
    const secrets = [...clearChunks(ANI, BUDI), Buffer.from(HR_KEY, 'utf8')]
    // the search finds clear data when it is there
    expect(leaks(rawFiles(), secrets)).toBe(secrets.length)

    const app = createApp(opts())
    try {
      expect(fs.existsSync(keyFile)).toBe(true)
      expect(app.db.prepare('SELECT sealed, count(*) AS n FROM face_templates GROUP BY sealed').all()).toEqual([{ sealed: 1, n: 2 }])
      expect(app.db.prepare(`SELECT details FROM audit_log WHERE action = 'data.sealed'`).all()).toEqual([{ details: JSON.stringify({ templates: 2, secrets: 'hr.key' }) }])
      // the clear copies are gone from the file and the WAL, free pages included
      expect(leaks(rawFiles(), secrets)).toBe(0)
      expect(await app.dispatch('recognition/identify', emb(ANI))).toMatchObject({ ok: true, data: { decision: 'match', personId: 'E1' } })
      expect(createSettings(app.db, { recognition: testRecognition(0.5), cooldownMs: 0 }).hrKey()).toBe(HR_KEY)
    } finally {
      app.close()
    }
    expect(leaks(rawFiles(), secrets)).toBe(0)

    const again = createApp(opts())
    try {
      expect(await again.dispatch('recognition/identify', emb(BUDI))).toMatchObject({ ok: true, data: { decision: 'match', personId: 'E2' } })
      expect(again.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'data.sealed'`).get()).toEqual({ n: 1 })
    } finally {
      again.close()
    }
  })

  it('an in-memory store gets an ephemeral key and writes no key file', async () => {
    const app = createApp(opts({ dbFile: ':memory:' }))
    expect(await app.dispatch('people/upsert', { id: 'E1', name: 'Ani' })).toMatchObject({ ok: true })
    expect(await app.dispatch('enrollment/add-template', { ...emb(ANI), personId: 'E1', consentBy: 'test admin' })).toMatchObject({ ok: true })
    expect(await app.dispatch('recognition/identify', emb(ANI))).toMatchObject({ ok: true, data: { decision: 'match' } })
    app.close()
    expect(fs.readdirSync(tmp)).toEqual([])
    expect(() => createApp(opts({ dataKey: randomBytes(16) }))).toThrow(RangeError)
  })
})
