import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { createBackup, listBackups } from '../server/db/backup'
import { openDb } from '../server/db/open-db'
import { TEST_MODEL, testRecognition } from '../server/testing/fixtures'
import { resolveInside, resolveStaticPath } from '../server/static-files'
import { main, portFromEnv, startHost, type HostOptions, type StartedHost } from './host'

let tmp: string
let host: StartedHost

/** raw HTTP GET so that `..` and `%2e%2e` reach the server unnormalised */
function rawGet(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`))
    let data = ''
    sock.on('data', (c) => (data += c.toString()))
    sock.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data.split('\r\n\r\n').slice(1).join('\r\n\r\n') }))
    sock.on('error', reject)
  })
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-host-'))
  const w = (rel: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true })
    fs.writeFileSync(path.join(tmp, rel), content)
  }
  w('renderer/index.html', '<!doctype html><title>Hadir</title>')
  w('renderer/assets/app.mjs', 'export {}')
  w('models/manifest.json', '{"a":1}')
  w('models/human/blazeface.bin', 'BIN')
  w('models/recognition/arc.onnx', 'ONNX')
  w('ort/ort-wasm-simd.wasm', 'WASM')
  w('secret.txt', 'TOP SECRET')
  host = await startHost({
    port: 0,
    rendererDir: path.join(tmp, 'renderer'),
    modelsDir: path.join(tmp, 'models'),
    wasmDirs: { ort: path.join(tmp, 'ort') },
    dbFile: path.join(tmp, 'data', 'hadir.db'),
    embeddingModel: { ...TEST_MODEL },
    recognition: testRecognition(0.5),
  })
})
afterAll(async () => {
  await host?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('startHost', () => {
  it('listens on an ephemeral 127.0.0.1 port', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(host.port).toBeGreaterThan(0)
    expect(fs.existsSync(path.join(tmp, 'data', 'hadir.db'))).toBe(true)
  })

  it('serves files with content types and COOP/COEP/CORP headers', async () => {
    const cases: Array<[string, string, string]> = [
      ['/assets/app.mjs', 'text/javascript; charset=utf-8', 'export {}'],
      ['/models/manifest.json', 'application/json; charset=utf-8', '{"a":1}'],
      ['/models/human/blazeface.bin', 'application/octet-stream', 'BIN'],
      ['/models/recognition/arc.onnx', 'application/octet-stream', 'ONNX'],
      ['/wasm/ort/ort-wasm-simd.wasm', 'application/wasm', 'WASM'],
    ]
    for (const [url, type, body] of cases) {
      const res = await fetch(new URL(url, host.url))
      expect(res.status, url).toBe(200)
      expect(res.headers.get('content-type'), url).toBe(type)
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin')
      expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin')
      // never framed (clickjacking), never referred
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'")
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(await res.text(), url).toBe(body)
    }
    // index.html (for / and extension-less routes) is served as it is: no token, no code in it
    for (const url of ['/', '/enroll']) {
      const res = await fetch(new URL(url, host.url))
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(await res.text()).toBe('<!doctype html><title>Hadir</title>')
    }
    const missing = await fetch(new URL('/assets/missing.js', host.url))
    expect(missing.status).toBe(404)
    expect(missing.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
    expect((await fetch(new URL('/wasm/nope/x.wasm', host.url))).status).toBe(404)
    expect((await fetch(new URL('/wasm/__proto__/x.wasm', host.url))).status).toBe(404)
  })

  it('makes path traversal impossible', async () => {
    for (const target of [
      '/../secret.txt',
      '/models/../secret.txt',
      '/models/%2e%2e/secret.txt',
      '/models/..%2fsecret.txt',
      '/wasm/ort/../../secret.txt',
      '/wasm/ort/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/models/..%5csecret.txt',
      '/models/%00manifest.json',
    ]) {
      const res = await rawGet(host.port, target)
      expect(res.body, target).not.toContain('TOP SECRET')
      expect([400, 404], target).toContain(res.status)
    }
    expect(resolveInside(path.join(tmp, 'models'), '../secret.txt')).toBeNull()
    expect(resolveInside(path.join(tmp, 'models'), '/etc/passwd')).toBeNull()
    expect(resolveInside(path.join(tmp, 'models'), 'manifest.json')?.size).toBe(7)
  })

  it('answers the API only to a paired session: the launch code pairs once, then the session token opens the API', async () => {
    const post = (method: string, args: unknown, headers: Record<string, string> = {}) =>
      fetch(new URL(`/api/invoke/${method}`, host.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ args }) })
    expect(host.launchUrl).toBe(`${host.url}#pair=${host.launchCode}`)
    const unpaired = await post('host/info', {})
    expect(unpaired.status).toBe(401)
    expect(await unpaired.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    const paired = (await (await post('kiosk/pair', { code: host.launchCode })).json()) as { ok: boolean; data: { token: string } }
    expect(paired.ok).toBe(true)
    const res = await post('host/info', {}, { 'x-hadir-token': paired.data.token })
    expect(await res.json()).toMatchObject({ ok: true, data: { kind: 'web', modelBaseUrl: '/models/', wasmBaseUrl: '/wasm/', embeddingModel: TEST_MODEL } })
    expect(await (await post('kiosk/pair', { code: host.launchCode })).json()).toMatchObject({ ok: false, error: { code: 'pair-code-used' } })
    for (const headers of [{}, { 'x-hadir-token': 'guess-guess-guess-guess' }, { 'x-hadir-token': `${paired.data.token}x` }] as Array<Record<string, string>>) {
      const refused = await post('host/info', {}, headers)
      expect(refused.status).toBe(401)
      expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    }
  })

  it('static files get the Host check too (a DNS-rebinding page cannot read the kiosk)', async () => {
    const get = (h: string) =>
      new Promise<string>((resolve, reject) => {
        const sock = net.connect(host.port, '127.0.0.1', () => sock.write(`GET / HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`))
        let data = ''
        sock.on('data', (c) => (data += c.toString()))
        sock.on('end', () => resolve(data))
        sock.on('error', reject)
      })
    for (const h of ['evil.example', `evil.example:${host.port}`, '127.0.0.1.nip.io']) {
      const raw = await get(h)
      expect(raw.split(' ')[1], h).toBe('403')
      expect(raw, h).not.toContain('<title>Hadir')
      expect(raw.toLowerCase(), h).toContain('x-frame-options: deny')
    }
    expect((await get(`localhost:${host.port}`)).split(' ')[1]).toBe('200')
  })
})

