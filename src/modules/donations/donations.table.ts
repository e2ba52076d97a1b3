import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from '../users/users.table.js';

export const DONOR_TYPES = ['business', 'government', 'school', 'individual', 'other'] as const;

export const donations = sqliteTable(
  'donations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    donorName: text('donor_name').notNull(),
    donorType: text('donor_type', { enum: DONOR_TYPES }).notNull(),
    receivedAt: text('received_at').notNull(),
    notes: text('notes'),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [check('donations_donor_type_ck', sql`${t.donorType} in ('business', 'government', 'school', 'individual', 'other')`)],
);
