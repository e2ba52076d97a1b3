import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from '../users/users.table.js';

/**
 * The append-only history of every change (docs/domain.md §2 invariant 3). One hash
 * chain runs through all events in id order; UPDATE and DELETE are refused by
 * triggers (see the migration that creates them).
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: text('at').notNull(),
    details: text('details').notNull(),
    /**
     * The records this event created or changed, each with the SHA-256 of its
     * canonical operational form (records.ts), as canonical JSON; null
     * for events that name none and for every event written before records
     * were hashed. Covered by the event's hash.
     */
    records: text('records'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_events_entity_idx').on(t.entityType, t.entityId, t.id)],
);
