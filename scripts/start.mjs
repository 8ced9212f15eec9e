#!/usr/bin/env node
// `npm start`: the Electron kiosk when the Electron binary is installed, else the web kiosk (the
// plain-Node host on 127.0.0.1 serving the same renderer build and API). `npm run start:web` (--web)
// starts the web kiosk on purpose.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, buildState } from './build.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const requireCjs = createRequire(import.meta.url)
const bin = (name) => join(root, 'node_modules', '.bin', name)

function electronBinary() {
  try {
    const dir = dirname(requireCjs.resolve('electron/package.json'))
    const exe = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim())
    return existsSync(exe) ? exe : null
  } catch {
    return null
  }
}

const web = process.argv.includes('--web') || !electronBinary()
// the web host checks every model file itself as it starts (and names a bad one); Electron's main
// process is checked here first
if (!web) {
  const models = spawnSync(process.execPath, [join(root, 'scripts', 'provision-models.mjs'), '--check'], { stdio: 'inherit' })
  if (models.status !== 0) process.exit(1)
}

// out/ is built once (npm install, npm run build); a start rebuilds only when the sources changed since
const state = buildState()
if (state !== 'current') {
  console.log(state === 'missing' ? 'hadir: no build in out/ yet: building it once (npm run build)…' : 'hadir: the sources changed since the last build: rebuilding (npm run build)…')
  const status = build({ quiet: true })
  if (status !== 0) process.exit(status)
}

if (!web) {
  const child = spawn(bin('electron-vite'), ['preview', '--skipBuild'], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  if (!process.argv.includes('--web')) console.log('hadir: the Electron binary is not installed here (it could not be downloaded); starting the web kiosk instead.')
  console.log('hadir: open the URL below in Chromium or Chrome (camera permission needed); Ctrl+C stops it.')
  const child = spawn(process.execPath, [join(root, 'out', 'main', 'host.js')], { cwd: root, stdio: 'inherit' })
  const stop = () => child.kill('SIGTERM')
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  child.on('exit', (code) => process.exit(code ?? 0))
}
