/**
 * Which test files `npm run test:pg` runs on PostgreSQL (TEST_ENGINE=postgres):
 * every file that starts the app or opens a database, except those below,
 * which test a mechanism of SQLite's own (its file, its disk errors, its
 * scripts), each with why and where PostgreSQL's counterpart is tested.
 * Files that touch no database (the browser client, the locales, parsers)
 * run once, in `npm test`, and so do the browser suites (`*.browser.test.ts`,
 * Chromium against a served app on a SQLite file): they test the screens,
 * and the API the screens call runs on PostgreSQL in the module tests.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SQLITE_ONLY: Readonly<Record<string, string>> = {
  'test/core/storage-full.test.ts': "a full or failing disk under the SQLite file (SQLITE_FULL, SQLITE_IOERR); PostgreSQL's own server reports its disk",
  'test/core/migration-upgrade.test.ts': 'upgrading SQLite files written by earlier releases; the PostgreSQL schema starts at this release (test/core/schema-parity.test.ts)',
  'test/scripts/scripts.test.ts': 'backup (VACUUM INTO), audit:verify and user:create on the SQLite file; on PostgreSQL: test/scripts/scripts-postgres.test.ts',
  'test/scripts/db-copy.test.ts': 'copies between the two engines itself, with its own PostgreSQL databases',
  'test/core/postgres-instances.test.ts': 'creates its own PostgreSQL database for two instances, whatever the engine under test',
  'test/scripts/scripts-postgres.test.ts': 'creates its own PostgreSQL databases, whatever the engine under test',
  'test/core/db-notices.pg.test.ts': 'makes its own PostgreSQL database for two instances, whatever the engine under test',
  'test/modules/shared-limits.pg.test.ts': 'makes its own PostgreSQL databases for two instances (and compares with the memory limiters), whatever the engine under test',
  'test/modules/device-lookup.test.ts': 'runs its cases on SQLite and on its own PostgreSQL database itself, whatever the engine under test',
  'test/modules/report-worker.test.ts': "the diversion report's worker thread, which opens its own read-only connection to the SQLite file (a database in memory or on PostgreSQL has none: the report runs in the process); on PostgreSQL the report and REPORT_MIN_CELL are tested by test/modules/diversion-report.test.ts and test/modules/diversion-once.test.ts",
  'test/core/schema-parity.test.ts': 'compares a migrated SQLite database with its own PostgreSQL database, whatever the engine under test',
};

/** A file that starts the app or opens a database. */
const USES_DATABASE = /\b(createTestApp|createTestDatabase|openDatabase|openPostgres)\b/;
const BROWSER_SUITE = /\.browser\.test\.ts$/;

/** The test files to run on PostgreSQL, relative to root, sorted. */
export function postgresTestFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (rel.endsWith('.test.ts') && !(rel in SQLITE_ONLY) && !BROWSER_SUITE.test(rel) && USES_DATABASE.test(fs.readFileSync(path.join(root, rel), 'utf8'))) out.push(rel);
    }
  };
  walk('test');
  return out.sort();
}