describe('main', () => {
  it('reads HADIR_PORT / HADIR_DATA_DIR and prints exactly one line', async () => {
    const lines: string[] = []
    const dataDir = path.join(tmp, 'main-data')
    const h = await main(
      { rendererDir: path.join(tmp, 'renderer'), modelsDir: path.join(tmp, 'models'), wasmDirs: {}, embeddingModel: { ...TEST_MODEL }, recognition: testRecognition(0.5) },
      { HADIR_PORT: '0', HADIR_DATA_DIR: dataDir },
      (l) => lines.push(l),
    )
    try {
      expect(lines).toEqual([`Hadir web kiosk: http://127.0.0.1:${h.port}/#pair=${h.launchCode}`])
      expect(h.launchCode).toMatch(/^[A-Za-z0-9_-]{32}$/)
      expect(fs.existsSync(path.join(dataDir, 'hadir.db'))).toBe(true)
    } finally {
      await h.close()
      process.removeAllListeners('SIGINT')
      process.removeAllListeners('SIGTERM')
    }
  })
  it('portFromEnv', () => {
    expect(portFromEnv({})).toBe(4477)
    expect(portFromEnv({ HADIR_PORT: '0' })).toBe(0)
    expect(portFromEnv({ HADIR_PORT: '8080' })).toBe(8080)
    expect(() => portFromEnv({ HADIR_PORT: 'abc' })).toThrow(RangeError)
    expect(() => portFromEnv({ HADIR_PORT: '70000' })).toThrow(RangeError)
  })
})

describe('resolveStaticPath', () => {
  it('routes renderer, models and wasm and refuses escapes', () => {
    const dirs = { rendererDir: path.join(tmp, 'renderer'), modelsDir: path.join(tmp, 'models'), wasmDirs: { ort: path.join(tmp, 'ort') } }
    expect(resolveStaticPath(dirs, '/')?.file).toBe(fs.realpathSync(path.join(tmp, 'renderer', 'index.html')))
    expect(resolveStaticPath(dirs, '/kiosk')?.file).toBe(fs.realpathSync(path.join(tmp, 'renderer', 'index.html')))
    expect(resolveStaticPath(dirs, '/models/human/blazeface.bin')?.size).toBe(3)
    expect(resolveStaticPath(dirs, '/wasm/ort/ort-wasm-simd.wasm')?.size).toBe(4)
    expect(resolveStaticPath(dirs, '/wasm/ort')).toBeNull()
    expect(resolveStaticPath(dirs, '/models/../secret.txt')).toBeNull()
    expect(resolveStaticPath(dirs, '/../secret.txt')).toBeNull()
    expect(resolveStaticPath(dirs, '/missing.js')).toBeNull()
  })
})

