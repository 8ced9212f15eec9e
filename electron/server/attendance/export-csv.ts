/**
 * CSV exports for payroll that open correctly in Excel: UTF-8 with a BOM, CRLF line endings, the
 * separator Excel expects for the language (';' where the decimal mark is a comma, as in Indonesian;
 * ',' otherwise) unless chosen, RFC 4180 quoting, and spreadsheet formula injection neutralised.
 * Times are local date/time text in the rules' zone ('2026-12-02 10:48:48'), hours as h:mm plus
 * decimal hours with the language's mark, the same columns as the XLSX (export-table.ts).
 */
import type { ExportLang } from '../../../src/shared/api/contract'
import { decimalMark, defaultSeparator } from './export-labels'
import { cellText, eventsTable, summaryTable, type ExportEvent, type ExportLabel, type ExportRules, type ExportTable, type TableContext } from './export-table'
import type { DaySummary } from './summary'

export type { ExportEvent, ExportLabel, ExportRules }

export type CsvSeparator = ',' | ';'

const BOM = '\uFEFF'
const CRLF = '\r\n'
/** A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets. */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r'])

/**
 * One CSV field: a leading apostrophe when it would start a formula, then quoted (quotes doubled) when it
 * contains the separator, a quote, CR or LF.
 */
export function csvCell(value: string, separator: CsvSeparator = ','): string {
  const safe = value !== '' && FORMULA_START.has(value[0] as string) ? `'${value}` : value
  const needsQuotes = safe.includes(separator) || /["\r\n]/.test(safe)
  return needsQuotes ? `"${safe.replace(/"/g, '""')}"` : safe
}

export type CsvOptions = { lang: ExportLang; separator?: CsvSeparator }

/** The table as CSV text (BOM, header in the table's language, CRLF after every line). */
export function tableCsv(table: ExportTable, timeZone: string, opts: CsvOptions): string {
  const sep = opts.separator ?? defaultSeparator(opts.lang)
  const dec = decimalMark(opts.lang)
  const lines = [table.columns.map((c) => csvCell(c.header, sep)).join(sep)]
  for (const row of table.rows) {
    // numbers and times are not text a person typed: only text cells can carry a formula start
    lines.push(row.map((c) => (c !== null && c.t === 'text' ? csvCell(c.v, sep) : csvCell(cellText(c, timeZone, dec), sep))).join(sep))
  }
  return BOM + lines.join(CRLF) + CRLF
}

/** Effective events as CSV (see eventsTable); throws HadirError('empty-export') when nothing is left. */
export function attendanceCsv(events: readonly ExportEvent[], ctx: TableContext & { separator?: CsvSeparator }, label: ExportLabel = {}): string {
  return tableCsv(eventsTable(events, ctx, label), ctx.rules.timeZone, ctx)
}

/** Day summaries as CSV (see summaryTable); throws HadirError('empty-export') for none. */
export function summaryCsv(days: readonly DaySummary[], ctx: TableContext & { separator?: CsvSeparator }, label: ExportLabel = {}): string {
  return tableCsv(summaryTable(days, ctx, label), ctx.rules.timeZone, ctx)
}
