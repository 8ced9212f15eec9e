import type { Config } from '@vladmandic/human'

/** Options the host decides. */
export type HumanHostOptions = {
  /** where Human's model JSON/BIN files are served or stored, with trailing slash */
  modelBasePath: string
  /** where tfjs-backend-wasm's .wasm files are, with trailing slash */
  wasmPath: string
  /** faces to look for in one frame (group photos in bulk enrollment need more than the kiosk) */
  maxFaces: number
  /** run Human's iris model (adds 10 points to the mesh, ~10 ms) */
  iris?: boolean
  /**
   * run Human's `antispoof` and `liveness` models (each ~1–11 ms per face): their scores become
   * `DetectedFace.real` / `.live`, kept as evidence by the liveness scorer (see liveness.ts). Off by default.
   */
  antispoof?: boolean
}

/**
 * Human configuration for Hadir: WASM backend, detector + mesh only (Human's own descriptor,
 * antispoof and liveness are not used for decisions — see MODELS.md), no frame caching so that
 * every frame is analysed afresh and Node and Chromium give identical results.
 */
export function humanConfig(o: HumanHostOptions): Partial<Config> {
  return {
    backend: 'wasm',
    modelBasePath: o.modelBasePath,
    wasmPath: o.wasmPath,
    debug: false,
    async: true,
    warmup: 'none',
    cacheSensitivity: 0,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: true, maxDetected: o.maxFaces, skipFrames: 0, skipTime: 0, minConfidence: 0.2, minSize: 0, scale: 1.4, mask: false, iouThreshold: 0.1, return: false },
      mesh: { enabled: true, keepInvalid: false },
      iris: { enabled: o.iris ?? false },
      attention: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: o.antispoof ?? false, skipFrames: 0, skipTime: 0 },
      liveness: { enabled: o.antispoof ?? false, skipFrames: 0, skipTime: 0 },
    } as Config['face'],
  }
}
