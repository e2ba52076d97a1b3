import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown> };

/** RFC 9457 problem document with the service's stable code. */
function expectProblem(res: Res, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
  expect(res.body).toMatchObject({ status, code });
  expect(typeof res.body['type']).toBe('string');
  expect(res.body['type']).not.toBe('');
  expect(typeof res.body['title']).toBe('string');
  expect(res.body['title']).not.toBe('');
}

function fields(res: Res): string[] {
  const errors = res.body['errors'] as Array<{ field: string; message: string }> | undefined;
  expect(Array.isArray(errors), 'problem has errors[]').toBe(true);
  for (const e of errors!) expect(typeof e.message).toBe('string');
  return errors!.map((e) => e.field);
}

describe('errors as problem+json', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await createTestApp();
    token = await t.token('trainee');
  });
  afterEach(async () => t.close());

  const intake = (body: unknown) => t.http.post('/api/v1/devices').set(bearer(token)).send(body as object);

  it('names each missing required field', async () => {
    const body = laptop();
    delete body['make'];
    delete body['serialNumber'];
    const res = await intake(body);
    expectProblem(res, 400, 'request.invalid');
    expect(fields(res)).toEqual(expect.arrayContaining(['body.make', 'body.serialNumber']));
    expect(fields(res)).not.toContain('body.model');
  });

  it('names fields of the wrong type, including nested ones', async () => {
    const res = await intake(laptop({ make: 123, weightGrams: 'heavy', storage: [{ serialNumber: 'S1', kind: 'floppy' }] }));
    expectProblem(res, 400, 'request.invalid');
    expect(fields(res)).toEqual(expect.arrayContaining(['body.make', 'body.weightGrams', 'body.storage.0.kind']));
  });

  it('rejects unknown properties by name instead of dropping them', async () => {
    const res = await intake(laptop({ colour: 'black' }));
    expectProblem(res, 400, 'request.invalid');
    expect(fields(res)).toEqual(['body.colour']);
    const devices = await t.http.get('/api/v1/devices').set(bearer(token));
    expect(devices.body.items).toEqual([]);
  });

  it('rejects a string over its maximum length', async () => {
    const res = await intake(laptop({ make: 'x'.repeat(101) }));
    expectProblem(res, 400, 'request.invalid');
    expect(fields(res)).toEqual(['body.make']);
    const ok = await intake(laptop({ make: 'x'.repeat(100) }));
    expect(ok.status).toBe(201);
  });

  it('answers malformed JSON with 400 request.malformed_json', async () => {
    const res = await t.http.post('/api/v1/devices').set(bearer(token)).set('content-type', 'application/json').send('{"category": "laptop",');
    expectProblem(res, 400, 'request.malformed_json');
    expect(JSON.stringify(res.body)).not.toMatch(/Unexpected|SyntaxError|position/);
  });

  it('answers a body over 64 KiB with 413 request.body_too_large', async () => {
    const res = await intake(laptop({ notes: 'n'.repeat(65 * 1024) }));
    expectProblem(res, 413, 'request.body_too_large');
  });

  it('answers text/plain on a JSON route with 415 request.unsupported_media_type', async () => {
    const res = await t.http.post('/api/v1/devices').set(bearer(token)).set('content-type', 'text/plain').send(JSON.stringify(laptop()));
    expectProblem(res, 415, 'request.unsupported_media_type');
    const devices = await t.http.get('/api/v1/devices').set(bearer(token));
    expect(devices.body.items).toEqual([]);
  });

  it('answers an unknown route with a 404 request.not_found problem', async () => {
    const res = await t.http.get('/api/v1/no-such-thing').set(bearer(token));
    expectProblem(res, 404, 'request.not_found');
    const outside = await t.http.post('/nope').send({});
    expectProblem(outside, 404, 'request.not_found');
  });

  it('gives every problem a detail string (docs/domain.md §4 problem members)', async () => {
    const responses: Res[] = [
      await intake({}),
      await t.http.post('/api/v1/devices').set(bearer(token)).set('content-type', 'application/json').send('{'),
      await intake(laptop({ notes: 'n'.repeat(65 * 1024) })),
      await t.http.post('/api/v1/devices').set(bearer(token)).set('content-type', 'application/xml').send('<device/>'),
      await t.http.get('/api/v1/nothing-here'),
      await t.http.get('/api/v1/devices'),
      await t.http.get('/api/v1/users').set(bearer(token)),
      await t.http.post('/api/v1/auth/login').send({ username: 'admin', password: 'not-the-admin-password' }),
    ];
    for (const res of responses) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect([res.body['code'], typeof res.body['detail']]).toEqual([res.body['code'], 'string']);
    }
  });

  it('never leaks a database error: 500 internal with a generic body, and /readyz turns 503', async () => {
    const before = await t.http.get('/readyz');
    expect(before.status).toBe(200);

    await t.loseDatabase();
    const res = await t.http.get('/api/v1/devices').set(bearer(token));
    expectProblem(res, 500, 'internal');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/sqlite|sql|select|database|connection|TypeError|stack|at .*\.ts/i);
    expect(Object.keys(res.body).sort()).toEqual(expect.arrayContaining(['code', 'status', 'title', 'type']));

    const write = await intake(laptop());
    expectProblem(write, 500, 'internal');
    expect(JSON.stringify(write.body)).not.toMatch(/sqlite|sql|insert|database/i);

    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'not_ready' });
    expect(JSON.stringify(ready.body)).not.toMatch(/sqlite/i);
  });

  it('gives the 500 problem every problem member, with a generic detail', async () => {
    await t.loseDatabase();
    const res = await t.http.get('/api/v1/me').set(bearer(token));
    expectProblem(res, 500, 'internal');
    expect(typeof res.body['detail']).toBe('string');
    expect(String(res.body['detail'])).not.toMatch(/sqlite|sql|database connection|not open/i);
  });

  it('sends helmet security headers on success and on errors', async () => {
    for (const res of [await t.http.get('/healthz'), await t.http.get('/api/v1/devices'), await t.http.get('/missing')]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/https?:\/\//);
    }
  });

  it('gives every response its own x-request-id', async () => {
    const responses = [
      await t.http.get('/healthz'),
      await t.http.get('/api/v1/me').set(bearer(token)),
      await t.http.get('/api/v1/me'),
      await intake({}),
      await t.http.get('/no-such-route'),
      await t.http.post('/api/v1/devices').set(bearer(token)).set('content-type', 'application/json').send('{'),
      await intake(laptop({ notes: 'n'.repeat(65 * 1024) })),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 400, 404, 400, 413]);
    const ids = responses.map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
