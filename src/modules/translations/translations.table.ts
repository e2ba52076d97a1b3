import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from '../users/users.table.js';

/**
 * Text written or reviewed in the app (docs/translation.md, "Translating in the
 * app"): one row per language and key, over the shipped locale files. `text`
 * is stored NFC; `source` is the English it was written from.
 */
export const translations = sqliteTable(
  'translations',
  {
    lang: text('lang').notNull(),
    key: text('key').notNull(),
    text: text('text').notNull(),
    source: text('source').notNull(),
    reviewed: integer('reviewed', { mode: 'boolean' }).notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: integer('updated_by')
      .notNull()
      .references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.lang, t.key] }), check('translations_lang_ck', sql`${t.lang} in ('fr', 'iu')`), check('translations_text_ck', sql`length(${t.text}) > 0`)],
);
