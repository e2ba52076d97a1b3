/**
 * Feature boundaries, checked by `npm run lint` (dependency-cruiser).
 * Module-level acyclicity (each src/modules/<name> folder, src/core and the
 * top-level files as one unit) is asserted by test/core/architecture.test.ts.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const COMPOSITION = '^src/(routes|container|app|main|db-schema)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No file-level import cycle, type-only imports included.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-no-module',
      severity: 'error',
      comment: 'src/core is the generic base: it knows no feature module and not the composition root.',
      from: { path: '^src/core/' },
      to: { path: ['^src/modules/', COMPOSITION, '^src/config\\.ts$'] },
    },
    {
      name: 'no-module-imports-composition',
      severity: 'error',
      comment: 'Modules are wired by the composition root (container.ts, routes.ts, app.ts); they never import it.',
      from: { path: '^src/modules/' },
      to: { path: COMPOSITION },
    },
    {
      name: 'modules-use-other-modules-through-public-files',
      severity: 'error',
      comment:
        "Another module's tables and repositories are its own: read its data through its service (or a port the composition root wires). " +
        'Foreign keys are the exception (a table may reference another table), and so is the audit log, which every module appends to ' +
        'inside its own transaction. Older violations are listed in .dependency-cruiser-known-violations.json until they are fixed.',
      from: { path: '^src/modules/([^/]+)/', pathNot: '\\.table\\.ts$' },
      to: { path: '^src/modules/([^/]+)/.+\\.(repository|table)\\.ts$', pathNot: ['^src/modules/$1/', '^src/modules/audit-log/'] },
    },
    {
      name: 'browser-client-stays-out-of-the-server',
      severity: 'error',
      comment: 'src/station is the browser client; the server never imports it (it is bundled, not loaded).',
      from: { path: '^src/', pathNot: '^src/station/' },
      to: { path: '^src/station/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/types/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mts', '.js', '.mjs', '.json'] },
  },
};
