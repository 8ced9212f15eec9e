/**
 * People from a roster file: .csv (csv-parse; UTF-8 with or without BOM, else Windows-1252 as Excel
 * writes "CSV" on Windows; ';', ',' or TAB found from the header line) or .xlsx (exceljs, the first
 * worksheet). Columns are found by their header in Indonesian or English (id, name, department).
 *
 * All or nothing: every row is checked first; with any error row nothing is written and the report says
 * which rows and why, so an office fixes the file and tries again. Otherwise every row is written in one
 * transaction (new people created active, changed names or departments updated, each audited); people
 * missing from the file are left as they are.
 */
import { gunzipSync } from 'node:zlib'
import type { Database } from 'better-sqlite3'
import { parse as parseCsv } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import type { RosterProblem, RosterReport, RosterRowReport } from '../../../src/shared/api/contract'
import { HadirError } from '../../../src/shared/api/result'
import { withDbErrors } from '../db/sqlite'
import { appendAudit } from '../store/audit-log'
import { MAX_DEPARTMENT_CHARS, MAX_PERSON_ID_CHARS, MAX_PERSON_NAME_CHARS } from '../store/people-store'

/** Largest roster file, bytes (after gunzip): 8 MB, far above 20,000 rows. */
export const MAX_ROSTER_BYTES = 8 * 1024 * 1024
/** Most data rows in one roster. */
export const MAX_ROSTER_ROWS = 50_000
/** Largest declared size of the parts inside an .xlsx (guards against a zip that unpacks to gigabytes). */
export const MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024

type Table = { rows: { line: number; cells: string[] }[]; format: 'csv' | 'xlsx'; separator: RosterReport['separator']; encoding: RosterReport['encoding'] }

/** Header words folded: lower case, accents dropped, punctuation as spaces. */
const fold = (s: string): string =>
  s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

/** Header names per column, folded (Indonesian and English, and the exports' own headers). */
const HEADERS: Record<'id' | 'name' | 'department', readonly string[]> = {
  id: ['id', 'employee id', 'employeeid', 'emp id', 'staff id', 'id karyawan', 'id pegawai', 'nik', 'nip', 'no karyawan', 'nomor karyawan', 'nomor induk karyawan', 'kode karyawan', 'kode', 'person id', 'badge'],
  name: ['name', 'full name', 'employee name', 'nama', 'nama lengkap', 'nama karyawan', 'nama pegawai'],
  department: ['department', 'dept', 'departemen', 'bagian', 'divisi', 'division', 'unit', 'team', 'tim', 'unit kerja'],
}

const fail = (code: 'roster-unreadable' | 'roster-columns' | 'file-too-large', message: string, details?: Record<string, string | number>): HadirError =>
  new HadirError(code, message, details)

/** The file's bytes from the call: base64, gunzipped when `encoding` is 'gzip', within MAX_ROSTER_BYTES. */
export function rosterBytes(data: string, encoding?: 'gzip'): Buffer {
  const raw = Buffer.from(data, 'base64')
  if (encoding !== 'gzip') {
    if (raw.length > MAX_ROSTER_BYTES) throw fail('file-too-large', `The roster file is larger than ${MAX_ROSTER_BYTES / 1024 / 1024} MB`, { limit: MAX_ROSTER_BYTES })
    return raw
  }
  try {
    return gunzipSync(raw, { maxOutputLength: MAX_ROSTER_BYTES })
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|maxOutputLength/.test(String(err))) {
      throw fail('file-too-large', `The roster file is larger than ${MAX_ROSTER_BYTES / 1024 / 1024} MB`, { limit: MAX_ROSTER_BYTES })
    }
    throw fail('roster-unreadable', 'The roster data is not valid gzip')
  }
}

const isZip = (b: Buffer): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04

/**
 * Sum of the uncompressed sizes the zip's central directory declares. Read before exceljs unpacks
 * anything, so a small file that would unpack to gigabytes is refused.
 */
function declaredUnpackedBytes(b: Buffer): number {
  // end of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65_557); i--) {
    if (b.readUInt32LE(i) !== 0x06054b50) continue
    const entries = b.readUInt16LE(i + 10)
    let p = b.readUInt32LE(i + 16)
    let total = 0
    for (let n = 0; n < entries; n++) {
      if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) throw fail('roster-unreadable', 'The .xlsx file is damaged (its zip directory cannot be read)')
      const size = b.readUInt32LE(p + 24)
      // ZIP64 entries declare 0xFFFFFFFF here: far beyond the limit in any case
      total += size
      p += 46 + b.readUInt16LE(p + 28) + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32)
    }
    return total
  }
  throw fail('roster-unreadable', 'The .xlsx file is damaged (no zip directory)')
}

