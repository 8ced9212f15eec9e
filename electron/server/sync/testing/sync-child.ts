/**
 * A kiosk process that only delivers its outbox: `node --import tsx sync-child.ts <db-file>`.
 * The HR address and key are already in the database's settings. Prints one line per round and
 * `drained` when the queue is empty; the SIGKILL test kills it in the middle of a batch.
 */
import { kioskForSync } from './kiosk-for-sync'

const dbFile = process.argv[2]
if (!dbFile) {
  process.stderr.write('usage: sync-child.ts <db-file>\n')
  process.exit(2)
}
const kiosk = await kioskForSync({ dbFile, hrUrl: null, sync: { timeoutMs: 10_000 } })
for (let round = 0; round < 200; round++) {
  await kiosk.app.sync.syncOnce({ force: true })
  const s = kiosk.app.sync.status()
  process.stdout.write(`round ${round}: queued ${s.queued}, error ${s.lastError?.code ?? 'none'}\n`)
  if (s.queued === 0) break
  await new Promise((r) => setTimeout(r, 50))
}
process.stdout.write('drained\n')
await kiosk.close()
