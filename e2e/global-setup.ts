import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CHROMIUM, FACES, ROOT } from './fixtures/paths'

/**
 * The e2e tests run the built app (out/: `npm run test:e2e` builds it first when the sources changed),
 * Debian's Chromium with a fake camera, ffmpeg to make the camera's videos and the real photos of
 * ../shared/faces. Each missing piece is named with how to get it, before any test starts.
 */
export default function globalSetup(): void {
  const missing: string[] = []
  for (const f of ['out/main/host.js', 'out/renderer/index.html']) {
    if (!existsSync(join(ROOT, f))) missing.push(`${f} is missing: run \`npm run build\``)
  }
  if (!existsSync(CHROMIUM)) missing.push(`no Chromium at ${CHROMIUM}: \`apt-get install -y chromium\` (or set HADIR_CHROMIUM)`)
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' })
  } catch {
    missing.push('no ffmpeg on the PATH (it makes the fake camera videos): `apt-get install -y ffmpeg`')
  }
  if (!existsSync(join(FACES, 'sequences'))) missing.push(`no face set at ${FACES} (../shared/faces beside the repository, or set HADIR_FACES_DIR)`)
  if (missing.length) throw new Error(`the e2e tests cannot run here:\n  - ${missing.join('\n  - ')}`)
}
