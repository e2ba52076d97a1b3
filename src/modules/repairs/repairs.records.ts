import { asc, gt, inArray } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { byId, type RecordSource } from '../audit-log/records.js';
import { repairs } from './repairs.table.js';

/** How the audit log reads this module's records (audit-log/records.ts). The field lists are frozen: see there. */
const REPAIR_FIELDS = [
  'id', 'deviceId', 'description', 'partsUsed', 'minutes', 'completionMinutes', 'outcome', 'notes', 'openedBy', 'openedAt', 'completedBy', 'completedAt',
] as const satisfies ReadonlyArray<keyof typeof repairs.$inferSelect>;

export const repairRecords: RecordSource = {
  table: 'repairs',
  read: async (db: Executor, ids: number[]) => byId(await db.select().from(repairs).where(inArray(repairs.id, ids)), REPAIR_FIELDS),
  idsAfter: async (db: Executor, afterId: number) =>
    (await db
      .select({ id: repairs.id })
      .from(repairs)
      .where(gt(repairs.id, afterId))
      .orderBy(asc(repairs.id)))
      .map((r) => r.id),
};
