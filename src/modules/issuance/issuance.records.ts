import { asc, gt, inArray } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { byId, type RecordSource } from '../audit-log/records.js';
import { issuances } from './issuance.table.js';

/**
 * How the audit log reads this module's records (audit-log/records.ts; the
 * field lists are frozen: see there). Not return_notes: free text typed at a
 * return may be about the participant.
 */
const ISSUANCE_FIELDS = [
  'id', 'deviceId', 'participantId', 'custodyCycle', 'kind', 'dueDate', 'accessories', 'agreementAccepted', 'agreementLanguage', 'overrideReason',
  'issuedBy', 'issuedAt', 'returnedAt', 'returnedBy', 'returnCondition', 'personalDataRemoved',
] as const satisfies ReadonlyArray<keyof typeof issuances.$inferSelect>;

export const issuanceRecords: RecordSource = {
  table: 'issuances',
  read: async (db: Executor, ids: number[]) => byId(await db.select().from(issuances).where(inArray(issuances.id, ids)), ISSUANCE_FIELDS),
  idsAfter: async (db: Executor, afterId: number) =>
    (await db
      .select({ id: issuances.id })
      .from(issuances)
      .where(gt(issuances.id, afterId))
      .orderBy(asc(issuances.id)))
      .map((r) => r.id),
};
