import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCommand } from './commands'

let dir: string
let db: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-cli-roster-'))
  db = path.join(dir, 'hadir.db')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function cli(args: string[]): Promise<{ code: number; out: Record<string, unknown> }> {
  const lines: string[] = []
  const code = await runCommand(args[0] as string, args.slice(1), { out: (l) => lines.push(l), progress: () => {} })
  return { code, out: JSON.parse(lines.join('')) as Record<string, unknown> }
}

describe('cli roster', () => {
  it('imports an employee list into a real database file; a list with an error row imports nothing (exit 1)', async () => {
    const bad = path.join(dir, 'bad.csv')
    fs.writeFileSync(bad, '\uFEFFID karyawan;Nama\r\nE1;Ani\r\nE2;\r\n')
    const refused = await cli(['roster', bad, '--db', db])
    expect(refused.code).toBe(1)
    expect(refused.out).toMatchObject({ applied: false, separator: ';', counts: { rows: 2, errors: 1 }, errors: [{ line: 3, problem: 'missing-name' }] })

    const good = path.join(dir, 'good.csv')
    fs.writeFileSync(good, 'Employee ID,Name,Department\r\nE1,Ani,Keuangan\r\nE2,Budi,Gudang\r\n')
    const r = await cli(['roster', good, '--db', db])
    expect(r).toMatchObject({ code: 0, out: { applied: true, counts: { create: 2 }, errors: [] } })
    const other = new Database(db, { readonly: true })
    try {
      expect(other.prepare('SELECT id, name, department FROM people ORDER BY id').all()).toEqual([
        { id: 'E1', name: 'Ani', department: 'Keuangan' },
        { id: 'E2', name: 'Budi', department: 'Gudang' },
      ])
    } finally {
      other.close()
    }
  })
})
