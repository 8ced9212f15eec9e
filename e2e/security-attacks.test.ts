/**
 * Issue #14, proved the way the outside security test found the holes: an attacker process on the
 * kiosk's machine (e2e/attacker/attack.mjs: node built-ins only, nothing of Hadir's code, run as
 * another user where the test runs as root) with only what it can fetch from 127.0.0.1 — plus an
 * embedding computed offline from another photo of an enrolled person, two signed calls recorded
 * from a paired script, pairing codes already used, and a leaked copy of the database file.
 *
 * H1 forged / replayed / altered / backdated check-ins, H2 taking over a new kiosk, H3 a PIN flood
 * from many connections, H4 sending HR (and the templates) elsewhere, H5 framing, the files' modes:
 * each refused with its own stable code, audited — while a real enrolled person, in front of the
 * fake camera, still checks in, and the admin at the kiosk screen still gets in.
 */
import { test, expect } from '@playwright/test'
import { spawn, execFileSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { attestMessage } from '../src/shared/api/attest'
import { launchChromium } from './fixtures/browser'
import { attendanceRows } from './fixtures/db'
import { LIVE_PERSON } from './fixtures/live-person'
import { ROOT } from './fixtures/paths'
import { enrollWithCli, runCli, startWebHost } from './fixtures/web-host'
import { KioskPage } from './page-models/kiosk-page'

const PIN = '135790'
const ENROLLED = { id: LIVE_PERSON.id, enroll: LIVE_PERSON.enroll, forged: LIVE_PERSON.other }
const asRoot = process.getuid?.() === 0
/** 'nobody': another local user, when the test may switch to one */
const OTHER_USER = 65534

type Attack = { id: string; name: string; status: number; ok: boolean; code: string | null; [k: string]: unknown }
type Report = { uid: number | null; attacks: Attack[]; flood?: { requests: number; byCode: Record<string, number> } | null; files?: Array<{ path: string; error: string | null }>; leak?: { scryptHash: boolean; bytes: number } | null }

/** A deterministic stranger's unit vector (decides nothing, records nothing): the recorded calls' payload. */
function strangerVector(dim: number, seed: number): number[] {
  let x = seed
  const v = Array.from({ length: dim }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5)
  const n = Math.hypot(...v)
  return v.map((a) => a / n)
}

test.describe('an attacker on the kiosk machine (issue #14)', () => {
  test('cannot check anyone in, take over or lock out admin, frame the page or read the files; the kiosk keeps recognising', async () => {
    test.setTimeout(420_000)
    const root = mkdtempSync(join(tmpdir(), 'hadir-attack-'))
    chmodSync(root, 0o755)
    // the kiosk makes its data folder itself (0700): the attacker's refusals below are the kiosk's doing
    const dataDir = join(root, 'data')
    enrollWithCli(dataDir, { [ENROLLED.id]: [ENROLLED.enroll] })
    const host = await startWebHost(dataDir)
    const attackerDir = join(root, 'attacker')
    mkdirSync(attackerDir, { mode: 0o755 })
    chmodSync(attackerDir, 0o755)
    copyFileSync(join(ROOT, 'e2e', 'attacker', 'attack.mjs'), join(attackerDir, 'attack.mjs'))
    chmodSync(join(attackerDir, 'attack.mjs'), 0o644)
    let planNo = 0
    const attacker = (plan: object): { done: Promise<Report> } => {
      const file = join(attackerDir, `plan-${planNo++}.json`)
      writeFileSync(file, JSON.stringify(plan), { mode: 0o644 })
      chmodSync(file, 0o644)
      const child = spawn(process.execPath, [join(attackerDir, 'attack.mjs'), file], { cwd: attackerDir, stdio: ['ignore', 'pipe', 'pipe'], ...(asRoot ? { uid: OTHER_USER, gid: OTHER_USER } : {}) })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      return {
        done: new Promise<Report>((resolve, reject) =>
          child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string) as Report) : reject(new Error(`attacker exited ${code}: ${err}`)))),
        ),
      }
    }
    const browser = await launchChromium({ y4m: LIVE_PERSON.camera() })
    try {
      // ---- H2 on a new kiosk: no PIN yet, and the attacker cannot set one
      const fresh = await attacker({ base: host.url, phase: 'fresh' }).done
      if (asRoot) expect(fresh.uid).toBe(OTHER_USER)
      for (const a of fresh.attacks) expect([a.name, a.status, a.code]).toEqual([a.name, 401, 'unauthorized'])
      expect(await host.call('admin/status', {})).toMatchObject({ ok: true, data: { pinSet: false } })
      // the owner sets it on the machine
      expect(runCli(['admin', 'set-pin', '--db', host.dbFile], `${PIN}\n`)).toEqual({ pinSet: true })

      // ---- a script the owner paired on the machine makes signed calls; the attacker gets two recordings
      const { code: scriptCode } = runCli(['pair', '--db', host.dbFile]) as { code: string }
      const pairRes = await host.callAnon('kiosk/pair', { code: scriptCode })
      expect(pairRes).toMatchObject({ ok: true })
      const script = pairRes.data as { session: string; token: string; macKey: string }
      const forged = JSON.parse(execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'e2e', 'fixtures', 'embed-photo.ts'), ENROLLED.forged], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) as {
        modelId: string
        modelVersion: string
        dim: number
        embedding: number[]
      }
      let counter = 0
      const signed = (method: string, args: unknown): string => {
        counter++
        const mac = createHmac('sha256', Buffer.from(script.macKey, 'base64url')).update(attestMessage(method, script.session, counter, args)).digest('base64url')
        return JSON.stringify({ args, attest: { session: script.session, counter, mac } })
      }
      const send = async (method: string, body: string) => {
        const res = await fetch(`${host.url}api/invoke/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hadir-token': script.token }, body })
        return (await res.json()) as { ok: boolean; data?: { kind?: string }; error?: { code: string } }
      }
      const stranger = (seed: number) => ({ modelId: forged.modelId, modelVersion: forged.modelVersion, embeddings: [strangerVector(forged.dim, seed)] })
      const stale = signed('kiosk/recognize', stranger(1))
      // accepted as calls (a stranger without evidence: refused by liveness, nothing recorded)
      expect(await send('kiosk/recognize', stale)).toMatchObject({ ok: true, data: { kind: 'refused' } })
      for (let i = 0; i < 69; i++) expect(await send('kiosk/confirm', signed('kiosk/confirm', { ticket: `no-such-ticket-${i}`, direction: 'in' }))).toMatchObject({ ok: false, error: { code: 'not-found' } })
      const replay = signed('kiosk/recognize', stranger(2))
      expect(await send('kiosk/recognize', replay)).toMatchObject({ ok: true, data: { kind: 'refused' } })

      // ---- the attack, with its flood, while the real person walks up to the kiosk
      const leak = join(attackerDir, 'hadir-copy.db')
      writeFileSync(leak, Buffer.concat([readFileSync(host.dbFile), existsSync(`${host.dbFile}-wal`) ? readFileSync(`${host.dbFile}-wal`) : Buffer.alloc(0)]), { mode: 0o644 })
      chmodSync(leak, 0o644)
      const backups = join(dataDir, 'backups')
      const files = [`${dataDir}/`, host.dbFile, `${host.dbFile}-wal`, `${host.dbFile}-shm`, join(dataDir, 'hadir.key'), `${backups}/`, ...readdirSync(backups).map((f) => join(backups, f)), join(dataDir, 'logs', 'hadir.log')]
      // the kiosk browser opens the printed launch URL (its code, printed only to the host's own
      // terminal, now spent), then the attack and its flood run while the models load and the real
      // person in front of the camera is recognised
      const page = await (await browser.newContext({ locale: 'en-GB' })).newPage()
      const kiosk = new KioskPage(page)
      await kiosk.open(host.launchUrl)
      const run = attacker({
        base: host.url,
        phase: 'full',
        forged,
        captured: { token: script.token, session: script.session, replay, stale },
        usedCodes: [new URL(host.launchUrl).hash.replace('#pair=', ''), scriptCode],
        files,
        leakedDbCopy: leak,
        flood: { workers: 8, ms: 25_000 },
      })
      await kiosk.waitForPhase(/recognised|already-recorded/, 120_000)
      await expect(kiosk.bannerName()).toContainText(ENROLLED.id)
      const report = await run.done
      if (asRoot) expect(report.uid).toBe(OTHER_USER)
      console.log(`[attack] ${report.attacks.length} attacks, flood ${report.flood?.requests} requests: ${JSON.stringify(report.flood?.byCode)}`)

      // ---- every attack refused, each with its own code
      const got = (name: string) => {
        const a = report.attacks.find((x) => x.name === name)
        if (!a) throw new Error(`no attack named ${name}`)
        return a
      }
      const expectCode = (name: string, status: number, code: string) => expect([name, got(name).status, got(name).code]).toEqual([name, status, code])
      expectCode('forged check-in without a session', 401, 'unauthorized')
      expectCode('forged check-in with a guessed token', 401, 'unauthorized')
      expectCode('forged check-in with a recorded session token, no MAC', 200, 'attestation-required')
      expectCode('forged check-in with a recorded session token and a made-up MAC', 200, 'bad-mac')
      expectCode('a recorded check-in altered (another embedding)', 200, 'bad-mac')
      expectCode('a recorded check-in backdated 3 hours', 200, 'bad-mac')
      expectCode('a recorded check-in replayed as it was', 200, 'replayed')
      expectCode('an old recorded check-in replayed', 200, 'stale-counter')
      expect(got('pairing with 20 guessed codes')).toMatchObject({ code: 'pair-code-invalid', paired: 0 })
      const used = report.attacks.filter((a) => a.name === 'pairing with a code already used')
      expect(used.map((a) => a.code)).toEqual(['pair-code-used', 'pair-code-used'])
      expectCode('set the admin PIN without a session', 401, 'unauthorized')
      expectCode('point HR elsewhere and share templates, without a session', 401, 'unauthorized')
      expectCode('point HR elsewhere with a recorded session token, without admin', 200, 'admin-required')
      expectCode('run a sync (send templates) without a session', 401, 'unauthorized')
      // H1: nothing fetchable holds a session (the page's own token and key, read from its storage, are not there)
      const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('hadir.session'))) as string) as { token: string; macKey: string }
      const crawl = got('GET / and every file it links: a token or pairing code in them')
      expect(crawl.status).toBe(200)
      expect(crawl['tokenMeta']).toEqual([])
      expect(crawl['pairCodes']).toEqual([])
      expect(crawl['candidates'] as string[]).not.toContain(stored.token)
      expect(crawl['candidates'] as string[]).not.toContain(stored.macKey)
      expect(got('GET / with a foreign Host header (DNS rebinding)')).toMatchObject({ status: 403, servedPage: false })
      // H5
      expect(got('framing headers on the page')).toMatchObject({ csp: "frame-ancestors 'none'", xfo: 'DENY', referrer: 'no-referrer' })
      // H3: the flood got nothing but refusals
      expect(report.flood?.requests).toBeGreaterThan(100)
      expect(Object.keys(report.flood?.byCode ?? {}).sort()).toEqual(
        expect.arrayContaining(['401:unauthorized', '200:pair-code-invalid', '200:attestation-required']),
      )
      for (const key of Object.keys(report.flood?.byCode ?? {})) expect(['401:unauthorized', '200:pin-wrong', '200:admin-locked', '200:pair-code-invalid', '200:attestation-required']).toContain(key)
      // files: another local user reads none of them; a leaked copy holds no PIN hash to crack
      for (const f of report.files ?? []) {
        if (asRoot) expect([f.path, f.error]).toEqual([f.path, 'EACCES'])
        if (!f.path.endsWith('/') && existsSync(f.path)) expect([f.path, (statSync(f.path).mode & 0o777).toString(8)]).toEqual([f.path, '600'])
      }
      expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700')
      expect(report.leak).toMatchObject({ scryptHash: false })

      // ---- what was stored: the one real check-in, at the host's time; every refusal audited
      const rows = attendanceRows(host.dbFile)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ person_id: ENROLLED.id, direction: 'in' })
      expect(Date.now() - (rows[0]?.at ?? 0)).toBeLessThan(10 * 60_000)
      const db = new Database(host.dbFile, { readonly: true })
      try {
        const refused = db.prepare("SELECT DISTINCT subject FROM audit_log WHERE action = 'security.refused'").all() as Array<{ subject: string }>
        expect(refused.map((r) => r.subject).sort()).toEqual(expect.arrayContaining(['attestation-required', 'bad-mac', 'pair-code-invalid', 'pair-code-used', 'replayed', 'stale-counter', 'unauthorized']))
        const locked = db.prepare("SELECT details FROM audit_log WHERE action = 'admin.locked'").all() as Array<{ details: string }>
        // the flood with the recorded token locked only that session
        expect(locked.length).toBeGreaterThan(0)
        for (const l of locked) expect(JSON.parse(l.details)).toMatchObject({ source: `http:${script.session}` })
        const source = db.prepare("SELECT person_id, source FROM attendance_events").all()
        expect(source).toEqual([{ person_id: ENROLLED.id, source: 'kiosk' }])
      } finally {
        db.close()
      }

      // ---- the real admin at the kiosk screen is not locked out
      await page.keyboard.press('Control+Shift+A')
      await expect(page.getByTestId('pin-pad')).toHaveAttribute('data-locked', 'no')
      await page.getByTestId('pin-input').fill(PIN)
      await page.getByTestId('pin-ok').click()
      await expect(page.getByTestId('admin-screen')).toBeVisible()
    } finally {
      await browser.close()
      await host.stop()
      rmSync(root, { recursive: true, force: true })
    }
  })
})
