import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './fixtures/paths'

/** The e2e tests run the built app (out/): `npm run test:e2e` builds it first. */
export default function globalSetup(): void {
  for (const f of ['out/main/host.js', 'out/renderer/index.html']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` before the e2e tests`)
  }
}
