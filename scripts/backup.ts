/**
 * Backs up the live database while the service runs and writes, checks the
 * copy (the history hash chain, and the file itself) and only then moves it
 * into place: a failed, refused or killed run leaves nothing at the target
 * path, so a file there is a complete, verified backup. A killed run's hidden
 * temporary (`.<name>.partial-<pid>`) is removed by the next run to the same
 * target.
 *
 * SQLite: a snapshot with VACUUM INTO, integrity_check and the chain checked
 * on the copy. PostgreSQL (DATABASE_URL): pg_dump's custom format, of the
 * very snapshot the chain was verified in, read back with pg_restore --list
 * (backup/postgres.ts).
 *
 *   npm run backup                    -> ./backups/refurb-<UTC time>.db (PostgreSQL: .dump)
 *   npm run backup -- /mnt/usb/x.db   -> that file (must not exist)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, integrityCheck, openDatabase, snapshotDatabase } from '../src/core/db.js';
import { appendAnchor } from '../src/modules/audit/anchors.js';
import { createAuditService } from '../src/modules/audit/audit.service.js';
import { backupPostgres, PgDumpUnavailable } from './backup/postgres.js';
import { lastEventOf, SnapshotRejected, type Summary } from './backup/summary.js';
import { configOrExit, fail, reasonOf } from './cli.js';

const { positionals } = parseArgs({ allowPositionals: true });
const config = configOrExit();
const stamp = systemClock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const target = path.resolve(positionals[0] ?? path.join('backups', `refurb-${stamp}.${config.databaseUrl ? 'dump' : 'db'}`));

async function backupSqlite(databasePath: string, out: { summary?: Summary }): Promise<void> {
  const db = openDatabase({ path: databasePath });
  try {
    await snapshotDatabase(db, target, async (copy) => {
      const integrity = integrityCheck(copy);
      const auditChain = await createAuditService({ db: copy }).verify();
      out.summary = { backup: target, engine: 'sqlite', format: 'sqlite database', integrity, auditChain, auditHead: await lastEventOf(copy) };
      if (integrity !== 'ok' || !auditChain.ok) throw new SnapshotRejected();
    });
  } finally {
    await closeDatabase(db);
  }
}

const out: { summary?: Summary } = {};
let failure: string | undefined;
try {
  if (config.databaseUrl) await backupPostgres(config.databaseUrl, target, out);
  else await backupSqlite(config.databasePath, out);
} catch (err) {
  failure =
    err instanceof SnapshotRejected
      ? `The snapshot did not verify, so nothing was written to ${target}: keep the previous backup.`
      : err instanceof PgDumpUnavailable
        ? `${err.message} Nothing was written to ${target}.`
        : `Backup failed, nothing was written to ${target}: ${reasonOf(err)}`;
  if (out.summary) out.summary.backup = null;
}

const { summary } = out;
if (summary) process.stdout.write(`${JSON.stringify(summary)}\n`);
if (failure !== undefined) fail(failure);
// The verified head, kept outside the database: a later rewrite of the chain up to it shows (docs/security.md).
if (summary?.auditChain.ok) appendAnchor(config.auditAnchorsPath, summary.auditChain.head, systemClock.now());
