import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The program's sites (docs/domain.md §8): the Iqaluit workshop and the
 * community hubs. Devices, donations, shipments and users belong to one; a
 * tag reservation belongs to the site whose prefix it carries. The prefix is
 * unique across sites and never changes, so a tag names the site that made
 * it, and tags stay unique across the program.
 */
export const sites = sqliteTable(
  'sites',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** What users and requests name the site by (`site` fields, `?site=`): lower-case letters, digits and hyphens. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    nameSyllabics: text('name_syllabics'),
    assetTagPrefix: text('asset_tag_prefix').notNull(),
    /** IANA zone: the site's calendar for dates it records. */
    timezone: text('timezone').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('sites_code_uq').on(t.code), uniqueIndex('sites_asset_tag_prefix_uq').on(t.assetTagPrefix)],
);
