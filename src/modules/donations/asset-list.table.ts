import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from '../users/users.table.js';
import { donations } from './donations.table.js';

/**
 * The devices a donor's asset list says are coming (docs/imports.md "Donor asset lists"): one row per serial.
 * Received is not stored: a device with the same serial key, linked to the donation, is the entry received.
 */
export const donationExpectedDevices = sqliteTable(
  'donation_expected_devices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    donationId: integer('donation_id')
      .notNull()
      .references(() => donations.id),
    serialNumber: text('serial_number').notNull(),
    /** The serial without spaces, upper case: what an intake's serial is matched on. One list entry per serial, over all donations. */
    serialKey: text('serial_key').notNull(),
    /** One of the device categories, when the list gave one the service knows. */
    category: text('category'),
    make: text('make'),
    model: text('model'),
    /** The donor's own asset tag, kept to answer the donor in their terms. */
    donorAssetTag: text('donor_asset_tag'),
    /** The line of the uploaded file the entry came from. */
    line: integer('line').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('donation_expected_devices_serial_key_uq').on(t.serialKey), index('donation_expected_devices_donation_idx').on(t.donationId)],
);
