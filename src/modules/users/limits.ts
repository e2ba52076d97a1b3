/**
 * The failed-login and per-user request limits (docs/domain.md §7), and
 * their in-memory implementation: one process (SQLite) counts in memory; on
 * PostgreSQL every instance counts in the database instead
 * (limits.repository.ts), with the same answers.
 */

/** A counter an attempt is made against: its key, and the failures it allows in the window. */
export interface LimitedKey {
  key: string;
  limit: number;
}

export interface LoginLimiter {
  /**
   * One attempt against every key, as one step, so that parallel attempts
   * cannot all pass: when any key already holds `limit` failures inside the
   * window, nothing is counted and the answer is the milliseconds until every
   * key allows an attempt; otherwise one failure at `now` is counted on each
   * key (in advance of the password check) and the answer is 0.
   */
  attempt(keys: readonly LimitedKey[], now: number): Promise<number>;
  /** Takes back one failure counted at `at`: an attempt counted in advance that then succeeded. */
  forgive(key: string, at: number): Promise<void>;
  /** Forgets every failure of the key. */
  reset(key: string): Promise<void>;
}

export interface RequestLimiter {
  readonly perMinute: number;
  /**
   * Counts one request of the user at `now` in its minute (fixed windows on
   * the clock's minutes): 0 while the minute's count is within `perMinute`,
   * else the milliseconds until the minute ends.
   */
  count(userId: number, now: number): Promise<number>;
}

/**
 * Failures per key in a sliding window. Kept in the login use case itself, so
 * every refused attempt is counted, whatever hooks run before it.
 */
export function createMemoryLoginLimiter(windowMs: number): LoginLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number) => {
    const times = (failures.get(key) ?? []).filter((t) => now - t < windowMs);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };
  const blockedFor = ({ key, limit }: LimitedKey, now: number) => {
    const times = recent(key, now);
    return times.length < limit ? 0 : windowMs - (now - times[times.length - limit]!);
  };
  return {
    async attempt(keys, now) {
      const wait = Math.max(0, ...keys.map((k) => blockedFor(k, now)));
      if (wait > 0) return wait;
      for (const { key } of keys) {
        const times = failures.get(key) ?? [];
        times.push(now);
        failures.set(key, times);
      }
      // Bound memory against a flood of random usernames.
      if (failures.size > 100_000) {
        for (const [k, v] of failures) if (v.every((t) => now - t >= windowMs)) failures.delete(k);
      }
      return 0;
    },
    async forgive(key, at) {
      const times = failures.get(key);
      const i = times ? times.lastIndexOf(at) : -1;
      if (times && i >= 0) times.splice(i, 1);
    },
    async reset(key) {
      failures.delete(key);
    },
  };
}

/** The start of the minute `now` falls in (epoch milliseconds). */
export const minuteOf = (now: number) => Math.floor(now / 60_000) * 60_000;

/**
 * Requests per user and minute. A clock behind the minute already counted
 * (another instance's, on PostgreSQL) counts into that minute rather than
 * starting an older one, as the shared counter does.
 */
export function createMemoryRequestLimiter(perMinute: number): RequestLimiter {
  const windows = new Map<number, { start: number; count: number }>();
  return {
    perMinute,
    async count(userId, now) {
      const minute = minuteOf(now);
      let w = windows.get(userId);
      if (!w || minute > w.start) {
        w = { start: minute, count: 0 };
        windows.set(userId, w);
      }
      return ++w.count > perMinute ? w.start + 60_000 - now : 0;
    },
  };
}
