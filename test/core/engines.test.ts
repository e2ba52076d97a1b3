/**
 * The list of SQLite-only test files (test/engines.ts) stays true: each names
 * an existing file with a reason, and what test:pg runs is every other file
 * that uses a database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SQLITE_ONLY, postgresTestFiles } from '../engines.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('which test files run on PostgreSQL', () => {
  it('each SQLite-only file exists and says why', () => {
    for (const [file, reason] of Object.entries(SQLITE_ONLY)) {
      expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
      expect(reason.length, file).toBeGreaterThan(20);
    }
  });

  it('runs the files that start the app, and none of the SQLite-only ones', () => {
    const files = postgresTestFiles(ROOT);
    expect(files).toContain('test/modules/lifecycle.e2e.test.ts');
    expect(files).toContain('test/core/route-matrix.test.ts');
    for (const file of Object.keys(SQLITE_ONLY)) expect(files).not.toContain(file);
    // A file with no database (the browser client's formatting) runs once, in npm test.
    expect(files).not.toContain('test/client/format.test.ts');
  });
});
