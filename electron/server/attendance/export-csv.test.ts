import { describe, expect, it } from 'vitest'
import { errorOf } from '../testing/hadir-error'
import type { ExportLang } from '../../../src/shared/api/contract'
import { attendanceCsv, csvCell, summaryCsv, type CsvSeparator, type ExportEvent } from './export-csv'
import { EXPORT_WORDS } from './export-labels'
import { EVENT_COLUMNS, SUMMARY_COLUMNS } from './export-table'
import { validateRules } from './rules'
import { summarizeDays, type DaySummary } from './summary'

/**
 * Strict RFC 4180 reader: records end with CRLF, fields are separated by `sep`, quoted fields may hold
 * commas, doubled quotes, CR and LF. A bare CR or LF outside quotes, a quote inside an unquoted field or an
 * unterminated quote throws, so a malformed export fails the test.
 */
function parseCsv(text: string, sep: CsvSeparator = ','): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    let field = ''
    if (text[i] === '"') {
      i++
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted field')
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += text[i]
        i++
      }
    } else {
      while (i < n && text[i] !== sep && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`)
        field += text[i]
        i++
      }
    }
    record.push(field)
    if (i >= n) throw new Error('last record does not end with CRLF')
    if (text[i] === sep) {
      i++
      continue
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      records.push(record)
      record = []
      i += 2
      continue
    }
    throw new Error(`bare ${JSON.stringify(text[i])} at ${i}: lines must end with CRLF`)
  }
  if (record.length) throw new Error('trailing partial record')
  return records
}

/** Checks the BOM and returns the records. */
function read(csv: string, sep: CsvSeparator = ','): string[][] {
  expect(csv.charCodeAt(0)).toBe(0xfeff)
  expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  return parseCsv(csv.slice(1), sep)
}

const t = (iso: string): number => Date.parse(iso)
const jakarta = validateRules({ timeZone: 'Asia/Jakarta' })
const en = (rules = jakarta) => ({ rules, lang: 'en' as ExportLang })
const id = (rules = jakarta) => ({ rules, lang: 'id' as ExportLang })
const headers = (lang: ExportLang, keys: readonly (keyof (typeof EXPORT_WORDS)['en'])[]) => keys.map((k) => EXPORT_WORDS[lang][k])
const ev = (over: Partial<ExportEvent> & Pick<ExportEvent, 'personId' | 'personName' | 'direction' | 'at'>): ExportEvent => ({
  source: 'kiosk',
  similarity: 0.81234,
  ...over,
})

describe('the test parser', () => {
  it('rejects what Excel would misread', () => {
    expect(() => parseCsv('a,b\n')).toThrow(/CRLF/)
    expect(() => parseCsv('a,b')).toThrow(/CRLF/)
    expect(() => parseCsv('"a,b\r\n')).toThrow(/unterminated/)
    expect(() => parseCsv('a"b\r\n')).toThrow(/quote/)
    expect(parseCsv('"a,""b""\r\nc",\r\n')).toEqual([['a,"b"\r\nc', '']])
    expect(parseCsv('a;"b;c"\r\n', ';')).toEqual([['a', 'b;c']])
  })
})

describe('csvCell', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('')).toBe('')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('a,b', ';')).toBe('a,b')
    expect(csvCell('a;b', ';')).toBe('"a;b"')
    expect(csvCell('a;b', ',')).toBe('a;b')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"')
  })
  it('neutralises formula starts = + - @ TAB CR with a leading apostrophe', () => {
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell('+62 812')).toBe("'+62 812")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\t=1')).toBe("'\t=1")
    expect(csvCell('\r=1')).toBe('"\'\r=1"')
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"')
    expect(csvCell('a=1')).toBe('a=1')
  })
})

describe('attendanceCsv', () => {
  const events: ExportEvent[] = [
    ev({ id: '3', personId: 'E3', personName: '王小明', direction: 'in', at: t('2026-11-23T08:05:00+07:00') }),
    ev({ id: '1', personId: 'E1', personName: 'Siti Nurhaliza', direction: 'in', at: t('2026-11-22T01:01:05Z'), similarity: 0.9 }),
    ev({ id: '2', personId: 'E2', personName: 'Zoë Ñandú', direction: 'in', at: t('2026-11-23T07:59:00+07:00'), similarity: 0.70049 }),
    ev({
      id: '4',
      personId: 'E1',
      personName: 'Siti Nurhaliza',
      direction: 'out',
      at: t('2026-11-23T17:00:00+07:00'),
      source: 'manual',
      similarity: 0,
      reason: 'forgot to scan, said "sorry"\nsecond line',
      corrects: 'orig-9',
    }),
  ]

  it('English: comma separated, English headers, local date/time text (not ISO), decimal point, oldest first', () => {
    const csv = attendanceCsv(events, { ...en(), departmentOf: (p) => (p === 'E1' ? 'Keuangan' : null) })
    expect(csv.startsWith('\uFEFFEmployee ID,Name,Department,Work day,Direction,Time,Source,Similarity,')).toBe(true)
    expect(csv.endsWith('\r\n')).toBe(true)
    expect(read(csv)).toEqual([
      headers('en', EVENT_COLUMNS),
      ['E1', 'Siti Nurhaliza', 'Keuangan', '2026-11-22', 'In', '2026-11-22 08:01:05', 'Kiosk', '0.900', '', '', 'No', '', ''],
      ['E2', 'Zoë Ñandú', '', '2026-11-23', 'In', '2026-11-23 07:59:00', 'Kiosk', '0.700', '', '', 'No', '', ''],
      ['E3', '王小明', '', '2026-11-23', 'In', '2026-11-23 08:05:00', 'Kiosk', '0.812', '', '', 'No', '', ''],
      ['E1', 'Siti Nurhaliza', 'Keuangan', '2026-11-23', 'Out', '2026-11-23 17:00:00', 'Manual', '', '', '', '', 'forgot to scan, said "sorry"\nsecond line', 'orig-9'],
    ])
  })

  it('Indonesian: semicolon separated (Excel with a decimal comma), Indonesian headers and words, decimal comma', () => {
    const csv = attendanceCsv(events, id())
    expect(csv.startsWith('\uFEFFID karyawan;Nama;Departemen;Hari kerja;Arah;Waktu;Sumber;Kemiripan;')).toBe(true)
    const rows = read(csv, ';')
    expect(rows[0]).toEqual(headers('id', EVENT_COLUMNS))
    expect(rows[1]).toEqual(['E1', 'Siti Nurhaliza', '', '2026-11-22', 'Masuk', '2026-11-22 08:01:05', 'Kiosk', '0,900', '', '', 'Tidak', '', ''])
    expect(rows[4]?.slice(4, 7)).toEqual(['Pulang', '2026-11-23 17:00:00', 'Manual'])
    // every record has the header's number of fields: the file opens as columns, not one column
    for (const r of rows) expect(r).toHaveLength(EVENT_COLUMNS.length)
  })

  it('a chosen separator wins; a decimal comma is then quoted', () => {
    const rows = read(attendanceCsv(events, { ...id(), separator: ',' }), ',')
    expect(rows[1]?.[7]).toBe('0,900')
    expect(attendanceCsv(events, { ...id(), separator: ',' })).toContain(',"0,900",')
    expect(read(attendanceCsv(events, { ...en(), separator: ';' }), ';')[1]?.[7]).toBe('0.900')
  })

  it('marks late arrivals, early leaves and check-ins open past the limit', () => {
    const marks = new Map([
      ['1', { lateMinutes: 21, openPastLimit: true }],
      ['4', { earlyMinutes: 45 }],
    ])
    const rows = read(attendanceCsv(events, { ...en(), marksOf: (i) => marks.get(i) }))
    expect(rows[1]?.slice(8, 11)).toEqual(['21', '', 'Yes'])
    expect(rows[4]?.slice(8, 11)).toEqual(['', '45', ''])
  })

  it('non-ASCII names survive a UTF-8 byte round trip', () => {
    const bytes = Buffer.from(attendanceCsv(events, en()), 'utf8')
    const names = read(bytes.toString('utf8')).slice(1).map((r) => r[1])
    expect(names).toEqual(['Siti Nurhaliza', 'Zoë Ñandú', '王小明', 'Siti Nurhaliza'])
    expect(bytes.includes(Buffer.from('王小明', 'utf8'))).toBe(true)
  })

  it('uses the zone and day boundary of the rules', () => {
    const at = t('2026-11-22T20:30:00Z') // 03:30 in Jakarta, 04:30 in Makassar
    const row = (r: ReturnType<typeof validateRules>) => read(attendanceCsv([ev({ personId: 'E1', personName: 'Ani', direction: 'out', at })], en(r)))[1]
    expect(row(validateRules({ timeZone: 'Asia/Jakarta', dayBoundary: '04:00' }))?.slice(3, 6)).toEqual(['2026-11-22', 'Out', '2026-11-23 03:30:00'])
    expect(row(validateRules({ timeZone: 'Asia/Makassar', dayBoundary: '04:00' }))?.slice(3, 6)).toEqual(['2026-11-23', 'Out', '2026-11-23 04:30:00'])
    expect(row(validateRules({ timeZone: 'Asia/Kolkata' }))?.[5]).toBe('2026-11-23 02:00:00')
    expect(row(validateRules({ timeZone: 'UTC' }))?.[5]).toBe('2026-11-22 20:30:00')
  })

  it('local times stay right across DST (Berlin, the repeated hour)', () => {
    const berlin = validateRules({ timeZone: 'Europe/Berlin' })
    const rows = read(
      attendanceCsv(
        [
          ev({ id: 'a', personId: 'E1', personName: 'Ani', direction: 'in', at: t('2026-10-25T02:30:00+02:00') }),
          ev({ id: 'b', personId: 'E1', personName: 'Ani', direction: 'out', at: t('2026-10-25T02:30:00+01:00') }),
        ],
        en(berlin),
      ),
    )
    expect(rows.slice(1).map((r) => r[5])).toEqual(['2026-10-25 02:30:00', '2026-10-25 02:30:00'])
  })

  it('neutralises formula injection in names, ids and reasons; the text is otherwise kept', () => {
    const evil = [
      ev({ personId: '=cmd|/C calc', personName: '=HYPERLINK("http://evil","click")', direction: 'in', at: 1_000 }),
      ev({ personId: 'E2', personName: '@SUM(1+1)', direction: 'in', at: 2_000, source: 'manual', reason: '+1 day, -2 hours' }),
      ev({ personId: 'E3', personName: '\tTabbed', direction: 'in', at: 3_000, source: 'manual', reason: '\r=1+1' }),
      ev({ personId: 'E4', personName: '-Minus', direction: 'in', at: 4_000 }),
    ]
    const rows = read(attendanceCsv(evil, en())).slice(1)
    expect(rows.map((r) => [r[0], r[1], r[11]])).toEqual([
      ["'=cmd|/C calc", '\'=HYPERLINK("http://evil","click")', ''],
      ['E2', "'@SUM(1+1)", "'+1 day, -2 hours"],
      ['E3', "'\tTabbed", "'\r=1+1"],
      ['E4', "'-Minus", ''],
    ])
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
  })

  it('skips superseded and voided rows', () => {
    const rows = read(
      attendanceCsv(
        [
          ev({ id: 'a', personId: 'E1', personName: 'Ani', direction: 'in', at: 1_000, supersededBy: 'b' }),
          ev({ id: 'b', personId: 'E1', personName: 'Ani', direction: 'in', at: 900, source: 'manual', reason: 'late', corrects: 'a', supersededBy: null }),
          ev({ id: 'c', personId: 'E1', personName: 'Ani', direction: 'out', at: 5_000, voided: true }),
        ],
        en(),
      ),
    )
    expect(rows.slice(1).map((r) => [r[4], r[11], r[12]])).toEqual([['In', 'late', 'a']])
  })

  it('throws empty-export naming the period', () => {
    const e = errorOf(() => attendanceCsv([], en(), { from: '2026-11-01T00:00:00+07:00', to: '2026-11-30' }))
    expect(e.code).toBe('empty-export')
    expect(e.message).toBe('No attendance between 2026-11-01T00:00:00+07:00 and 2026-11-30 matches these filters: nothing to export')
    expect(e.details).toEqual({ from: '2026-11-01T00:00:00+07:00', to: '2026-11-30' })
    const onlyVoided = errorOf(() => attendanceCsv([ev({ personId: 'E1', personName: 'Ani', direction: 'in', at: 1, voided: true })], en()))
    expect(onlyVoided.code).toBe('empty-export')
    expect(onlyVoided.message).toBe('No attendance between the first record and now matches these filters: nothing to export')
  })
})

describe('summaryCsv', () => {
  const H = 3_600_000
  it('one line per person per work day; hours as h:mm and decimal hours of the same whole minutes', () => {
    const rules = validateRules({ timeZone: 'Asia/Jakarta', dayBoundary: '04:00' })
    const days = summarizeDays(
      [
        { personId: 'E2', personName: 'Zoë Ñandú', direction: 'in', at: t('2026-11-22T22:00:00+07:00') },
        { personId: 'E2', personName: 'Zoë Ñandú', direction: 'out', at: t('2026-11-23T03:20:00+07:00') },
        { personId: 'E1', personName: 'Siti Nurhaliza', direction: 'in', at: t('2026-11-22T08:00:00+07:00') },
        { personId: 'E1', personName: 'Siti Nurhaliza', direction: 'out', at: t('2026-11-22T16:20:30+07:00') },
        { personId: 'E3', personName: '王小明', direction: 'in', at: t('2026-11-23T09:00:00+07:00') },
        // 1 min 10 s: the screen shows 0:01, so does the file (0.02 h), not 0.02 next to 0:01 by chance
        { personId: 'E4', personName: 'Budi', direction: 'in', at: t('2026-11-23T10:00:00+07:00') },
        { personId: 'E4', personName: 'Budi', direction: 'out', at: t('2026-11-23T10:01:10+07:00') },
      ],
      rules,
    )
    const csv = summaryCsv(days, en(rules))
    expect(read(csv)).toEqual([
      headers('en', SUMMARY_COLUMNS),
      ['E1', 'Siti Nurhaliza', '', '2026-11-22', '', '2026-11-22 08:00:00', '2026-11-22 16:20:30', '8:20', '8.33', '2', '', '', 'No', 'No'],
      ['E2', 'Zoë Ñandú', '', '2026-11-22', '', '2026-11-22 22:00:00', '2026-11-23 03:20:00', '5:20', '5.33', '2', '', '', 'No', 'No'],
      ['E4', 'Budi', '', '2026-11-23', '', '2026-11-23 10:00:00', '2026-11-23 10:01:10', '0:01', '0.02', '2', '', '', 'No', 'No'],
      ['E3', '王小明', '', '2026-11-23', '', '2026-11-23 09:00:00', '', '0:00', '0.00', '1', '', '', 'Yes', 'No'],
    ])
    const idRows = read(summaryCsv(days, id(rules)), ';')
    expect(idRows[0]).toEqual(headers('id', SUMMARY_COLUMNS))
    expect(idRows[1]?.slice(7, 9)).toEqual(['8:20', '8,33'])
    expect(idRows[4]?.[12]).toBe('Ya')
  })

  it('shows the schedule, late and early minutes and the open-check-in flag', () => {
    const day: DaySummary = {
      personId: 'E1',
      personName: 'Ani',
      day: '2026-11-23',
      firstIn: t('2026-11-23T08:21:00+07:00'),
      lastOut: t('2026-11-23T16:15:00+07:00'),
      workedMs: 7 * H + 54 * 60_000,
      events: 2,
      incomplete: false,
      schedule: { start: '08:00', end: '17:00', toleranceMin: 10, days: [1, 2, 3, 4, 5] },
      lateMinutes: 21,
      earlyMinutes: 45,
      openPastLimit: true,
    }
    expect(read(summaryCsv([day], en()))[1]).toEqual(['E1', 'Ani', '', '2026-11-23', '08:00–17:00', '2026-11-23 08:21:00', '2026-11-23 16:15:00', '7:54', '7.90', '2', '21', '45', 'No', 'Yes'])
  })

  it('the true hours of a 25-hour DST day', () => {
    const rules = validateRules({ timeZone: 'Europe/Berlin' })
    const day: DaySummary = {
      personId: 'E1',
      personName: 'Ani',
      day: '2026-10-25',
      firstIn: t('2026-10-25T00:30:00+02:00'),
      lastOut: t('2026-10-25T23:30:00+01:00'),
      workedMs: 24 * H,
      events: 2,
      incomplete: false,
    }
    expect(read(summaryCsv([day], en(rules)))[1]?.slice(5, 9)).toEqual(['2026-10-25 00:30:00', '2026-10-25 23:30:00', '24:00', '24.00'])
  })

  it('sorts by day then name and neutralises injected names', () => {
    const base = { firstIn: null, lastOut: null, workedMs: 0, events: 1, incomplete: true }
    const rows = read(
      summaryCsv(
        [
          { ...base, personId: 'E2', personName: 'budi', day: '2026-11-23' },
          { ...base, personId: 'E1', personName: '=1+2', day: '2026-11-23' },
          { ...base, personId: 'E3', personName: 'Ani', day: '2026-11-22' },
        ],
        en(),
      ),
    ).slice(1)
    expect(rows.map((r) => [r[3], r[1]])).toEqual([
      ['2026-11-22', 'Ani'],
      ['2026-11-23', "'=1+2"],
      ['2026-11-23', 'budi'],
    ])
  })

  it('throws empty-export for no days', () => {
    const e = errorOf(() => summaryCsv([], en(), { from: '2026-11-01', to: '2026-11-30' }))
    expect(e.code).toBe('empty-export')
    expect(e.message).toBe('No attendance between 2026-11-01 and 2026-11-30 matches these filters: nothing to export')
  })
})

describe('export words', () => {
  it('both languages have every word, and the headers differ by language', () => {
    expect(Object.keys(EXPORT_WORDS.id).sort()).toEqual(Object.keys(EXPORT_WORDS.en).sort())
    for (const [k, v] of Object.entries(EXPORT_WORDS.id)) expect(v, k).not.toBe('')
    expect(headers('id', EVENT_COLUMNS)).not.toEqual(headers('en', EVENT_COLUMNS))
  })
})
