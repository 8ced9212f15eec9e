import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import ExcelJS from 'exceljs'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database as Db } from 'better-sqlite3'
import type { RosterReport } from '../../../src/shared/api/contract'
import type { HadirError } from '../../../src/shared/api/result'
import { rejectionOf } from '../testing/hadir-error'
import { openDb } from '../db/open-db'
import { applyRoster, MAX_ROSTER_BYTES, readRosterTable, rosterBytes } from './roster-import'

let dir: string
let file: string
let db: Db
const NOW = Date.UTC(2026, 10, 23, 2, 0, 0)

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-roster-'))
  file = path.join(dir, 'hadir.db')
  db = openDb(file)
  const ins = db.prepare('INSERT INTO people (id, name, department, active, created_at, updated_at) VALUES (?, ?, ?, 1, 1, 1)')
  // as a photo-folder import leaves them: named after their folder
  ins.run('E002', 'E002', null)
  ins.run('E003', 'Citra Lestari', 'Gudang')
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** The people table as stored in the file, read by a separate connection. */
function peopleOnDisk(): Array<{ id: string; name: string; department: string | null }> {
  const other = new Database(file, { readonly: true })
  try {
    return other.prepare('SELECT id, name, department FROM people ORDER BY id').all() as Array<{ id: string; name: string; department: string | null }>
  } finally {
    other.close()
  }
}

async function importBytes(bytes: Buffer, opts: { dryRun?: boolean } = {}): Promise<RosterReport> {
  return applyRoster(db, await readRosterTable(bytes), { now: NOW, actor: 'admin@test', ...opts })
}

async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('Karyawan')
  for (const r of rows) ws.addRow(r)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

