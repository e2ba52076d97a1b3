/**
 * The limits of limits.ts kept in the database, so that every instance on
 * one PostgreSQL database counts against the same numbers (docs/postgresql.md,
 * "Several instances"). The tables are PostgreSQL's only and UNLOGGED
 * (migrations/pg/0002_shared_limits.sql); each operation is one statement
 * outside writeTransaction, so it never waits for the write lock, and none
 * writes WAL or waits for an fsync.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { selectRow, selectRows, type Db } from '../../core/db.js';
import { minuteOf, type LoginLimiter, type RequestLimiter } from './limits.js';

/**
 * A key as stored: its SHA-256. PostgreSQL text cannot hold the NUL that
 * separates a key's parts (nor one typed into a username), and a username
 * field often receives a password: none is kept readable.
 */
const stored = (key: string) => createHash('sha256').update(key).digest('base64url');

export function createPostgresLoginLimiter(db: Db, windowMs: number): LoginLimiter {
  /**
   * When this instance last removed every expired failure: an attempt only
   * clears its own keys, so keys never tried again (a flood of random
   * usernames) are swept once a window.
   */
  let sweptAt = -Infinity;
  return {
    async attempt(keys, now) {
      if (now - sweptAt >= windowMs) {
        sweptAt = now;
        await selectRows(db, sql`delete from login_failures where at <= ${now - windowMs}`);
      }
      // Check and count in one step: the function locks the keys (docs in the migration).
      const row = await selectRow<{ wait: number }>(
        db,
        sql`select login_failures_attempt(${sql.param(keys.map((k) => stored(k.key)))}::text[], ${sql.param(keys.map((k) => k.limit))}::integer[], ${now}::bigint, ${windowMs}::bigint) as wait`,
      );
      return row!.wait;
    },
    async forgive(key, at) {
      // One row of the key at that time; SKIP LOCKED lets two successes at the same millisecond take back one each.
      await selectRows(
        db,
        sql`delete from login_failures where ctid = (select ctid from login_failures where key = ${stored(key)} and at = ${at}::bigint limit 1 for update skip locked)`,
      );
    },
    async reset(key) {
      await selectRows(db, sql`delete from login_failures where key = ${stored(key)}`);
    },
  };
}

/**
 * One row per user, updated in place: a request of a new minute starts it
 * over, so the table never holds more rows than there are users. The upsert
 * locks the row, so two instances counting the same user at once are
 * counted one after the other. A clock behind the stored minute counts into
 * that minute.
 */
export function createPostgresRequestLimiter(db: Db, perMinute: number): RequestLimiter {
  return {
    perMinute,
    async count(userId, now) {
      const row = await selectRow<{ window_start: number; count: number }>(
        db,
        sql`insert into request_counts as c (user_id, window_start, count) values (${userId}, ${minuteOf(now)}::bigint, 1)
            on conflict (user_id) do update set
              window_start = greatest(c.window_start, excluded.window_start),
              count = case when excluded.window_start > c.window_start then 1 else c.count + 1 end
            returning window_start, count`,
      );
      return row!.count > perMinute ? row!.window_start + 60_000 - now : 0;
    },
  };
}
