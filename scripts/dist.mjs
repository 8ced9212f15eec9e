#!/usr/bin/env node
// `npm run dist [-- --linux|--win|--check]`: packages the kiosk with electron-builder.
//
// 1. builds main, preload, web host and renderer (electron-vite build);
// 2. verifies every model file against models/manifest.json (they ship inside the package, under
//    resources/models, so the packaged app starts offline);
// 3. checks that SQLite for Electron's ABI is there: better-sqlite3-napi (better-sqlite3@13, N-API
//    prebuild, loaded only under Electron) needs no rebuild for Electron's ABI;
// 4. packages: AppImage + deb (--linux, the default on Linux) or NSIS (--win), using the Electron
//    binary from node_modules/electron/dist (electronDist), so no Electron download happens here.
//
// `--check` stops after step 3. Where the Electron binary could not be installed (a machine that only
// reaches the npm registry), step 4 is impossible: the script says so and exits 2 after 1–3 passed.
// electron-builder itself downloads its packaging tools (appimagetool, fpm, NSIS) on first use; on a
// machine with internet that just works.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const requireCjs = createRequire(import.meta.url)
const args = process.argv.slice(2)
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)
const step = (msg) => console.log(`dist: ${msg}`)
const run = (cmd, argv) => {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  if (r.status !== 0) {
    console.error(`dist: ${[cmd, ...argv].join(' ')} failed (${r.status})`)
    process.exit(r.status ?? 1)
  }
}

step('building (electron-vite build)')
run(bin('electron-vite'), ['build'])
for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
  if (!existsSync(join(root, f))) {
    console.error(`dist: ${f} is missing after the build`)
    process.exit(1)
  }
}

step('verifying models against models/manifest.json')
run(process.execPath, [join(root, 'scripts', 'provision-models.mjs')])

step("checking SQLite for Electron's ABI (better-sqlite3-napi, N-API prebuild)")
let napiDir
try {
  napiDir = dirname(requireCjs.resolve('better-sqlite3-napi/package.json'))
} catch {
  console.error('dist: better-sqlite3-napi is not installed (npm install)')
  process.exit(1)
}
const prebuilds = join(napiDir, 'prebuilds')
const nodeFiles = existsSync(prebuilds) ? readdirSync(prebuilds).filter((f) => f.endsWith('.node')) : []
for (const needed of ['linux-x64.node', 'win32-x64.node']) {
  if (!nodeFiles.includes(needed)) {
    console.error(`dist: the N-API prebuild ${needed} is missing in ${prebuilds}`)
    process.exit(1)
  }
}
step(`  N-API prebuilds: ${nodeFiles.join(', ')}`)

if (args.includes('--check')) {
  step('check passed (build, models, SQLite for Electron); packaging not requested')
  process.exit(0)
}

let electronDist = null
try {
  const dir = dirname(requireCjs.resolve('electron/package.json'))
  if (existsSync(join(dir, 'path.txt')) && existsSync(join(dir, 'dist'))) electronDist = join(dir, 'dist')
} catch {
  /* not installed */
}
if (!electronDist) {
  console.error(
    'dist: the Electron binary is not installed on this machine (npm install could not download it), so no package can be made here.\n' +
      'dist: build, models and SQLite for Electron were checked. On a machine with internet: npm install && npm run dist',
  )
  process.exit(2)
}
const target = args.includes('--win') ? ['--win', 'nsis'] : ['--linux', 'AppImage', 'deb']
step(`packaging ${target.slice(1).join(' + ')} with the Electron binary in ${electronDist}`)
run(bin('electron-builder'), [...target, '--publish', 'never', `-c.electronDist=${electronDist}`])
step('done: see dist/')
