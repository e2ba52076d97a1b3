import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { assetTagCounters, assetTags } from './asset-tags.table.js';

export type AssetTagRow = typeof assetTags.$inferSelect;

/** Takes `count` sequence numbers for a prefix; returns the first. Call inside a write transaction. */
export function takeSequence(tx: Executor, prefix: string, count: number): number {
  const row = tx
    .insert(assetTagCounters)
    .values({ prefix, nextSeq: 1 + count })
    .onConflictDoUpdate({ target: assetTagCounters.prefix, set: { nextSeq: sql`${assetTagCounters.nextSeq} + ${count}` } })
    .returning({ nextSeq: assetTagCounters.nextSeq })
    .get();
  return row.nextSeq - count;
}

export function insertAssetTags(tx: Executor, rows: Array<typeof assetTags.$inferInsert>): void {
  // SQLite caps bound parameters per statement; insert in slices.
  for (let i = 0; i < rows.length; i += 100) tx.insert(assetTags).values(rows.slice(i, i + 100)).run();
}

export function findAssetTag(db: Executor, tag: string): AssetTagRow | undefined {
  return db.select().from(assetTags).where(eq(assetTags.tag, tag)).get();
}

export function markAssigned(tx: Executor, tag: string, at: string): void {
  tx.update(assetTags).set({ status: 'assigned', assignedAt: at }).where(eq(assetTags.tag, tag)).run();
}
