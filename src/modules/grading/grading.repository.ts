import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { gradings } from './grading.table.js';

export async function latestGrading(db: Executor, deviceId: number): Promise<typeof gradings.$inferSelect | undefined> {
  return (await db.select().from(gradings).where(eq(gradings.deviceId, deviceId)).orderBy(desc(gradings.id)).limit(1))[0];
}

export async function insertGrading(tx: Executor, row: typeof gradings.$inferInsert): Promise<typeof gradings.$inferSelect> {
  return (await tx.insert(gradings).values(row).returning())[0]!;
}
