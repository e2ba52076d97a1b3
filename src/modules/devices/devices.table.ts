import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { donations } from '../donations/donations.table.js';
import { sites } from '../sites/sites.table.js';
import { users } from '../users/users.table.js';
import { DEVICE_CATEGORIES } from './category-weights.js';
import { DEVICE_STATUSES } from './device-lifecycle.js';

export const STORAGE_KINDS = ['hdd', 'ssd', 'nvme', 'emmc', 'other'] as const;
export const GRADES = ['A', 'B', 'C', 'D'] as const;
export const WEIGHT_SOURCES = ['measured', 'category_default'] as const;

export interface DeviceSpecs {
  cpu?: string | undefined;
  ramGb?: number | undefined;
  storageGb?: number | undefined;
  screenInches?: number | undefined;
  os?: string | undefined;
}

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export const devices = sqliteTable(
  'devices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    assetTag: text('asset_tag').notNull(),
    category: text('category', { enum: DEVICE_CATEGORIES }).notNull(),
    make: text('make').notNull(),
    model: text('model').notNull(),
    serialNumber: text('serial_number').notNull(),
    /** Serial upper-cased without spaces: lookups by scanned serial ignore case and spacing. */
    serialKey: text('serial_key').notNull(),
    specs: text('specs', { mode: 'json' }).$type<DeviceSpecs>().notNull(),
    weightGrams: integer('weight_grams').notNull(),
    weightSource: text('weight_source', { enum: WEIGHT_SOURCES }).notNull(),
    donationId: integer('donation_id').references(() => donations.id),
    location: text('location'),
    notes: text('notes'),
    status: text('status', { enum: DEVICE_STATUSES }).notNull(),
    noStorageConfirmed: integer('no_storage_confirmed', { mode: 'boolean' }).notNull().default(false),
    /** Starts at 1 on intake and grows by one on every return: sanitization must happen in the current cycle. */
    custodyCycle: integer('custody_cycle').notNull().default(1),
    cycleStartedAt: text('cycle_started_at').notNull(),
    /** The current grade (docs/domain.md §3); cleared when a participant returns the device, since its condition is then unknown. */
    grade: text('grade', { enum: GRADES }),
    gradedAt: text('graded_at'),
    statusChangedAt: text('status_changed_at').notNull(),
    version: integer('version').notNull().default(1),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** The site that holds the device now (a transfer moves it); its tag's prefix names the site that took it in. */
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
  },
  (t) => [
    uniqueIndex('devices_asset_tag_uq').on(t.assetTag),
    // A site's lists: its devices by status, in intake order.
    index('devices_site_status_idx').on(t.siteId, t.status, t.id),
    uniqueIndex('devices_serial_key_uq').on(t.serialKey),
    index('devices_status_idx').on(t.status, t.id),
    index('devices_category_idx').on(t.category, t.id),
    // The coordinators' question: which ready laptops are grade A?
    index('devices_status_grade_idx').on(t.status, t.grade, t.id),
    index('devices_donation_idx').on(t.donationId),
    // Reports select intakes by period.
    index('devices_created_idx').on(t.createdAt),
    check('devices_status_ck', sql`${t.status} in (${inList(DEVICE_STATUSES)})`),
    check('devices_category_ck', sql`${t.category} in (${inList(DEVICE_CATEGORIES)})`),
    check('devices_grade_ck', sql`${t.grade} is null or ${t.grade} in (${inList(GRADES)})`),
    check('devices_weight_source_ck', sql`${t.weightSource} in (${inList(WEIGHT_SOURCES)})`),
    check('devices_weight_ck', sql`${t.weightGrams} > 0`),
    check('devices_version_ck', sql`${t.version} >= 1`),
  ],
);

export const storageDrives = sqliteTable(
  'storage_drives',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    serialNumber: text('serial_number').notNull(),
    kind: text('kind', { enum: STORAGE_KINDS }).notNull(),
    capacityGb: integer('capacity_gb'),
    model: text('model'),
    registeredAt: text('registered_at').notNull(),
    registeredBy: integer('registered_by')
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    uniqueIndex('storage_drives_device_serial_uq').on(t.deviceId, t.serialNumber),
    check('storage_drives_kind_ck', sql`${t.kind} in (${inList(STORAGE_KINDS)})`),
  ],
);
