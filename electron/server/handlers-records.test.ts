import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database as Db } from 'better-sqlite3'
import type { ApiArgs, ApiData, ApiMethod } from '../../src/shared/api/contract'
import type { ApiResult } from '../../src/shared/api/result'
import { openDb } from './db/open-db'
import { dispatch } from './dispatch'
import { createHandlers, type ServerHandlers } from './handlers'
import { FaceIndex } from './recognition/face-index'
import { newDataKey } from './secrets/data-key'
import { bindDataKey } from './secrets/store-key'
import { fakeClock, TEST_MODEL, testHostInfo, testRecognition } from './testing/fixtures'

/**
 * Records HR can use, through the real dispatcher on a real SQLite file: schedules mark late arrivals
 * and early leaves in the list, the summary and both exports; a check-in left open is flagged.
 */
const TZ = 'Asia/Jakarta'
const at = (local: string): number => Date.parse(`${local}+07:00`)
const H = 3_600_000

let dir: string
let file: string
let db: Db
let handlers: ServerHandlers
let clock: ReturnType<typeof fakeClock>

async function call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiData<M>> {
  const res = (await dispatch(handlers, method, args, { transport: 'direct' })) as ApiResult<ApiData<M>>
  if (!res.ok) throw new Error(`${method} failed: ${res.error.code} ${res.error.message}`)
  return res.data
}
const callRaw = (method: string, args: unknown) => dispatch(handlers, method, args, { transport: 'direct' }) as Promise<ApiResult<unknown>>

const scan = (personId: string, direction: 'in' | 'out', local: string) => call('attendance/add', { personId, direction, at: at(local), reason: 'test scan' })

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-records-'))
  file = path.join(dir, 'hadir.db')
  db = openDb(file)
  bindDataKey(db, newDataKey())
  clock = fakeClock(at('2026-11-27T20:00:00')) // Friday evening
  handlers = createHandlers({ db, index: new FaceIndex(TEST_MODEL), hostInfo: () => testHostInfo(), recognition: testRecognition(0.5), cooldownMs: 60_000, now: clock.now, kioskId: 'kiosk-A' })
  await call('settings/update', { rules: { timeZone: TZ } })
  await call('people/create', { id: 'E1', name: 'Ani', department: 'Keuangan' })
  await call('people/create', { id: 'E2', name: 'Budi', department: 'Gudang' })
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const office = { start: '08:00', end: '17:00', toleranceMin: 10, days: [1, 2, 3, 4, 5] }

