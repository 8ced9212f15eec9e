/**
 * Packaging, as far as it can run here: `npm run dist -- --check` (build, models, SQLite for
 * Electron), then electron-builder's real packing (asar, unpacked natives, models in resources) into
 * a folder with a stand-in for the Electron binary, which cannot be downloaded on this machine.
 * What the packaged app needs at run time must land where it looks for it.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
const requireCjs = createRequire(import.meta.url)
const asar = requireCjs('@electron/asar') as { listPackage(file: string, opts?: object): string[] }
const tmp = mkdtempSync(join(tmpdir(), 'hadir-dist-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('npm run dist', () => {
  it('--check builds, verifies the models and finds the N-API SQLite prebuilds for Electron', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'dist.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' })
    expect(r.status, r.stderr + r.stdout).toBe(0)
    expect(r.stdout).toContain('12 model files present and verified')
    expect(r.stdout).toMatch(/N-API prebuilds: .*linux-x64\.node.*win32-x64\.node/)
  }, 180_000)

  it('without the Electron binary it says so and fails clearly (exit 2) after the checks', () => {
    const electronPath = join(ROOT, 'node_modules', 'electron', 'path.txt')
    if (existsSync(electronPath)) return // a machine with Electron packages for real
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'dist.mjs')], { cwd: ROOT, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('the Electron binary is not installed on this machine')
  }, 180_000)

  it('electron-builder packs the app: code and wasm in app.asar, SQLite unpacked, models verified in resources/', () => {
    const fake = join(tmp, 'electron-stand-in')
    mkdirSync(join(fake, 'resources'), { recursive: true })
    writeFileSync(join(fake, 'electron'), '#!/bin/sh\nexit 0\n')
    chmodSync(join(fake, 'electron'), 0o755)
    const out = join(tmp, 'out')
    const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version
    const r = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'electron-builder'),
      ['--linux', 'dir', '--publish', 'never', `-c.electronDist=${fake}`, `-c.electronVersion=${version}`, `-c.directories.output=${out}`],
      { cwd: ROOT, encoding: 'utf8' },
    )
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const resources = join(out, 'linux-unpacked', 'resources')
    const files = new Set(asar.listPackage(join(resources, 'app.asar')).map((f) => f.replace(/\\/g, '/')))
    for (const f of ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json']) expect(files.has(f), f).toBe(true)
    // the wasm runtimes the app:// protocol serves (servedDirs resolves them from node_modules)
    expect([...files].some((f) => /onnxruntime-web\/dist\/ort-wasm-simd-threaded\.wasm$/.test(f))).toBe(true)
    expect([...files].some((f) => /tfjs-backend-wasm\/dist\/tfjs-backend-wasm-threaded-simd\.wasm$/.test(f))).toBe(true)
    // CLI-only and renderer-bundled packages stay out
    expect([...files].some((f) => f.includes('/node_modules/sharp/') || f.includes('/node_modules/@vladmandic/'))).toBe(false)
    // SQLite for Electron's ABI, outside the asar so it can be loaded
    for (const p of ['linux-x64.node', 'win32-x64.node']) expect(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3-napi', 'prebuilds', p)), p).toBe(true)
    // the models, each matching the manifest's sha256: the packaged app starts offline
    const manifest = JSON.parse(readFileSync(join(resources, 'models', 'manifest.json'), 'utf8')) as { models: Array<{ path: string; sha256: string }> }
    expect(manifest.models.length).toBe(12)
    for (const m of manifest.models) {
      const bytes = readFileSync(join(resources, 'models', m.path))
      expect(createHash('sha256').update(bytes).digest('hex'), m.path).toBe(m.sha256)
    }
  }, 180_000)
})
