import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { isUniqueViolation, writeTransaction, type Db, type Tx } from '../../core/db.js';
import { localChangeNotices, type ChangeNotices } from '../../core/db-notices.js';
import { AppError } from '../../core/errors.js';
import { decodeCursor, pageOf } from '../../core/pagination.js';
import { mapInOrder } from '../../core/in-order.js';
import { can, type Role } from '../auth/permissions.js';
import type { LimitedKey, LoginLimiter } from './limits.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import {
  countUsers,
  findUserById,
  findUserByUsername,
  insertSession,
  insertUser,
  listUsers,
  prepareSessionLookup,
  revokeSessionByHash,
  revokeUserSessions,
  updateUser,
  type SessionUser,
  type UserRow,
} from './users.repository.js';
import type { CreateUserBody, UpdateMeBody, UpdateUserBody, User } from './users.schemas.js';

export type Actor = SessionUser;

/** `site`: the code of the user's site (docs/domain.md §8). */
export function toUser(row: UserRow, site: string): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    disabled: row.disabledAt !== null,
    language: row.language,
    site,
    createdAt: row.createdAt,
  };
}

/** What users need of sites: a site named in a request, the first site, a user's site by id. */
export interface UserSites {
  byCode(code: string, field: string, location?: 'body' | 'query', executor?: Db): Promise<{ id: number; code: string }>;
  first(executor?: Db): Promise<{ id: number; code: string }>;
  byId(id: number, executor?: Db): Promise<{ id: number; code: string }>;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The audit log's append (audit-log/audit.repository.ts), wired by the
 * composition root: the log's rows reference users, so users does not import it.
 */
export type AppendUserEvent = (
  tx: Tx,
  event: { entityType: 'user'; entityId: string; action: string; actorUserId: number | null; at: string; details: Record<string, unknown> },
) => Promise<unknown>;

export function createUsersService(deps: {
  db: Db;
  clock: Clock;
  appendAuditEvent: AppendUserEvent;
  sites: UserSites;
  sessionTtlHours: number;
  /** Failed logins and password changes, counted in one sliding window (docs/domain.md §7). */
  loginLimiter: LoginLimiter;
  /** Failures allowed per username and address (and per user for password changes). */
  loginFailureLimit: number;
  /** Failures allowed per client address across all usernames, so one address cannot spray a password over every account. */
  loginFailuresPerAddress: number;
  scryptN?: number | undefined;
  /** How long a checked session is trusted without asking the database (0: never). */
  sessionCacheMs?: number | undefined;
  /** How the instances sharing a database tell each other of revoked sessions and changed users (db-notices.ts). */
  notices?: ChangeNotices | undefined;
}) {
  const { db, clock } = deps;
  const lookupSession = prepareSessionLookup(db);
  const now = () => clock.now().toISOString();

  /**
   * Live sessions seen in the last few seconds, so a scan does not pay for a
   * session query. Every revocation or change of a user clears it, so
   * disabling a user or logging out still takes effect at once; the short
   * lifetime bounds changes made by another process on SQLite (the CLI
   * scripts). On PostgreSQL the change is also announced to every instance in
   * its own transaction, and answered only once no instance can still trust
   * what it remembered (`notices`): a remembered session is used only while
   * its instance hears the announcements, and only if none came since.
   */
  const SESSION_CACHE_MS = deps.sessionCacheMs ?? 5000;
  const notices = deps.notices ?? localChangeNotices();
  const sessionCache = new Map<string, { user: SessionUser; expiresAt: number; checkedAt: number; generation: number }>();
  /** Inside the transaction of a revocation or a change of a user. */
  const forgetSessions = async (tx: Tx) => {
    sessionCache.clear();
    await notices.announce(tx);
  };

  /**
   * Counts an attempt on every key before the (slow) password check, so that
   * parallel attempts cannot all pass the limit; refuses, counting nothing,
   * while any of them is full, naming the wait until all of them allow one.
   */
  async function countAttempt(t: number, keys: LimitedKey[]): Promise<void> {
    const wait = await deps.loginLimiter.attempt(keys, t);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('auth.too_many_attempts', `Too many failed attempts. Try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
  }

  /** A user as answered, with their site's code (a site not yet known read through the executor given). */
  async function asUser(row: UserRow, executor?: Db): Promise<User> {
    return toUser(row, (await deps.sites.byId(row.siteId, executor)).code);
  }

  async function mustFind(id: number): Promise<UserRow> {
    const row = await findUserById(db, id);
    if (!row) throw new AppError('users.not_found', `No user with id ${id}.`);
    return row;
  }

  return {
    countUsers: () => countUsers(db),

    async create(actor: Actor | null, body: CreateUserBody): Promise<User> {
      // Hash before the transaction: slow work never holds the write lock.
      const passwordHash = await hashPassword(body.password, deps.scryptN);
      const at = now();
      try {
        return await writeTransaction(db, async (tx) => {
          // Omitted: the first site (docs/domain.md §8).
          const site = body.site === undefined ? await deps.sites.first(tx) : await deps.sites.byCode(body.site, 'site', 'body', tx);
          const row = await insertUser(tx, {
            siteId: site.id,
            username: body.username,
            displayName: body.displayName,
            role: body.role,
            language: body.language ?? null,
            passwordHash,
            passwordChangedAt: at,
            createdAt: at,
            updatedAt: at,
          });
          await deps.appendAuditEvent(tx, {
            entityType: 'user',
            entityId: String(row.id),
            action: 'user.created',
            actorUserId: actor?.id ?? null,
            at,
            details: { username: row.username, role: row.role, site: site.code, ...(row.language === null ? {} : { language: row.language }) },
          });
          return toUser(row, site.code);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('users.username_taken', `The username "${body.username}" is taken.`);
        throw err;
      }
    },

    async list(limit: number, cursor: string | undefined): Promise<{ items: User[]; nextCursor: string | null }> {
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const { page, nextCursor } = pageOf(await listUsers(db, after, limit + 1), limit, (r) => r.id);
      return { items: await mapInOrder(page, (r) => asUser(r)), nextCursor };
    },

    get: async (id: number): Promise<User> => asUser(await mustFind(id)),

    async update(actor: Actor, id: number, body: UpdateUserBody): Promise<User> {
      const at = now();
      const user = await writeTransaction(db, async (tx) => {
        const current = await findUserById(tx, id);
        if (!current) throw new AppError('users.not_found', `No user with id ${id}.`);
        if (id === actor.id && (body.disabled === true || (body.role !== undefined && !can(body.role, 'users:manage')))) {
          throw new AppError('users.cannot_disable_self', 'Ask another admin to disable or demote your account.');
        }
        const disabledAt = body.disabled === undefined ? current.disabledAt : body.disabled ? (current.disabledAt ?? at) : null;
        const site = body.site === undefined ? undefined : await deps.sites.byCode(body.site, 'site', 'body', tx);
        const row = await updateUser(tx, id, {
          ...(site === undefined ? {} : { siteId: site.id }),
          ...(body.displayName === undefined ? {} : { displayName: body.displayName }),
          ...(body.role === undefined ? {} : { role: body.role }),
          ...(body.language === undefined ? {} : { language: body.language }),
          disabledAt,
          updatedAt: at,
        });
        // A disabled user, a changed role or a move to another site loses every session at once.
        const moved = site !== undefined && site.id !== current.siteId;
        if (body.disabled === true || (body.role !== undefined && body.role !== current.role) || moved) await revokeUserSessions(tx, id, at);
        // Any change to a user (name, role, enabled) must be seen by the next request.
        await forgetSessions(tx);
        await deps.appendAuditEvent(tx, {
          entityType: 'user',
          entityId: String(id),
          action: 'user.updated',
          actorUserId: actor.id,
          at,
          details: { changes: body },
        });
        return asUser(row, tx);
      });
      sessionCache.clear();
      await notices.settled();
      return user;
    },

    /** A user's own language (PATCH /me): only that, on their own record. */
    updateOwn(actor: Actor, body: UpdateMeBody): Promise<User> {
      const at = now();
      return writeTransaction(db, async (tx) => {
        const current = await findUserById(tx, actor.id);
        if (!current) throw new AppError('users.not_found', `No user with id ${actor.id}.`);
        const row = await updateUser(tx, actor.id, { language: body.language, updatedAt: at });
        await deps.appendAuditEvent(tx, {
          entityType: 'user',
          entityId: String(actor.id),
          action: 'user.updated',
          actorUserId: actor.id,
          at,
          details: { changes: body },
        });
        return asUser(row, tx);
      });
    },

    async setPassword(actor: Actor, id: number, password: string): Promise<User> {
      await mustFind(id);
      const passwordHash = await hashPassword(password, deps.scryptN);
      const at = now();
      const user = await writeTransaction(db, async (tx) => {
        const row = await updateUser(tx, id, { passwordHash, passwordChangedAt: at, updatedAt: at });
        await revokeUserSessions(tx, id, at);
        await forgetSessions(tx);
        await deps.appendAuditEvent(tx, { entityType: 'user', entityId: String(id), action: 'user.password_changed', actorUserId: actor.id, at, details: {} });
        return asUser(row, tx);
      });
      sessionCache.clear();
      await notices.settled();
      return user;
    },

    async changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string): Promise<User> {
      // Guessing the current password through a stolen session is limited like logins.
      const key = `password-change\u0000${actor.id}`;
      await countAttempt(clock.now().getTime(), [{ key, limit: deps.loginFailureLimit }]);
      const row = await mustFind(actor.id);
      if (!(await verifyPassword(currentPassword, row.passwordHash))) throw new AppError('auth.wrong_password', 'The current password is wrong.');
      await deps.loginLimiter.reset(key);
      return this.setPassword(actor, actor.id, newPassword);
    },

    async login(usernameInput: string, password: string, address: string): Promise<{ token: string; expiresAt: string; user: User }> {
      const username = usernameInput.trim().toLowerCase();
      const key = `login\u0000${username}\u0000${address}`;
      const addressKey = `address\u0000${address}`;
      const t = clock.now().getTime();
      // Counted before the password check; a success takes it back below.
      await countAttempt(t, [
        { key, limit: deps.loginFailureLimit },
        { key: addressKey, limit: deps.loginFailuresPerAddress },
      ]);
      const row = await findUserByUsername(db, username);
      // Spend the same work on unknown usernames, so timing does not reveal which exist.
      const ok = row ? await verifyPassword(password, row.passwordHash) : (await verifyPassword(password, await decoyHash(deps.scryptN))) && false;
      if (!row || !ok || row.disabledAt !== null) {
        throw new AppError('auth.invalid_credentials', 'The username or password is wrong, or the account is disabled.');
      }
      await deps.loginLimiter.reset(key);
      // Only this attempt is forgiven on the address counter, not the address's
      // other failures: a success proves one password, not that the address is
      // friendly, and an attacker holding one valid account could otherwise wipe
      // the counter between rounds of spraying by logging in to it. A user's own
      // typos from that address stay counted too; the per-address limit leaves room.
      await deps.loginLimiter.forgive(addressKey, t);
      const token = randomBytes(32).toString('base64url');
      const at = clock.now();
      const expiresAt = new Date(at.getTime() + deps.sessionTtlHours * 3600_000).toISOString();
      await writeTransaction(db, (tx) =>
        insertSession(tx, { userId: row.id, tokenHash: hashToken(token), createdAt: at.toISOString(), expiresAt }),
      );
      return { token, expiresAt, user: await asUser(row) };
    },

    async logout(token: string): Promise<void> {
      await writeTransaction(db, async (tx) => {
        await revokeSessionByHash(tx, hashToken(token), now());
        await forgetSessions(tx);
      });
      sessionCache.clear();
      await notices.settled();
    },

    /** The user behind a bearer token, or undefined when the token is unknown, expired, revoked or the user disabled. */
    /**
     * The token's user while the session is remembered and may be trusted
     * (docs/postgresql.md "Remembered sessions"), without a promise; undefined
     * when authenticate must ask the database.
     */
    remembered(token: string): SessionUser | undefined {
      const cached = sessionCache.get(token);
      if (!cached) return undefined;
      const t = clock.now().getTime();
      return notices.trusted() && cached.generation === notices.generation() && t < cached.expiresAt && t - cached.checkedAt < SESSION_CACHE_MS ? cached.user : undefined;
    },

    async authenticate(token: string): Promise<SessionUser | undefined> {
      const remembered = this.remembered(token);
      if (remembered) return remembered;
      const t = clock.now().getTime();
      const generation = notices.generation();
      const found = await lookupSession(hashToken(token), new Date(t).toISOString());
      if (!found) {
        sessionCache.delete(token);
        return undefined;
      }
      // Not remembered when a change was heard while the database answered: the answer may predate it.
      if (SESSION_CACHE_MS > 0 && notices.generation() === generation) {
        if (sessionCache.size > 10_000) sessionCache.clear();
        sessionCache.set(token, { user: found.user, expiresAt: new Date(found.expiresAt).getTime(), checkedAt: t, generation });
      }
      return found.user;
    },

    /** First start on an empty database: create `admin`. Returns the generated password when none was given. */
    async bootstrapAdmin(adminPassword: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
      if (await countUsers(db) > 0) return { created: false };
      const password = adminPassword ?? randomBytes(15).toString('base64url');
      try {
        await this.create(null, { username: 'admin', displayName: 'Administrator', role: 'admin' satisfies Role, password });
      } catch (err) {
        // Another instance starting on the same empty database made it first.
        if (err instanceof AppError && err.code === 'users.username_taken') return { created: false };
        throw err;
      }
      return adminPassword === undefined ? { created: true, generatedPassword: password } : { created: true };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