describe('roster import', () => {
  it('Indonesian headers, BOM, semicolons: creates, renames the folder-named person, keeps the rest', async () => {
    const csv = '\uFEFFID Karyawan;Nama Lengkap;Departemen\r\nE001;Ani Rahmawati;Keuangan\r\nE002;"Budi; Santoso";Gudang\r\nE003;Citra Lestari;Gudang\r\n'
    const report = await importBytes(Buffer.from(csv, 'utf8'))
    expect(report).toMatchObject({ applied: true, format: 'csv', separator: ';', encoding: 'utf-8', columns: { id: 'ID Karyawan', name: 'Nama Lengkap', department: 'Departemen' } })
    expect(report.counts).toEqual({ rows: 3, create: 1, update: 1, unchanged: 1, errors: 0 })
    expect(report.rows.map((r) => [r.line, r.id, r.status])).toEqual([
      [2, 'E001', 'create'],
      [3, 'E002', 'update'],
      [4, 'E003', 'unchanged'],
    ])
    expect(peopleOnDisk()).toEqual([
      { id: 'E001', name: 'Ani Rahmawati', department: 'Keuangan' },
      { id: 'E002', name: 'Budi; Santoso', department: 'Gudang' },
      { id: 'E003', name: 'Citra Lestari', department: 'Gudang' },
    ])
    const audit = db.prepare("SELECT action, subject FROM audit_log WHERE actor = 'admin@test' ORDER BY id").all()
    expect(audit).toEqual([
      { action: 'person.create', subject: 'E001' },
      { action: 'person.update', subject: 'E002' },
      { action: 'people.import-roster', subject: null },
    ])
  })

  it('English headers with commas and quotes, no BOM, no department column (departments kept)', async () => {
    const report = await importBytes(Buffer.from('Employee ID,Name\nE002,"Budi ""B"" Santoso"\nE004,Dewi\n', 'utf8'))
    expect(report).toMatchObject({ applied: true, separator: ',', columns: { department: null } })
    expect(peopleOnDisk()).toContainEqual({ id: 'E002', name: 'Budi "B" Santoso', department: null })
    expect(peopleOnDisk()).toContainEqual({ id: 'E003', name: 'Citra Lestari', department: 'Gudang' })
    expect(peopleOnDisk()).toContainEqual({ id: 'E004', name: 'Dewi', department: null })
  })

  it("Excel's sep= hint line, TAB separated, and a Windows-1252 file", async () => {
    expect((await importBytes(Buffer.from('sep=,\r\nnik,nama\r\nE010,Eka\r\n'), { dryRun: true })).counts.create).toBe(1)
    expect(await importBytes(Buffer.from('id\tname\tdept\r\nE011\tFajar\tIT\r\n'), { dryRun: true })).toMatchObject({ separator: '\t', counts: { create: 1 } })
    const latin = Buffer.from('id;nama\r\nE012;Jos\xe9 Ram\xedrez\r\n', 'latin1')
    const r = await importBytes(latin)
    expect(r).toMatchObject({ applied: true, encoding: 'windows-1252' })
    expect(peopleOnDisk()).toContainEqual({ id: 'E012', name: 'José Ramírez', department: null })
  })

  it('duplicate ids, missing names, missing ids: a per-row report and NOTHING imported', async () => {
    const before = peopleOnDisk()
    const auditBefore = (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n
    const csv = 'id;nama;departemen\r\nE020;Gita;IT\r\nE021;;IT\r\n;Hadi;IT\r\nE020;Gita Lagi;IT\r\n\r\nE022;Indah;IT\r\n'
    const report = await importBytes(Buffer.from(csv))
    expect(report.applied).toBe(false)
    expect(report.counts).toEqual({ rows: 5, create: 2, update: 0, unchanged: 0, errors: 3 })
    expect(report.rows.map((r) => [r.line, r.status, r.problem ?? null, r.duplicateOf ?? null])).toEqual([
      [2, 'create', null, null],
      [3, 'error', 'missing-name', null],
      [4, 'error', 'missing-id', null],
      [5, 'error', 'duplicate-id', 2],
      [7, 'create', null, null], // the empty line 6 is skipped, lines keep the file's numbering
    ])
    expect(peopleOnDisk()).toEqual(before)
    expect((db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n).toBe(auditBefore)
  })

  it('too long and control characters are row errors too', async () => {
    const r = await importBytes(Buffer.from(`id,name,department\r\n${'X'.repeat(65)},A\r\nE1,${'n'.repeat(201)}\r\nE2,B,${'d'.repeat(201)}\r\nE3,"C\u0007"\r\n`))
    expect(r.rows.map((x) => x.problem)).toEqual(['id-too-long', 'name-too-long', 'department-too-long', 'control-chars'])
    expect(r.applied).toBe(false)
  })

  it('a dry run reports and writes nothing', async () => {
    const r = await importBytes(Buffer.from('id,name\r\nE030,Joko\r\n'), { dryRun: true })
    expect(r).toMatchObject({ applied: false, dryRun: true, counts: { create: 1, errors: 0 } })
    expect(peopleOnDisk().map((p) => p.id)).not.toContain('E030')
  })

  it('.xlsx: numbers as ids, rich text, Indonesian headers, the first worksheet', async () => {
    const bytes = await xlsxOf([
      ['No Karyawan', 'Nama', 'Bagian'],
      [1001, 'Kartika Sari', 'Produksi'],
      ['E002', { richText: [{ text: 'Budi ' }, { text: 'Santoso', font: { bold: true } }] }, null],
      [null, null, null],
      ['E040', 'Lina', 'HR'],
    ])
    const r = await importBytes(bytes)
    expect(r).toMatchObject({ applied: true, format: 'xlsx', separator: null, encoding: null, columns: { id: 'No Karyawan', department: 'Bagian' } })
    expect(r.rows.map((x) => [x.line, x.id, x.name, x.status])).toEqual([
      [2, '1001', 'Kartika Sari', 'create'],
      [3, 'E002', 'Budi Santoso', 'update'],
      [5, 'E040', 'Lina', 'create'],
    ])
    expect(peopleOnDisk()).toContainEqual({ id: 'E002', name: 'Budi Santoso', department: null })
  })

  it('a file without an id or name column, an empty file, a damaged .xlsx: clear codes, nothing written', async () => {
    const before = peopleOnDisk()
    const noName = await rejectionOf(importBytes(Buffer.from('id;alamat\r\nE1;Jl. Merdeka\r\n')))
    expect(noName.code).toBe('roster-columns')
    expect(noName.message).toMatch(/no name \(Nama \/ Name\) column; found: "id", "alamat"/)
    expect((await rejectionOf(importBytes(Buffer.alloc(0)))).code).toBe('roster-unreadable')
    const xlsx = await xlsxOf([['id', 'name'], ['E1', 'A']])
    expect((await rejectionOf(importBytes(xlsx.subarray(0, xlsx.length - 200)))).code).toBe('roster-unreadable')
    expect(peopleOnDisk()).toEqual(before)
  })

  it('bytes travel as base64, CSV gzipped; a file past the limit is refused', () => {
    const csv = Buffer.from('id,name\r\nE1,A\r\n')
    expect(rosterBytes(csv.toString('base64'))).toEqual(csv)
    expect(rosterBytes(gzipSync(csv).toString('base64'), 'gzip')).toEqual(csv)
    // a gzip bomb: 1 KB that unpacks past the limit
    const bomb = gzipSync(Buffer.alloc(MAX_ROSTER_BYTES + 1, 0x41))
    expect(bomb.length).toBeLessThan(20_000)
    let code = ''
    try {
      rosterBytes(bomb.toString('base64'), 'gzip')
    } catch (e) {
      code = (e as HadirError).code
    }
    expect(code).toBe('file-too-large')
    expect(() => rosterBytes(Buffer.from('not gzip').toString('base64'), 'gzip')).toThrow(/not valid gzip/)
  })

  it('20,000 rows go in in one transaction; with one bad row among them, none do', async () => {
    const lines = ['ID karyawan;Nama;Departemen']
    for (let i = 1; i <= 20_000; i++) lines.push(`K${String(i).padStart(5, '0')};Karyawan Nomor ${i};Dept ${i % 40}`)
    const good = Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`)
    // one duplicate at the very end: the 19,999 rows before it must not go in
    const bad = Buffer.from(`\uFEFF${[...lines, 'K00001;Dupe;X'].join('\r\n')}\r\n`)
    const refused = await importBytes(bad)
    expect(refused.applied).toBe(false)
    expect(refused.counts).toMatchObject({ rows: 20_001, create: 20_000, errors: 1 })
    expect(refused.rows.find((r) => r.status === 'error')).toMatchObject({ line: 20_002, problem: 'duplicate-id', duplicateOf: 2 })
    expect(peopleOnDisk()).toHaveLength(2)

    const r = await importBytes(good)
    expect(r).toMatchObject({ applied: true, counts: { rows: 20_000, create: 20_000, errors: 0 } })
    expect(peopleOnDisk()).toHaveLength(20_002)
    expect(peopleOnDisk()).toContainEqual({ id: 'K20000', name: 'Karyawan Nomor 20000', department: 'Dept 0' })
    // the same file again changes nothing
    expect((await importBytes(good)).counts).toMatchObject({ unchanged: 20_000, create: 0, update: 0 })
  })
})
