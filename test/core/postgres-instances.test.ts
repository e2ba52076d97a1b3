/**
 * Two instances of the service on one PostgreSQL database behave as one
 * service (docs/postgresql.md): a revoked token stops working on both at
 * once, concurrent writers through both keep one audit chain and one winner
 * per serial, and a request replayed with its Idempotency-Key on the other
 * instance gets the stored answer. Runs against the real server; fails,
 * never skips, when it is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp, USER_PASSWORD } from '../helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const API = '/api/v1';

describe('two instances on one PostgreSQL database', () => {
  let server: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    server = await createTestDatabase('rl_instances');
    // Started together on the empty database, as two processes may be: one creates the first admin.
    [a, b] = await Promise.all([createTestApp({ postgresUrl: server.url }), createTestApp({ postgresUrl: server.url })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.drop();
  });

  it('a logout on one instance revokes the token on the other at once', async () => {
    const { token } = await a.createUser('pat-logout', 'trainee');
    expect((await b.http.get(`${API}/me`).set(bearer(token))).status).toBe(200);
    expect((await a.http.post(`${API}/auth/logout`).set(bearer(token))).status).toBe(204);
    const after = await b.http.get(`${API}/me`).set(bearer(token));
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('auth.unauthenticated');
  });

  it('disabling a user on one instance refuses their token on the other at once', async () => {
    const { token, id } = await a.createUser('pat-disabled', 'coordinator');
    expect((await b.http.get(`${API}/devices`).set(bearer(token))).status).toBe(200);
    const admin = await a.login('admin', 'admin-password-for-tests');
    expect((await a.http.patch(`${API}/users/${id}`).set(bearer(admin)).send({ disabled: true })).status).toBe(200);
    expect((await b.http.get(`${API}/devices`).set(bearer(token))).status).toBe(401);
    // And a password change on b ends the sessions a knows of.
    const other = await b.createUser('pat-password', 'staff');
    expect((await a.http.get(`${API}/me`).set(bearer(other.token))).status).toBe(200);
    expect((await b.http.post(`${API}/me/password`).set(bearer(other.token)).send({ currentPassword: USER_PASSWORD, newPassword: 'another-long-password' })).status).toBeLessThan(300);
    expect((await a.http.get(`${API}/me`).set(bearer(other.token))).status).toBe(401);
  });

  it('of two concurrent intakes of one serial through the two instances exactly one wins, every time', async () => {
    const [ta, tb] = [await a.token('trainee'), await b.login('test-trainee', USER_PASSWORD)];
    for (let i = 0; i < 8; i++) {
      const body = laptop();
      const [ra, rb] = await Promise.all([a.http.post(`${API}/devices`).set(bearer(ta)).send(body), b.http.post(`${API}/devices`).set(bearer(tb)).send(body)]);
      expect([ra.status, rb.status].sort()).toEqual([201, 409]);
      expect([ra, rb].find((r) => r.status === 409)!.body.code).toBe('devices.duplicate_serial');
    }
  });

  it('concurrent writers on both instances leave one audit chain that verifies, with one event per intake and unique tags', async () => {
    const admin = await a.login('admin', 'admin-password-for-tests');
    const tokens = [await a.token('coordinator'), await b.login('test-coordinator', USER_PASSWORD)];
    const before = (await a.http.get(`${API}/audit/verify`).set(bearer(admin))).body as { ok: boolean; events: number };
    expect(before.ok).toBe(true);
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => [a, b][i % 2]!.http.post(`${API}/devices`).set(bearer(tokens[i % 2]!)).send(laptop())));
    expect(answers.map((r) => r.status)).toEqual(Array(24).fill(201));
    const tags = answers.map((r) => r.body.device.assetTag as string);
    expect(new Set(tags).size).toBe(24);
    for (const app of [a, b]) {
      const verify = (await app.http.get(`${API}/audit/verify`).set(bearer(admin))).body as { ok: boolean; events: number };
      expect(verify).toMatchObject({ ok: true, events: before.events + 24 });
    }
  });

  it('a translation reviewed on one instance is what the other serves at once, with a new entity tag', async () => {
    const before = await b.http.get(`${API}/locales/iu`);
    expect(before.status).toBe(200);
    const translator = await a.token('translator');
    const saved = await a.http.put(`${API}/translations/iu/station.card.drives`).set(bearer(translator)).send({ text: 'ᓄᓇᕗᑦ (two instances)', reviewed: true });
    expect(saved.status).toBe(200);
    const after = await b.http.get(`${API}/locales/iu`);
    expect(after.body.messages['station.card.drives']).toBe('ᓄᓇᕗᑦ (two instances)');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('a request replayed with its Idempotency-Key on the other instance gets the stored answer and changes nothing', async () => {
    const token = await a.token('coordinator');
    const body = laptop();
    const first = await a.http.post(`${API}/devices`).set(bearer(token)).set('idempotency-key', 'intake-across-instances').send(body);
    expect(first.status).toBe(201);
    const replay = await b.http.post(`${API}/devices`).set(bearer(token)).set('idempotency-key', 'intake-across-instances').send(body);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const list = await b.http.get(`${API}/devices`).query({ q: body.serialNumber as string }).set(bearer(token));
    expect(list.body.items).toHaveLength(1);
  });

  it('the same keyed request sent to both instances at once applies once: the other is replayed or 409 in progress, never a duplicate-serial refusal', async () => {
    const token = await a.token('coordinator');
    const outcomes = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const body = laptop();
      const key = `race-${i}`;
      const [ra, rb] = await Promise.all([
        a.http.post(`${API}/devices`).set(bearer(token)).set('idempotency-key', key).send(body),
        b.http.post(`${API}/devices`).set(bearer(token)).set('idempotency-key', key).send(body),
      ]);
      const [winner, other] = ra.status === 201 && ra.headers['idempotent-replayed'] !== 'true' ? [ra, rb] : [rb, ra];
      expect(winner.status).toBe(201);
      expect(winner.headers['idempotent-replayed']).toBeUndefined();
      if (other.status === 201) {
        expect(other.headers['idempotent-replayed']).toBe('true');
        expect(other.body).toEqual(winner.body);
        outcomes.add('replayed');
      } else {
        expect(other.status).toBe(409);
        expect(other.body.code).toBe('idempotency.in_progress');
        outcomes.add('in_progress');
        // Retried once the first has answered, it gets the stored answer.
        const retry = await [a, b][ra === other ? 0 : 1]!.http.post(`${API}/devices`).set(bearer(token)).set('idempotency-key', key).send(body);
        expect(retry.status).toBe(201);
        expect(retry.headers['idempotent-replayed']).toBe('true');
        expect(retry.body).toEqual(winner.body);
      }
      const list = await a.http.get(`${API}/devices`).query({ q: body.serialNumber as string }).set(bearer(token));
      expect(list.body.items).toHaveLength(1);
    }
    // Sent together, the two usually overlap: the in-transaction check is what answers.
    expect(outcomes.has('in_progress')).toBe(true);
  });
});
