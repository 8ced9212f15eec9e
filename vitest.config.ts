import { defineConfig } from 'vitest/config'

/**
 * Two projects. `vision`: the tests that run the real vision pipeline on real photos; they run
 * without module isolation so the files of one worker share one loaded pipeline
 * (electron/cli/testing/shared-vision.ts). `unit`: everything else, isolated per file.
 *
 * No test relies on a tight wall-clock limit: the limits below are generous ceilings for a 2-core
 * machine shared with other work, and the long accuracy runs are not here at all (`npm run eval --
 * --check-floors`, `npm run eval:liveness -- --check-floors`, run by .ci/run after `npm test`).
 */
const VISION = ['src/vision/core/face-pipeline.test.ts', 'src/vision/core/quality.test.ts', 'src/vision/core/liveness.test.ts', 'src/vision/core/scene-motion.test.ts', 'electron/cli/eval.test.ts', 'electron/cli/eval-liveness.test.ts']

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['./vitest.setup-faces.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['electron/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'], exclude: [...VISION, '**/node_modules/**'] },
      },
      { extends: true, test: { name: 'vision', include: VISION, isolate: false } },
    ],
  },
})
