/**
 * The instances' change notices on PostgreSQL (src/core/db-notices.ts,
 * docs/postgresql.md "Several instances"), which let each instance remember
 * checked sessions without a revocation ever being missed:
 *
 * - a change announced in a transaction reaches the other instance when it
 *   commits, not before, and never when it is rolled back;
 * - an instance trusts its memory only while it hears its own pings, so a
 *   lost listening connection ends the trust within the lease;
 * - when the announcing instance's `settled()` resolves, the other instance
 *   has heard the change or no longer trusts its memory, also when its event
 *   loop was held up;
 * - through two apps, any sequence of sign-ins, requests, sign-outs,
 *   disables, role, name and password changes and lost listening
 *   connections over the two instances is answered as by one instance that
 *   remembers nothing (fast-check).
 *
 * Makes its own PostgreSQL database, whatever TEST_ENGINE says; fails, never
 * skips, when the server is absent.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openPostgres, writeTransaction, type Db } from '../../src/core/db.js';
import { changeNoticesFor, LISTENER_NAME, type ChangeNotices } from '../../src/core/db-notices.js';
import { ADMIN_PASSWORD, bearer, createTestApp, type TestApp } from '../helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const API = '/api/v1';
const TIMING = { leaseMs: 300, pingMs: 20 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, withinMs: number): Promise<void> {
  const end = Date.now() + withinMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not within ${withinMs} ms: ${what}`);
    await sleep(5);
  }
}

/** Ends one instance's listening connection from the server's side, as a network cut or a server restart would (once it is connected again). */
async function cutListener(server: TestDatabase, notices: ChangeNotices): Promise<void> {
  const end = Date.now() + 5000;
  for (;;) {
    const { rows } = await server.pool.query<{ ended: boolean }>('select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1', [
      `${LISTENER_NAME} ${notices.instance}`,
    ]);
    if (rows.length > 0) {
      expect(rows.map((r) => r.ended)).toEqual([true]);
      return;
    }
    if (Date.now() > end) throw new Error(`instance ${notices.instance} has no listening connection to cut`);
    await sleep(10);
  }
}

describe('change notices between two instances', () => {
  let server: TestDatabase;
  let dbA: Db;
  let dbB: Db;
  let a: ChangeNotices;
  let b: ChangeNotices;

  beforeAll(async () => {
    server = await createTestDatabase('rl_notices');
    dbA = await openPostgres({ url: server.url, poolSize: 2 });
    dbB = await openPostgres({ url: server.url, poolSize: 2 });
    a = changeNoticesFor(dbA, TIMING);
    b = changeNoticesFor(dbB, TIMING);
    await Promise.all([a.start(), b.start()]);
    await until('both trusted', () => a.trusted() && b.trusted(), 5000);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (dbA) await closeDatabase(dbA);
    if (dbB) await closeDatabase(dbB);
    await server?.drop();
  });

  it('keeps trusting while it hears its pings, and the pings of either instance change nothing', async () => {
    const [ga, gb] = [a.generation(), b.generation()];
    for (let i = 0; i < 10; i++) {
      await sleep(TIMING.pingMs * 2);
      expect([a.trusted(), b.trusted()]).toEqual([true, true]);
    }
    expect([a.generation(), b.generation()]).toEqual([ga, gb]);
  });

  it('a change reaches the other instance when its transaction commits, not before, and never when rolled back', async () => {
    const before = b.generation();
    await writeTransaction(dbA, async (tx) => {
      await a.announce(tx);
      await sleep(TIMING.leaseMs);
      expect(b.generation()).toBe(before);
    });
    await until('b hears the change', () => b.generation() !== before, 2000);
    const heard = b.generation();
    await expect(
      writeTransaction(dbA, async (tx) => {
        await a.announce(tx);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await sleep(TIMING.leaseMs * 2);
    expect(b.generation()).toBe(heard);
    expect(b.trusted()).toBe(true);
  });

  it('when settled() resolves, the other instance has heard the change or no longer trusts what it remembers, also when the event loop was held up', async () => {
    for (let i = 0; i < 12; i++) {
      await until('b trusted again', () => b.trusted(), 2000);
      const before = b.generation();
      await writeTransaction(dbA, (tx) => a.announce(tx));
      const settled = a.settled();
      // Every round but the first two, this process is too busy to read its sockets for the whole lease: b cannot hear the change in time.
      if (i >= 2) {
        const stop = Date.now() + TIMING.leaseMs + 50;
        while (Date.now() < stop);
      }
      await settled;
      expect(b.generation() !== before || !b.trusted(), `round ${i}`).toBe(true);
    }
  });

  it('a lost listening connection ends the trust within the lease and forgets what was remembered; once back, changes are heard again', async () => {
    await until('b trusted', () => b.trusted(), 2000);
    const before = b.generation();
    await cutListener(server, b);
    await until('b stops trusting', () => !b.trusted(), TIMING.leaseMs + 100);
    expect(b.generation()).not.toBe(before);
    const lost = b.generation();
    await until('b reconnects and trusts again', () => b.trusted(), 5000);
    // What was remembered while it was not listening is not used again: a change then was never heard.
    expect(b.generation()).not.toBe(lost);
    const back = b.generation();
    await writeTransaction(dbA, (tx) => a.announce(tx));
    await until('b hears a change made after it came back', () => b.generation() !== back, 2000);
  });

  it('notices that were never started (a one-off script) never trust, and still announce', async () => {
    const script = changeNoticesFor(dbA, TIMING);
    await sleep(TIMING.pingMs * 3);
    expect(script.trusted()).toBe(false);
    const before = b.generation();
    await writeTransaction(dbA, (tx) => script.announce(tx));
    await until('b hears the script', () => b.generation() !== before, 2000);
    await script.close();
  });
});

type Role = 'trainee' | 'coordinator' | 'staff';
type Command =
  | { kind: 'me'; via: number; user: number; token: number }
  | { kind: 'login'; via: number; user: number }
  | { kind: 'logout'; via: number; user: number; token: number }
  | { kind: 'disable' | 'enable' | 'password'; via: number; user: number }
  | { kind: 'role'; via: number; user: number; role: Role }
  | { kind: 'rename'; via: number; user: number; name: string }
  | { kind: 'cut'; via: number };

const via = fc.integer({ min: 0, max: 1 });
const user = fc.integer({ min: 0, max: 1 });
const token = fc.nat({ max: 3 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('me' as const), via, user, token }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('login' as const), via, user }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('logout' as const), via, user, token }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('disable' as const, 'enable' as const, 'password' as const), via, user }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('role' as const), via, user, role: fc.constantFrom<Role>('trainee', 'coordinator', 'staff') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), via, user, name: fc.constantFrom('Annie', 'Jaypeetee', 'Leesee') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), via }) },
);

