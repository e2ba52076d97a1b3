import type { Response as Res } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/core/clock.js';
import { closeDatabase, openDatabase, openPostgres } from '../../src/core/db.js';
import { ADMIN_PASSWORD, bearer, checkedHttp, createTestApp, laptop, TEST_ENGINE, USER_PASSWORD, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';
import { createTestDatabase } from '../support/pg.js';

const REPLAYED = 'idempotent-replayed';

describe('Idempotency-Key (docs/domain.md §4)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const post = async (path: string, body: Record<string, unknown>, key: string | null, token: string): Promise<Res> => {
    const req = t.http.post(`/api/v1${path}`).set(bearer(token));
    return key === null ? req.send(body) : req.set('idempotency-key', key).send(body);
  };

  const deviceCount = async () => {
    const res = await t.http.get('/api/v1/devices?limit=500').set(bearer(await t.token('admin')));
    expect(res.status).toBe(200);
    return (res.body.items as unknown[]).length;
  };

  const donationCount = async () => {
    const res = await t.http.get('/api/v1/donations?limit=500').set(bearer(await t.token('admin')));
    expect(res.status).toBe(200);
    return (res.body.items as unknown[]).length;
  };

  const donation = (donorName = 'Kimmirut Co-op') => ({ donorName, donorType: 'business', receivedAt: '2026-02-20' });

  it('replays POST /devices: same status and body, Idempotent-Replayed: true, and no second device or event', async () => {
    const token = await t.token('trainee');
    const body = laptop();
    const first = await post('/devices', body, 'intake-0001', token);
    expect(first.status).toBe(201);
    expect(first.headers[REPLAYED]).toBeUndefined();

    const replay = await post('/devices', body, 'intake-0001', token);
    expect(replay.status).toBe(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.headers['content-type']).toMatch(/^application\/json/);
    expect(replay.body).toEqual(first.body);
    expect(replay.text).toBe(first.text);

    // The same body with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post('/devices', reordered, 'intake-0001', token);
    expect(again.status).toBe(201);
    expect(again.headers[REPLAYED]).toBe('true');
    expect(again.body).toEqual(first.body);

    expect(await deviceCount()).toBe(1);
    const history = await t.http.get(`/api/v1/devices/${first.body.device.assetTag as string}/history`).set(bearer(token));
    expect(history.body.events).toHaveLength(1);
    // The sequence did not move either: the next device gets the next tag.
    const next = await post('/devices', laptop(), null, token);
    expect(next.body.device.assetTag).not.toBe(first.body.device.assetTag);
    expect(await deviceCount()).toBe(2);
  });

  it('without a key, the same body twice is two requests (the second is refused as a duplicate serial)', async () => {
    const token = await t.token('trainee');
    const body = laptop();
    expect((await post('/devices', body, null, token)).status).toBe(201);
    const second = await post('/devices', body, null, token);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('devices.duplicate_serial');
    expect(second.headers[REPLAYED]).toBeUndefined();
  });

  it('the same key with a different body is 422 idempotency.key_reused and applies nothing', async () => {
    const token = await t.token('trainee');
    const first = await post('/devices', laptop({ serialNumber: 'FIRST-1' }), 'k-reuse', token);
    expect(first.status).toBe(201);
    const reused = await post('/devices', laptop({ serialNumber: 'SECOND-2' }), 'k-reuse', token);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency.key_reused');
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.headers[REPLAYED]).toBeUndefined();
    expect(await deviceCount()).toBe(1);
    const lookup = await t.http.get('/api/v1/devices/SECOND-2').set(bearer(token));
    expect(lookup.status).toBe(404);
  });

  it('scopes keys per user: another user with the same key and body gets their own result', async () => {
    const alice = await t.createUser('alice', 'trainee');
    const bob = await t.createUser('bob', 'coordinator');
    const a = await post('/donations', donation(), 'shared-key', alice.token);
    const b = await post('/donations', donation(), 'shared-key', bob.token);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers[REPLAYED]).toBeUndefined();
    expect(b.body.donation.id).not.toBe(a.body.donation.id);
    expect(await donationCount()).toBe(2);

    // A different body from another user is not "key reused" either.
    const c = await post('/devices', laptop(), 'device-key', alice.token);
    const d = await post('/devices', laptop(), 'device-key', bob.token);
    expect([c.status, d.status]).toEqual([201, 201]);
    expect(await deviceCount()).toBe(2);

    // Each user's own retry still replays their own response.
    const replayB = await post('/donations', donation(), 'shared-key', bob.token);
    expect(replayB.headers[REPLAYED]).toBe('true');
    expect(replayB.body).toEqual(b.body);
  });

  it('scopes keys per route: the same key on another route is a new request', async () => {
    const token = await t.token('coordinator');
    const d = await post('/donations', donation(), 'one-key', token);
    const tags = await post('/asset-tags/reserve', { count: 2 }, 'one-key', token);
    const device = await post('/devices', laptop(), 'one-key', token);
    expect([d.status, tags.status, device.status]).toEqual([201, 201, 201]);
    for (const res of [d, tags, device]) expect(res.headers[REPLAYED]).toBeUndefined();
    expect(tags.body.tags).toHaveLength(2);
    expect(await donationCount()).toBe(1);
    expect(await deviceCount()).toBe(1);
    // And each route replays its own response.
    const tagsAgain = await post('/asset-tags/reserve', { count: 2 }, 'one-key', token);
    expect(tagsAgain.headers[REPLAYED]).toBe('true');
    expect(tagsAgain.body).toEqual(tags.body);
  });

  it('a refused request (404) applied nothing, so it does not burn the key: the corrected body with the same key is processed (201, not 422)', async () => {
    const token = await t.token('trainee');
    const bad = laptop({ donationId: 999 });
    const refused = await post('/devices', bad, 'retry-key', token);
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('donations.not_found');

    // The same refused request again is evaluated again, not replayed.
    const refusedAgain = await post('/devices', bad, 'retry-key', token);
    expect(refusedAgain.status).toBe(404);
    expect(refusedAgain.headers[REPLAYED]).toBeUndefined();

    const fixed = { ...bad, donationId: undefined };
    const ok = await post('/devices', fixed, 'retry-key', token);
    expect(ok.status).toBe(201);
    expect(ok.headers[REPLAYED]).toBeUndefined();
    expect(await deviceCount()).toBe(1);

    // From now on the key belongs to the request that was applied.
    const replay = await post('/devices', fixed, 'retry-key', token);
    expect(replay.status).toBe(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body).toEqual(ok.body);
    const stale = await post('/devices', bad, 'retry-key', token);
    expect(stale.status).toBe(422);
    expect(stale.body.code).toBe('idempotency.key_reused');
  });

  it('a request refused by validation (400) or conflict (409) does not burn the key either', async () => {
    const token = await t.token('trainee');
    const invalid = await post('/devices', laptop({ status: 'ready' }), 'k-400', token);
    expect(invalid.status).toBe(400);
    const fixed = laptop();
    const ok = await post('/devices', fixed, 'k-400', token);
    expect(ok.status).toBe(201);
    expect(ok.headers[REPLAYED]).toBeUndefined();

    const conflict = await post('/devices', laptop({ serialNumber: fixed.serialNumber }), 'k-409', token);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('devices.duplicate_serial');
    const ok2 = await post('/devices', laptop({ serialNumber: 'OTHER-SERIAL' }), 'k-409', token);
    expect(ok2.status).toBe(201);
    expect(ok2.headers[REPLAYED]).toBeUndefined();
    expect(await deviceCount()).toBe(2);
  });

  it('replays a PATCH instead of applying it twice (the retry is not a stale If-Match)', async () => {
    const token = await t.token('trainee');
    const created = await post('/devices', laptop(), null, token);
    const tag = created.body.device.assetTag as string;
    const send = () => t.http.patch(`/api/v1/devices/${tag}`).set(bearer(token)).set('if-match', '"v1"').set('idempotency-key', 'patch-1').send({ notes: 'dented corner' });
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.body.device.version).toBe(2);
    const retry = await send();
    expect(retry.status).toBe(200);
    expect(retry.headers[REPLAYED]).toBe('true');
    expect(retry.body).toEqual(first.body);
    const read = await t.http.get(`/api/v1/devices/${tag}`).set(bearer(token));
    expect(read.body.device.version).toBe(2);
    const history = await t.http.get(`/api/v1/devices/${tag}/history`).set(bearer(token));
    expect(history.body.events.map((e: { action: string }) => e.action)).toEqual(['device.intake', 'device.updated']);
  });

  it('refuses an invalid key with 400 idempotency.invalid_key and applies nothing; 200 visible characters are fine', async () => {
    const token = await t.token('trainee');
    for (const key of ['k'.repeat(201), 'x'.repeat(300), 'has space', 'tab\there']) {
      const res = await post('/devices', laptop(), key, token);
      expect(res.status, key).toBe(400);
      expect(res.body.code).toBe('idempotency.invalid_key');
    }
    expect(await deviceCount()).toBe(0);
    const longest = await post('/devices', laptop(), 'k'.repeat(200), token);
    expect(longest.status).toBe(201);
    expect(await deviceCount()).toBe(1);
  });

  it('a GET ignores the header, even an invalid one, and does not use up the key', async () => {
    const token = await t.token('trainee');
    await post('/devices', laptop(), null, token);
    for (const key of ['read-1', 'read-1', 'x'.repeat(300)]) {
      const res = await t.http.get('/api/v1/devices').set(bearer(token)).set('idempotency-key', key);
      expect(res.status).toBe(200);
      expect(res.headers[REPLAYED]).toBeUndefined();
      expect(res.body.items).toHaveLength(1);
    }
    const after = await post('/devices', laptop(), 'read-1', token);
    expect(after.status).toBe(201);
    expect(after.headers[REPLAYED]).toBeUndefined();
    expect(await deviceCount()).toBe(2);
  });

  it('keeps a bytes answer (a label sheet) as text both engines can hold, and replays it byte for byte, also one kept with the earlier mark', async () => {
    const token = await t.token('trainee');
    const send = () => t.http.post('/api/v1/labels').set(bearer(token)).set('idempotency-key', 'sheet-1').send({ template: 'avery-5160', reserve: 2 }).buffer(true).parse(binary);
    const first = await send();
    expect(first.status).toBe(201);
    const pdf = first.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const kept = await t.row<{ body: string }>("select response_body as body from idempotency_keys where key = 'sheet-1'");
    // PostgreSQL text cannot hold U+0000: the mark is U+FFFF, then the bytes as base64.
    expect(kept!.body.includes('\u0000')).toBe(false);
    expect(kept!.body).toBe(`\uffffbase64:${pdf.toString('base64')}`);
    const replays = [await send()];
    // SQLite databases may hold answers kept with the earlier mark, U+0000 (which only SQLite can store).
    if (TEST_ENGINE === 'sqlite') {
      await t.exec("update idempotency_keys set response_body = ? where key = 'sheet-1'", `\u0000base64:${pdf.toString('base64')}`);
      replays.push(await send());
    }
    for (const replay of replays) {
      expect(replay.status).toBe(201);
      expect(replay.headers[REPLAYED]).toBe('true');
      expect(replay.headers['content-type']).toBe('application/pdf');
      expect(Buffer.compare(replay.body as Buffer, pdf)).toBe(0);
    }
  });
});

