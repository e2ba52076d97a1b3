import { asc, gt, inArray } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { byId, type RecordSource } from '../audit-log/records.js';
import { gradings } from './grading.table.js';

/** How the audit log reads this module's records (audit-log/records.ts). The field lists are frozen: see there. */
const GRADING_FIELDS = ['id', 'deviceId', 'grade', 'checklist', 'specs', 'graderId', 'gradedAt'] as const satisfies ReadonlyArray<keyof typeof gradings.$inferSelect>;

export const gradingRecords: RecordSource = {
  table: 'gradings',
  read: async (db: Executor, ids: number[]) => byId(await db.select().from(gradings).where(inArray(gradings.id, ids)), GRADING_FIELDS),
  idsAfter: async (db: Executor, afterId: number) =>
    (await db
      .select({ id: gradings.id })
      .from(gradings)
      .where(gt(gradings.id, afterId))
      .orderBy(asc(gradings.id)))
      .map((r) => r.id),
};
