/** What a backup run prints, on either engine: one JSON line. */
import { desc } from 'drizzle-orm';
import type { Db } from '../../src/core/db.js';
import type { VerifyResult } from '../../src/modules/audit/audit.service.js';
import { auditEvents } from '../../src/modules/audit-log/audit.table.js';

export interface Summary {
  /** The published file; null when nothing was written. */
  backup: string | null;
  engine: 'sqlite' | 'postgresql';
  format: 'sqlite database' | 'pg_dump custom';
  /** SQLite's integrity_check on the copy, or that pg_restore read the archive's table of contents. */
  integrity: string;
  auditChain: VerifyResult;
  /** The last event in the copy: compare it with the live service's chain to see what the backup holds. */
  auditHead: { eventId: number; hash: string } | null;
}

/** The copy's checks failed: nothing is published, and the summary says why. */
export class SnapshotRejected extends Error {}

export async function lastEventOf(db: Db): Promise<Summary['auditHead']> {
  const row = (await db.select({ eventId: auditEvents.id, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];
  return row ?? null;
}
