/**
 * `npm run bench:export [-- --rows 50000]`: time, size and memory of attendance exports of a large range,
 * through the real dispatcher on a real SQLite file in a temp folder (deleted afterwards). Prints one
 * JSON object. 1,000 people, check-in and check-out every day, as many days as the row count needs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import type { ApiArgs, ApiData } from '../../src/shared/api/contract'
import type { ApiResult } from '../../src/shared/api/result'
import { openDb } from '../server/db/open-db'
import { dispatch } from '../server/dispatch'
import { createHandlers } from '../server/handlers'
import { FaceIndex } from '../server/recognition/face-index'
import { newDataKey } from '../server/secrets/data-key'
import { bindDataKey } from '../server/secrets/store-key'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const ROWS = arg('--rows', 50_000)
const PEOPLE = 1_000
const DAY = 86_400_000

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-bench-export-'))
  try {
    const db = openDb(path.join(dir, 'hadir.db'))
    bindDataKey(db, newDataKey())
    const start = Date.UTC(2026, 0, 5, 1, 0, 0) // 08:00 in Jakarta
    const days = Math.ceil(ROWS / (2 * PEOPLE))
    const now = start + (days + 1) * DAY
    const handlers = createHandlers({
      db,
      index: new FaceIndex({ modelId: 'bench', modelVersion: '1', dim: 4 }),
      hostInfo: () => ({ kind: 'web', version: 'bench', modelBaseUrl: '/', wasmBaseUrl: '/', locale: 'id', embeddingModel: { modelId: 'bench', modelVersion: '1', dim: 4 }, cooldownMs: 60_000 }),
      recognition: { thresholds: { normal: 0.4, high: 0.5, 'very-high': 0.6 }, defaultLevel: 'high', margin: 0.03, minAgreement: 0.6 },
      cooldownMs: 60_000,
      now: () => now,
      kioskId: 'bench',
    })
    const call = async <M extends 'attendance/export' | 'settings/update'>(m: M, a: ApiArgs<M>): Promise<ApiData<M>> => {
      const r = (await dispatch(handlers, m, a, { transport: 'direct' })) as ApiResult<ApiData<M>>
      if (!r.ok) throw new Error(`${m}: ${r.error.code} ${r.error.message}`)
      return r.data
    }
    await call('settings/update', { rules: { timeZone: 'Asia/Jakarta' }, schedule: { start: '08:00', end: '17:00', toleranceMin: 10, days: [1, 2, 3, 4, 5, 6, 7] } })
    const insPerson = db.prepare('INSERT INTO people (id, name, department, active, created_at, updated_at) VALUES (?, ?, ?, 1, 0, 0)')
    const insEvent = db.prepare(
      "INSERT INTO attendance_events (id, person_id, person_name, direction, at, similarity, source, kiosk_id, created_at) VALUES (?, ?, ?, ?, ?, 0.8123, 'kiosk', 'bench', ?)",
    )
    let n = 0
    db.transaction(() => {
      for (let p = 0; p < PEOPLE; p++) insPerson.run(`K${p}`, `Karyawan Nomor ${p}`, `Dept ${p % 20}`)
      for (let d = 0; d < days && n < ROWS; d++) {
        for (let p = 0; p < PEOPLE && n < ROWS; p++) {
          const inAt = start + d * DAY + ((p * 37) % 40) * 60_000
          insEvent.run(randomUUID(), `K${p}`, `Karyawan Nomor ${p}`, 'in', inAt, inAt)
          n++
          if (n < ROWS) {
            const outAt = inAt + 8.5 * 3_600_000 + ((p * 13) % 50) * 60_000
            insEvent.run(randomUUID(), `K${p}`, `Karyawan Nomor ${p}`, 'out', outAt, outAt)
            n++
          }
        }
      }
    })()
    const range = { from: start - DAY, to: now }
    const out: Record<string, number> = { rows: n }
    let peak = process.memoryUsage().rss
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    const measure = async (name: string, args: ApiArgs<'attendance/export'>) => {
      global.gc?.()
      const rssBefore = process.memoryUsage().rss
      peak = rssBefore
      const t0 = performance.now()
      const r = await call('attendance/export', args)
      out[`${name}_ms`] = Math.round(performance.now() - t0)
      out[`${name}_rows`] = r.rows
      out[`${name}_bytes`] = r.format === 'csv' ? Buffer.byteLength(r.csv) : Math.floor((r.base64.length * 3) / 4)
      out[`${name}_rss_growth_mb`] = Math.round((peak - rssBefore) / 1e5) / 10
    }
    await measure('events_csv', { ...range, kind: 'events' })
    await measure('events_xlsx', { ...range, kind: 'events', format: 'xlsx' })
    await measure('summary_xlsx', { ...range, kind: 'summary', format: 'xlsx' })
    clearInterval(sampler)
    out.rss_mb_end = Math.round(process.memoryUsage().rss / 1e6)
    console.log(JSON.stringify(out))
    db.close()
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

void main()
