#!/usr/bin/env node
// Provisions models/ from npm packages and checks every file against models/manifest.json.
// Human's models come from the installed @vladmandic/human; the ONNX models are taken out of the
// faceplugin-face-recognition-js tarball (fetched with `npm pack`, its heavy dependencies never installed).
// Usage: node scripts/provision-models.mjs [--check]   (--check: verify only, never fetch)
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const modelsDir = join(root, 'models')
const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8'))
const checkOnly = process.argv.includes('--check')

export const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** Returns a list of problems, one per model file; empty when all are present and intact. */
export function verify() {
  const problems = []
  for (const m of manifest.models) {
    const file = join(modelsDir, m.path)
    if (!existsSync(file)) problems.push(`model file missing: models/${m.path} (${m.id}, from ${m.package}@${m.version})`)
    else if (sha256(file) !== m.sha256) problems.push(`model file corrupt: models/${m.path} (${m.id}): sha256 does not match models/manifest.json`)
  }
  return problems
}

function extractFromTarball(pkg, version, wanted) {
  const cache = join(root, 'node_modules', '.cache', 'hadir-models')
  mkdirSync(cache, { recursive: true })
  const tgzName = `${pkg.replace('@', '').replace('/', '-')}-${version}.tgz`
  const tgz = join(cache, tgzName)
  if (!existsSync(tgz)) {
    execFileSync('npm', ['pack', `${pkg}@${version}`, '--pack-destination', cache, '--silent', '--ignore-scripts'], { stdio: ['ignore', 'ignore', 'inherit'] })
  }
  const out = join(cache, `${tgzName}.d`)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  execFileSync('tar', ['-xzf', tgz, '-C', out, ...wanted.map((p) => `package/${p}`)])
  return (p) => join(out, 'package', p)
}

function provision() {
  const byPackage = new Map()
  for (const m of manifest.models) {
    const file = join(modelsDir, m.path)
    if (existsSync(file) && sha256(file) === m.sha256) continue
    const key = `${m.package}@${m.version}`
    if (!byPackage.has(key)) byPackage.set(key, [])
    byPackage.get(key).push(m)
  }
  for (const [, list] of byPackage) {
    const { package: pkg, version } = list[0]
    let locate
    const installed = join(root, 'node_modules', pkg)
    const installedVersion = existsSync(join(installed, 'package.json')) ? JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version : null
    if (installedVersion === version) locate = (p) => join(installed, p)
    else locate = extractFromTarball(pkg, version, list.map((m) => m.from))
    for (const m of list) {
      const src = locate(m.from)
      const dst = join(modelsDir, m.path)
      mkdirSync(dirname(dst), { recursive: true })
      if (!existsSync(src)) throw new Error(`${pkg}@${version} has no ${m.from}`)
      if (sha256(src) !== m.sha256) throw new Error(`${pkg}@${version}/${m.from} does not match the sha256 in models/manifest.json: refusing to install it`)
      copyFileSync(src, `${dst}.tmp`)
      renameSync(`${dst}.tmp`, dst)
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (!checkOnly) provision()
    const problems = verify()
    if (problems.length) {
      for (const p of problems) console.error(`hadir: ${p}`)
      console.error('hadir: run `npm run models` (or `npm install`) to provision the models again.')
      process.exit(1)
    }
    const count = readdirSync(join(modelsDir, 'human')).length + readdirSync(join(modelsDir, 'recognition')).length
    console.log(`hadir: ${count} model files present and verified against models/manifest.json`)
  } catch (err) {
    console.error(`hadir: model provisioning failed: ${err instanceof Error ? err.message : err}`)
    process.exit(1)
  }
}
