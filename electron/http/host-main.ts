/**
 * Entry of the plain-Node web kiosk (`npm run start:web`, built to out/main/host.js): serves the
 * renderer build, the models and the wasm binaries on 127.0.0.1 with the same API as Electron's IPC.
 * Env: HADIR_PORT (default 4477, 0 = any free port), HADIR_DATA_DIR (database folder; logs go to
 * its logs/ and backups to its backups/), HADIR_MODELS_DIR (serve the models from another folder).
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { embeddingModelTag, recognitionConfig, verifyModels } from '../server/models/manifest'
import { servedDirs } from '../server/served-dirs'
import { runMain } from './host'

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')

void runMain(() => {
  const served = servedDirs({ packaged: false, outDir })
  const modelsFromEnv = process.env['HADIR_MODELS_DIR']
  const dirs = modelsFromEnv && modelsFromEnv.trim() !== '' ? { ...served, modelsDir: resolve(modelsFromEnv) } : served
  verifyModels(dirs.modelsDir)
  return {
    ...dirs,
    embeddingModel: embeddingModelTag(dirs.modelsDir),
    recognition: recognitionConfig(dirs.modelsDir),
    version: process.env['npm_package_version'] ?? '0.1.0',
  }
})