function decodeText(b: Buffer): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(b), encoding: 'utf-8' }
  } catch {
    // not UTF-8: Excel's "CSV" on Windows writes the ANSI code page
    return { text: new TextDecoder('windows-1252').decode(b), encoding: 'windows-1252' }
  }
}

/** The separator of the header line: the most frequent of ';', ',' and TAB outside quotes (',' on a tie). */
function findSeparator(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 }
  let quoted = false
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && (ch === '\n' || ch === '\r')) break
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';'
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t'
  return ','
}

function csvTable(bytes: Buffer): Table {
  const { text, encoding } = decodeText(bytes)
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  // Excel's own hint line, 'sep=;', names the separator
  const hint = /^sep=([;,\t])\r?\n/i.exec(body)
  if (hint) body = body.slice(hint[0].length)
  const separator = hint ? (hint[1] as ',' | ';' | '\t') : findSeparator(body)
  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parseCsv(body, { delimiter: separator, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }) as unknown as typeof records
  } catch (err) {
    throw fail('roster-unreadable', `The CSV file cannot be read: ${(err as Error).message}`)
  }
  return { rows: records.map((r) => ({ line: r.info.lines, cells: r.record })), format: 'csv', separator, encoding }
}

/** A cell's text as the spreadsheet shows it (numbers as typed, rich text joined, formulas' results). */
function xlsxCellText(cell: ExcelJS.Cell): string {
  const v = cell.value
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('')
  if (typeof v === 'object' && 'result' in v) return v.result === undefined || v.result === null ? '' : String(v.result)
  if (typeof v === 'object' && 'text' in v) return String(v.text)
  return cell.text
}

async function xlsxTable(bytes: Buffer): Promise<Table> {
  if (declaredUnpackedBytes(bytes) > MAX_XLSX_UNPACKED_BYTES) {
    throw fail('file-too-large', `The .xlsx file unpacks to more than ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MB`, { limit: MAX_XLSX_UNPACKED_BYTES })
  }
  const wb = new ExcelJS.Workbook()
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch (err) {
    throw fail('roster-unreadable', `The .xlsx file cannot be read: ${(err as Error).message}`)
  }
  const ws = wb.worksheets[0]
  if (!ws) throw fail('roster-unreadable', 'The .xlsx file has no worksheet')
  const rows: Table['rows'] = []
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = []
    for (let c = 1; c <= row.cellCount; c++) cells.push(xlsxCellText(row.getCell(c)))
    rows.push({ line, cells })
  })
  return { rows, format: 'xlsx', separator: null, encoding: null }
}

