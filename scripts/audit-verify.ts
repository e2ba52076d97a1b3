/**
 * Verifies the history hash chain of the configured database from the command
 * line, as GET /api/v1/audit/verify does, against anchors kept outside it
 * (docs/security.md). Opens the database read-only: the SQLite file
 * (DATABASE_PATH), or with DATABASE_URL a PostgreSQL session that is
 * read-only and applies no migrations; the chain is read in one snapshot.
 *
 *   npm run audit:verify
 *   npm run audit:verify -- --anchor 1234:9f86d0…
 *   npm run audit:verify -- --anchors-file ./data/audit-anchors.log
 *   npm run audit:verify -- --append-anchor   (then appends the head to AUDIT_ANCHORS_PATH)
 *
 * Prints the result as one JSON line. Exit status: 0 the chain verifies (and
 * holds every anchor given), 1 it does not, 2 a usage or file error.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, openPostgres, openReadOnlyDatabase, type Db } from '../src/core/db.js';
import { appendAnchor, parseAnchor, readAnchors } from '../src/modules/audit/anchors.js';
import { createAuditService, type Anchor, type VerifyResult } from '../src/modules/audit/audit.service.js';
import { configOrExit, fail, reasonOf, shownDatabase } from './cli.js';

let values: { anchor?: string[]; 'anchors-file'?: string[]; 'append-anchor'?: boolean };
try {
  ({ values } = parseArgs({
    options: { anchor: { type: 'string', multiple: true }, 'anchors-file': { type: 'string', multiple: true }, 'append-anchor': { type: 'boolean' } },
  }));
} catch (err) {
  fail(`${reasonOf(err)}\nusage: npm run audit:verify -- [--anchor <id>:<hash>]... [--anchors-file <path>]... [--append-anchor]`);
}
const config = configOrExit();

const anchors: Anchor[] = [];
for (const text of values.anchor ?? []) {
  const anchor = parseAnchor(text);
  if (!anchor) fail(`--anchor ${text}: expected <event id>:<64 lowercase hex digits>`);
  anchors.push(anchor);
}
for (const file of values['anchors-file'] ?? []) {
  try {
    anchors.push(...readAnchors(file));
  } catch (err) {
    fail(`--anchors-file: ${reasonOf(err)}`);
  }
}

let db: Db;
if (config.databaseUrl) {
  try {
    db = await openPostgres({ url: config.databaseUrl, poolSize: 2, readOnly: true });
  } catch (err) {
    fail(`Cannot open ${shownDatabase(config)}: ${reasonOf(err)}`);
  }
} else {
  if (!fs.existsSync(config.databasePath)) fail(`No database at ${config.databasePath} (DATABASE_PATH).`);
  db = openReadOnlyDatabase(config.databasePath);
}
try {
  let result: VerifyResult;
  try {
    result = await createAuditService({ db }).verify({ anchors });
  } catch (err) {
    // Not a broken chain but no chain to read (a database never migrated, a lost connection).
    fail(`Cannot verify the audit chain of ${shownDatabase(config)}: ${reasonOf(err)}`);
  }
  // Only a head that verified is worth keeping.
  const appended = values['append-anchor'] === true && result.ok ? config.auditAnchorsPath : null;
  if (appended !== null && result.ok) appendAnchor(appended, result.head, systemClock.now());
  process.stdout.write(`${JSON.stringify({ database: shownDatabase(config), anchors: anchors.length, ...result, ...(appended ? { anchorAppendedTo: appended } : {}) })}\n`);
  process.exitCode = result.ok ? 0 : 1;
} finally {
  // On SQLite not closeDatabase: a read-only connection must not checkpoint the WAL.
  if (config.databaseUrl) await closeDatabase(db);
  else db.$client.close();
}
