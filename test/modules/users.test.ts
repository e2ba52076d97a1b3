import type { Response } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/core/clock.js';
import { openDatabase } from '../../src/core/db.js';
import { ERROR_CODES, type ErrorCode } from '../../src/core/errors.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { ADMIN_PASSWORD, USER_PASSWORD, bearer, checkedHttp, createTestApp, type TestApp } from '../helpers.js';

const API = '/api/v1';
const NEW_PASSWORD = 'another-long-password-42';

function expectProblem(res: Response, status: number, code: ErrorCode): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, title: ERROR_CODES[code].title });
}

function fieldsOf(res: Response): string[] {
  return (res.body.errors as Array<{ field: string }>).map((e) => e.field);
}

const newUser = (overrides: Record<string, unknown> = {}) => ({
  username: 'nuka',
  displayName: 'Nuka Tester',
  role: 'trainee',
  password: USER_PASSWORD,
  ...overrides,
});

const NON_ADMIN: Role[] = ['trainee', 'coordinator', 'staff'];

describe('users (admin)', () => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await createTestApp();
    admin = await t.token('admin');
  });
  afterEach(async () => t.close());

  const create = (body: Record<string, unknown>, token = admin) => t.http.post(`${API}/users`).set(bearer(token)).send(body);
  const patch = (id: number, body: Record<string, unknown>, token = admin) => t.http.patch(`${API}/users/${id}`).set(bearer(token)).send(body);
  const me = (token: string) => t.http.get(`${API}/me`).set(bearer(token));
  const loginRes = (username: string, password: string) => t.http.post(`${API}/auth/login`).send({ username, password });

  describe('POST /users', () => {
    it('answers 201 { user } without any password material', async () => {
      const res = await create(newUser({ role: 'coordinator' }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        user: {
          id: expect.any(Number),
          username: 'nuka',
          displayName: 'Nuka Tester',
          role: 'coordinator',
          disabled: false,
          language: null,
          site: 'iqaluit',
          createdAt: t.clock.now().toISOString(),
        },
      });
      expect(res.text).not.toMatch(/password|hash|scrypt/i);
      expect(res.text).not.toContain(USER_PASSWORD);
    });

    it('creates a user who can log in with that password', async () => {
      const created = await create(newUser({ role: 'staff' }));
      expect(created.status).toBe(201);
      const res = await loginRes('nuka', USER_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(created.body.user);
    });

    it('trims the display name', async () => {
      const res = await create(newUser({ displayName: '  Nuka  ' }));
      expect(res.status).toBe(201);
      expect(res.body.user.displayName).toBe('Nuka');
    });

    it('refuses a taken username with 409 users.username_taken', async () => {
      expect((await create(newUser())).status).toBe(201);
      const res = await create(newUser({ displayName: 'Someone else', role: 'staff' }));
      expectProblem(res, 409, 'users.username_taken');
      const list = await t.http.get(`${API}/users`).set(bearer(admin));
      expect((list.body.items as Array<{ username: string }>).filter((u) => u.username === 'nuka')).toHaveLength(1);
    });

    it('refuses the taken username "admin"', async () => {
      expectProblem(await create(newUser({ username: 'admin' })), 409, 'users.username_taken');
    });

    it('refuses a password shorter than 12 characters and accepts exactly 12', async () => {
      const short = await create(newUser({ password: 'x'.repeat(11) }));
      expectProblem(short, 400, 'request.invalid');
      expect(fieldsOf(short)).toEqual(['body.password']);
      expectProblem(await loginRes('nuka', 'x'.repeat(11)), 401, 'auth.invalid_credentials');

      expect((await create(newUser({ password: 'y'.repeat(12) }))).status).toBe(201);
    });

    it('refuses an unknown role with 400', async () => {
      const res = await create(newUser({ role: 'superuser' }));
      expectProblem(res, 400, 'request.invalid');
      expect(fieldsOf(res)).toEqual(['body.role']);
    });

    it.each([
      ['a username with upper case', { username: 'Nuka' }, 'body.username'],
      ['a username with spaces', { username: 'nu ka' }, 'body.username'],
      ['a username that is too short', { username: 'nu' }, 'body.username'],
      ['an empty display name', { displayName: '   ' }, 'body.displayName'],
      ['a display name over 120 characters', { displayName: 'd'.repeat(121) }, 'body.displayName'],
      ['a password over 256 characters', { password: 'p'.repeat(257) }, 'body.password'],
    ])('refuses %s with 400 naming the field', async (_name, overrides, field) => {
      const res = await create(newUser(overrides));
      expectProblem(res, 400, 'request.invalid');
      expect(fieldsOf(res)).toEqual([field]);
    });

    it('refuses a missing field and an unknown property by name', async () => {
      const noName: Record<string, unknown> = newUser();
      delete noName['displayName'];
      const missing = await create(noName);
      expectProblem(missing, 400, 'request.invalid');
      expect(fieldsOf(missing)).toEqual(['body.displayName']);

      const extra = await create(newUser({ isAdmin: true }));
      expectProblem(extra, 400, 'request.invalid');
      expect(extra.body.errors).toEqual([{ field: 'body.isAdmin', message: 'unknown property' }]);
      expect((await t.http.get(`${API}/users`).set(bearer(admin))).body.items).toHaveLength(1);
    });

    it.each(NON_ADMIN)('refuses a %s with 403 auth.forbidden', async (role) => {
      const token = await t.token(role);
      const res = await create(newUser(), token);
      expectProblem(res, 403, 'auth.forbidden');
      expectProblem(await loginRes('nuka', USER_PASSWORD), 401, 'auth.invalid_credentials');
    });

    it('refuses an anonymous caller with 401', async () => {
      const res = await t.http.post(`${API}/users`).send(newUser());
      expectProblem(res, 401, 'auth.unauthenticated');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('roles are checked before the body', () => {
    const invalid = { username: 'X', role: 'god', surprise: 1 };

    it.each(NON_ADMIN)('a %s posting an invalid body to /users gets 403, not 400', async (role) => {
      const res = await create(invalid, await t.token(role));
      expectProblem(res, 403, 'auth.forbidden');
      expect(res.body.errors).toBeUndefined();
    });

    it('an anonymous caller posting an invalid body gets 401, not 400', async () => {
      const res = await t.http.post(`${API}/users`).send(invalid);
      expectProblem(res, 401, 'auth.unauthenticated');
      expect(res.body.errors).toBeUndefined();
    });

    it('a caller with a bad token gets 401 on PATCH /users/:id with an invalid id and body', async () => {
      const res = await t.http.patch(`${API}/users/not-a-number`).set(bearer('Z'.repeat(43))).send({ nonsense: true });
      expectProblem(res, 401, 'auth.unauthenticated');
    });

    it('a trainee gets 403 on PATCH and on password routes with invalid bodies', async () => {
      const trainee = await t.token('trainee');
      expectProblem(await patch(1, { role: 'god' }, trainee), 403, 'auth.forbidden');
      expectProblem(await t.http.post(`${API}/users/1/password`).set(bearer(trainee)).send({ password: 'short' }), 403, 'auth.forbidden');
    });

    it('an anonymous caller gets 401 on POST /me/password with an invalid body', async () => {
      expectProblem(await t.http.post(`${API}/me/password`).send({ newPassword: 'x' }), 401, 'auth.unauthenticated');
    });
  });

  describe('GET /users and GET /users/:id', () => {
    it('lists every user in creation order', async () => {
      const a = await create(newUser({ username: 'aaron', role: 'staff' }));
      const b = await create(newUser({ username: 'bea', role: 'coordinator' }));
      const res = await t.http.get(`${API}/users`).set(bearer(admin));
      expect(res.status).toBe(200);
      const items = res.body.items as Array<Record<string, unknown>>;
      expect(items.map((u) => u['username'])).toEqual(['admin', 'aaron', 'bea']);
      expect(items[1]).toEqual(a.body.user);
      expect(items[2]).toEqual(b.body.user);
      expect(res.text).not.toMatch(/password|hash|scrypt/i);
    });

    it('pages the list with limit and an opaque cursor (docs/domain.md §4: every list endpoint)', async () => {
      for (const username of ['aaron', 'bea', 'cai']) expect((await create(newUser({ username }))).status).toBe(201);
      const first = await t.http.get(`${API}/users`).query({ limit: 2 }).set(bearer(admin));
      expect(first.status).toBe(200);
      expect((first.body.items as Array<{ username: string }>).map((u) => u.username)).toEqual(['admin', 'aaron']);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http.get(`${API}/users`).query({ limit: 2, cursor: first.body.nextCursor }).set(bearer(admin));
      expect(second.status).toBe(200);
      expect((second.body.items as Array<{ username: string }>).map((u) => u.username)).toEqual(['bea', 'cai']);
      // The last page says so: no cursor to an empty page.
      expect(second.body.nextCursor).toBeNull();
    });

    it('refuses a limit outside 1-500 with 400', async () => {
      for (const limit of ['0', '501', 'ten']) {
        const res = await t.http.get(`${API}/users`).query({ limit }).set(bearer(admin));
        expectProblem(res, 400, 'request.invalid');
        expect(fieldsOf(res)).toEqual(['querystring.limit']);
      }
    });

    it('answers one user by id', async () => {
      const created = await create(newUser());
      const res = await t.http.get(`${API}/users/${created.body.user.id}`).set(bearer(admin));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: created.body.user });
    });

    it('answers 404 users.not_found for an unknown id', async () => {
      expectProblem(await t.http.get(`${API}/users/9999`).set(bearer(admin)), 404, 'users.not_found');
    });

    it('answers 400 for an id that is not a positive integer', async () => {
      for (const id of ['abc', '0', '-3', '1.5']) {
        const res = await t.http.get(`${API}/users/${id}`).set(bearer(admin));
        expectProblem(res, 400, 'request.invalid');
        expect(fieldsOf(res)).toEqual(['params.id']);
      }
    });

    it.each(NON_ADMIN)('refuses a %s with 403', async (role) => {
      const token = await t.token(role);
      expectProblem(await t.http.get(`${API}/users`).set(bearer(token)), 403, 'auth.forbidden');
      expectProblem(await t.http.get(`${API}/users/1`).set(bearer(token)), 403, 'auth.forbidden');
    });

    it('refuses an anonymous caller with 401', async () => {
      expectProblem(await t.http.get(`${API}/users`), 401, 'auth.unauthenticated');
      expectProblem(await t.http.get(`${API}/users/1`), 401, 'auth.unauthenticated');
    });
  });

  describe('PATCH /users/:id', () => {
    it('changes the display name and keeps the user signed in', async () => {
      const { id, token } = await t.createUser('nuka', 'trainee');
      const res = await patch(id, { displayName: 'Nuka Q.' });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id, username: 'nuka', displayName: 'Nuka Q.', role: 'trainee', disabled: false });
      expect((await t.http.get(`${API}/users/${id}`).set(bearer(admin))).body.user.displayName).toBe('Nuka Q.');
      const mine = await me(token);
      expect(mine.status).toBe(200);
      expect(mine.body.user.displayName).toBe('Nuka Q.');
    });

    it('changing the role revokes the user\'s sessions and the new role applies at the next login', async () => {
      const { id, token } = await t.createUser('nuka', 'trainee');
      const second = await t.login('nuka', USER_PASSWORD);
      const res = await patch(id, { role: 'coordinator' });
      expect(res.status).toBe(200);
      expect(res.body.user.role).toBe('coordinator');
      expectProblem(await me(token), 401, 'auth.unauthenticated');
      expectProblem(await me(second), 401, 'auth.unauthenticated');
      const fresh = await loginRes('nuka', USER_PASSWORD);
      expect(fresh.status).toBe(200);
      expect(fresh.body.user.role).toBe('coordinator');
      expect((await me(fresh.body.token)).body.user.role).toBe('coordinator');
    });

    it('promoting a user to admin gives them the admin routes after they log in again', async () => {
      const { id } = await t.createUser('nuka', 'staff');
      expect((await patch(id, { role: 'admin' })).status).toBe(200);
      const token = await t.login('nuka', USER_PASSWORD);
      expect((await t.http.get(`${API}/users`).set(bearer(token))).status).toBe(200);
    });

    it('disabling a user revokes their live sessions at once', async () => {
      const { id, token } = await t.createUser('nuka', 'coordinator');
      expect((await me(token)).status).toBe(200);
      const res = await patch(id, { disabled: true });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id, disabled: true, role: 'coordinator' });
      const after = await me(token);
      expectProblem(after, 401, 'auth.unauthenticated');
      expect(after.headers['www-authenticate']).toBe('Bearer');
      expectProblem(await loginRes('nuka', USER_PASSWORD), 401, 'auth.invalid_credentials');
      expect((await t.http.get(`${API}/users/${id}`).set(bearer(admin))).body.user.disabled).toBe(true);
    });

    it('re-enabling lets the user log in again but does not revive old sessions', async () => {
      const { id, token } = await t.createUser('nuka', 'trainee');
      expect((await patch(id, { disabled: true })).status).toBe(200);
      const res = await patch(id, { disabled: false });
      expect(res.status).toBe(200);
      expect(res.body.user.disabled).toBe(false);
      expectProblem(await me(token), 401, 'auth.unauthenticated');
      expect((await me(await t.login('nuka', USER_PASSWORD))).status).toBe(200);
    });

    it('an admin cannot disable themself', async () => {
      const self = (await me(admin)).body.user.id as number;
      expectProblem(await patch(self, { disabled: true }), 409, 'users.cannot_disable_self');
      const still = await me(admin);
      expect(still.status).toBe(200);
      expect(still.body.user.disabled).toBe(false);
    });

    it.each(NON_ADMIN)('an admin cannot demote themself to %s', async (role) => {
      const self = (await me(admin)).body.user.id as number;
      expectProblem(await patch(self, { role }), 409, 'users.cannot_disable_self');
      expectProblem(await patch(self, { displayName: 'Boss', role }), 409, 'users.cannot_disable_self');
      const still = await me(admin);
      expect(still.status).toBe(200);
      expect(still.body.user).toMatchObject({ role: 'admin', displayName: 'Administrator' });
    });

    it('an admin may rename themself and keep role admin', async () => {
      const self = (await me(admin)).body.user.id as number;
      const res = await patch(self, { displayName: 'Head of workshop', role: 'admin', disabled: false });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ displayName: 'Head of workshop', role: 'admin', disabled: false });
      expect((await me(admin)).status).toBe(200);
    });

    it('another admin may disable the first admin', async () => {
      const other = await t.createUser('second-admin', 'admin');
      const first = (await me(admin)).body.user.id as number;
      const res = await patch(first, { disabled: true }, other.token);
      expect(res.status).toBe(200);
      expectProblem(await me(admin), 401, 'auth.unauthenticated');
    });

    it('answers 404 for an unknown user', async () => {
      expectProblem(await patch(9999, { displayName: 'Ghost' }), 404, 'users.not_found');
    });

    it('refuses an empty patch, an unknown property and a bad role with 400', async () => {
      const { id } = await t.createUser('nuka', 'trainee');
      const empty = await patch(id, {});
      expectProblem(empty, 400, 'request.invalid');
      expect(fieldsOf(empty)).toEqual(['body']);
      const unknown = await patch(id, { displayName: 'Renamed', username: 'renamed' });
      expectProblem(unknown, 400, 'request.invalid');
      expect(unknown.body.errors).toEqual([{ field: 'body.username', message: 'unknown property' }]);
      const onlyUnknown = await patch(id, { username: 'renamed' });
      expectProblem(onlyUnknown, 400, 'request.invalid');
      expect(onlyUnknown.body.errors).toContainEqual({ field: 'body.username', message: 'unknown property' });
      expect((await t.http.get(`${API}/users/${id}`).set(bearer(admin))).body.user).toMatchObject({ username: 'nuka', displayName: 'Test trainee' });
      const role = await patch(id, { role: 'owner' });
      expectProblem(role, 400, 'request.invalid');
      expect(fieldsOf(role)).toEqual(['body.role']);
      const disabled = await patch(id, { disabled: 'yes' });
      expectProblem(disabled, 400, 'request.invalid');
      expect(fieldsOf(disabled)).toEqual(['body.disabled']);
    });
  });

  describe('POST /users/:id/password', () => {
    it('sets the password, revokes the user\'s sessions, and only the new password works', async () => {
      const { id, token } = await t.createUser('nuka', 'trainee');
      const res = await t.http.post(`${API}/users/${id}/password`).set(bearer(admin)).send({ password: NEW_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id, username: 'nuka', role: 'trainee', disabled: false });
      expect(res.text).not.toContain(NEW_PASSWORD);
      expectProblem(await me(token), 401, 'auth.unauthenticated');
      expectProblem(await loginRes('nuka', USER_PASSWORD), 401, 'auth.invalid_credentials');
      expect((await loginRes('nuka', NEW_PASSWORD)).status).toBe(200);
      // The admin's own session is untouched.
      expect((await me(admin)).status).toBe(200);
    });

    it('refuses a short password with 400 and changes nothing', async () => {
      const { id, token } = await t.createUser('nuka', 'trainee');
      const res = await t.http.post(`${API}/users/${id}/password`).set(bearer(admin)).send({ password: 'short-pass' });
      expectProblem(res, 400, 'request.invalid');
      expect(fieldsOf(res)).toEqual(['body.password']);
      expect((await me(token)).status).toBe(200);
      expect((await loginRes('nuka', USER_PASSWORD)).status).toBe(200);
    });

    it('answers 404 for an unknown user', async () => {
      expectProblem(await t.http.post(`${API}/users/9999/password`).set(bearer(admin)).send({ password: NEW_PASSWORD }), 404, 'users.not_found');
    });

    it.each(NON_ADMIN)('refuses a %s with 403', async (role) => {
      const token = await t.token(role);
      const adminId = (await me(admin)).body.user.id as number;
      const res = await t.http.post(`${API}/users/${adminId}/password`).set(bearer(token)).send({ password: NEW_PASSWORD });
      expectProblem(res, 403, 'auth.forbidden');
      expect((await loginRes('admin', ADMIN_PASSWORD)).status).toBe(200);
    });
  });

  describe('POST /me/password', () => {
    it('refuses a wrong current password with 403 auth.wrong_password and keeps everything', async () => {
      const { token } = await t.createUser('nuka', 'staff');
      const res = await t.http.post(`${API}/me/password`).set(bearer(token)).send({ currentPassword: 'not-my-password', newPassword: NEW_PASSWORD });
      expectProblem(res, 403, 'auth.wrong_password');
      expect((await me(token)).status).toBe(200);
      expectProblem(await loginRes('nuka', NEW_PASSWORD), 401, 'auth.invalid_credentials');
      expect((await loginRes('nuka', USER_PASSWORD)).status).toBe(200);
    });

    it('changes the password with the right current one and revokes every session of the user', async () => {
      const { id, token } = await t.createUser('nuka', 'trainee');
      const other = await t.login('nuka', USER_PASSWORD);
      const res = await t.http.post(`${API}/me/password`).set(bearer(token)).send({ currentPassword: USER_PASSWORD, newPassword: NEW_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id, username: 'nuka', role: 'trainee' });
      expectProblem(await me(token), 401, 'auth.unauthenticated');
      expectProblem(await me(other), 401, 'auth.unauthenticated');
      expectProblem(await loginRes('nuka', USER_PASSWORD), 401, 'auth.invalid_credentials');
      const fresh = await loginRes('nuka', NEW_PASSWORD);
      expect(fresh.status).toBe(200);
      expect((await me(fresh.body.token)).status).toBe(200);
    });

    it('works for an admin too', async () => {
      const res = await t.http.post(`${API}/me/password`).set(bearer(admin)).send({ currentPassword: ADMIN_PASSWORD, newPassword: NEW_PASSWORD });
      expect(res.status).toBe(200);
      expectProblem(await me(admin), 401, 'auth.unauthenticated');
      expect((await loginRes('admin', NEW_PASSWORD)).status).toBe(200);
    });

    it('validates the body', async () => {
      const { token } = await t.createUser('nuka', 'trainee');
      const short = await t.http.post(`${API}/me/password`).set(bearer(token)).send({ currentPassword: USER_PASSWORD, newPassword: 'too-short' });
      expectProblem(short, 400, 'request.invalid');
      expect(fieldsOf(short)).toEqual(['body.newPassword']);
      const missing = await t.http.post(`${API}/me/password`).set(bearer(token)).send({ newPassword: NEW_PASSWORD });
      expectProblem(missing, 400, 'request.invalid');
      expect(fieldsOf(missing)).toEqual(['body.currentPassword']);
      const extra = await t.http
        .post(`${API}/me/password`)
        .set(bearer(token))
        .send({ currentPassword: USER_PASSWORD, newPassword: NEW_PASSWORD, userId: 1 });
      expectProblem(extra, 400, 'request.invalid');
      expect(extra.body.errors).toEqual([{ field: 'body.userId', message: 'unknown property' }]);
      // Nothing changed.
      expect((await me(token)).status).toBe(200);
    });
  });
});