/** Reads a roster file into rows of cell texts (CSV or XLSX, by content, not by name). */
export async function readRosterTable(bytes: Buffer): Promise<Table> {
  if (bytes.length === 0) throw fail('roster-unreadable', 'The roster file is empty')
  return isZip(bytes) ? xlsxTable(bytes) : csvTable(bytes)
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
const chars = (s: string): number => [...s].length

export type RosterEntry = { line: number; id: string; name: string; department: string | null; problem?: RosterProblem; duplicateOf?: number }

/**
 * The header row (the first non-empty row) mapped to columns, then every data row checked: id and name
 * present, within the people table's limits, no control characters, no id twice in the file (the second
 * and later rows are the errors, naming the first). Empty rows are skipped. Throws 'roster-columns'
 * when no id or name column is found, 'file-too-large' past MAX_ROSTER_ROWS.
 */
export function rosterEntries(table: Table): { entries: RosterEntry[]; columns: RosterReport['columns'] } {
  const [header, ...data] = table.rows
  if (!header) throw fail('roster-columns', 'The roster file has no header row: the first line must name the columns (id, name, department)')
  const folded = header.cells.map((c) => fold(c.replace(/^\uFEFF/, '')))
  const find = (k: keyof typeof HEADERS): number => folded.findIndex((h) => HEADERS[k].includes(h))
  const idCol = find('id')
  const nameCol = find('name')
  const depCol = find('department')
  if (idCol < 0 || nameCol < 0 || idCol === nameCol) {
    const missing = [idCol < 0 ? 'id (ID karyawan / Employee ID)' : null, nameCol < 0 ? 'name (Nama / Name)' : null].filter(Boolean).join(' and ')
    throw fail('roster-columns', `The roster's header row has no ${missing} column; found: ${header.cells.map((c) => JSON.stringify(c)).join(', ')}`, {
      header: header.cells.join(' | ').slice(0, 300),
    })
  }
  const nonEmpty = data.filter((r) => r.cells.some((c) => c.trim() !== ''))
  if (nonEmpty.length > MAX_ROSTER_ROWS) throw fail('file-too-large', `The roster has ${nonEmpty.length} rows; at most ${MAX_ROSTER_ROWS} can be imported at once`, { limit: MAX_ROSTER_ROWS, rows: nonEmpty.length })

  const firstLine = new Map<string, number>()
  const entries = nonEmpty.map((r): RosterEntry => {
    const cell = (i: number) => (i >= 0 ? (r.cells[i] ?? '').trim() : '')
    const id = cell(idCol)
    const name = cell(nameCol)
    const depText = cell(depCol)
    const e: RosterEntry = { line: r.line, id, name, department: depText === '' ? null : depText }
    const problem: RosterProblem | null =
      id === ''
        ? 'missing-id'
        : name === ''
          ? 'missing-name'
          : chars(id) > MAX_PERSON_ID_CHARS
            ? 'id-too-long'
            : chars(name) > MAX_PERSON_NAME_CHARS
              ? 'name-too-long'
              : depText !== '' && chars(depText) > MAX_DEPARTMENT_CHARS
                ? 'department-too-long'
                : CONTROL.test(id) || CONTROL.test(name) || CONTROL.test(depText)
                  ? 'control-chars'
                  : null
    if (problem) return { ...e, problem }
    const seen = firstLine.get(id)
    if (seen !== undefined) return { ...e, problem: 'duplicate-id', duplicateOf: seen }
    firstLine.set(id, r.line)
    return e
  })
  return { entries, columns: { id: header.cells[idCol] as string, name: header.cells[nameCol] as string, department: depCol >= 0 ? (header.cells[depCol] as string) : null } }
}

export type RosterCtx = { now: number; actor: string; dryRun?: boolean }

/**
 * Checks the roster against the people table and, when every row is valid and this is not a dry run,
 * writes it in one transaction (one audit row per person changed, plus one 'people.import-roster').
 * A department column that is absent leaves departments as they are; an empty cell clears it.
 */
export function applyRoster(db: Database, table: Table, ctx: RosterCtx): RosterReport {
  const { entries, columns } = rosterEntries(table)
  const hasDepartment = columns.department !== null
  const existing = new Map<string, { name: string; department: string | null }>()
  const select = db.prepare('SELECT id, name, department FROM people')
  for (const p of select.iterate() as Iterable<{ id: string; name: string; department: string | null }>) existing.set(p.id, { name: p.name, department: p.department })

  const rows: RosterRowReport[] = entries.map((e) => {
    const base = { line: e.line, id: e.id, name: e.name, department: e.department }
    if (e.problem) return { ...base, status: 'error', problem: e.problem, ...(e.duplicateOf !== undefined ? { duplicateOf: e.duplicateOf } : {}) }
    const old = existing.get(e.id)
    if (!old) return { ...base, status: 'create' }
    const same = old.name === e.name && (!hasDepartment || old.department === e.department)
    return { ...base, status: same ? 'unchanged' : 'update' }
  })
  const count = (s: RosterRowReport['status']) => rows.filter((r) => r.status === s).length
  const counts = { rows: rows.length, create: count('create'), update: count('update'), unchanged: count('unchanged'), errors: count('error') }
  const report: RosterReport = { applied: false, dryRun: ctx.dryRun === true, format: table.format, separator: table.separator, encoding: table.encoding, columns, counts, rows }
  if (counts.errors > 0 || ctx.dryRun || rows.length === 0) return report

  withDbErrors(() =>
    db.transaction(() => {
      const insert = db.prepare('INSERT INTO people (id, name, department, active, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)')
      const update = db.prepare('UPDATE people SET name = ?, department = ?, updated_at = ? WHERE id = ?')
      for (const r of rows) {
        if (r.status === 'create') {
          insert.run(r.id, r.name, r.department, ctx.now, ctx.now)
          appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'person.create', subject: r.id, details: { name: r.name, department: r.department, via: 'roster' } })
        } else if (r.status === 'update') {
          const old = existing.get(r.id) as { name: string; department: string | null }
          const department = hasDepartment ? r.department : old.department
          update.run(r.name, department, ctx.now, r.id)
          appendAudit(db, {
            at: ctx.now,
            actor: ctx.actor,
            action: 'person.update',
            subject: r.id,
            details: { from: { name: old.name, department: old.department }, to: { name: r.name, department }, via: 'roster' },
          })
        }
      }
      appendAudit(db, { at: ctx.now, actor: ctx.actor, action: 'people.import-roster', subject: null, details: { ...counts, format: table.format } })
    })(),
  )
  return { ...report, applied: true }
}
