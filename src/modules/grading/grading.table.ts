import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { DeviceSpecs } from '../devices/devices.table.js';
import { devices, GRADES } from '../devices/devices.table.js';
import { users } from '../users/users.table.js';

export { GRADES };

export interface GradeChecklist {
  powersOn?: boolean | undefined;
  screen?: boolean | undefined;
  keyboard?: boolean | undefined;
  batteryHealthPercent?: number | undefined;
  charger?: boolean | undefined;
  wifi?: boolean | undefined;
  webcam?: boolean | undefined;
  ports?: boolean | undefined;
}

export const gradings = sqliteTable(
  'gradings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    grade: text('grade', { enum: GRADES }).notNull(),
    checklist: text('checklist', { mode: 'json' }).$type<GradeChecklist>().notNull(),
    specs: text('specs', { mode: 'json' }).$type<DeviceSpecs>().notNull(),
    graderId: integer('grader_id')
      .notNull()
      .references(() => users.id),
    gradedAt: text('graded_at').notNull(),
  },
  (t) => [index('gradings_device_idx').on(t.deviceId, t.id), check('gradings_grade_ck', sql`${t.grade} in ('A', 'B', 'C', 'D')`)],
);
