import { test, expect } from '@playwright/test'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { face, ROOT } from './fixtures/paths'
import { makeDataDir, startWebHost } from './fixtures/web-host'

test.describe('web host start-up refuses bad set-ups with a clear message', () => {
  test('a corrupt model file is named, with how to fix it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hadir-root-'))
    cpSync(join(ROOT, 'models'), join(root, 'models'), { recursive: true })
    writeFileSync(join(root, 'models', 'human', 'blazeface.bin'), 'not a model')
    const dataDir = makeDataDir()
    try {
      const err = await startWebHost(dataDir, { HADIR_ROOT: root }).then(
        () => null,
        (e: unknown) => String(e),
      )
      expect(err).toContain('[model-corrupt]')
      expect(err).toContain('models/human/blazeface.bin')
      expect(err).toContain('npm run models')
    } finally {
      rmSync(root, { recursive: true, force: true })
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('a data folder that cannot be written is refused, naming it', async () => {
    const notADir = join(face('identities', 'obama', '1.jpg'), 'data')
    const err = await startWebHost(notADir).then(
      () => null,
      (e: unknown) => String(e),
    )
    expect(err).toContain('[db-not-writable]')
    expect(err).toContain(notADir)
  })
})
