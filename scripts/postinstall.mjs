#!/usr/bin/env node
// Runs after `npm install` / `npm ci`: provisions and verifies the models, then tries to get the
// Electron binary. Where the binary cannot be downloaded (no internet, only the npm registry), install
// still succeeds and says so in one line: the web kiosk (`npm run start:web`) and every test except
// the Electron project work without it.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const requireCjs = createRequire(import.meta.url)

const models = spawnSync(process.execPath, [join(root, 'scripts', 'provision-models.mjs')], { stdio: 'inherit' })
if (models.status !== 0) process.exit(models.status ?? 1)

export function electronBinaryPath() {
  try {
    const dir = dirname(requireCjs.resolve('electron/package.json'))
    const pathFile = join(dir, 'path.txt')
    if (!existsSync(pathFile)) return null
    const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(exe) ? exe : null
  } catch {
    return null
  }
}

if (process.env.HADIR_SKIP_ELECTRON_DOWNLOAD === '1') {
  console.log('hadir: Electron download skipped (HADIR_SKIP_ELECTRON_DOWNLOAD=1); `npm start` will open the web kiosk.')
} else if (electronBinaryPath()) {
  console.log('hadir: Electron binary present.')
} else {
  let installer = null
  try {
    installer = join(dirname(requireCjs.resolve('electron/package.json')), 'install.js')
  } catch {
    /* electron not installed (production install) */
  }
  const r = installer ? spawnSync(process.execPath, [installer], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000, encoding: 'utf8' }) : null
  if (r && r.status === 0 && electronBinaryPath()) {
    console.log('hadir: Electron binary downloaded.')
  } else {
    const why = r?.stderr?.split('\n').find((l) => /Error|ENOTFOUND|ECONN|EAI_AGAIN|timed out|refused/i.test(l))?.trim() ?? 'download failed'
    console.log(`hadir: Electron binary not available (${why.slice(0, 160)}); install finished anyway — \`npm start\` opens the web kiosk instead, \`npm run start:web\` does so on purpose.`)
  }
}

// Build once here, so `npm start` starts at once (it rebuilds only when the sources change).
if (existsSync(join(root, 'node_modules', '.bin', 'electron-vite')) && process.env.HADIR_SKIP_BUILD !== '1') {
  const { build } = await import('./build.mjs')
  const t0 = Date.now()
  if (build({ quiet: true }) === 0) console.log(`hadir: built out/ in ${((Date.now() - t0) / 1000).toFixed(1)} s (\`npm start\` rebuilds only when the sources change)`)
  else console.log('hadir: the build failed (see above); `npm start` will try again')
}
