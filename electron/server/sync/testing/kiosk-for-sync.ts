/**
 * A kiosk store and sync worker on a real SQLite file, for the HR sync tests and the drain benchmark:
 * events queued offline straight into the outbox (the same store function the kiosk uses), the HR
 * address and key set through the API.
 */
import { randomUUID } from 'node:crypto'
import { createApp, type App } from '../../create-app'
import { recordAttendance } from '../../store/attendance-store'
import { TEST_MODEL, testRecognition } from '../../testing/fixtures'

export const TEST_SECRET = 'whsec_test_0123456789abcdef0123456789'

export type SyncKiosk = { app: App; queue(n: number, opts?: { personId?: (i: number) => string; at?: number }): string[]; close(): Promise<void> }

export async function kioskForSync(opts: {
  dbFile: string
  hrUrl: string | null
  key?: string
  kioskId?: string
  now?: () => number
  shareTemplates?: boolean
  sync?: Parameters<typeof createApp>[0]['sync']
}): Promise<SyncKiosk> {
  const app = createApp({
    dbFile: opts.dbFile,
    hostKind: 'web',
    modelBaseUrl: '/models/',
    wasmBaseUrl: '/wasm/',
    embeddingModel: { ...TEST_MODEL },
    recognition: testRecognition(0.5),
    kioskId: opts.kioskId ?? 'kiosk-test',
    ...(opts.now ? { now: opts.now } : {}),
    sync: { timeoutMs: 2_000, backoff: { baseMs: 20, capMs: 200 }, log: () => {}, ...opts.sync },
  })
  if (opts.hrUrl) {
    const r = await app.dispatch('settings/update', { hrUrl: opts.hrUrl, hrKey: opts.key ?? TEST_SECRET, hrShareTemplates: opts.shareTemplates === true })
    if (!r.ok) throw new Error(`settings: ${r.error.message}`)
  }
  const now = opts.now ?? Date.now
  return {
    app,
    queue(n, q = {}) {
      const ids: string[] = []
      const base = q.at ?? now() - n * 1000
      app.db.transaction(() => {
        for (let i = 0; i < n; i++) {
          const personId = q.personId?.(i) ?? `E${i % 50}`
          const e = recordAttendance(
            app.db,
            { personId, personName: `Person ${personId}`, direction: i % 2 ? 'out' : 'in', at: base + i * 1000, similarity: 0.8, source: 'kiosk', kioskId: opts.kioskId ?? 'kiosk-test' },
            { now: base + i * 1000, id: randomUUID() },
          )
          ids.push(e.id)
        }
      })()
      return ids
    },
    async close() {
      await app.stopSync()
      app.close()
    },
  }
}
