import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ROLES } from '../auth/permissions.js';
import { sites } from '../sites/sites.table.js';

// The roles are the permission map's; re-exported beside the column that stores them.
export { ROLES, type Role } from '../auth/permissions.js';

/** The languages a user may keep as their own (the front ends' offered ones); null is none chosen. */
export const LANGUAGES = ['en', 'fr', 'iu'] as const;
export type Language = (typeof LANGUAGES)[number];

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    passwordHash: text('password_hash').notNull(),
    disabledAt: text('disabled_at'),
    passwordChangedAt: text('password_changed_at').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    language: text('language', { enum: LANGUAGES }),
    /** The user's site: where a trainee, coordinator or staff member works and all they see; an admin's or program officer's home site (they see every site). */
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
  },
  (t) => [
    uniqueIndex('users_username_uq').on(t.username),
    index('users_site_idx').on(t.siteId),
    // Rendered from the roles (drizzle-kit writes it out as literal SQL): a new role is a new migration.
    check('users_role_ck', sql`${t.role} in (${sql.raw(ROLES.map((r) => `'${r}'`).join(', '))})`),
    check('users_language_ck', sql`${t.language} in (${sql.raw(LANGUAGES.map((l) => `'${l}'`).join(', '))})`),
  ],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (t) => [uniqueIndex('sessions_token_hash_uq').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);
