#!/usr/bin/env node
// `npm run build`: electron-vite build (main, preload, web host, renderer into out/), then a stamp of
// the sources it was built from (out/.build-stamp.json). `--if-stale` builds only when the stamp no
// longer matches the sources, so `npm start` and the e2e tests do not rebuild what is current.
//
// The stamp is a hash of every build input's path, size and modification time (not contents: it
// must be quick enough for every start, ~250 files in a few ms).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const STAMP = join(root, 'out', '.build-stamp.json')
/** What the build reads: code, the renderer's page and styles, configs and the dependency lock. */
const INPUT_DIRS = ['src', 'electron']
const INPUT_FILES = ['electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.base.json']
const SKIP = /(\.test\.tsx?$|\/testing\/|\/node_modules\/)/

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) walk(p, out)
    else if (e.isFile() && !SKIP.test(p)) out.push(p)
  }
  return out
}

/** Hash of the build inputs as they are now. */
export function sourceStamp() {
  const files = [...INPUT_DIRS.flatMap((d) => walk(join(root, d), [])), ...INPUT_FILES.map((f) => join(root, f)).filter((f) => existsSync(f))].sort()
  const h = createHash('sha256')
  for (const f of files) {
    const st = statSync(f)
    h.update(`${relative(root, f)}\0${st.size}\0${Math.floor(st.mtimeMs)}\n`)
  }
  return { hash: h.digest('hex'), files: files.length }
}

/** 'current', 'missing' (never built) or 'stale' (sources changed since). */
export function buildState() {
  if (!existsSync(join(root, 'out', 'main', 'host.js')) || !existsSync(join(root, 'out', 'renderer', 'index.html')) || !existsSync(STAMP)) return 'missing'
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'))
    return stamp.hash === sourceStamp().hash ? 'current' : 'stale'
  } catch {
    return 'missing'
  }
}

/** Runs electron-vite build and writes the stamp; returns the exit status. */
export function build({ quiet = false } = {}) {
  const before = sourceStamp()
  const bin = join(root, 'node_modules', '.bin', 'electron-vite')
  const r = spawnSync(bin, ['build'], { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' })
  if (r.status !== 0) return r.status ?? 1
  writeFileSync(STAMP, `${JSON.stringify({ ...before, builtAt: new Date().toISOString() })}\n`)
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale')
  const state = buildState()
  if (ifStale && state === 'current') {
    console.log('hadir: out/ is current with the sources (no rebuild needed)')
  } else {
    if (ifStale) console.log(`hadir: out/ is ${state === 'missing' ? 'not built yet' : 'older than the sources'}: building`)
    process.exit(build())
  }
}