describe('Idempotency-Key: a concurrent duplicate', () => {
  it('two POST /users with the same key at once: one 201, one 409 idempotency.in_progress, one user; the retry replays', async () => {
    // Production password-hashing cost, so the first request is still running when the second arrives.
    const server = TEST_ENGINE === 'postgres' ? await createTestDatabase('rl_test') : null;
    const db = server ? await openPostgres({ url: server.url, poolSize: 4 }) : openDatabase({ path: ':memory:' });
    const app = await buildApp({ config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }), db, clock: fixedClock('2026-03-02T15:00:00.000Z'), logLevel: 'silent' });
    try {
      await app.services.users.bootstrapAdmin(ADMIN_PASSWORD);
      const http = checkedHttp(app.server);
      const login = await http.post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(login.status).toBe(200);
      const admin = bearer(login.body.token as string);
      const body = { username: 'nuka', displayName: 'Nuka Kilabuk', role: 'trainee', password: USER_PASSWORD };
      const send = () => http.post('/api/v1/users').set(admin).set('idempotency-key', 'create-nuka').send(body);

      const [a, b] = await Promise.all([send(), send()]);
      const byStatus = [a, b].sort((x, y) => x.status - y.status);
      expect(byStatus.map((r) => r.status)).toEqual([201, 409]);
      expect(byStatus[1]!.body.code).toBe('idempotency.in_progress');
      expect(byStatus[1]!.headers[REPLAYED]).toBeUndefined();

      const users = await http.get('/api/v1/users').set(admin);
      expect((users.body.items as Array<{ username: string }>).filter((u) => u.username === 'nuka')).toHaveLength(1);

      // Once the first has finished, the same retry replays its response.
      const retry = await send();
      expect(retry.status).toBe(201);
      expect(retry.headers[REPLAYED]).toBe('true');
      expect(retry.body).toEqual(byStatus[0]!.body);
    } finally {
      await app.close();
      await closeDatabase(db);
      await server?.drop();
    }
  });
});
