import { eq } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { idempotencyKeys } from './idempotency.table.js';

/** Drops the kept answers about one resource, keeping their keys; returns how many. */
export async function forgetAnswersAbout(tx: Executor, resource: string): Promise<number> {
  const forgotten = await tx
    .update(idempotencyKeys)
    .set({ responseBody: null, responseStatus: null })
    .where(eq(idempotencyKeys.resource, resource))
    .returning({ key: idempotencyKeys.key });
  return forgotten.length;
}
