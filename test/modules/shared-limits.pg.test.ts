/**
 * The failed-login and per-user request limits are shared by the instances
 * on one PostgreSQL database (docs/domain.md §7, docs/postgresql.md "Several
 * instances"): two apps on one database count against the same numbers, as
 * exactly as one, also when their requests race. The PostgreSQL limiters
 * give the memory limiters' answers for any sequence (fast-check). Every
 * test makes its own PostgreSQL databases, whatever TEST_ENGINE says; fails,
 * never skips, when the server is absent.
 */
import fc from 'fast-check';
import type { Response } from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openPostgres, type Db } from '../../src/core/db.js';
import { WRITE_LOCK } from '../../src/core/db-postgres.js';
import { createMemoryLoginLimiter, createMemoryRequestLimiter, type LimitedKey, type LoginLimiter, type RequestLimiter } from '../../src/modules/users/limits.js';
import { createPostgresLoginLimiter, createPostgresRequestLimiter } from '../../src/modules/users/limits.repository.js';
import { ADMIN_PASSWORD, bearer, createTestApp, USER_PASSWORD, type TestApp } from '../helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const API = '/api/v1';
const MINUTE = 60_000;
const LOGIN_WINDOW_MS = 15 * MINUTE;
const PER_USER = 10;
const PER_ADDRESS = 30;
const PER_MINUTE = 5;

function expectProblem(res: Response, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.code).toBe(code);
}

const statusCounts = (answers: Response[]) => {
  const counts: Record<number, number> = {};
  for (const r of answers) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
};

