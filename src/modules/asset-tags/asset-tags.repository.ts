import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { assetTagCounters, assetTags } from './asset-tags.table.js';

export type AssetTagRow = typeof assetTags.$inferSelect;

/** Takes `count` sequence numbers for a prefix; returns the first. Call inside a write transaction. */
export async function takeSequence(tx: Executor, prefix: string, count: number): Promise<number> {
  const row = (await tx
    .insert(assetTagCounters)
    .values({ prefix, nextSeq: 1 + count })
    .onConflictDoUpdate({ target: assetTagCounters.prefix, set: { nextSeq: sql`${assetTagCounters.nextSeq} + ${count}` } })
    .returning({ nextSeq: assetTagCounters.nextSeq }))[0]!;
  return row.nextSeq - count;
}

export async function insertAssetTags(tx: Executor, rows: Array<typeof assetTags.$inferInsert>): Promise<void> {
  // SQLite caps bound parameters per statement; insert in slices.
  for (let i = 0; i < rows.length; i += 100) await tx.insert(assetTags).values(rows.slice(i, i + 100));
}

export async function findAssetTag(db: Executor, tag: string): Promise<AssetTagRow | undefined> {
  return (await db.select().from(assetTags).where(eq(assetTags.tag, tag)))[0];
}

export async function markAssigned(tx: Executor, tag: string, at: string): Promise<void> {
  await tx.update(assetTags).set({ status: 'assigned', assignedAt: at }).where(eq(assetTags.tag, tag));
}
