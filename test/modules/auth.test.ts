import type { Response } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/core/clock.js';
import { openDatabase } from '../../src/core/db.js';
import { ERROR_CODES, type ErrorCode } from '../../src/core/errors.js';
import { ADMIN_PASSWORD, USER_PASSWORD, bearer, checkedHttp, createTestApp, type TestApp } from '../helpers.js';

const API = '/api/v1';
const HOUR = 3600_000;
const MINUTE = 60_000;
const LOGIN_WINDOW_MS = 15 * MINUTE;

/** The RFC 9457 problem document every error answer must be. */
function expectProblem(res: Response, status: number, code: ErrorCode): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, title: ERROR_CODES[code].title });
  expect(typeof res.body.type).toBe('string');
  expect(res.body.type).toContain(code);
}

/** The fields named by a 400 request.invalid answer. */
function fieldsOf(res: Response): string[] {
  return (res.body.errors as Array<{ field: string }>).map((e) => e.field);
}

describe('POST /auth/login', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const login = (body: Record<string, unknown>) => t.http.post(`${API}/auth/login`).send(body);

  it('answers 200 with an opaque token, its expiry and the user', async () => {
    const res = await login({ username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'token', 'user']);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(res.body.expiresAt).toBe(new Date(t.clock.now().getTime() + 12 * HOUR).toISOString());
    expect(res.body.user).toEqual({
      id: expect.any(Number),
      username: 'admin',
      displayName: 'Administrator',
      role: 'admin',
      disabled: false,
      language: null,
      site: 'iqaluit',
      createdAt: expect.any(String),
    });
    expect(res.text).not.toContain('scrypt');
    expect(res.text).not.toContain(ADMIN_PASSWORD);
  });

  it('hands out a different token on every login, each usable on its own', async () => {
    const a = await login({ username: 'admin', password: ADMIN_PASSWORD });
    const b = await login({ username: 'admin', password: ADMIN_PASSWORD });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.token).not.toBe(b.body.token);
    expect((await t.http.get(`${API}/me`).set(bearer(a.body.token))).status).toBe(200);
    expect((await t.http.get(`${API}/me`).set(bearer(b.body.token))).status).toBe(200);
  });

  it('refuses a wrong password with 401 auth.invalid_credentials', async () => {
    const res = await login({ username: 'admin', password: `${ADMIN_PASSWORD}x` });
    expectProblem(res, 401, 'auth.invalid_credentials');
    expect(res.body.token).toBeUndefined();
  });

  it('answers an unknown username exactly like a wrong password', async () => {
    const wrongPassword = await login({ username: 'admin', password: 'not-the-admin-password' });
    const unknownUser = await login({ username: 'nobody-here', password: 'not-the-admin-password' });
    expectProblem(unknownUser, 401, 'auth.invalid_credentials');
    expectProblem(wrongPassword, 401, 'auth.invalid_credentials');
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(unknownUser.body)).toEqual(strip(wrongPassword.body));
  });

  it('treats the username case-insensitively', async () => {
    await t.createUser('kiri.tester', 'trainee');
    for (const username of ['ADMIN', 'Admin', 'aDmIn']) {
      const res = await login({ username, password: ADMIN_PASSWORD });
      expect(res.status, username).toBe(200);
      expect(res.body.user.username).toBe('admin');
    }
    const res = await login({ username: 'Kiri.Tester', password: USER_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'kiri.tester', role: 'trainee' });
  });

  it('does not treat the password case-insensitively', async () => {
    expectProblem(await login({ username: 'admin', password: ADMIN_PASSWORD.toUpperCase() }), 401, 'auth.invalid_credentials');
  });

  it('refuses a disabled user, even with the right password, and lets them in again once re-enabled', async () => {
    const { id } = await t.createUser('ana', 'trainee');
    const admin = await t.token('admin');
    expect((await t.http.patch(`${API}/users/${id}`).set(bearer(admin)).send({ disabled: true })).status).toBe(200);
    const refused = await login({ username: 'ana', password: USER_PASSWORD });
    expectProblem(refused, 401, 'auth.invalid_credentials');
    expect((await t.http.patch(`${API}/users/${id}`).set(bearer(admin)).send({ disabled: false })).status).toBe(200);
    expect((await login({ username: 'ana', password: USER_PASSWORD })).status).toBe(200);
  });

  it('rejects a missing field with 400 request.invalid naming it', async () => {
    const noPassword = await login({ username: 'admin' });
    expectProblem(noPassword, 400, 'request.invalid');
    expect(fieldsOf(noPassword)).toEqual(['body.password']);

    const noUsername = await login({ password: ADMIN_PASSWORD });
    expectProblem(noUsername, 400, 'request.invalid');
    expect(fieldsOf(noUsername)).toEqual(['body.username']);
  });

  it('rejects an unknown property with 400 request.invalid naming it, rather than dropping it', async () => {
    const res = await login({ username: 'admin', password: ADMIN_PASSWORD, rememberMe: true });
    expectProblem(res, 400, 'request.invalid');
    expect(res.body.errors).toEqual([{ field: 'body.rememberMe', message: 'unknown property' }]);
    expect(res.body.token).toBeUndefined();
  });

  it('rejects wrongly typed and empty fields with 400', async () => {
    const typed = await login({ username: 'admin', password: 12345678901234 });
    expectProblem(typed, 400, 'request.invalid');
    expect(fieldsOf(typed)).toEqual(['body.password']);

    const empty = await login({ username: '', password: ADMIN_PASSWORD });
    expectProblem(empty, 400, 'request.invalid');
    expect(fieldsOf(empty)).toEqual(['body.username']);
  });

  it('rejects a body that is not JSON with a 400 problem', async () => {
    const res = await t.http.post(`${API}/auth/login`).set('content-type', 'application/json').send('{"username": "admin",');
    expectProblem(res, 400, 'request.malformed_json');
  });

  it('does not count a malformed request as a failed login', async () => {
    for (let i = 0; i < 12; i++) expect((await login({ username: 'admin' })).status).toBe(400);
    expect((await login({ username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });
});

describe('failed-login limiting', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await t.createUser('pat', 'trainee');
  });
  afterEach(async () => t.close());

  const login = (username: string, password: string) => t.http.post(`${API}/auth/login`).send({ username, password });

  async function failTimes(username: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const res = await login(username, `wrong-password-${i}`);
      expectProblem(res, 401, 'auth.invalid_credentials');
    }
  }

  it('answers the 11th attempt inside 15 minutes with 429 and an integer Retry-After', async () => {
    await failTimes('pat', 10);
    const res = await login('pat', 'wrong-password-again');
    expectProblem(res, 429, 'auth.too_many_attempts');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(res.headers['retry-after'])).toBe(LOGIN_WINDOW_MS / 1000);
  });

  it('refuses even the correct password while blocked', async () => {
    await failTimes('pat', 10);
    const res = await login('pat', USER_PASSWORD);
    expectProblem(res, 429, 'auth.too_many_attempts');
    expect(res.body.token).toBeUndefined();
  });

  it('counts a username whatever its case', async () => {
    for (let i = 0; i < 10; i++) expect((await login(i % 2 ? 'PAT' : 'Pat', `wrong-${i}`)).status).toBe(401);
    expectProblem(await login('pat', USER_PASSWORD), 429, 'auth.too_many_attempts');
  });

  it('limits failures for unknown usernames too', async () => {
    await failTimes('ghost', 10);
    expectProblem(await login('ghost', 'whatever-password'), 429, 'auth.too_many_attempts');
  });

  it('does not block another username', async () => {
    await failTimes('pat', 10);
    expectProblem(await login('pat', USER_PASSWORD), 429, 'auth.too_many_attempts');
    const other = await login('admin', ADMIN_PASSWORD);
    expect(other.status).toBe(200);
    expect(other.body.user.username).toBe('admin');
  });

  it('does not block a user who already holds a session from using it', async () => {
    const token = await t.login('pat', USER_PASSWORD);
    await failTimes('pat', 10);
    expect((await t.http.get(`${API}/me`).set(bearer(token))).status).toBe(200);
  });

  it('counts down Retry-After and lets the user in once the window has passed', async () => {
    await failTimes('pat', 10);
    t.clock.advance(5 * MINUTE);
    const stillBlocked = await login('pat', USER_PASSWORD);
    expectProblem(stillBlocked, 429, 'auth.too_many_attempts');
    expect(Number(stillBlocked.headers['retry-after'])).toBe((LOGIN_WINDOW_MS - 5 * MINUTE) / 1000);

    t.clock.advance(LOGIN_WINDOW_MS - 5 * MINUTE - 1000);
    const lastSecond = await login('pat', USER_PASSWORD);
    expectProblem(lastSecond, 429, 'auth.too_many_attempts');
    expect(lastSecond.headers['retry-after']).toBe('1');

    t.clock.advance(1000);
    const res = await login('pat', USER_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe('pat');
  });

  it('forgets failures older than 15 minutes (sliding window)', async () => {
    await failTimes('pat', 9);
    t.clock.advance(LOGIN_WINDOW_MS);
    await failTimes('pat', 9);
    expect((await login('pat', USER_PASSWORD)).status).toBe(200);
  });

  it('resets the count on a successful login', async () => {
    await failTimes('pat', 9);
    expect((await login('pat', USER_PASSWORD)).status).toBe(200);
    // Without the reset the 2nd failure below would already be the 11th attempt.
    await failTimes('pat', 10);
    expectProblem(await login('pat', USER_PASSWORD), 429, 'auth.too_many_attempts');
  });

  it('counts failed logins of a disabled user', async () => {
    const admin = await t.token('admin');
    const users = await t.http.get(`${API}/users`).set(bearer(admin));
    const pat = (users.body.items as Array<{ id: number; username: string }>).find((u) => u.username === 'pat')!;
    expect((await t.http.patch(`${API}/users/${pat.id}`).set(bearer(admin)).send({ disabled: true })).status).toBe(200);
    for (let i = 0; i < 10; i++) expectProblem(await login('pat', USER_PASSWORD), 401, 'auth.invalid_credentials');
    expectProblem(await login('pat', USER_PASSWORD), 429, 'auth.too_many_attempts');
  });
});

