import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { devices } from '../devices/devices.table.js';
import { users } from '../users/users.table.js';

/** Every scan, known or not (docs/domain.md §3): unknown codes stay for triage. */
export const scans = sqliteTable(
  'scans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    deviceId: integer('device_id').references(() => devices.id),
    station: text('station'),
    clientTime: text('client_time'),
    /** The client's clock was more than a year from the server's: the time is kept, not trusted. */
    clientTimeSuspect: integer('client_time_suspect', { mode: 'boolean' }).notNull().default(false),
    serverTime: text('server_time').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    duplicate: integer('duplicate', { mode: 'boolean' }).notNull(),
  },
  (t) => [index('scans_device_idx').on(t.deviceId, t.id), index('scans_unknown_idx').on(t.code).where(sql`${t.deviceId} is null`)],
);
