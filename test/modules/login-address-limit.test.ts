import http from 'node:http';
import type { Response } from 'supertest';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/core/clock.js';
import { openDatabase } from '../../src/core/db.js';
import { ADMIN_PASSWORD, USER_PASSWORD, checkedHttp, createTestApp, type TestApp } from '../helpers.js';

const API = '/api/v1';
const LOGIN_WINDOW_MS = 15 * 60_000;
const PER_ADDRESS = 30;

/*
 * The app takes the client address from the socket (no trustProxy), so a
 * second address is a real second source address: Linux routes all of
 * 127.0.0.0/8 to loopback, and an agent bound to 127.0.0.2 connects from it.
 * Requests without an agent come from 127.0.0.1.
 */
const otherAddress = new http.Agent({ localAddress: '127.0.0.2' });
afterAll(() => otherAddress.destroy());

function expectTooMany(res: Response): void {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('auth.too_many_attempts');
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(res.body.token).toBeUndefined();
}

describe('failed logins per client address, across usernames', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await t.createUser('pat', 'trainee');
  });
  afterEach(async () => t.close());

  const login = (username: string, password: string) => t.http.post(`${API}/auth/login`).send({ username, password });
  const loginFromOther = (username: string, password: string) => t.http.post(`${API}/auth/login`).agent(otherAddress).send({ username, password });

  /** One wrong password for each of n different usernames (every one under the per-username limit). */
  async function spray(n: number, prefix = 'victim'): Promise<void> {
    for (let i = 0; i < n; i++) {
      const res = await login(`${prefix}-${i}`, 'Winter2026!');
      expect(res.status, `attempt ${i + 1}: ${JSON.stringify(res.body)}`).toBe(401);
    }
  }

  it('refuses the 31st attempt from an address after 30 usernames failed once each, even with a correct password', async () => {
    await spray(PER_ADDRESS);
    const res = await login('pat', USER_PASSWORD);
    expectTooMany(res);
    expect(Number(res.headers['retry-after'])).toBe(LOGIN_WINDOW_MS / 1000);
    expectTooMany(await login('admin', ADMIN_PASSWORD));
    expectTooMany(await login('never-tried', 'Winter2026!'));
  });

  it('does not lock a real user out from another address', async () => {
    await spray(PER_ADDRESS);
    expectTooMany(await login('pat', USER_PASSWORD));
    const res = await loginFromOther('pat', USER_PASSWORD);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user.username).toBe('pat');
    // That address has a budget of its own, untouched by the attacker's.
    expect((await loginFromOther('pat', 'a-typo-password')).status).toBe(401);
  });

  it('is not escaped by an X-Forwarded-For header (no proxy is trusted)', async () => {
    await spray(PER_ADDRESS);
    expectTooMany(await t.http.post(`${API}/auth/login`).set('x-forwarded-for', '203.0.113.7').send({ username: 'pat', password: USER_PASSWORD }));
  });

  it('lets the address try again once the window has passed', async () => {
    await spray(PER_ADDRESS);
    t.clock.advance(LOGIN_WINDOW_MS - 1000);
    const lastSecond = await login('pat', USER_PASSWORD);
    expectTooMany(lastSecond);
    expect(lastSecond.headers['retry-after']).toBe('1');
    t.clock.advance(1000);
    const res = await login('pat', USER_PASSWORD);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user.username).toBe('pat');
  });

  it('keeps counting the address after a successful login, which forgives only its own attempt', async () => {
    await spray(PER_ADDRESS - 1);
    expect((await login('pat', USER_PASSWORD)).status).toBe(200);
    // Had the success been counted, this 30th failure would already be refused;
    // had it reset the address, the attempt after it would not be.
    expect((await login('victim-last', 'Winter2026!')).status).toBe(401);
    expectTooMany(await login('pat', USER_PASSWORD));
  });

  it('answers the longer wait when both the username and the address counters are full', async () => {
    await spray(PER_ADDRESS - 10);
    t.clock.advance(5 * 60_000);
    for (let i = 0; i < 10; i++) expect((await login('pat', `wrong-${i}`)).status).toBe(401);
    // The address filled first (its oldest failure ends 10 minutes from now), pat's
    // counter filled now (15 minutes): the client may try again only after both.
    const res = await login('pat', USER_PASSWORD);
    expectTooMany(res);
    expect(Number(res.headers['retry-after'])).toBe(LOGIN_WINDOW_MS / 1000);
    t.clock.advance(10 * 60_000);
    expectTooMany(await login('pat', USER_PASSWORD));
    // The address has room again, but not for pat.
    expect((await login('someone-else', 'Winter2026!')).status).toBe(401);
  });

  it('honours LOGIN_FAILURES_PER_ADDRESS', async () => {
    const strict = await createTestApp({ env: { LOGIN_FAILURES_PER_ADDRESS: '3' } });
    try {
      for (let i = 0; i < 3; i++) expect((await strict.http.post(`${API}/auth/login`).send({ username: `u${i}`, password: 'Winter2026!' })).status).toBe(401);
      expectTooMany(await strict.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD }));
    } finally {
      await strict.close();
    }
  });
});

describe('failed logins per address under concurrency', () => {
  it('lets at most 30 of 45 simultaneous attempts on different usernames be tried', async () => {
    // A realistic scrypt cost, so that password checks overlap as they do in production.
    const db = openDatabase({ path: ':memory:' });
    const app = await buildApp({ config: loadConfig({}), db, clock: fixedClock(), logLevel: 'silent', scryptN: 8192 });
    try {
      await app.services.users.bootstrapAdmin(ADMIN_PASSWORD);
      const client = checkedHttp(app.server);
      const burst = await Promise.all(
        Array.from({ length: 45 }, (_, i) => client.post(`${API}/auth/login`).send({ username: `victim-${i}`, password: 'Winter2026!' })),
      );
      const statuses = burst.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length, statuses.join(',')).toBe(PER_ADDRESS);
      expect(statuses.filter((s) => s === 429).length, statuses.join(',')).toBe(45 - PER_ADDRESS);
      expectTooMany(await client.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD }));
    } finally {
      await app.close();
      db.$client.close();
    }
  });
});
