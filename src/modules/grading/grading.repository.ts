import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { gradings } from './grading.table.js';

export function latestGrading(db: Executor, deviceId: number): typeof gradings.$inferSelect | undefined {
  return db.select().from(gradings).where(eq(gradings.deviceId, deviceId)).orderBy(desc(gradings.id)).limit(1).get();
}

export function insertGrading(tx: Executor, row: typeof gradings.$inferInsert): typeof gradings.$inferSelect {
  return tx.insert(gradings).values(row).returning().get();
}
