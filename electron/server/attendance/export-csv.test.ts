import { describe, expect, it } from 'vitest'
import { HadirError } from '../../../src/shared/api/result'
import { attendanceCsv, csvCell, EVENT_CSV_COLUMNS, summaryCsv, SUMMARY_CSV_COLUMNS, type ExportEvent } from './export-csv'
import { validateRules } from './rules'
import { summarizeDays, type DaySummary } from './summary'

/**
 * Strict RFC 4180 reader: records end with CRLF, fields are separated by commas, quoted fields may hold
 * commas, doubled quotes, CR and LF. A bare CR or LF outside quotes, a quote inside an unquoted field or an
 * unterminated quote throws, so a malformed export fails the test.
 */
function parseCsv(text: string): string[][] {
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
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`)
        field += text[i]
        i++
      }
    }
    record.push(field)
    if (i >= n) throw new Error('last record does not end with CRLF')
    if (text[i] === ',') {
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
function read(csv: string): string[][] {
  expect(csv.charCodeAt(0)).toBe(0xfeff)
  expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  return parseCsv(csv.slice(1))
}

function errorOf(fn: () => unknown): HadirError {
  try {
    fn()
  } catch (e) {
    if (e instanceof HadirError) return e
    throw e
  }
  throw new Error('expected a HadirError')
}

const t = (iso: string): number => Date.parse(iso)
const jakarta = validateRules({ timeZone: 'Asia/Jakarta' })
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
  })
})

describe('csvCell', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('')).toBe('')
    expect(csvCell('a,b')).toBe('"a,b"')
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

  it('writes a BOM, a header and one CRLF line per event, oldest first, with local ISO times and work days', () => {
    const csv = attendanceCsv(events, jakarta)
    expect(csv.startsWith('\uFEFFemployee_id,name,work_day,direction,time,source,similarity,reason,corrects\r\n')).toBe(true)
    expect(csv.endsWith('\r\n')).toBe(true)
    expect(read(csv)).toEqual([
      [...EVENT_CSV_COLUMNS],
      ['E1', 'Siti Nurhaliza', '2026-11-22', 'in', '2026-11-22T08:01:05+07:00', 'kiosk', '0.900', '', ''],
      ['E2', 'Zoë Ñandú', '2026-11-23', 'in', '2026-11-23T07:59:00+07:00', 'kiosk', '0.700', '', ''],
      ['E3', '王小明', '2026-11-23', 'in', '2026-11-23T08:05:00+07:00', 'kiosk', '0.812', '', ''],
      ['E1', 'Siti Nurhaliza', '2026-11-23', 'out', '2026-11-23T17:00:00+07:00', 'manual', '', 'forgot to scan, said "sorry"\nsecond line', 'orig-9'],
    ])
  })

  it('non-ASCII names survive a UTF-8 byte round trip', () => {
    const bytes = Buffer.from(attendanceCsv(events, jakarta), 'utf8')
    const names = read(bytes.toString('utf8')).slice(1).map((r) => r[1])
    expect(names).toEqual(['Siti Nurhaliza', 'Zoë Ñandú', '王小明', 'Siti Nurhaliza'])
    expect(bytes.includes(Buffer.from('王小明', 'utf8'))).toBe(true)
  })

  it('uses the zone and day boundary of the rules', () => {
    const at = t('2026-11-22T20:30:00Z') // 03:30 in Jakarta, 04:30 in Makassar
    const row = (r: ReturnType<typeof validateRules>) => read(attendanceCsv([ev({ personId: 'E1', personName: 'Ani', direction: 'out', at })], r))[1]
    expect(row(validateRules({ timeZone: 'Asia/Jakarta', dayBoundary: '04:00' }))?.slice(2, 5)).toEqual(['2026-11-22', 'out', '2026-11-23T03:30:00+07:00'])
    expect(row(validateRules({ timeZone: 'Asia/Makassar', dayBoundary: '04:00' }))?.slice(2, 5)).toEqual(['2026-11-23', 'out', '2026-11-23T04:30:00+08:00'])
    expect(row(validateRules({ timeZone: 'Asia/Kolkata' }))?.[4]).toBe('2026-11-23T02:00:00+05:30')
    expect(row(validateRules({ timeZone: 'UTC' }))?.[4]).toBe('2026-11-22T20:30:00+00:00')
  })

  it('neutralises formula injection in names, ids and reasons; the text is otherwise kept', () => {
    const evil = [
      ev({ personId: '=cmd|/C calc', personName: '=HYPERLINK("http://evil","click")', direction: 'in', at: 1_000 }),
      ev({ personId: 'E2', personName: '@SUM(1+1)', direction: 'in', at: 2_000, source: 'manual', reason: '+1 day, -2 hours' }),
      ev({ personId: 'E3', personName: '\tTabbed', direction: 'in', at: 3_000, source: 'manual', reason: '\r=1+1' }),
      ev({ personId: 'E4', personName: '-Minus', direction: 'in', at: 4_000 }),
    ]
    const rows = read(attendanceCsv(evil, jakarta)).slice(1)
    expect(rows.map((r) => [r[0], r[1], r[7]])).toEqual([
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
        jakarta,
      ),
    )
    expect(rows.slice(1).map((r) => [r[3], r[7], r[8]])).toEqual([['in', 'late', 'a']])
  })

  it('throws empty-export naming the period', () => {
    const e = errorOf(() => attendanceCsv([], jakarta, { from: t('2026-11-01T00:00:00+07:00'), to: '2026-11-30' }))
    expect(e.code).toBe('empty-export')
    expect(e.message).toBe('No attendance between 2026-11-01T00:00:00+07:00 and 2026-11-30 matches these filters: nothing to export')
    expect(e.details).toEqual({ from: '2026-11-01T00:00:00+07:00', to: '2026-11-30' })
    const onlyVoided = errorOf(() => attendanceCsv([ev({ personId: 'E1', personName: 'Ani', direction: 'in', at: 1, voided: true })], jakarta))
    expect(onlyVoided.code).toBe('empty-export')
    expect(onlyVoided.message).toBe('No attendance between the first record and now matches these filters: nothing to export')
  })
})

describe('summaryCsv', () => {
  const H = 3_600_000
  it('writes one line per person per work day with decimal hours', () => {
    const rules = validateRules({ timeZone: 'Asia/Jakarta', dayBoundary: '04:00' })
    const days = summarizeDays(
      [
        { personId: 'E2', personName: 'Zoë Ñandú', direction: 'in', at: t('2026-11-22T22:00:00+07:00') },
        { personId: 'E2', personName: 'Zoë Ñandú', direction: 'out', at: t('2026-11-23T03:20:00+07:00') },
        { personId: 'E1', personName: 'Siti Nurhaliza', direction: 'in', at: t('2026-11-22T08:00:00+07:00') },
        { personId: 'E1', personName: 'Siti Nurhaliza', direction: 'out', at: t('2026-11-22T16:20:30+07:00') },
        { personId: 'E3', personName: '王小明', direction: 'in', at: t('2026-11-23T09:00:00+07:00') },
      ],
      rules,
    )
    const csv = summaryCsv(days, rules)
    expect(csv.startsWith('\uFEFFemployee_id,name,work_day,first_in,last_out,hours,events,incomplete\r\n')).toBe(true)
    expect(read(csv)).toEqual([
      [...SUMMARY_CSV_COLUMNS],
      ['E1', 'Siti Nurhaliza', '2026-11-22', '2026-11-22T08:00:00+07:00', '2026-11-22T16:20:30+07:00', '8.34', '2', 'no'],
      ['E2', 'Zoë Ñandú', '2026-11-22', '2026-11-22T22:00:00+07:00', '2026-11-23T03:20:00+07:00', '5.33', '2', 'no'],
      ['E3', '王小明', '2026-11-23', '2026-11-23T09:00:00+07:00', '', '0.00', '1', 'yes'],
    ])
  })

  it('shows DST offsets and the true hours of a 25-hour day', () => {
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
    expect(read(summaryCsv([day], rules))[1]).toEqual(['E1', 'Ani', '2026-10-25', '2026-10-25T00:30:00+02:00', '2026-10-25T23:30:00+01:00', '24.00', '2', 'no'])
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
        jakarta,
      ),
    ).slice(1)
    expect(rows.map((r) => [r[2], r[1]])).toEqual([
      ['2026-11-22', 'Ani'],
      ['2026-11-23', "'=1+2"],
      ['2026-11-23', 'budi'],
    ])
  })

  it('throws empty-export for no days', () => {
    const e = errorOf(() => summaryCsv([], jakarta, { from: '2026-11-01', to: '2026-11-30' }))
    expect(e.code).toBe('empty-export')
    expect(e.message).toBe('No attendance between 2026-11-01 and 2026-11-30 matches these filters: nothing to export')
  })
})
