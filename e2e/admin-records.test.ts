import { test, expect, type Page } from '@playwright/test'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import ExcelJS from 'exceljs'
import { y4mFromPhoto } from './fixtures/fake-camera'
import { face } from './fixtures/paths'
import { withKiosk } from './fixtures/kiosk-session'

// Records HR can use, in Indonesian: an employee list imported with the photo folder (ids get their
// names), an office schedule set in admin, late and early marks on the attendance list, and the
// summary downloaded as .xlsx and read back cell by cell with exceljs.
const PIN = '135790'
const DAY = '2025-03-03' // a Monday, well in the past: manual scans may not be in the future

async function openAdmin(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+A')
  await page.getByTestId('pin-input').fill(PIN)
  await page.getByTestId('pin-ok').click()
  await expect(page.getByTestId('admin-screen')).toBeVisible()
}

function people(dbFile: string): Array<{ id: string; name: string; department: string | null; templates: number }> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    return db
      .prepare('SELECT p.id, p.name, p.department, (SELECT count(*) FROM face_templates t WHERE t.person_id = p.id) AS templates FROM people p ORDER BY p.id')
      .all() as Array<{ id: string; name: string; department: string | null; templates: number }>
  } finally {
    db.close()
  }
}

test.describe('records HR can use (web host, Indonesian)', () => {
  test('employee list with the photo folder, office schedule, late/early marks, xlsx and CSV downloads', async () => {
    test.setTimeout(240_000)
    const src = mkdtempSync(join(tmpdir(), 'hadir-records-'))
    try {
      // an employee list as an Indonesian Excel saves it: BOM, semicolons, Indonesian headers
      const bad = join(src, 'salah.csv')
      writeFileSync(bad, '\uFEFFID karyawan;Nama;Departemen\r\nE300;Tony Blair;Sekretariat\r\nE300;Tony Lagi;Sekretariat\r\n;Tanpa ID;X\r\n')
      mkdirSync(join(src, 'foto', 'E300'), { recursive: true })
      copyFileSync(face('identities', 'Tony_Blair', '1.jpg'), join(src, 'foto', 'E300', '1.jpg'))
      writeFileSync(join(src, 'foto', 'karyawan.csv'), '\uFEFFID karyawan;Nama;Departemen\r\nE300;Tony Blair;Sekretariat\r\nE301;Dewi Lestari;Keuangan\r\n')

      await withKiosk({ camera: { y4m: y4mFromPhoto(face('identities', 'Colin_Powell', '2.jpg')) }, locale: 'id-ID' }, async (kiosk, host) => {
        const page = kiosk.page
        const first = (await host.call('admin/set-pin', { pin: PIN })) as { data?: { token?: string } }
        expect(await host.call('settings/update', { token: first.data?.token, rules: { timeZone: 'UTC' } })).toMatchObject({ ok: true })
        await openAdmin(page)

        // a list with a duplicate id and a row without an id: a per-row report, nobody imported
        await page.getByTestId('admin-tab-people').click()
        await page.getByTestId('import-folder').click()
        await page.getByTestId('roster-input').setInputFiles(bad)
        const report = page.getByTestId('roster-report')
        await expect(report).toHaveAttribute('data-applied', 'no')
        await expect(report).toHaveAttribute('data-errors', '2')
        await expect(report.locator('tr[data-code="duplicate-id"]')).toContainText('baris 2')
        await expect(report.locator('tr[data-code="missing-id"]')).toHaveCount(1)
        await expect(page.getByTestId('roster-summary')).toContainText('Tidak ada yang diimpor')
        expect(people(host.dbFile)).toEqual([])

        // the photo folder with its list at the top: the folder E300 gets its name from the list
        await page.getByTestId('consent-agree').check()
        await page.getByTestId('consent-by').fill('Admin E2E')
        await page.getByTestId('import-input').setInputFiles(join(src, 'foto'))
        await expect(page.getByTestId('import-panel')).toHaveAttribute('data-done', 'yes', { timeout: 120_000 })
        await expect(report).toHaveAttribute('data-applied', 'yes')
        await expect(page.getByTestId('import-summary')).toHaveAttribute('data-ok', '1')
        expect(people(host.dbFile)).toEqual([
          { id: 'E300', name: 'Tony Blair', department: 'Sekretariat', templates: 1 },
          { id: 'E301', name: 'Dewi Lestari', department: 'Keuangan', templates: 0 },
        ])
        await page.getByTestId('import-close').click()

        // the office schedule, set in admin: 08:00–17:00, 10 minutes' grace, Monday to Friday
        await page.getByTestId('admin-tab-schedules').click()
        await page.getByTestId('sched-enabled').check()
        await page.getByTestId('sched-start').fill('08:00')
        await page.getByTestId('sched-end').fill('07:00')
        await page.getByTestId('sched-tolerance').fill('10')
        await page.getByTestId('sched-save').click()
        // end before start: refused in Indonesian
        await expect(page.getByTestId('sched-message')).toContainText('Jam pulang harus setelah jam masuk')
        await page.getByTestId('sched-end').fill('17:00')
        await page.getByTestId('sched-save').click()
        await expect(page.getByTestId('sched-message')).toContainText('Jadwal disimpan')

        // a day's scans (entered through the API as a script would; the list reads them back)
        const api = (await host.call('admin/login', { pin: PIN })) as { data?: { token?: string } }
        const token = api.data?.token
        for (const [personId, direction, time] of [
          ['E300', 'in', '08:25:00'],
          ['E300', 'out', '16:30:00'],
          ['E301', 'in', '07:55:00'],
          ['E301', 'out', '17:05:00'],
        ] as const) {
          expect(await host.call('attendance/add', { token, personId, direction, at: Date.parse(`${DAY}T${time}Z`), reason: 'uji' })).toMatchObject({ ok: true })
        }

        await page.getByTestId('admin-tab-attendance').click()
        await page.getByTestId('att-from').fill(DAY)
        await page.getByTestId('att-to').fill(DAY)
        await expect(page.locator('[data-testid^="att-row-"]')).toHaveCount(4)
        await expect(page.locator('[data-mark="late"]')).toHaveText(['Terlambat 25 mnt'])
        await expect(page.locator('[data-mark="early"]')).toHaveText(['Pulang cepat 30 mnt'])

        // the summary as Excel: real cells, Indonesian headers
        await page.getByTestId('export-format').selectOption('xlsx')
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-summary').click()])
        expect(download.suggestedFilename()).toBe(`hadir-ringkasan-${DAY}_${DAY}.xlsx`)
        const wb = new ExcelJS.Workbook()
        await wb.xlsx.load(readFileSync((await download.path()) as string) as unknown as ArrayBuffer)
        const ws = wb.worksheets[0] as ExcelJS.Worksheet
        expect(ws.name).toBe('Ringkasan')
        expect((ws.getRow(1).values as unknown[]).slice(1, 9)).toEqual(['ID karyawan', 'Nama', 'Departemen', 'Hari kerja', 'Jadwal', 'Masuk pertama', 'Pulang terakhir', 'Jam kerja'])
        expect(ws.rowCount).toBe(3)
        const byId = new Map([2, 3].map((n) => [ws.getRow(n).getCell(1).value, ws.getRow(n)]))
        const tony = byId.get('E300') as ExcelJS.Row
        expect(tony.getCell(2).value).toBe('Tony Blair')
        expect(tony.getCell(3).value).toBe('Sekretariat')
        expect(tony.getCell(4).type).toBe(ExcelJS.ValueType.Date)
        expect(tony.getCell(4).value).toEqual(new Date(`${DAY}T00:00:00Z`))
        expect(tony.getCell(5).value).toBe('08:00–17:00')
        expect(tony.getCell(6).type).toBe(ExcelJS.ValueType.Date)
        expect(tony.getCell(6).value).toEqual(new Date(`${DAY}T08:25:00Z`))
        expect(tony.getCell(7).value).toEqual(new Date(`${DAY}T16:30:00Z`))
        const hours = tony.getCell(8)
        expect(hours.numFmt).toBe('[h]:mm')
        expect(Math.round(((hours.value as Date).getTime() - Date.UTC(1899, 11, 30)) / 60_000)).toBe(8 * 60 + 5)
        expect(tony.getCell(9).type).toBe(ExcelJS.ValueType.Number)
        expect(tony.getCell(9).value).toBe(8.08)
        expect(tony.getCell(11).value).toBe(25)
        expect(tony.getCell(12).value).toBe(30)
        const dewi = byId.get('E301') as ExcelJS.Row
        expect(dewi.getCell(11).type).toBe(ExcelJS.ValueType.Null)
        expect(dewi.getCell(12).type).toBe(ExcelJS.ValueType.Null)

        // the events as CSV for an Indonesian Excel: semicolons, decimal comma, local time text
        await page.getByTestId('export-format').selectOption('csv')
        await expect(page.getByTestId('export-separator')).toHaveValue(';')
        const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-events').click()])
        const csv = readFileSync((await csvDownload.path()) as string, 'utf8')
        expect(csv.charCodeAt(0)).toBe(0xfeff)
        const lines = csv.slice(1).split('\r\n').filter(Boolean)
        expect(lines).toHaveLength(5)
        expect(lines[0]).toMatch(/^ID karyawan;Nama;Departemen;Hari kerja;Arah;Waktu;Sumber;Kemiripan;Terlambat \(menit\);/)
        expect(lines).toContain(`E300;Tony Blair;Sekretariat;${DAY};Masuk;${DAY} 08:25:00;Manual;;25;;Tidak;uji;`)
      })
    } finally {
      rmSync(src, { recursive: true, force: true })
    }
  })
})
