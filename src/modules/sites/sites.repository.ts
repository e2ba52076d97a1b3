import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { sites } from './sites.table.js';

export type SiteRow = typeof sites.$inferSelect;

export async function listSites(db: Executor): Promise<SiteRow[]> {
  return db.select().from(sites).orderBy(asc(sites.id));
}

export async function insertSite(tx: Executor, row: typeof sites.$inferInsert): Promise<SiteRow> {
  return (await tx.insert(sites).values(row).returning())[0]!;
}

export async function updateSite(tx: Executor, id: number, patch: Partial<typeof sites.$inferInsert>): Promise<SiteRow> {
  return (await tx.update(sites).set(patch).where(eq(sites.id, id)).returning())[0]!;
}
