/**
 * XLSX exports with exceljs (its streaming writer: rows are serialised as they are added, so a large
 * range does not hold a cell object per value). Cells are typed: dates and times are real date cells
 * holding the office's wall-clock time in the rules' zone (spreadsheets have no zones), hours are a
 * duration shown as `[h]:mm`, similarity and decimal hours are numbers. Headers are bold, frozen and
 * filterable. Same columns as the CSV (export-table.ts).
 */
import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import { wallClockDate } from './rules'
import type { Cell, ExportTable } from './export-table'

/** The media type of .xlsx files. */
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Number formats by cell type (Excel format codes; not locale-dependent). */
export const XLSX_FORMATS = {
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
  duration: '[h]:mm',
  int: '0',
} as const

const numberFormat = (decimals: number): string => (decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0')

function dateOfDay(ymd: string): Date {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d))
}

function cellValue(c: Cell, timeZone: string): { value: ExcelJS.CellValue; numFmt?: string } {
  if (c === null) return { value: null }
  switch (c.t) {
    case 'text':
      return { value: c.v }
    case 'date':
      return { value: dateOfDay(c.v), numFmt: XLSX_FORMATS.date }
    case 'datetime':
      return { value: wallClockDate(c.v, timeZone), numFmt: XLSX_FORMATS.datetime }
    case 'duration':
      // Excel durations are fractions of a day
      return { value: c.minutes / 1440, numFmt: XLSX_FORMATS.duration }
    case 'number':
      return { value: c.v, numFmt: numberFormat(c.decimals) }
    case 'int':
      return { value: c.v, numFmt: XLSX_FORMATS.int }
  }
}

/** The table as an .xlsx file (one worksheet named after the table); `created` (epoch ms) for the file's properties. */
export async function tableXlsx(table: ExportTable, timeZone: string, opts: { created?: number } = {}): Promise<Buffer> {
  const stream = new PassThrough()
  const chunks: Buffer[] = []
  stream.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve)
    stream.on('error', reject)
  })
  const created = new Date(opts.created ?? Date.now())
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false, created, modified: created } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookWriter>[0])
  wb.creator = 'Hadir'
  const ws = wb.addWorksheet(table.sheet, { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = table.columns.map((c) => ({ header: c.header, key: c.key, width: c.width }))
  ws.getRow(1).font = { bold: true }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } }
  ws.getRow(1).commit()
  for (const cells of table.rows) {
    const row = ws.addRow([])
    cells.forEach((c, i) => {
      if (c === null) return
      const { value, numFmt } = cellValue(c, timeZone)
      const cell = row.getCell(i + 1)
      cell.value = value
      if (numFmt) cell.numFmt = numFmt
    })
    row.commit()
  }
  ws.commit()
  // the writer ends the stream when the workbook is complete
  await wb.commit()
  await done
  return Buffer.concat(chunks)
}
