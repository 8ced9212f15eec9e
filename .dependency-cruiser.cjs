/**
 * Import arrows (`npm run lint` runs this): hosts → core → shared, UI → vision → shared, no cycles.
 *
 * - shared: src/shared (pure TS used by both processes)
 * - vision: src/vision (the one vision pipeline: renderer and Node CLI)
 * - UI: src/features, src/store, src/api, src/i18n, src/*.tsx (the renderer)
 * - core: electron/server (the Electron-free core: store, handlers, sync)
 * - hosts: electron/main (Electron shell), electron/http (web host), electron/cli (command line)
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules that import each other in a circle', from: {}, to: { circular: true } },
    {
      name: 'shared-is-a-leaf',
      severity: 'error',
      comment: 'src/shared imports nothing of ours outside src/shared',
      from: { path: '^src/shared/' },
      to: { path: '^(src/(?!shared/)|electron/|scripts/|e2e/)' },
    },
    {
      name: 'vision-below-ui',
      severity: 'error',
      comment: 'the vision pipeline knows nothing of the UI, the store or the hosts',
      from: { path: '^src/vision/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(src/(features|store|api|i18n)/|src/[^/]+\\.tsx?$|electron/)' },
    },
    {
      name: 'core-below-hosts',
      severity: 'error',
      comment: 'the core never imports a host (Electron shell, web host, CLI) nor the renderer or vision code',
      from: { path: '^electron/server/', pathNot: '\\.test\\.ts$|/testing/' },
      to: { path: '^(electron/(main|http|cli)/|src/(?!shared/))' },
    },
    {
      name: 'hosts-apart',
      severity: 'error',
      comment: 'one host does not borrow from another: what both need belongs to the core',
      from: { path: '^electron/(main|http)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^electron/(main|http|cli)/', pathNot: '^electron/$1/' },
    },
    {
      name: 'renderer-not-node',
      severity: 'error',
      comment: 'renderer code never reaches into electron/',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^electron/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist|node_modules|models)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
}
