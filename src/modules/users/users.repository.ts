import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { reusable, type Db, type Executor } from '../../core/db.js';
import type { Role } from '../auth/permissions.js';
import { sessions, users } from './users.table.js';

export type UserRow = typeof users.$inferSelect;

export async function insertUser(tx: Executor, row: typeof users.$inferInsert): Promise<UserRow> {
  return (await tx.insert(users).values(row).returning())[0]!;
}

export async function findUserById(db: Executor, id: number): Promise<UserRow | undefined> {
  return (await db.select().from(users).where(eq(users.id, id)))[0];
}

export async function findUserByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  return (await db.select().from(users).where(eq(users.username, username)))[0];
}

export async function listUsers(db: Executor, afterId: number, limit: number): Promise<UserRow[]> {
  return db.select().from(users).where(gt(users.id, afterId)).orderBy(asc(users.id)).limit(limit);
}

export async function countUsers(db: Executor): Promise<number> {
  return (await db.select({ n: sql<number>`count(*)` }).from(users))[0]?.n ?? 0;
}

export async function updateUser(
  tx: Executor,
  id: number,
  patch: Partial<Pick<UserRow, 'siteId' | 'displayName' | 'role' | 'language' | 'disabledAt' | 'passwordHash' | 'passwordChangedAt' | 'updatedAt'>>,
): Promise<UserRow> {
  return (await tx.update(users).set(patch).where(eq(users.id, id)).returning())[0]!;
}

export async function insertSession(tx: Executor, row: typeof sessions.$inferInsert): Promise<void> {
  await tx.insert(sessions).values(row);
}

export async function revokeSessionByHash(tx: Executor, tokenHash: string, at: string): Promise<number> {
  return (await tx
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id })).length;
}

export async function revokeUserSessions(tx: Executor, userId: number, at: string): Promise<number> {
  return (await tx
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id })).length;
}

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** The user's site: all a trainee, coordinator or staff member sees; an admin's or program officer's home site. */
  siteId: number;
}

/**
 * The hot path of every authenticated request, as one prepared statement:
 * a live session of an enabled user.
 */
export function prepareSessionLookup(db: Db) {
  const lookup = reusable(db, (q) =>
    q
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, siteId: users.siteId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder('now')),
        isNull(users.disabledAt),
      ),
    ),
  );
  return async (tokenHash: string, now: string): Promise<{ user: SessionUser; expiresAt: string } | undefined> => {
    const row = (await lookup({ tokenHash, now }))[0];
    if (!row) return undefined;
    const { expiresAt, ...user } = row;
    return { user, expiresAt };
  };
}