describe('failed-login limiting under concurrency', () => {
  it('lets at most 10 of 20 simultaneous wrong-password attempts be tried', async () => {
    // A realistic scrypt cost, so that password checks overlap as they do in production.
    const db = openDatabase({ path: ':memory:' });
    const app = await buildApp({ config: loadConfig({}), db, clock: fixedClock(), logLevel: 'silent', scryptN: 8192 });
    try {
      await app.services.users.bootstrapAdmin(ADMIN_PASSWORD);
      const http = checkedHttp(app.server);
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, i) => http.post(`${API}/auth/login`).send({ username: 'admin', password: `wrong-password-${i}` })),
      );
      const statuses = burst.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length, statuses.join(',')).toBeLessThanOrEqual(10);
      expect(statuses.filter((s) => s === 429).length, statuses.join(',')).toBeGreaterThanOrEqual(10);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expectProblem(await http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD }), 429, 'auth.too_many_attempts');
    } finally {
      await app.close();
      db.$client.close();
    }
  });
});

describe('bearer tokens', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it('GET /me answers the user behind the token', async () => {
    const { token, id } = await t.createUser('sila', 'coordinator');
    const res = await t.http.get(`${API}/me`).set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id, username: 'sila', displayName: 'Test coordinator', role: 'coordinator', disabled: false, language: null, site: 'iqaluit', createdAt: t.clock.now().toISOString() },
    });
  });

  it('answers 401 auth.unauthenticated with WWW-Authenticate when no token is sent', async () => {
    const res = await t.http.get(`${API}/me`);
    expectProblem(res, 401, 'auth.unauthenticated');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['an unknown token', `Bearer ${'A'.repeat(43)}`],
    ['a token with characters outside base64url', 'Bearer not a token!'],
    ['a token that is too short', 'Bearer abc'],
    ['another scheme', `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 for %s', async (_name, header) => {
    const res = await t.http.get(`${API}/me`).set('authorization', header);
    expectProblem(res, 401, 'auth.unauthenticated');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 for a real token with one character changed', async () => {
    const token = await t.token('admin');
    const last = token.slice(-1);
    const tampered = `${token.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    expectProblem(await t.http.get(`${API}/me`).set(bearer(tampered)), 401, 'auth.unauthenticated');
  });

  it('POST /auth/logout answers 204 and the token is dead afterwards', async () => {
    const token = await t.login('admin', ADMIN_PASSWORD);
    const other = await t.login('admin', ADMIN_PASSWORD);
    const res = await t.http.post(`${API}/auth/logout`).set(bearer(token));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');

    expectProblem(await t.http.get(`${API}/me`).set(bearer(token)), 401, 'auth.unauthenticated');
    expectProblem(await t.http.post(`${API}/auth/logout`).set(bearer(token)), 401, 'auth.unauthenticated');
    // Logout ends this session only.
    expect((await t.http.get(`${API}/me`).set(bearer(other))).status).toBe(200);
  });

  it('POST /auth/logout without a token is 401', async () => {
    const res = await t.http.post(`${API}/auth/logout`);
    expectProblem(res, 401, 'auth.unauthenticated');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('expires a token after the default 12 hours', async () => {
    const res = await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD });
    const token = res.body.token as string;
    t.clock.advance(12 * HOUR - 1);
    expect((await t.http.get(`${API}/me`).set(bearer(token))).status).toBe(200);
    expect(new Date(res.body.expiresAt as string).getTime()).toBe(t.clock.now().getTime() + 1);
    t.clock.advance(1);
    const expired = await t.http.get(`${API}/me`).set(bearer(token));
    expectProblem(expired, 401, 'auth.unauthenticated');
    expect(expired.headers['www-authenticate']).toBe('Bearer');
    // A new login works as before.
    expect((await t.http.get(`${API}/me`).set(bearer(await t.login('admin', ADMIN_PASSWORD)))).status).toBe(200);
  });

  it('honours SESSION_TTL_HOURS', async () => {
    const custom = await createTestApp({ env: { SESSION_TTL_HOURS: '2' } });
    try {
      const start = custom.clock.now().getTime();
      const res = await custom.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body.expiresAt).toBe(new Date(start + 2 * HOUR).toISOString());
      custom.clock.advance(2 * HOUR - 1000);
      expect((await custom.http.get(`${API}/me`).set(bearer(res.body.token))).status).toBe(200);
      custom.clock.advance(1000);
      expectProblem(await custom.http.get(`${API}/me`).set(bearer(res.body.token)), 401, 'auth.unauthenticated');
    } finally {
      await custom.close();
    }
  });
});

