/**
 * Takes a consistent snapshot of the live database with VACUUM INTO (safe
 * while the service runs and writes), then checks the copy: integrity and the
 * history hash chain.
 *
 *   npm run backup                    -> ./backups/refurb-<UTC time>.db
 *   npm run backup -- /mnt/usb/x.db   -> that file (must not exist)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/core/clock.js';
import { closeDatabase, integrityCheck, openDatabase, snapshotDatabase } from '../src/core/db.js';
import { createAuditService } from '../src/modules/audit/audit.service.js';
import { configOrExit, fail } from './cli.js';

const { positionals } = parseArgs({ allowPositionals: true });
const config = configOrExit();
const stamp = systemClock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const target = path.resolve(positionals[0] ?? path.join('backups', `refurb-${stamp}.db`));

const db = openDatabase({ path: config.databasePath });
try {
  snapshotDatabase(db, target);
} catch (err) {
  fail(`Backup failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  closeDatabase(db);
}

const copy = openDatabase({ path: target });
try {
  const integrity = integrityCheck(copy);
  const chain = createAuditService({ db: copy }).verify();
  process.stdout.write(`${JSON.stringify({ backup: target, integrity, auditChain: chain })}\n`);
  if (integrity !== 'ok' || !chain.ok) fail('The snapshot did not verify: keep the previous backup.');
} finally {
  closeDatabase(copy);
}
