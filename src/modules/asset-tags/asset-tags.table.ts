import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../users/users.table.js';

/** The next sequence number per site prefix. */
export const assetTagCounters = sqliteTable('asset_tag_counters', {
  prefix: text('prefix').primaryKey(),
  nextSeq: integer('next_seq').notNull(),
});

/** Every tag ever handed out, reserved for printing or assigned at intake. */
export const assetTags = sqliteTable(
  'asset_tags',
  {
    tag: text('tag').primaryKey(),
    prefix: text('prefix').notNull(),
    seq: integer('seq').notNull(),
    status: text('status', { enum: ['reserved', 'assigned'] }).notNull(),
    reservedBy: integer('reserved_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
    assignedAt: text('assigned_at'),
  },
  (t) => [
    uniqueIndex('asset_tags_prefix_seq_uq').on(t.prefix, t.seq),
    check('asset_tags_status_ck', sql`${t.status} in ('reserved', 'assigned')`),
  ],
);
