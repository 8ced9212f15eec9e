#!/usr/bin/env node
/**
 * An HR server written from docs/hr-sync-protocol.md alone (node built-ins, nothing of Hadir's code),
 * as the outside test's was, with two behaviours a hostile or sloppy network produces:
 *   - `rejectUntilRetried`: scans (kind `event`) of this person id are `rejected` until the kiosk
 *     sends them a second time (an admin fixed HR and pressed Retry); a correction or void whose
 *     event HR has not accepted is `rejected` ("corrects an unknown event"), as the document allows;
 *   - `unsignedRateLimit`: the first attendance batch gets an UNSIGNED 429 with this Retry-After
 *     (seconds), as a proxy or someone in between would send it.
 * Every other answer is signed with the shared secret, and every event it receives is logged as one
 * JSON line on stdout, in arrival order: { batch, id, kind, corrects, status }.
 *
 *   node independent-hr.mjs '<json options: { secret, rejectUntilRetried?, unsignedRateLimit? }>'
 * First stdout line: { "listening": "http://127.0.0.1:<port>/" }.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import http from 'node:http'

const opts = JSON.parse(process.argv[2])
const seen = new Map() // id → status once stored
const triedReject = new Set()
let batch = 0
let rateLimited = false

const sign = (ts, body) => `v1,${createHmac('sha256', opts.secret).update(`${ts}.${body}`).digest('base64')}`

function verify(req, body) {
  const ts = req.headers['webhook-timestamp']
  const sig = req.headers['webhook-signature']
  if (typeof ts !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(ts)) return 'unsigned'
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return 'stale'
  const want = Buffer.from(sign(Number(ts), body).slice(3), 'base64')
  for (const part of sig.split(' ')) {
    if (!part.startsWith('v1,')) continue
    const got = Buffer.from(part.slice(3), 'base64')
    if (got.length === want.length && timingSafeEqual(got, want)) return null
  }
  return 'bad-signature'
}

function answer(res, status, payload, { signed = true, headers = {} } = {}) {
  const body = JSON.stringify(payload)
  const ts = Math.floor(Date.now() / 1000)
  res.writeHead(status, { 'content-type': 'application/json', ...(signed ? { 'webhook-id': randomUUID(), 'webhook-timestamp': String(ts), 'webhook-signature': sign(ts, body) } : {}), ...headers })
  res.end(body)
}

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url, 'http://x')
    const problem = verify(req, req.method === 'GET' ? '' : body)
    if (problem) return answer(res, 401, { error: problem })
    if (url.pathname.endsWith('/v1/attendance/batch')) {
      if (opts.unsignedRateLimit && !rateLimited) {
        rateLimited = true
        return answer(res, 429, { error: 'rate-limited' }, { signed: false, headers: { 'retry-after': String(opts.unsignedRateLimit) } })
      }
      batch++
      const { events } = JSON.parse(body)
      const results = events.map((e) => {
        let status
        if (seen.has(e.id)) status = 'duplicate'
        else if (e.kind === 'event' && e.personId === opts.rejectUntilRetried && !triedReject.has(e.id)) {
          triedReject.add(e.id)
          status = 'rejected'
        } else if ((e.kind === 'correction' || e.kind === 'void') && !seen.has(e.corrects)) status = 'rejected-unknown-target'
        else {
          seen.set(e.id, 'accepted')
          status = 'accepted'
        }
        process.stdout.write(`${JSON.stringify({ batch, id: e.id, kind: e.kind, corrects: e.corrects, status })}\n`)
        return status === 'rejected-unknown-target' ? { id: e.id, status: 'rejected', reason: 'corrects an unknown event' } : { id: e.id, status, ...(status === 'rejected' ? { reason: 'unknown employee' } : {}) }
      })
      return answer(res, 200, { results })
    }
    if (url.pathname.endsWith('/v1/roster')) return answer(res, 200, { employees: [], cursor: '0', more: false })
    if (url.pathname.endsWith('/v1/heartbeat')) return answer(res, 200, { serverTime: Date.now() })
    if (url.pathname.endsWith('/v1/templates')) return answer(res, 200, { templates: [], tombstones: [], cursor: '0', more: false })
    return answer(res, 404, { error: 'not-found' })
  })
})
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${server.address().port}/` })}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