describe('recovery mode (a database that cannot be used)', () => {
  const opts = (dbFile: string): HostOptions => ({
    port: 0,
    rendererDir: path.join(tmp, 'renderer'),
    modelsDir: path.join(tmp, 'models'),
    wasmDirs: {},
    dbFile,
    embeddingModel: { ...TEST_MODEL },
    recognition: testRecognition(0.5),
    startSync: false,
    locale: 'en',
  })
  const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex')
  const invoke = async (h: StartedHost, method: string, args: unknown = {}) => {
    // recovery mode has no sessions: nothing is stored to protect, every method answers its error
    const res = await fetch(new URL(`/api/invoke/${method}`, h.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args }) })
    return (await res.json()) as { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } }
  }

  it('a damaged database: serves the page, host/info carries recovery with the backups, every other method answers db-corrupt; the file is untouched', async () => {
    const dir = path.join(tmp, 'recovery-corrupt')
    const dbFile = path.join(dir, 'hadir.db')
    const db = openDb(dbFile)
    const backup = await createBackup(db, dbFile)
    db.close()
    fs.writeFileSync(dbFile, Buffer.from('garbage '.repeat(2000)))
    const before = sha(dbFile)
    const h = await startHost(opts(dbFile))
    try {
      expect(h.recovery).toMatchObject({ code: 'db-corrupt', dbFile, backups: [{ file: backup.file, bytes: backup.bytes }] })
      expect(() => h.app).toThrow(expect.objectContaining({ code: 'db-corrupt' }))
      const page = await fetch(h.url)
      expect(page.status).toBe(200)
      expect(await page.text()).toBe('<!doctype html><title>Hadir</title>')
      expect(h.launchCode).toBeNull()
      const info = await invoke(h, 'host/info')
      expect(info).toMatchObject({ ok: true, data: { kind: 'web', locale: 'en', embeddingModel: TEST_MODEL, recovery: { code: 'db-corrupt', dbFile } } })
      const rec = info.data?.['recovery'] as { message: string; backups: Array<{ file: string; at: number; bytes: number }> }
      expect(rec.message).toContain('The database hadir.db is damaged')
      expect(rec.message).toContain(`npm run cli -- restore ${backup.file} --db ${dbFile}`)
      expect(rec.backups).toEqual([{ file: backup.file, at: backup.at, bytes: backup.bytes }])
      for (const method of ['people/list', 'kiosk/recognize', 'settings/get', 'admin/status']) {
        expect(await invoke(h, method), method).toMatchObject({ ok: false, error: { code: 'db-corrupt', message: rec.message } })
      }
      // no sessions in recovery mode (the page shows the recovery screen without pairing), and nothing
      // can be done through it: pairing and recording answer the same error; Host and Origin still checked
      expect(await invoke(h, 'kiosk/pair', { code: 'A'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'db-corrupt' } })
      const foreign = await fetch(new URL('/api/invoke/host/info', h.url), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{}' })
      expect(foreign.status).toBe(403)
    } finally {
      await h.close()
    }
    expect(sha(dbFile)).toBe(before)
    expect(fs.readdirSync(dir).sort()).toEqual(['backups', 'hadir.db', 'logs'])
    expect(listBackups(dbFile)).toHaveLength(1) // no backup of a damaged file
    const logLines = fs.readFileSync(path.join(dir, 'logs', 'hadir.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(logLines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['database unusable: starting in recovery mode', 'host started in recovery mode']))
  })

  it('a database from a newer app starts in recovery mode with db-from-future', async () => {
    const dbFile = path.join(tmp, 'recovery-future', 'hadir.db')
    const db = openDb(dbFile)
    db.pragma('user_version = 990')
    db.close()
    const h = await startHost(opts(dbFile))
    try {
      expect(h.recovery).toMatchObject({ code: 'db-from-future', backups: [] })
      expect(await invoke(h, 'people/list')).toMatchObject({ ok: false, error: { code: 'db-from-future' } })
    } finally {
      await h.close()
    }
  })

  it('a data folder that cannot even be created still refuses to start', async () => {
    const blocker = path.join(tmp, 'blocker-file')
    fs.writeFileSync(blocker, 'x')
    await expect(startHost({ ...opts(path.join(blocker, 'data', 'hadir.db')), logDir: null })).rejects.toMatchObject({ code: 'db-not-writable' })
  })

  it('a healthy start writes the daily backup and a JSON log line', async () => {
    const dir = path.join(tmp, 'healthy')
    const dbFile = path.join(dir, 'hadir.db')
    const h = await startHost(opts(dbFile))
    expect(h.recovery).toBeNull()
    await h.close()
    expect(listBackups(dbFile)).toHaveLength(1)
    const h2 = await startHost(opts(dbFile))
    await h2.close()
    expect(listBackups(dbFile)).toHaveLength(1) // at most once a day
    const lines = fs.readFileSync(path.join(dir, 'logs', 'hadir.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'host started', dbFile, t: expect.any(String) })
    expect(lines.map((l) => l['msg'])).toContain('database backed up')
  })
})

describe("Electron's app:// headers", () => {
  it('are the web host\'s: COOP/COEP/CORP, nosniff, never framed, never referred', async () => {
    const { appProtocolHeaders } = await import('../server/static-files')
    expect(appProtocolHeaders('/x/index.html')).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
    })
  })
})
