import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { devices } from '../devices/devices.table.js';
import { users } from '../users/users.table.js';

export const REPAIR_OUTCOMES = ['fixed', 'not_fixed', 'parts_harvested'] as const;

export interface PartUsed {
  name: string;
  quantity: number;
  /** The device the part was harvested from, by asset tag. */
  sourceAssetTag?: string | undefined;
}

export const repairs = sqliteTable(
  'repairs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    description: text('description').notNull(),
    partsUsed: text('parts_used', { mode: 'json' }).$type<PartUsed[]>().notNull(),
    /** Minutes given when the repair was opened. */
    minutes: integer('minutes'),
    /** Minutes given at completion: a second entry, never added into the first. */
    completionMinutes: integer('completion_minutes'),
    outcome: text('outcome', { enum: REPAIR_OUTCOMES }),
    notes: text('notes'),
    openedBy: integer('opened_by')
      .notNull()
      .references(() => users.id),
    openedAt: text('opened_at').notNull(),
    completedBy: integer('completed_by').references(() => users.id),
    completedAt: text('completed_at'),
  },
  (t) => [
    index('repairs_device_idx').on(t.deviceId, t.id),
    check('repairs_outcome_ck', sql`${t.outcome} is null or ${t.outcome} in ('fixed', 'not_fixed', 'parts_harvested')`),
    check('repairs_minutes_ck', sql`${t.minutes} is null or ${t.minutes} >= 0`),
    check('repairs_completion_minutes_ck', sql`${t.completionMinutes} is null or ${t.completionMinutes} >= 0`),
  ],
);