describe('per-user rate limit', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterEach(async () => t.close());

  it('answers the 6th authenticated request in a minute with 429 rate_limited, per user, until the minute is over', async () => {
    const trainee = await t.token('trainee');
    const staff = await t.token('staff');
    // Start from a fresh minute, whatever setting the users up cost.
    t.clock.advance(MINUTE);

    for (let i = 0; i < 5; i++) expect((await t.http.get(`${API}/me`).set(bearer(trainee))).status, `request ${i + 1}`).toBe(200);
    const limited = await t.http.get(`${API}/me`).set(bearer(trainee));
    expectProblem(limited, 429, 'rate_limited');
    expect(limited.headers['retry-after']).toBe('60');

    // Another user has a budget of their own.
    const other = await t.http.get(`${API}/me`).set(bearer(staff));
    expect(other.status).toBe(200);
    expect(other.body.user.role).toBe('staff');

    t.clock.advance(20_000);
    const later = await t.http.get(`${API}/me`).set(bearer(trainee));
    expectProblem(later, 429, 'rate_limited');
    expect(later.headers['retry-after']).toBe('40');

    t.clock.advance(40_000);
    const res = await t.http.get(`${API}/me`).set(bearer(trainee));
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('trainee');
  });

  it('counts requests to any route, including mutating ones', async () => {
    const admin = await t.token('admin');
    t.clock.advance(MINUTE);
    for (let i = 0; i < 3; i++) expect((await t.http.get(`${API}/users`).set(bearer(admin))).status).toBe(200);
    expect((await t.http.get(`${API}/me`).set(bearer(admin))).status).toBe(200);
    expect((await t.http.post(`${API}/auth/logout`).set(bearer(await t.login('admin', ADMIN_PASSWORD)))).status).toBe(204);
    expectProblem(await t.http.get(`${API}/users`).set(bearer(admin)), 429, 'rate_limited');
  });

  it('does not limit logins or anonymous requests by this budget', async () => {
    t.clock.advance(MINUTE);
    for (let i = 0; i < 8; i++) expect((await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
    for (let i = 0; i < 8; i++) expectProblem(await t.http.get(`${API}/me`), 401, 'auth.unauthenticated');
  });
});

describe('per-user rate limit switched off', () => {
  it('RATE_LIMIT_PER_MINUTE=0 means unlimited', async () => {
    const t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const token = await t.token('trainee');
      for (let i = 0; i < 30; i++) expect((await t.http.get(`${API}/me`).set(bearer(token))).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
