import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../core/db.js';
import type { Role } from '../auth/permissions.js';
import { sessions, users } from './users.table.js';

export type UserRow = typeof users.$inferSelect;

export function insertUser(tx: Executor, row: typeof users.$inferInsert): UserRow {
  return tx.insert(users).values(row).returning().get();
}

export function findUserById(db: Executor, id: number): UserRow | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function findUserByUsername(db: Executor, username: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.username, username)).get();
}

export function listUsers(db: Executor, afterId: number, limit: number): UserRow[] {
  return db.select().from(users).where(gt(users.id, afterId)).orderBy(asc(users.id)).limit(limit).all();
}

export function countUsers(db: Executor): number {
  return db.select({ n: sql<number>`count(*)` }).from(users).get()?.n ?? 0;
}

export function updateUser(
  tx: Executor,
  id: number,
  patch: Partial<Pick<UserRow, 'displayName' | 'role' | 'language' | 'disabledAt' | 'passwordHash' | 'passwordChangedAt' | 'updatedAt'>>,
): UserRow {
  return tx.update(users).set(patch).where(eq(users.id, id)).returning().get();
}

export function insertSession(tx: Executor, row: typeof sessions.$inferInsert): void {
  tx.insert(sessions).values(row).run();
}

export function revokeSessionByHash(tx: Executor, tokenHash: string, at: string): number {
  return tx
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
    .run().changes;
}

export function revokeUserSessions(tx: Executor, userId: number, at: string): number {
  return tx
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .run().changes;
}

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

/**
 * The hot path of every authenticated request, as one prepared statement:
 * a live session of an enabled user.
 */
export function prepareSessionLookup(db: Db) {
  const stmt = db
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder('now')),
        isNull(users.disabledAt),
      ),
    )
    .prepare();
  return (tokenHash: string, now: string): { user: SessionUser; expiresAt: string } | undefined => {
    const row = stmt.get({ tokenHash, now });
    if (!row) return undefined;
    const { expiresAt, ...user } = row;
    return { user, expiresAt };
  };
}