describe('two instances that remember sessions answer as one that remembers nothing', () => {
  let server: TestDatabase;
  let apps: [TestApp, TestApp];
  let admins: [string, string];
  let run = 0;

  beforeAll(async () => {
    server = await createTestDatabase('rl_notices_apps');
    apps = await Promise.all([createTestApp({ postgresUrl: server.url, noticeTiming: TIMING }), createTestApp({ postgresUrl: server.url, noticeTiming: TIMING })]);
    admins = [await apps[0].login('admin', ADMIN_PASSWORD), await apps[1].login('admin', ADMIN_PASSWORD)];
    await until('both trusted', () => apps.every((t) => t.app.services.notices.trusted()), 5000);
  });
  afterAll(async () => {
    await apps?.[0]?.close();
    await apps?.[1]?.close();
    await server?.drop();
  });

  it('over any sequence of sign-ins, requests, sign-outs and changes to the users, with lost listening connections', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 14 }), async (commands) => {
        run++;
        const password = 'a-long-enough-password';
        const users = await Promise.all(
          [0, 1].map(async (i) => {
            const username = `u${run}x${i}`;
            const made = await apps[0].http.post(`${API}/users`).set(bearer(admins[0])).send({ username, displayName: 'Ooleepeeka', role: 'trainee', password });
            expect(made.status).toBe(201);
            return { id: made.body.user.id as number, username, role: 'trainee' as Role, name: 'Ooleepeeka', enabled: true, tokens: [] as Array<{ token: string; live: boolean }> };
          }),
        );
        for (const c of commands) {
          const t = apps[c.via]!;
          const admin = bearer(admins[c.via]!);
          if (c.kind === 'cut') {
            await cutListener(server, t.app.services.notices);
            continue;
          }
          const u = users[c.user]!;
          const held = 'token' in c ? u.tokens[c.token % Math.max(1, u.tokens.length)] : undefined;
          const endAll = () => u.tokens.forEach((k) => (k.live = false));
          switch (c.kind) {
            case 'me': {
              if (!held) break;
              const res = await t.http.get(`${API}/me`).set(bearer(held.token));
              expect(res.status, `${c.kind} via ${c.via}`).toBe(held.live ? 200 : 401);
              if (held.live) expect(res.body.user).toMatchObject({ displayName: u.name, role: u.role });
              break;
            }
            case 'login': {
              // A disabled user's attempts would count against the address's failed-login limit, which the fixed clock never ends.
              if (!u.enabled) break;
              const res = await t.http.post(`${API}/auth/login`).send({ username: u.username, password });
              expect(res.status).toBe(200);
              u.tokens.push({ token: res.body.token as string, live: true });
              break;
            }
            case 'logout': {
              if (!held) break;
              const res = await t.http.post(`${API}/auth/logout`).set(bearer(held.token));
              expect(res.status).toBe(held.live ? 204 : 401);
              held.live = false;
              break;
            }
            case 'disable':
            case 'enable': {
              const res = await t.http.patch(`${API}/users/${u.id}`).set(admin).send({ disabled: c.kind === 'disable' });
              expect(res.status).toBe(200);
              if (c.kind === 'disable') endAll();
              u.enabled = c.kind === 'enable';
              break;
            }
            case 'password': {
              const res = await t.http.post(`${API}/users/${u.id}/password`).set(admin).send({ password });
              expect(res.status).toBe(200);
              endAll();
              break;
            }
            case 'role': {
              const res = await t.http.patch(`${API}/users/${u.id}`).set(admin).send({ role: c.role });
              expect(res.status).toBe(200);
              if (c.role !== u.role) endAll();
              u.role = c.role;
              break;
            }
            case 'rename': {
              const res = await t.http.patch(`${API}/users/${u.id}`).set(admin).send({ displayName: c.name });
              expect(res.status).toBe(200);
              u.name = c.name;
              break;
            }
          }
          // Every live token is asked on both instances after each change: the one that made it and the other.
          if (c.kind !== 'me' && c.kind !== 'login') {
            for (const k of users.flatMap((x) => x.tokens)) {
              for (const other of apps) expect((await other.http.get(`${API}/me`).set(bearer(k.token))).status).toBe(k.live ? 200 : 401);
            }
          }
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('an instance whose listening connection was cut', () => {
  // The reconnection waits pingMs after the loss: a gap wide enough for a request and a logout.
  const GAP = { leaseMs: 200, pingMs: 150 };
  let server: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    server = await createTestDatabase('rl_notices_gap');
    a = await createTestApp({ postgresUrl: server.url, noticeTiming: GAP });
    b = await createTestApp({ postgresUrl: server.url, noticeTiming: GAP });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.drop();
  });

  it('does not use, once back, a session it remembered while a logout it never heard was committed', async () => {
    const { token } = await a.createUser('pat-gap', 'trainee');
    const notices = b.app.services.notices;
    await until('b trusted', () => notices.trusted(), 3000);
    const before = notices.generation();
    await cutListener(server, notices);
    await until('b notices the loss', () => notices.generation() !== before, 1000);
    // Read and remembered while b does not listen; the logout commits before b listens again.
    expect((await b.http.get(`${API}/me`).set(bearer(token))).status).toBe(200);
    expect((await a.http.post(`${API}/auth/logout`).set(bearer(token))).status).toBe(204);
    await until('b listens and trusts again', () => notices.trusted(), 3000);
    expect((await b.http.get(`${API}/me`).set(bearer(token))).status).toBe(401);
  });

  it('tells the server log when its listening connection is lost and when it listens again, once each', async () => {
    const chunks: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const c = await createTestApp({ postgresUrl: server.url, noticeTiming: GAP, logStream });
    try {
      const notices = c.app.services.notices;
      const lines = () =>
        chunks
          .join('')
          .split('\n')
          .filter((l) => l.includes('Change notices'))
          .map((l) => JSON.parse(l) as { level: number; msg: string; instance: string });
      await until('c trusted', () => notices.trusted(), 3000);
      await cutListener(server, notices);
      await until('c lost it', () => !notices.trusted(), 2000);
      await until('c listens and trusts again', () => notices.trusted(), 3000);
      await until('the log says so', () => lines().length === 2, 2000);
      expect(lines().map((l) => [l.level, l.instance])).toEqual([
        [40, notices.instance],
        [30, notices.instance],
      ]);
      expect(lines()[0]!.msg).toMatch(/listening connection was lost.*reads its session from the database/);
      expect(lines()[1]!.msg).toBe('Change notices: listening again');
    } finally {
      await c.close();
    }
  });

  it('closed while it connects again, it leaves no connection behind and trusts nothing', async () => {
    const c = await createTestApp({ postgresUrl: server.url, noticeTiming: GAP });
    const notices = c.app.services.notices;
    await until('c trusted', () => notices.trusted(), 3000);
    await cutListener(server, notices);
    await c.close();
    expect(notices.trusted()).toBe(false);
    // Past the reconnection's wait: nothing of c's connects again.
    await sleep(GAP.pingMs * 6);
    const { rows } = await server.pool.query('select pid from pg_stat_activity where application_name = $1', [`${LISTENER_NAME} ${notices.instance}`]);
    expect(rows).toEqual([]);
  });
});
