import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { projectRoot } from './models/manifest'

const requireCjs = createRequire(import.meta.url)

/** Folders the hosts serve: the renderer build, the models, and the wasm binaries of tfjs and ORT. */
export type ServedDirs = { rendererDir: string; modelsDir: string; wasmDirs: Record<string, string> }

/**
 * Where served files live: in a packaged app under resources/ (models are asarUnpack'ed), in a
 * checkout under the project root.
 */
export function servedDirs(opts: { packaged: boolean; resourcesPath?: string; outDir: string }): ServedDirs {
  const root = opts.packaged && opts.resourcesPath ? opts.resourcesPath : projectRoot()
  return {
    rendererDir: join(opts.outDir, 'renderer'),
    modelsDir: join(root, 'models'),
    wasmDirs: {
      tfjs: dirname(requireCjs.resolve('@tensorflow/tfjs-backend-wasm')),
      ort: dirname(requireCjs.resolve('onnxruntime-web')),
    },
  }
}
