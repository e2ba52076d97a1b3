import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from '../users/users.table.js';

/**
 * Idempotency keys, scoped per user and route. The row is written inside the
 * transaction that applies the request's effect, so an effect and its key
 * commit together; the response is stored as soon as it is sent.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    route: text('route').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    createdAt: text('created_at').notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    responseContentType: text('response_content_type'),
    /** Headers that belong to the resource (ETag, Location), replayed with the body. */
    responseHeaders: text('response_headers', { mode: 'json' }).$type<Record<string, string>>(),
    /** The resource the stored answer is about (`participant:42`), so that it can be forgotten with it. */
    resource: text('resource'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.route, t.key] }), index('idempotency_keys_resource_idx').on(t.resource)],
);
