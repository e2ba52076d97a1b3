/**
 * Feature boundaries, checked by `npm run lint` (dependency-cruiser).
 * Module-level acyclicity (each src/modules/<name> folder, src/core and the
 * top-level files as one unit) is asserted by test/core/architecture.test.ts.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const COMPOSITION = '^src/(routes|container|app|main|db-schema(\\.pg)?)\\.ts$';

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
        "A module's repository is its own: no other module imports it. Read another module's data through its service, a public read " +
        'file of it (devices/device-reads.ts) or a port the composition root wires; a read inside a write transaction takes that ' +
        'transaction as its executor. The audit log is the exception: every module appends to it inside its own transaction.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/.+\\.repository\\.ts$', pathNot: ['^src/modules/$1/', '^src/modules/audit-log/'] },
    },
    {
      name: 'only-repositories-join-other-modules-tables',
      severity: 'error',
      comment:
        "Another module's tables are read in SQL only: a repository may join them (a user's name beside a record, the device a record " +
        'is of), which is one query where going through the owning service would be one more per row (N+1). A table may reference ' +
        "another in a foreign key. Services and every other file reach another module's data through that module's public files.",
      from: { path: '^src/modules/([^/]+)/', pathNot: '\\.(repository|table)\\.ts$' },
      to: { path: '^src/modules/([^/]+)/.+\\.table\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'postgres-schema-stays-out-of-the-service',
      severity: 'error',
      comment:
        'src/db-schema.pg.ts, the PostgreSQL mirror of the tables, is read by drizzle-kit and the schema parity test; the service ' +
        'queries the SQLite table objects on both engines and loads no PostgreSQL table (docs/postgresql.md).',
      from: { path: '^src/' },
      to: { path: '^src/db-schema\\.pg\\.ts$' },
    },
    {
      name: 'browser-client-stays-out-of-the-server',
      severity: 'error',
      comment: 'src/station is the browser client; the server never imports it (it is bundled, not loaded).',
      from: { path: '^src/', pathNot: '^src/station/' },
      to: { path: '^src/station/' },
    },
    {
      name: 'office-stays-out-of-the-server',
      severity: 'error',
      comment: 'src/office is the office pages in the browser; the server never imports it (it is bundled, not loaded).',
      from: { path: '^src/', pathNot: '^src/office/' },
      to: { path: '^src/office/' },
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