describe('two instances on one PostgreSQL database share the limits', () => {
  let server: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let ab: [TestApp, TestApp];
  /** Both instances' clocks move together, as two servers' clocks do. */
  const advance = (ms: number) => ab.forEach((t) => t.clock.advance(ms));
  const login = (t: TestApp, username: string, password: string) => t.http.post(`${API}/auth/login`).send({ username, password });
  const count = async (table: string) => Number((await server.pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);

  beforeAll(async () => {
    server = await createTestDatabase('rl_limits');
    const options = { postgresUrl: server.url, env: { RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) } };
    a = await createTestApp(options);
    b = await createTestApp(options);
    ab = [a, b];
    await a.createUser('pat', 'trainee');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.drop();
  });
  // Every test starts once the failures and requests of the one before have left their windows.
  beforeEach(() => advance(LOGIN_WINDOW_MS));

  it('failed logins spread over both instances hit the limit at exactly the configured count, on both', async () => {
    for (let i = 0; i < PER_USER; i++) expectProblem(await login(ab[i % 2]!, 'pat', `wrong-${i}`), 401, 'auth.invalid_credentials');
    for (const t of ab) {
      const res = await login(t, 'pat', USER_PASSWORD);
      expectProblem(res, 429, 'auth.too_many_attempts');
      expect(res.headers['retry-after']).toBe(String(LOGIN_WINDOW_MS / 1000));
    }
    advance(LOGIN_WINDOW_MS - 1000);
    expect((await login(b, 'pat', USER_PASSWORD)).headers['retry-after']).toBe('1');
    advance(1000);
    expect((await login(b, 'pat', USER_PASSWORD)).status).toBe(200);
  });

  it('a success on one instance resets the username counter for both', async () => {
    for (let i = 0; i < PER_USER - 1; i++) expect((await login(a, 'pat', `wrong-${i}`)).status).toBe(401);
    expect((await login(b, 'pat', USER_PASSWORD)).status).toBe(200);
    // Had a not seen the reset, the second of these would already be the 11th attempt.
    for (let i = 0; i < PER_USER; i++) expect((await login(a, 'pat', `again-${i}`)).status, `failure ${i + 1}`).toBe(401);
    expectProblem(await login(b, 'pat', USER_PASSWORD), 429, 'auth.too_many_attempts');
  });

  it('counts an address over both instances, and a success takes back only its own attempt', async () => {
    for (let i = 0; i < PER_ADDRESS - 1; i++) expect((await login(ab[i % 2]!, `victim-${i}`, 'Winter2026!')).status).toBe(401);
    expect((await login(a, 'pat', USER_PASSWORD)).status).toBe(200);
    expect((await login(b, 'victim-last', 'Winter2026!')).status).toBe(401);
    const res = await login(a, 'admin', ADMIN_PASSWORD);
    expectProblem(res, 429, 'auth.too_many_attempts');
    expect(res.headers['retry-after']).toBe(String(LOGIN_WINDOW_MS / 1000));
  });

  it('lets no more than the limit of parallel wrong passwords through both instances reach the password check', async () => {
    const burst = await Promise.all(Array.from({ length: 24 }, (_, i) => login(ab[i % 2]!, 'admin', `wrong-password-${i}`)));
    expect(statusCounts(burst)).toEqual({ 401: PER_USER, 429: 24 - PER_USER });
    expectProblem(await login(b, 'admin', ADMIN_PASSWORD), 429, 'auth.too_many_attempts');
  });

  it('lets no more than the address limit of parallel attempts on different usernames through both instances', async () => {
    const burst = await Promise.all(Array.from({ length: 45 }, (_, i) => login(ab[i % 2]!, `spray-${i}`, 'Winter2026!')));
    expect(statusCounts(burst)).toEqual({ 401: PER_ADDRESS, 429: 45 - PER_ADDRESS });
  });

  it('limits a password change guessed through both instances', async () => {
    const { token } = await a.createUser(`pat-change`, 'staff');
    const change = (t: TestApp, currentPassword: string) => t.http.post(`${API}/me/password`).set(bearer(token)).send({ currentPassword, newPassword: 'another-long-password' });
    advance(MINUTE);
    for (let i = 0; i < PER_USER; i++) {
      expectProblem(await change(ab[i % 2]!, `wrong-current-${i}`), 403, 'auth.wrong_password');
      // Keep under the request limit: this test is about the failures.
      if (i % 4 === 3) advance(MINUTE);
    }
    advance(MINUTE);
    expectProblem(await change(b, USER_PASSWORD), 429, 'auth.too_many_attempts');
  });

  it('answers the (limit+1)th request of a user over both instances with 429 and Retry-After, until the minute is over', async () => {
    const token = await b.login('pat', USER_PASSWORD);
    const staff = await a.login('admin', ADMIN_PASSWORD);
    const me = (t: TestApp, tok = token) => t.http.get(`${API}/me`).set(bearer(tok));
    advance(MINUTE);
    for (let i = 0; i < PER_MINUTE; i++) expect((await me(ab[i % 2]!)).status, `request ${i + 1}`).toBe(200);
    for (const t of ab) {
      const limited = await me(t);
      expectProblem(limited, 429, 'rate_limited');
      expect(limited.headers['retry-after']).toBe('60');
    }
    // Another user has a budget of their own.
    expect((await me(b, staff)).status).toBe(200);
    advance(20_000);
    const later = await me(a);
    expectProblem(later, 429, 'rate_limited');
    expect(later.headers['retry-after']).toBe('40');
    // The next minute starts over, whichever instance sees it first.
    advance(40_000);
    for (let i = 0; i < PER_MINUTE; i++) expect((await me(ab[(i + 1) % 2]!)).status, `next minute, request ${i + 1}`).toBe(200);
    expectProblem(await me(a), 429, 'rate_limited');
  });

  it('lets exactly the limit of parallel requests of one user through both instances', async () => {
    const token = await a.login('pat', USER_PASSWORD);
    advance(MINUTE);
    const burst = await Promise.all(Array.from({ length: 16 }, (_, i) => ab[i % 2]!.http.get(`${API}/me`).set(bearer(token))));
    expect(statusCounts(burst)).toEqual({ 200: PER_MINUTE, 429: 16 - PER_MINUTE });
  });

  it('keeps one counter row per user, and sweeps failures of keys never tried again once their window has passed', async () => {
    const pat = await a.login('pat', USER_PASSWORD);
    const admin = await b.login('admin', ADMIN_PASSWORD);
    const users = await count('request_counts');
    expect(users).toBeGreaterThanOrEqual(2);
    for (let m = 0; m < 5; m++) {
      advance(MINUTE);
      for (const t of ab) {
        expect((await t.http.get(`${API}/me`).set(bearer(pat))).status).toBe(200);
        expect((await t.http.get(`${API}/me`).set(bearer(admin))).status).toBe(200);
      }
    }
    expect(await count('request_counts')).toBe(users);
    for (let i = 0; i < 6; i++) expect((await login(ab[i % 2]!, `ghost-${i}`, 'Winter2026!')).status).toBe(401);
    // Six username keys and the address's six failures; the earlier tests' were swept by each instance's first attempt here.
    expect(await count('login_failures')).toBe(12);
    advance(LOGIN_WINDOW_MS);
    expect((await login(a, 'ghost-new', 'Winter2026!')).status).toBe(401);
    const keys = await server.pool.query<{ key: string; at: string }>('select key, at from login_failures');
    expect(keys.rows).toHaveLength(2);
    expect(new Set(keys.rows.map((r) => Number(r.at)))).toEqual(new Set([a.clock.now().getTime()]));
    // Kept as digests: no username or address is readable there.
    expect(keys.rows.map((r) => r.key).join(' ')).not.toMatch(/ghost|127\.0\.0\.1/);
  });

  it('counts failed logins and requests while another connection holds the write lock, which a login that succeeds waits for', async () => {
    const token = await a.login('pat', USER_PASSWORD);
    advance(MINUTE);
    const holder = await server.pool.connect();
    let success: Promise<Response> | undefined;
    try {
      await holder.query('begin');
      await holder.query('select pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      const within = async <T>(p: Promise<T>) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('waited for the write lock')), 5000)))]);
        } finally {
          clearTimeout(timer);
        }
      };
      let settled = false;
      // Its session is a write: it waits for the lock.
      success = login(b, 'pat', USER_PASSWORD).then((r) => {
        settled = true;
        return r;
      });
      for (let i = 0; i < 3; i++) expect((await within(login(ab[i % 2]!, 'pat', `wrong-${i}`))).status).toBe(401);
      for (let i = 0; i < PER_MINUTE; i++) expect((await within(ab[i % 2]!.http.get(`${API}/me`).set(bearer(token)))).status).toBe(200);
      expectProblem(await within(b.http.get(`${API}/me`).set(bearer(token))), 429, 'rate_limited');
      expect(settled).toBe(false);
    } finally {
      await holder.query('rollback');
      holder.release();
    }
    expect((await success).status).toBe(200);
  });
});

