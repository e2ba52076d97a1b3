import { and, eq, like } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { idempotencyKeys } from './idempotency.table.js';

/**
 * Drops the kept response bodies of one route that contain a string (used on
 * erasure of personal data). The keys stay, so a replay still never applies
 * twice: it answers 409 idempotency.outcome_unknown instead.
 */
export function forgetStoredResponses(tx: Executor, route: string, needle: string): number {
  // LIKE wildcards in the needle would widen the match: refuse them rather than escape (no ESCAPE clause here).
  if (/[%_]/.test(needle)) throw new Error('forgetStoredResponses: needle must not contain % or _');
  const pattern = `%${needle}%`;
  return tx
    .update(idempotencyKeys)
    .set({ responseBody: null, responseStatus: null })
    .where(and(eq(idempotencyKeys.route, route), like(idempotencyKeys.responseBody, pattern)))
    .run().changes;
}
