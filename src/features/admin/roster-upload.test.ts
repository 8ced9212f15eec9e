import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { atFolderTop, bytesToBase64, ROSTER_IN_FOLDER, rosterArgs } from './roster-upload'

describe('roster upload', () => {
  it('CSV travels gzipped in base64 and unpacks to the same bytes; 20,000 rows fit the web host body', async () => {
    const lines = ['ID karyawan;Nama;Departemen']
    for (let i = 1; i <= 20_000; i++) lines.push(`K${String(i).padStart(5, '0')};Siti Nurhaliza binti Abdullah ${i};Keuangan dan Akuntansi`)
    const bytes = new TextEncoder().encode(`\uFEFF${lines.join('\r\n')}\r\n`)
    expect(bytes.length).toBeGreaterThan(1_200_000) // more than the 1 MiB request limit as it is
    const args = await rosterArgs(new Blob([bytes]), 'karyawan.csv')
    expect(args.encoding).toBe('gzip')
    expect(args.data.length).toBeLessThan(1_000_000)
    expect(new Uint8Array(gunzipSync(Buffer.from(args.data, 'base64')))).toEqual(bytes)
  })

  it('an .xlsx (a zip) goes as it is', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])
    expect(await rosterArgs(new Blob([zip]), 'k.xlsx')).toEqual({ fileName: 'k.xlsx', data: Buffer.from(zip).toString('base64') })
  })

  it('base64 of large byte arrays in chunks', () => {
    const big = new Uint8Array(100_000).map((_, i) => i % 251)
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString('base64'))
  })

  it('a list at the top of a picked folder, not a file in a person folder', () => {
    expect(atFolderTop('photos/karyawan.csv')).toBe(true)
    expect(atFolderTop('photos/E200/list.csv')).toBe(false)
    expect(ROSTER_IN_FOLDER.test('Karyawan.XLSX')).toBe(true)
    expect(ROSTER_IN_FOLDER.test('notes.txt')).toBe(false)
  })
})
