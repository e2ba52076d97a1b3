import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { translations } from './translations.table.js';

export type TranslationRow = typeof translations.$inferSelect;

export function translationRows(db: Executor, lang: string): TranslationRow[] {
  return db.select().from(translations).where(eq(translations.lang, lang)).all();
}

export function findTranslation(db: Executor, lang: string, key: string): TranslationRow | undefined {
  return db
    .select()
    .from(translations)
    .where(and(eq(translations.lang, lang), eq(translations.key, key)))
    .get();
}

/** One row per language and key: a save replaces what was there. */
export function upsertTranslation(tx: Executor, row: TranslationRow): void {
  tx.insert(translations)
    .values(row)
    .onConflictDoUpdate({
      target: [translations.lang, translations.key],
      set: { text: row.text, source: row.source, reviewed: row.reviewed, updatedAt: row.updatedAt, updatedBy: row.updatedBy },
    })
    .run();
}