describe('schedules through the API', () => {
  it('the default schedule and a personal one mark the list, the summary and both exports', async () => {
    await call('settings/update', { schedule: office })
    await call('schedules/set', { personId: 'E2', schedule: { start: '10:00', end: '19:00', toleranceMin: 0, days: [1, 2, 3, 4, 5] } })
    const ani = [await scan('E1', 'in', '2026-11-27T08:25:00'), await scan('E1', 'out', '2026-11-27T16:30:00')] as const
    const budi = [await scan('E2', 'in', '2026-11-27T09:55:00'), await scan('E2', 'out', '2026-11-27T18:59:00')] as const
    const range = { from: at('2026-11-27T00:00:00'), to: at('2026-11-28T00:00:00') }

    const list = await call('attendance/list', range)
    const byId = new Map(list.map((r) => [r.id, r]))
    expect(byId.get(ani[0].id)?.marks).toEqual({ lateMinutes: 25 })
    expect(byId.get(ani[1].id)?.marks).toEqual({ earlyMinutes: 30 })
    // Budi's own 10:00–19:00: 09:55 is on time, 18:59 is one minute early (tolerance 0)
    expect(byId.get(budi[0].id)?.marks).toBeUndefined()
    expect(byId.get(budi[1].id)?.marks).toEqual({ earlyMinutes: 1 })
    // a list filtered to check-outs still knows the day's check-in
    const outs = await call('attendance/list', { ...range, direction: 'out' })
    expect(outs.map((r) => r.marks)).toEqual([{ earlyMinutes: 1 }, { earlyMinutes: 30 }])

    const summary = await call('attendance/summary', range)
    expect(summary.map((d) => [d.personId, d.lateMinutes, d.earlyMinutes, d.schedule?.start])).toEqual([
      ['E1', 25, 30, '08:00'],
      ['E2', null, 1, '10:00'],
    ])

    const csv = await call('attendance/export', { ...range, kind: 'summary', lang: 'id' })
    if (csv.format !== 'csv') throw new Error('csv expected')
    const lines = csv.csv.slice(1).split('\r\n')
    expect(lines[0]).toBe('ID karyawan;Nama;Departemen;Hari kerja;Jadwal;Masuk pertama;Pulang terakhir;Jam kerja;Jam kerja (desimal);Catatan;Terlambat (menit);Pulang cepat (menit);Tidak lengkap;Tanpa pulang (lewat batas)')
    expect(lines[1]).toBe('E1;Ani;Keuangan;2026-11-27;08:00–17:00;2026-11-27 08:25:00;2026-11-27 16:30:00;8:05;8,08;2;25;30;Tidak;Tidak')

    const xlsx = await call('attendance/export', { ...range, kind: 'events', format: 'xlsx', lang: 'en' })
    if (xlsx.format !== 'xlsx') throw new Error('xlsx expected')
    expect(xlsx).toMatchObject({ rows: 4, filename: 'hadir-attendance-2026-11-27_2026-11-27.xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(xlsx.base64, 'base64') as unknown as ArrayBuffer)
    const ws = wb.worksheets[0] as ExcelJS.Worksheet
    const row = ws.getRow(2)
    expect(row.getCell(1).value).toBe('E1')
    expect(row.getCell(3).value).toBe('Keuangan')
    expect(row.getCell(6).value).toEqual(new Date(Date.UTC(2026, 10, 27, 8, 25)))
    expect(row.getCell(9).value).toBe(25)
    expect(row.getCell(9).type).toBe(ExcelJS.ValueType.Number)
  })

  it('a schedule ending before it starts, or with a tolerance out of range, is refused with a stable code; nothing stored changes', async () => {
    const before = await call('settings/get', {})
    for (const bad of [{ ...office, end: '07:59' }, { ...office, toleranceMin: 121 }, { ...office, days: [] }]) {
      const r = await callRaw('settings/update', { schedule: bad })
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid-schedule' } })
      const p = await callRaw('schedules/set', { personId: 'E1', schedule: bad })
      expect(p).toMatchObject({ ok: false, error: { code: 'invalid-schedule' } })
    }
    expect((await call('settings/get', {})).schedule).toEqual(before.schedule)
    expect(await call('schedules/list', {})).toEqual([])
    expect(await callRaw('schedules/set', { personId: 'nobody', schedule: office })).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })

  it('a night shift needs the work day to start before it; the boundary cannot then move past it', async () => {
    const night = { start: '22:00', end: '06:00', toleranceMin: 15, days: [1, 2, 3, 4, 5, 6, 7] }
    expect(await callRaw('schedules/set', { personId: 'E1', schedule: night })).toMatchObject({ ok: false, error: { code: 'invalid-schedule', details: { problem: 'end-before-start' } } })
    await call('settings/update', { rules: { dayBoundary: '12:00' } })
    await call('schedules/set', { personId: 'E1', schedule: night })
    // moving the boundary back to midnight would make E1's schedule end before it starts: refused, nothing changes
    const r = await callRaw('settings/update', { rules: { dayBoundary: '00:00' }, kioskName: 'Lobby' })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-schedule', details: { field: 'schedule of E1.end' } } })
    const s = await call('settings/get', {})
    expect([s.rules.dayBoundary, s.kioskName]).toEqual(['12:00', 'Hadir'])
    // the shift is marked against its own times
    await scan('E1', 'in', '2026-11-26T22:20:00')
    await scan('E1', 'out', '2026-11-27T06:00:00')
    const [day] = await call('attendance/summary', { from: at('2026-11-26T12:00:00'), to: at('2026-11-27T12:00:00') })
    expect(day).toMatchObject({ day: '2026-11-26', workedMs: 7 * H + 40 * 60_000, lateMinutes: 20, earlyMinutes: null })
  })

  it('a personal schedule goes with its person, and is audited', async () => {
    await call('schedules/set', { personId: 'E1', schedule: office })
    await call('schedules/set', { personId: 'E1', schedule: null })
    await call('schedules/set', { personId: 'E2', schedule: office })
    await call('people/delete', { personId: 'E2' })
    expect(await call('schedules/list', {})).toEqual([])
    const audit = (await call('audit/list', { limit: 50 })).filter((a) => a.action.startsWith('schedule.')).map((a) => [a.action, a.subject])
    expect(audit).toEqual(
      expect.arrayContaining([
        ['schedule.set', 'E1'],
        ['schedule.clear', 'E1'],
        ['schedule.set', 'E2'],
      ]),
    )
    const other = new Database(file, { readonly: true })
    try {
      expect(other.prepare('SELECT count(*) AS n FROM person_schedules').get()).toEqual({ n: 0 })
    } finally {
      other.close()
    }
  })
})

describe('check-ins open past the limit', () => {
  it('is flagged in the list and the summary instead of pairing with a later check-out; the limit is a setting', async () => {
    await call('settings/update', { rules: { dayBoundary: '04:00' } })
    const open = await scan('E1', 'in', '2026-11-27T05:00:00')
    clock.set(at('2026-11-28T03:00:00'))
    const late = await scan('E1', 'out', '2026-11-28T02:30:00') // still the same work day, 21.5 h later
    const range = { from: at('2026-11-27T04:00:00'), to: at('2026-11-28T04:00:00') }
    const rows = await call('attendance/list', range)
    expect(rows.find((r) => r.id === open.id)?.marks).toEqual({ openPastLimit: true })
    expect(rows.find((r) => r.id === late.id)?.marks).toBeUndefined()
    expect((await call('attendance/summary', range))[0]).toMatchObject({ workedMs: 0, incomplete: true, openPastLimit: true })
    const csv = await call('attendance/export', { ...range, kind: 'events', lang: 'en' })
    if (csv.format !== 'csv') throw new Error('csv expected')
    expect(csv.csv.split('\r\n')[1]).toMatch(/^E1,Ani,Keuangan,2026-11-27,In,2026-11-27 05:00:00,Manual,,,,Yes,test scan,$/)

    await call('settings/update', { rules: { openLimitMs: 22 * H } })
    expect((await call('attendance/summary', range))[0]).toMatchObject({ workedMs: 21.5 * H, incomplete: false, openPastLimit: false })
    expect(await callRaw('settings/update', { rules: { openLimitMs: 25 * H } })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })

  it('a check-in still open now is flagged once the limit has passed', async () => {
    clock.set(at('2026-11-27T09:00:00'))
    const open = await scan('E2', 'in', '2026-11-27T08:00:00')
    const range = { from: at('2026-11-27T00:00:00'), to: at('2026-11-28T00:00:00') }
    expect((await call('attendance/list', range))[0]?.marks).toBeUndefined()
    clock.set(at('2026-11-28T00:30:00'))
    expect((await call('attendance/list', range)).find((r) => r.id === open.id)?.marks).toEqual({ openPastLimit: true })
  })
})

describe('roster import through the API', () => {
  it('maps the ids of folder-named people to their names; bytes in base64', async () => {
    await call('people/create', { id: 'E003', name: 'E003' })
    const data = Buffer.from('\uFEFFid karyawan;nama;departemen\r\nE003;Citra Lestari;Gudang\r\n').toString('base64')
    const r = await call('people/import-roster', { fileName: 'karyawan.csv', data })
    expect(r).toMatchObject({ applied: true, counts: { update: 1 } })
    expect((await call('people/list', { q: 'E003' }))[0]).toMatchObject({ name: 'Citra Lestari', department: 'Gudang' })
    expect(await callRaw('people/import-roster', { fileName: 'x.csv', data: '###' })).toMatchObject({ ok: false, error: { code: 'invalid-args' } })
  })
})
