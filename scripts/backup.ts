/**
 * Takes a consistent snapshot of the live database with VACUUM INTO (safe
 * while the service runs and writes), checks the copy (integrity and the
 * history hash chain) and only then moves it into place: a failed, refused or
 * killed run leaves nothing at the target path, so a file there is a complete,
 * verified backup. A killed run's hidden temporary (`.<name>.partial-<pid>`)
 * is removed by the next run to the same target.
 *
 *   npm run backup                    -> ./backups/refurb-<UTC time>.db
 *   npm run backup -- /mnt/usb/x.db   -> that file (must not exist)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { desc } from 'drizzle-orm';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, integrityCheck, openDatabase, snapshotDatabase, type Db } from '../src/core/db.js';
import { appendAnchor } from '../src/modules/audit/anchors.js';
import { createAuditService, type VerifyResult } from '../src/modules/audit/audit.service.js';
import { auditEvents } from '../src/modules/audit-log/audit.table.js';
import { configOrExit, fail } from './cli.js';

const { positionals } = parseArgs({ allowPositionals: true });
const config = configOrExit();
const stamp = systemClock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const target = path.resolve(positionals[0] ?? path.join('backups', `refurb-${stamp}.db`));

interface Summary {
  backup: string | null;
  integrity: string;
  auditChain: VerifyResult;
  /** The last event in the copy: compare it with the live service's chain to see what the backup holds. */
  auditHead: { eventId: number; hash: string } | null;
}

class SnapshotRejected extends Error {}

async function lastEventOf(copy: Db): Promise<Summary['auditHead']> {
  const row = (await copy.select({ eventId: auditEvents.id, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];
  return row ?? null;
}

let summary: Summary | undefined;
let failure: string | undefined;
const db = openDatabase({ path: config.databasePath });
try {
  await snapshotDatabase(db, target, async (copy) => {
    const integrity = integrityCheck(copy);
    const auditChain = await createAuditService({ db: copy }).verify();
    summary = { backup: target, integrity, auditChain, auditHead: await lastEventOf(copy) };
    if (integrity !== 'ok' || !auditChain.ok) throw new SnapshotRejected();
  });
} catch (err) {
  failure =
    err instanceof SnapshotRejected
      ? `The snapshot did not verify, so nothing was written to ${target}: keep the previous backup.`
      : `Backup failed, nothing was written to ${target}: ${err instanceof Error ? err.message : String(err)}`;
  if (summary) summary.backup = null;
} finally {
  await closeDatabase(db);
}

if (summary) process.stdout.write(`${JSON.stringify(summary)}\n`);
if (failure !== undefined) fail(failure);
// The verified head, kept outside the database: a later rewrite of the chain up to it shows (docs/security.md).
if (summary?.auditChain.ok) appendAnchor(config.auditAnchorsPath, summary.auditChain.head, systemClock.now());
