import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sites } from '../sites/sites.table.js';
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
    /** How many devices the donor said were coming: received vs expected. */
    expectedDevices: integer('expected_devices'),
    /** A person at the donor (personal data of the donor's employee): never in the audit log, the logs or a document. */
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    /** The site that took the donation in. */
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
  },
  // No CHECK on expected_devices: the schema refuses 0 and below.
  (t) => [check('donations_donor_type_ck', sql`${t.donorType} in ('business', 'government', 'school', 'individual', 'other')`), index('donations_site_idx').on(t.siteId)],
);
