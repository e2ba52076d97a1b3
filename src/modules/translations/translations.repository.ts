import { and, eq, max } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { auditEvents } from '../audit-log/audit.table.js';
import { translations } from './translations.table.js';

export type TranslationRow = typeof translations.$inferSelect;

export async function translationRows(db: Executor, lang: string): Promise<TranslationRow[]> {
  return db.select().from(translations).where(eq(translations.lang, lang));
}

export async function findTranslation(db: Executor, lang: string, key: string): Promise<TranslationRow | undefined> {
  return (await db
    .select()
    .from(translations)
    .where(and(eq(translations.lang, lang), eq(translations.key, key))))[0];
}

/**
 * Which saves the database holds: the id of the latest translation.saved
 * event (every save writes one in its transaction), 0 before the first.
 */
export async function translationsVersion(db: Executor): Promise<number> {
  const [row] = await db.select({ id: max(auditEvents.id) }).from(auditEvents).where(eq(auditEvents.entityType, 'translation'));
  return row?.id ?? 0;
}

/** One row per language and key: a save replaces what was there. */
export async function upsertTranslation(tx: Executor, row: TranslationRow): Promise<void> {
  await tx.insert(translations)
    .values(row)
    .onConflictDoUpdate({
      target: [translations.lang, translations.key],
      set: { text: row.text, source: row.source, reviewed: row.reviewed, updatedAt: row.updatedAt, updatedBy: row.updatedBy },
    });
}