describe('first admin (bootstrap)', () => {
  it('the first admin exists and bootstrapping again creates nothing', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
      expect(await t.app.services.users.bootstrapAdmin(undefined)).toEqual({ created: false });
      expect(await t.app.services.users.bootstrapAdmin('some-other-admin-password')).toEqual({ created: false });
      expect(await t.app.services.users.countUsers()).toBe(1);
      // The admin password did not change.
      expect((await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: 'some-other-admin-password' })).status).toBe(401);
      expect((await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('on an empty database creates admin with a generated password that works once', async () => {
    const db = openDatabase({ path: ':memory:' });
    const app = await buildApp({ config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }), db, clock: fixedClock(), logLevel: 'silent', scryptN: 1024 });
    try {
      const http = checkedHttp(app.server);
      expect(await app.services.users.countUsers()).toBe(0);
      expectProblem(await http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD }), 401, 'auth.invalid_credentials');

      const result = await app.services.users.bootstrapAdmin(undefined);
      expect(result.created).toBe(true);
      const generated = result.generatedPassword!;
      expect(typeof generated).toBe('string');
      expect(generated.length).toBeGreaterThanOrEqual(12);

      const res = await http.post(`${API}/auth/login`).send({ username: 'admin', password: generated });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
      expect((await http.get(`${API}/users`).set(bearer(res.body.token))).status).toBe(200);

      expect(await app.services.users.bootstrapAdmin(undefined)).toEqual({ created: false });
      expect(await app.services.users.countUsers()).toBe(1);
    } finally {
      await app.close();
      db.$client.close();
    }
  });

  it('generates a different password on each empty database', async () => {
    const passwords: string[] = [];
    for (let i = 0; i < 2; i++) {
      const db = openDatabase({ path: ':memory:' });
      const app = await buildApp({ config: loadConfig({}), db, clock: fixedClock(), logLevel: 'silent', scryptN: 1024 });
      try {
        passwords.push((await app.services.users.bootstrapAdmin(undefined)).generatedPassword!);
      } finally {
        await app.close();
        db.$client.close();
      }
    }
    expect(passwords[0]).not.toBe(passwords[1]);
  });

  it('with ADMIN_PASSWORD given, creates admin with it and returns no generated password', async () => {
    const db = openDatabase({ path: ':memory:' });
    const app = await buildApp({ config: loadConfig({}), db, clock: fixedClock(), logLevel: 'silent', scryptN: 1024 });
    try {
      expect(await app.services.users.bootstrapAdmin(ADMIN_PASSWORD)).toEqual({ created: true });
      const res = await checkedHttp(app.server).post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(res.status).toBe(200);
    } finally {
      await app.close();
      db.$client.close();
    }
  });
});
