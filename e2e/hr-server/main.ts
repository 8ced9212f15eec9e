/**
 * `npm run hr:dev`: the reference HR server for local demos and integration testing.
 *
 *   HR_PORT    port on 127.0.0.1 (default 4488; 0 = any free port)
 *   HR_DATA    SQLite file (default ./.hr-dev/hr.db)
 *   HR_SECRET  the shared signing secret (default: a random one, printed once)
 *
 * Faults can be switched on while it runs, e.g.
 *   curl -X POST http://127.0.0.1:4488/__faults -d '{"op":"fail","n":3,"status":503}'
 *   curl http://127.0.0.1:4488/__stats
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomSecret, startHrServer } from './server'

const SEED = [
  { id: 'E001', name: 'Budi Santoso', department: 'Produksi' },
  { id: 'E002', name: 'Siti Nurhaliza Rahayu', department: 'Keuangan' },
  { id: 'E003', name: 'Agus Setiawan', department: 'Gudang' },
]

async function main(): Promise<void> {
  const portText = process.env.HR_PORT ?? '4488'
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HR_PORT must be a port number, got ${portText}`)
  const dbFile = path.resolve(process.env.HR_DATA ?? path.join('.hr-dev', 'hr.db'))
  fs.mkdirSync(path.dirname(dbFile), { recursive: true })
  const fromEnv = process.env.HR_SECRET
  const secret = fromEnv && fromEnv.trim() !== '' ? fromEnv : randomSecret()

  const server = await startHrServer({ port, host: '127.0.0.1', dbFile, secret, log: (line) => console.log(line) })
  const known = new Set(server.db.prepare<[], { id: string }>('SELECT id FROM employees').all().map((r) => r.id))
  for (const e of SEED) if (!known.has(e.id)) server.setEmployee(e)

  const faultsUrl = new URL('__faults', server.url).toString()
  console.log(
    [
      `Hadir reference HR server (protocol v1) on ${server.url}`,
      `  data:   ${dbFile}`,
      fromEnv ? '  secret: from HR_SECRET' : `  secret: ${secret}   (random, shown once; set HR_SECRET to keep one)`,
      `  roster: ${SEED.map((e) => `${e.id} ${e.name}`).join(', ')}`,
      '',
      'At the kiosk: admin mode (Ctrl+Shift+A) → Settings (Pengaturan) → HR server (Server HR):',
      `  HR server address (Alamat server HR)  ${server.url}`,
      '  HR API key (Kunci API HR)             the secret above',
      '(this demo speaks plain http on 127.0.0.1; a real HR server must be reached over https)',
      '',
      `Faults: curl -X POST ${faultsUrl} -d '{"op":"fail","n":3,"status":503}'`,
      `        ops: fail, rateLimit, hang, slow, dropAfterCommit, badSignature, unsigned, garbage, clockSkewMs, reset`,
      `Stats:  curl ${new URL('__stats', server.url).toString()}`,
      'Ctrl+C to stop.',
    ].join('\n'),
  )

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
