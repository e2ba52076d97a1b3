import fc from 'fast-check';
import type { Response } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/client/i18n.js';
import { LANGUAGES } from '../../src/modules/users/users.table.js';
import { USER_PASSWORD, bearer, createTestApp, ROLES, type TestApp } from '../helpers.js';

const API = '/api/v1';

function expectInvalid(res: Response, field: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.code).toBe('request.invalid');
  expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual([field]);
}

const newUser = (overrides: Record<string, unknown> = {}) => ({ username: 'nuka', displayName: 'Nuka Tester', role: 'trainee', password: USER_PASSWORD, ...overrides });

describe("a user's stored language", () => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await createTestApp();
    admin = await t.token('admin');
  });
  afterEach(async () => t.close());

  const me = (token: string) => t.http.get(`${API}/me`).set(bearer(token));
  const patchMe = (token: string, body: unknown) => t.http.patch(`${API}/me`).set(bearer(token)).send(body as object);
  const userEvents = async (id: number) =>
    (
      await t.rows<{ action: string; actor: number | null; details: string }>(
        "select action, actor_user_id as actor, details from audit_events where entity_type = 'user' and entity_id = ? order by id",
        String(id),
      )
    ).map((e) => ({ ...e, details: JSON.parse(e.details) as Record<string, unknown> }));

  it('the languages a user may keep are the ones the front ends offer', () => {
    expect([...LANGUAGES]).toEqual([...LOCALES]);
  });

  it('is none (null) until chosen, in /me, the login answer and the users list', async () => {
    const created = await t.http.post(`${API}/users`).set(bearer(admin)).send(newUser());
    expect(created.status).toBe(201);
    expect(created.body.user.language).toBeNull();
    const login = await t.http.post(`${API}/auth/login`).send({ username: 'nuka', password: USER_PASSWORD });
    expect(login.body.user.language).toBeNull();
    expect((await me(login.body.token as string)).body.user.language).toBeNull();
  });

  it('an admin sets it on creation and changes it; the user reads it in /me and at login; history records it', async () => {
    const created = await t.http.post(`${API}/users`).set(bearer(admin)).send(newUser({ language: 'iu' }));
    expect(created.status).toBe(201);
    const id = created.body.user.id as number;
    expect(created.body.user.language).toBe('iu');
    const token = await t.login('nuka', USER_PASSWORD);
    expect((await me(token)).body.user.language).toBe('iu');

    const changed = await t.http.patch(`${API}/users/${id}`).set(bearer(admin)).send({ language: 'fr' });
    expect(changed.status).toBe(200);
    expect(changed.body.user.language).toBe('fr');
    expect((await me(token)).body.user.language).toBe('fr');
    const login = await t.http.post(`${API}/auth/login`).send({ username: 'nuka', password: USER_PASSWORD });
    expect(login.body.user.language).toBe('fr');

    const cleared = await t.http.patch(`${API}/users/${id}`).set(bearer(admin)).send({ language: null });
    expect(cleared.body.user.language).toBeNull();
    // Only the language changed: the session stays.
    expect((await me(token)).status).toBe(200);

    const events = await userEvents(id);
    expect(events[0]).toMatchObject({ action: 'user.created', details: { username: 'nuka', role: 'trainee', language: 'iu' } });
    expect(events.slice(1).map((e) => e.details)).toEqual([{ changes: { language: 'fr' } }, { changes: { language: null } }]);
  });

  it.each(ROLES)('a %s sets, changes and clears their own language with PATCH /me; history names them', async (role) => {
    const token = await t.token(role);
    const self = (await me(token)).body.user as { id: number; language: string | null; role: string; displayName: string };
    for (const language of ['iu', 'en', null] as const) {
      const res = await patchMe(token, { language });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user).toEqual({ ...self, language });
      expect((await me(token)).body.user.language).toBe(language);
    }
    const own = (await userEvents(self.id)).filter((e) => e.action === 'user.updated');
    expect(own.map((e) => [e.actor, e.details])).toEqual([
      [self.id, { changes: { language: 'iu' } }],
      [self.id, { changes: { language: 'en' } }],
      [self.id, { changes: { language: null } }],
    ]);
  });

  it.each([
    ['an unknown language', { language: 'de' }, 'body.language'],
    ['the pseudo-locale', { language: 'en-XA' }, 'body.language'],
    ['upper case', { language: 'FR' }, 'body.language'],
    ['a number', { language: 1 }, 'body.language'],
    ['a missing language', {}, 'body.language'],
    ['another field of the account', { language: 'fr', role: 'admin' }, 'body.role'],
  ])('PATCH /me refuses %s with 400 naming the field, and changes nothing', async (_name, body, field) => {
    const token = await t.token('trainee');
    expect((await patchMe(token, { language: 'iu' })).status).toBe(200);
    const before = (await me(token)).body.user;
    const eventsBefore = (await userEvents(before.id as number)).length;
    expectInvalid(await patchMe(token, body), field);
    expect((await me(token)).body.user).toEqual(before);
    expect(await userEvents(before.id as number)).toHaveLength(eventsBefore);
  });

  it('POST /users and PATCH /users/:id refuse an unknown language naming the field; nothing is written', async () => {
    expectInvalid(await t.http.post(`${API}/users`).set(bearer(admin)).send(newUser({ language: 'english' })), 'body.language');
    expect((await t.http.get(`${API}/users`).set(bearer(admin))).body.items).toHaveLength(1);

    const created = await t.http.post(`${API}/users`).set(bearer(admin)).send(newUser({ language: 'fr' }));
    const id = created.body.user.id as number;
    // Valid name, invalid language: neither is written.
    expectInvalid(await t.http.patch(`${API}/users/${id}`).set(bearer(admin)).send({ displayName: 'Renamed', language: 'xx' }), 'body.language');
    expect((await t.http.get(`${API}/users/${id}`).set(bearer(admin))).body.user).toEqual(created.body.user);
    expect(await userEvents(id)).toHaveLength(1);
  });

  it('the database refuses a language outside the list, whatever writes it', async () => {
    await expect(t.exec("update users set language = 'de' where username = 'admin'")).rejects.toThrow(/CHECK constraint failed: users_language_ck|violates check constraint "users_language_ck"/);
    expect(await t.row("select language from users where username = 'admin'")).toEqual({ language: null });
  });

  it("PATCH /me needs a session; only an admin sets another user's language", async () => {
    const anonymous = await t.http.patch(`${API}/me`).send({ language: 'fr' });
    expect(anonymous.status).toBe(401);
    const created = await t.http.post(`${API}/users`).set(bearer(admin)).send(newUser());
    for (const role of ['trainee', 'coordinator', 'staff'] as const) {
      const res = await t.http.patch(`${API}/users/${created.body.user.id}`).set(bearer(await t.token(role))).send({ language: 'fr' });
      expect(res.status).toBe(403);
    }
    expect((await t.http.get(`${API}/users/${created.body.user.id}`).set(bearer(admin))).body.user.language).toBeNull();
  });

  it('after any sequence of own changes, valid or not, the stored language is the last valid one', async () => {
    const token = await t.token('coordinator');
    const value = fc.oneof(fc.constantFrom('en', 'fr', 'iu', null), fc.constantFrom('de', 'en-XA', '', 'IU', 3));
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 6 }), async (values) => {
        let expected = (await me(token)).body.user.language as string | null;
        for (const language of values) {
          const res = await patchMe(token, { language });
          const valid = language === null || (typeof language === 'string' && (LANGUAGES as readonly string[]).includes(language));
          expect(res.status).toBe(valid ? 200 : 400);
          if (valid) expected = language;
        }
        expect((await me(token)).body.user.language).toBe(expected);
      }),
      { numRuns: 15 },
    );
  });
});
