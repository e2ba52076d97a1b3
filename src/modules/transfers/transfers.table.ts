import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { devices } from '../devices/devices.table.js';
import { sites } from '../sites/sites.table.js';
import { users } from '../users/users.table.js';

import { TRANSFER_LINE_STATES, TRANSFER_STATUSES, TRANSFERABLE_STATUSES } from './transfer-states.js';

export { TRANSFER_LINE_STATES, TRANSFER_STATUSES, TRANSFERABLE_STATUSES };

/** One move of one device or a box of devices from a site to another (docs/domain.md §8). */
export const transfers = sqliteTable(
  'transfers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fromSiteId: integer('from_site_id')
      .notNull()
      .references(() => sites.id),
    toSiteId: integer('to_site_id')
      .notNull()
      .references(() => sites.id),
    carrier: text('carrier'),
    /** The carrier's waybill, a box number: what the receiving site is told to look for. */
    reference: text('reference'),
    status: text('status', { enum: TRANSFER_STATUSES }).notNull(),
    sentBy: integer('sent_by')
      .notNull()
      .references(() => users.id),
    sentAt: text('sent_at').notNull(),
    closedAt: text('closed_at'),
  },
  (t) => [
    index('transfers_from_idx').on(t.fromSiteId, t.status),
    index('transfers_to_idx').on(t.toSiteId, t.status),
    check('transfers_status_ck', sql`${t.status} in ('open', 'closed')`),
    check('transfers_sites_ck', sql`${t.fromSiteId} <> ${t.toSiteId}`),
  ],
);

export const transferDevices = sqliteTable(
  'transfer_devices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    transferId: integer('transfer_id')
      .notNull()
      .references(() => transfers.id),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    /** The status the device left with: it returns to it on receipt or cancellation. */
    fromStatus: text('from_status', { enum: TRANSFERABLE_STATUSES }).notNull(),
    state: text('state', { enum: TRANSFER_LINE_STATES }).notNull(),
    settledBy: integer('settled_by').references(() => users.id),
    settledAt: text('settled_at'),
  },
  (t) => [
    index('transfer_devices_transfer_idx').on(t.transferId),
    // A device's transfers received by a date: the reports' site of a device at an instant and its intake site, read per device (reports.repository.ts).
    index('transfer_devices_device_idx').on(t.deviceId, t.state, t.settledAt),
    // A device is on one open transfer at most.
    uniqueIndex('transfer_devices_in_transit_uq').on(t.deviceId).where(sql`${t.state} = 'in_transit'`),
    check('transfer_devices_state_ck', sql`${t.state} in ('in_transit', 'received', 'cancelled', 'written_off')`),
    check('transfer_devices_from_status_ck', sql`${t.fromStatus} in ('sanitized', 'ready', 'awaiting_recycling')`),
  ],
);