// --- the PostgreSQL limiters against the memory ones --------------------------

describe('the PostgreSQL limiters answer as the memory limiters do', () => {
  let server: TestDatabase;
  /** Two handles on one database: two instances. */
  let dbs: [Db, Db];

  beforeAll(async () => {
    server = await createTestDatabase('rl_limits');
    dbs = [await openPostgres({ url: server.url, poolSize: 4 }), await openPostgres({ url: server.url, poolSize: 4 })];
  });
  afterAll(async () => {
    for (const db of dbs ?? []) await closeDatabase(db);
    await server?.drop();
  });

  const WINDOW = 1000;
  const KEYS = ['u1', 'u2', 'addr'];
  const LIMITS: Record<string, number> = { u1: 2, u2: 3, addr: 4 };

  type LoginOp =
    | { op: 'attempt'; on: 0 | 1; keys: string[] }
    | { op: 'succeed'; on: 0 | 1; reset: string; forgive: string; back: number }
    | { op: 'advance'; ms: number };
  const loginOp: fc.Arbitrary<LoginOp> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('attempt' as const), on: fc.constantFrom(0 as const, 1 as const), keys: fc.subarray(KEYS, { minLength: 1 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('succeed' as const),
        on: fc.constantFrom(0 as const, 1 as const),
        reset: fc.constantFrom(...KEYS),
        forgive: fc.constantFrom(...KEYS),
        back: fc.constantFrom(0, 1, 300),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, 250, WINDOW - 1, WINDOW) }) },
  );

  it('failed logins: the same answer to every attempt of a random sequence of attempts, successes and time, over two instances', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(loginOp, { minLength: 1, maxLength: 40 }), async (ops) => {
        await server.pool.query('truncate login_failures');
        const model = createMemoryLoginLimiter(WINDOW);
        const shared = dbs.map((db) => createPostgresLoginLimiter(db, WINDOW));
        let now = 1_800_000_000_000;
        const times: number[] = [];
        for (const [i, o] of ops.entries()) {
          if (o.op === 'advance') now += o.ms;
          else if (o.op === 'attempt') {
            const keys: LimitedKey[] = o.keys.map((key) => ({ key, limit: LIMITS[key]! }));
            const expected = await model.attempt(keys, now);
            expect(await shared[o.on]!.attempt(keys, now), `step ${i}: ${JSON.stringify(o)}`).toBe(expected);
            times.push(now);
          } else {
            // A success resets one key and takes back one failure counted at an earlier attempt's time.
            const at = times.length > 0 ? times[Math.max(0, times.length - 1 - o.back)]! : now;
            for (const l of [model, shared[o.on]!]) {
              await l.reset(o.reset);
              await l.forgive(o.forgive, at);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  type RequestOp = { op: 'count'; on: 0 | 1; user: number; behind: number } | { op: 'advance'; ms: number };
  const requestOp: fc.Arbitrary<RequestOp> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('count' as const), on: fc.constantFrom(0 as const, 1 as const), user: fc.constantFrom(1, 2), behind: fc.constantFrom(0, 0, 0, 1, 30_000) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, 15_000, MINUTE - 1, MINUTE) }) },
  );

  it('requests per minute: the same answer to every request of a random sequence, with clocks a little behind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(requestOp, { minLength: 1, maxLength: 40 }), async (ops) => {
        await server.pool.query('truncate request_counts');
        const model: RequestLimiter = createMemoryRequestLimiter(3);
        const shared = dbs.map((db) => createPostgresRequestLimiter(db, 3));
        let now = 1_800_000_000_000;
        for (const [i, o] of ops.entries()) {
          if (o.op === 'advance') now += o.ms;
          else {
            const expected = await model.count(o.user, now - o.behind);
            expect(await shared[o.on]!.count(o.user, now - o.behind), `step ${i}: ${JSON.stringify(o)}`).toBe(expected);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('counts exactly the limit of attempts racing on two instances, with keys given in either order, and never deadlocks', async () => {
    await server.pool.query('truncate login_failures');
    const [one, two] = dbs.map((db) => createPostgresLoginLimiter(db, WINDOW)) as [LoginLimiter, LoginLimiter];
    const now = 1_900_000_000_000;
    // Unlocked, about one round in six let an eighth attempt through: thirty rounds catch it.
    for (let round = 0; round < 30; round++) {
      const x = { key: `race-user-${round}`, limit: 7 };
      const y = { key: `race-address-${round}`, limit: 100 };
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).attempt(i % 4 < 2 ? [x, y] : [y, x], now)));
      expect(answers.filter((w) => w === 0), `round ${round}`).toHaveLength(7);
      expect(answers.filter((w) => w === WINDOW), `round ${round}`).toHaveLength(33);
    }
    const rows = await server.pool.query<{ n: string }>('select count(*) as n from login_failures');
    expect(Number(rows.rows[0]!.n)).toBe(30 * 14);
  });

  it('two successes at the same millisecond on two instances take back one failure each', async () => {
    const [one, two] = dbs.map((db) => createPostgresLoginLimiter(db, WINDOW)) as [LoginLimiter, LoginLimiter];
    for (let round = 0; round < 20; round++) {
      await server.pool.query('truncate login_failures');
      const now = 1_900_000_000_000 + round;
      const key = { key: 'same-ms', limit: 10 };
      expect(await Promise.all([one.attempt([key], now), two.attempt([key], now), one.attempt([key], now)])).toEqual([0, 0, 0]);
      await Promise.all([one.forgive('same-ms', now), two.forgive('same-ms', now)]);
      const rows = await server.pool.query<{ n: string }>('select count(*) as n from login_failures');
      expect(Number(rows.rows[0]!.n), `round ${round}`).toBe(1);
    }
  });
});
