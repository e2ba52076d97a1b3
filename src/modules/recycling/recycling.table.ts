import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { devices } from '../devices/devices.table.js';
import { sites } from '../sites/sites.table.js';
import { users } from '../users/users.table.js';

export const CERTIFICATIONS = ['R2', 'e-Stewards', 'other', 'none'] as const;
export const SHIPMENT_MODES = ['sealift', 'air', 'road'] as const;
export const SHIPMENT_STATUSES = ['open', 'shipped', 'confirmed'] as const;

/** Downstream vendors that take e-waste south. */
export const recyclers = sqliteTable(
  'recyclers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    certification: text('certification', { enum: CERTIFICATIONS }).notNull(),
    certificateExpiry: text('certificate_expiry'),
    address: text('address'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('recyclers_name_uq').on(t.name), check('recyclers_certification_ck', sql`${t.certification} in ('R2', 'e-Stewards', 'other', 'none')`)],
);

export const shipments = sqliteTable(
  'shipments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recyclerId: integer('recycler_id')
      .notNull()
      .references(() => recyclers.id),
    mode: text('mode', { enum: SHIPMENT_MODES }).notNull(),
    carrier: text('carrier'),
    containerNumber: text('container_number'),
    sealNumber: text('seal_number'),
    billOfLading: text('bill_of_lading'),
    status: text('status', { enum: SHIPMENT_STATUSES }).notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    shippedAt: text('shipped_at'),
    confirmedAt: text('confirmed_at'),
    certificateNumber: text('certificate_number'),
    receivedAt: text('received_at'),
    /** The recycler's own scale: shown beside the line weights, never substituted for them. */
    receivedWeightGrams: integer('received_weight_grams'),
    /** The site the shipment leaves from: its devices are that site's. */
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
  },
  (t) => [
    index('shipments_shipped_idx').on(t.shippedAt),
    index('shipments_site_idx').on(t.siteId),
    check('shipments_status_ck', sql`${t.status} in ('open', 'shipped', 'confirmed')`),
    check('shipments_mode_ck', sql`${t.mode} in ('sealift', 'air', 'road')`),
  ],
);

export const shipmentDevices = sqliteTable(
  'shipment_devices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shipmentId: integer('shipment_id')
      .notNull()
      .references(() => shipments.id),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    addedBy: integer('added_by')
      .notNull()
      .references(() => users.id),
    addedAt: text('added_at').notNull(),
  },
  // A device leaves custody once: it can be on one shipment only.
  (t) => [uniqueIndex('shipment_devices_device_uq').on(t.deviceId), index('shipment_devices_shipment_idx').on(t.shipmentId)],
);

export const shipmentBulkLines = sqliteTable(
  'shipment_bulk_lines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shipmentId: integer('shipment_id')
      .notNull()
      .references(() => shipments.id),
    category: text('category').notNull(),
    weightGrams: integer('weight_grams').notNull(),
    units: integer('units'),
    addedBy: integer('added_by')
      .notNull()
      .references(() => users.id),
    addedAt: text('added_at').notNull(),
  },
  (t) => [
    index('shipment_bulk_lines_shipment_idx').on(t.shipmentId),
    check('shipment_bulk_lines_grams_ck', sql`${t.weightGrams} > 0`),
    check('shipment_bulk_lines_units_ck', sql`${t.units} is null or ${t.units} >= 0`),
  ],
);

/** CO2e factors as versioned data: the report names the set it used, and whether it was checked against its source. */
export const co2eFactorSets = sqliteTable('co2e_factor_sets', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  version: text('version').notNull(),
  source: text('source').notNull(),
  verified: integer('verified', { mode: 'boolean' }).notNull(),
  notes: text('notes'),
});

export const co2eFactors = sqliteTable(
  'co2e_factors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    setId: integer('set_id')
      .notNull()
      .references(() => co2eFactorSets.id),
    /** A device category, or `default` for anything else. */
    material: text('material').notNull(),
    pathway: text('pathway', { enum: ['reuse', 'recycling'] }).notNull(),
    unit: text('unit').notNull(),
    value: real('value').notNull(),
  },
  (t) => [uniqueIndex('co2e_factors_uq').on(t.setId, t.material, t.pathway)],
);

/**
 * Admin corrections of a shipment that has left (docs/domain.md §6): the shipment row
 * holds the corrected value, and each amendment keeps the value it replaced,
 * who changed it and why. Append-only, like the history.
 */
export const shipmentAmendments = sqliteTable(
  'shipment_amendments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shipmentId: integer('shipment_id')
      .notNull()
      .references(() => shipments.id),
    field: text('field').notNull(),
    /** JSON of the value before and after, so that null and numbers survive. */
    fromValue: text('from_value').notNull(),
    toValue: text('to_value').notNull(),
    reason: text('reason').notNull(),
    amendedBy: integer('amended_by')
      .notNull()
      .references(() => users.id),
    amendedAt: text('amended_at').notNull(),
  },
  (t) => [index('shipment_amendments_shipment_idx').on(t.shipmentId, t.id)],
);
