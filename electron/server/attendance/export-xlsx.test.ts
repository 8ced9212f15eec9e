import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { EXPORT_WORDS } from './export-labels'
import { EVENT_COLUMNS, eventsTable, SUMMARY_COLUMNS, summaryTable, type ExportEvent } from './export-table'
import { tableXlsx, XLSX_FORMATS } from './export-xlsx'
import { attendanceCsv, summaryCsv } from './export-csv'
import { validateRules } from './rules'
import { summarizeDays } from './summary'

const t = (iso: string): number => Date.parse(iso)
const jakarta = validateRules({ timeZone: 'Asia/Jakarta' })
/** Excel's serial-day epoch as exceljs reads it back (1899-12-30 UTC). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30)

async function load(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(buf as unknown as ArrayBuffer)
  const ws = wb.worksheets[0]
  if (!ws) throw new Error('no worksheet')
  return ws
}

const events: ExportEvent[] = [
  { id: 'a', personId: '007', personName: 'Siti Nurhaliza', direction: 'in', at: t('2026-11-23T08:21:05+07:00'), source: 'kiosk', similarity: 0.87345 },
  { id: 'b', personId: '007', personName: 'Siti Nurhaliza', direction: 'out', at: t('2026-11-23T16:30:00+07:00'), source: 'manual', similarity: 0, reason: '=forgot' },
]

describe('xlsx export', () => {
  it('events: typed cells read back by exceljs — text ids, date and time cells in the office zone, numbers', async () => {
    const table = eventsTable(events, { rules: jakarta, lang: 'en', departmentOf: () => 'Keuangan', marksOf: (id) => (id === 'a' ? { lateMinutes: 21 } : undefined) })
    const ws = await load(await tableXlsx(table, jakarta.timeZone))
    expect(ws.name).toBe('Attendance')
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(EVENT_COLUMNS.map((k) => EXPORT_WORDS.en[k]))
    expect(ws.getRow(1).font?.bold).toBe(true)
    expect(ws.rowCount).toBe(3)
    const r = ws.getRow(2)
    // the id stays text: '007' is not turned into the number 7
    expect(r.getCell(1).type).toBe(ExcelJS.ValueType.String)
    expect(r.getCell(1).value).toBe('007')
    expect(r.getCell(3).value).toBe('Keuangan')
    const day = r.getCell(4)
    expect(day.type).toBe(ExcelJS.ValueType.Date)
    expect(day.value).toEqual(new Date(Date.UTC(2026, 10, 23)))
    expect(day.numFmt).toBe(XLSX_FORMATS.date)
    const time = r.getCell(6)
    expect(time.type).toBe(ExcelJS.ValueType.Date)
    // the wall clock in Jakarta (08:21:05), not UTC (01:21:05): a spreadsheet date has no zone
    expect(time.value).toEqual(new Date(Date.UTC(2026, 10, 23, 8, 21, 5)))
    expect(time.numFmt).toBe(XLSX_FORMATS.datetime)
    expect(r.getCell(5).value).toBe('In')
    const sim = r.getCell(8)
    expect(sim.type).toBe(ExcelJS.ValueType.Number)
    expect(sim.value).toBeCloseTo(0.87345, 10)
    expect(sim.numFmt).toBe('0.000')
    expect(r.getCell(9).type).toBe(ExcelJS.ValueType.Number)
    expect(r.getCell(9).value).toBe(21)
    expect(r.getCell(10).type).toBe(ExcelJS.ValueType.Null)
    const out = ws.getRow(3)
    expect(out.getCell(8).type).toBe(ExcelJS.ValueType.Null) // manual: no similarity
    // a string cell is never a formula in xlsx, so it is kept as typed
    expect(out.getCell(12).type).toBe(ExcelJS.ValueType.String)
    expect(out.getCell(12).value).toBe('=forgot')
  })

  it('summary: hours as an [h]:mm duration (23 h on the 25-hour DST day) and decimal hours, Indonesian headers', async () => {
    const berlin = validateRules({ timeZone: 'Europe/Berlin', openLimitMs: 24 * 3600_000 })
    const days = summarizeDays(
      [
        { id: 'x', personId: 'E1', personName: 'Ani', direction: 'in', at: t('2026-10-25T00:30:00+02:00') },
        { id: 'y', personId: 'E1', personName: 'Ani', direction: 'out', at: t('2026-10-25T22:40:30+01:00') },
      ],
      berlin,
    )
    const ws = await load(await tableXlsx(summaryTable(days, { rules: berlin, lang: 'id' }), berlin.timeZone))
    expect(ws.name).toBe('Ringkasan')
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(SUMMARY_COLUMNS.map((k) => EXPORT_WORDS.id[k]))
    const r = ws.getRow(2)
    // first in 00:30 CEST, last out 22:40:30 CET on the 25-hour day: both wall-clock times
    expect(r.getCell(6).value).toEqual(new Date(Date.UTC(2026, 9, 25, 0, 30, 0)))
    expect(r.getCell(7).value).toEqual(new Date(Date.UTC(2026, 9, 25, 22, 40, 30)))
    const hours = r.getCell(8)
    expect(hours.numFmt).toBe('[h]:mm')
    // exceljs reads a duration-formatted number back as a date from Excel's epoch: 23 h 10 min (30 s dropped, as on screen)
    expect(hours.type).toBe(ExcelJS.ValueType.Date)
    const minutes = Math.round(((hours.value as Date).getTime() - EXCEL_EPOCH) / 60_000)
    expect(minutes).toBe(23 * 60 + 10)
    expect(r.getCell(9).type).toBe(ExcelJS.ValueType.Number)
    expect(r.getCell(9).value).toBe(23.17)
    expect(r.getCell(10).value).toBe(2)
    expect(r.getCell(13).value).toBe('Tidak')
  })

  it('has the same columns and rows as the CSV', async () => {
    const ctx = { rules: jakarta, lang: 'id' as const }
    const ws = await load(await tableXlsx(eventsTable(events, ctx), jakarta.timeZone))
    const csvLines = attendanceCsv(events, ctx).slice(1).split('\r\n').filter(Boolean)
    expect(csvLines[0]?.split(';')).toEqual((ws.getRow(1).values as unknown[]).slice(1))
    expect(ws.rowCount).toBe(csvLines.length)
    const days = summarizeDays(events, jakarta)
    const ws2 = await load(await tableXlsx(summaryTable(days, ctx), jakarta.timeZone))
    expect(summaryCsv(days, ctx).slice(1).split('\r\n')[0]?.split(';')).toEqual((ws2.getRow(1).values as unknown[]).slice(1))
  })
})
