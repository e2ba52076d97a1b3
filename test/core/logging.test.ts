import { Writable } from 'node:stream';
import fc from 'fast-check';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loggedUrl, RequestLineController, requestLineLogger, requestLoggerFactory } from '../../src/core/logger.js';
import { ADMIN_PASSWORD, bearer, createTestApp, type TestApp } from '../helpers.js';

const API = '/api/v1';
const NEW_PASSWORD = 'a-brand-new-password-77';

/** Collects what the app logs, one JSON object per line. */
function captureLog() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, text, lines };
}

/** The request line is written when the response finishes, which may be a tick after the client sees it. */
async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('request logging', () => {
  let t: TestApp;
  let log: ReturnType<typeof captureLog>;
  beforeEach(async () => {
    log = captureLog();
    t = await createTestApp({ logStream: log.stream });
  });
  afterEach(async () => t.close());

  const linesOf = (requestId: string) => log.lines().filter((l) => l['requestId'] === requestId);
  const completed = (requestId: string) => () => linesOf(requestId).some((l) => l['msg'] === 'request completed');

  it('logs one line per request, at completion, with its id, method, URL, status, time and user', async () => {
    const login = await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const me = await t.http.get(`${API}/me`).set(bearer(token));
    expect(me.status).toBe(200);

    const ids = [login.headers['x-request-id'] as string, me.headers['x-request-id'] as string];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) await waitFor(completed(id));

    // Every line about a request names it.
    const requestLines = log.lines().filter((l) => l['msg'] === 'request completed');
    expect(requestLines.length).toBeGreaterThanOrEqual(2);
    for (const line of requestLines) expect(line['requestId'], JSON.stringify(line)).toEqual(expect.any(String));

    for (const [id, method, url, userId] of [
      [ids[0]!, 'POST', `${API}/auth/login`, null],
      [ids[1]!, 'GET', `${API}/me`, me.body.user.id],
    ] as const) {
      const mine = linesOf(id);
      expect(mine, `lines of ${url}`).toHaveLength(1);
      expect(mine[0]).toMatchObject({ level: 30, msg: 'request completed', method, url, statusCode: 200, userId });
      expect(mine[0]!['responseTime']).toEqual(expect.any(Number));
    }
  });

  it('echoes the request id in x-request-id and in the problem document of an error', async () => {
    const res = await t.http.get(`${API}/me`);
    expect(res.status).toBe(401);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.instance).toContain(id);
    await waitFor(completed(id));
    expect(linesOf(id).find((l) => l['msg'] === 'request completed')).toMatchObject({ statusCode: 401, userId: null });
  });

  it('logs a server error with its stack and the request id, and its request line', async () => {
    const token = await t.token('admin');
    await t.loseDatabase();
    const res = await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: 'a-password-in-a-failing-request' });
    expect(res.status).toBe(500);
    const id = res.headers['x-request-id'] as string;
    await waitFor(completed(id));
    const mine = linesOf(id);
    const error = mine.find((l) => l['msg'] === 'unhandled error');
    expect(error, JSON.stringify(mine)).toBeDefined();
    expect(error!['level']).toBe(50);
    const err = error!['err'] as { stack?: string; message?: string };
    expect(err.stack).toMatch(/\n\s+at /);
    expect(mine.find((l) => l['msg'] === 'request completed')).toMatchObject({ statusCode: 500 });
    expect(log.text()).not.toContain('a-password-in-a-failing-request');
    expect(log.text()).not.toContain(token);
  });

  it('logs query values only for parameters known to be harmless', async () => {
    const token = await t.token('admin');
    const res = await t.http.get(`${API}/devices?status=ready&q=Jane%20Doe%20laptop&token=a-token-in-a-query-string-123`).set(bearer(token));
    expect(res.status).toBe(400);
    const id = res.headers['x-request-id'] as string;
    await waitFor(completed(id));
    expect(linesOf(id).find((l) => l['msg'] === 'request completed')).toMatchObject({ url: `${API}/devices?status=ready&q=[redacted]&token=[redacted]`, statusCode: 400 });
    expect(log.text()).not.toContain('Jane');
    expect(log.text()).not.toContain('a-token-in-a-query-string-123');
  });

  it('redacts a bare query key, and a harmless parameter whose value does not look like one', () => {
    expect(loggedUrl('/api/v1/devices')).toBe('/api/v1/devices');
    expect(loggedUrl('/api/v1/devices?status=ready&limit=50&sort=-intake')).toBe('/api/v1/devices?status=ready&limit=50&sort=-intake');
    expect(loggedUrl('/api/v1/devices?a-bare-secret-key-0123456789&status=ready')).toBe('/api/v1/devices?[redacted]&status=ready');
    expect(loggedUrl('/api/v1/devices?sort=abcdefghijklmnopqrstuvwxyz0123456789&status=Jane%20Doe')).toBe('/api/v1/devices?sort=[redacted]&status=[redacted]');
  });

  it('never writes a password or a bearer token into the log', async () => {
    const failed = await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: 'wrong-password-in-the-log' });
    expect(failed.status).toBe(401);
    const login = await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    const token = login.body.token as string;

    expect((await t.http.get(`${API}/me`).set(bearer(token))).status).toBe(200);
    const invalid = await t.http.post(`${API}/users`).set(bearer(token)).send({ username: 'x', password: 'short-secret', extra: true });
    expect(invalid.status).toBe(400);
    const created = await t.http
      .post(`${API}/users`)
      .set(bearer(token))
      .send({ username: 'logged-user', displayName: 'Logged User', role: 'trainee', password: NEW_PASSWORD });
    expect(created.status).toBe(201);
    const changed = await t.http.post(`${API}/me/password`).set(bearer(token)).send({ currentPassword: ADMIN_PASSWORD, newPassword: `${NEW_PASSWORD}-2` });
    expect(changed.status).toBe(200);
    // The token is revoked now: a request with it is refused, and logged.
    const revoked = await t.http.get(`${API}/me`).set(bearer(token));
    expect(revoked.status).toBe(401);
    await waitFor(completed(revoked.headers['x-request-id'] as string));

    const text = log.text();
    // One line per request at least (the seven above), so the check below reads what was logged about each.
    expect(log.lines().length).toBeGreaterThanOrEqual(7);
    for (const secret of [ADMIN_PASSWORD, 'wrong-password-in-the-log', 'short-secret', NEW_PASSWORD, token]) {
      expect(text, `log contains ${secret}`).not.toContain(secret);
    }
    expect(text).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/);
  });

  it('redacts passwords, tokens and personal data on every other line, a request logger\'s included', async () => {
    const secrets = {
      req: { headers: { authorization: 'Bearer header-token-0123456789abcdef', cookie: 'session=cookie-secret' } },
      headers: { authorization: 'Bearer other-header-token-0123456789' },
      body: { password: 'body-password-1', token: 'body-token-2', displayName: 'Jane Doe', contact: 'jane@example.org' },
      change: { currentPassword: 'current-password-3', newPassword: 'new-password-4' },
    };
    t.app.log.warn(secrets, 'server line');
    // What a handler or the error handler writes through request.log: a child built only when it is used.
    const requestLog = requestLoggerFactory(t.app.log, { requestId: 'req-1' }, {});
    requestLog.error(secrets, 'request line');
    requestLog.child({ part: 'nested' }).warn(secrets, 'nested line');
    await waitFor(() => log.lines().some((l) => l['msg'] === 'nested line'));

    const lines = log.lines().filter((l) => ['server line', 'request line', 'nested line'].includes(String(l['msg'])));
    expect(lines).toHaveLength(3);
    expect(lines.filter((l) => l['requestId'] === 'req-1')).toHaveLength(2);
    const text = log.text();
    for (const secret of ['header-token-0123456789abcdef', 'other-header-token-0123456789', 'cookie-secret', 'body-password-1', 'body-token-2', 'Jane Doe', 'jane@example.org', 'current-password-3', 'new-password-4']) {
      expect(text, `log contains ${secret}`).not.toContain(secret);
    }
    expect(lines[1]).toMatchObject({ body: { password: '[redacted]', token: '[redacted]' }, headers: { authorization: '[redacted]' } });
  });
});

describe('the request line', () => {
  /** What a pino logger on a capturing stream writes, as text. */
  function pinoOn() {
    const log = captureLog();
    return { log, logger: requestLineLogger('info', log.stream) };
  }

  it("is the line pino's info() writes for the same fields: same values, same keys in the same order (property)", () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 30 });
    const when = vi.spyOn(Date, 'now');
    try {
      fc.assert(
        fc.property(
          fc.record({
            id: fc.oneof(fc.uuid(), text),
            method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
            url: fc.oneof(text.map((s) => `/api/v1/${s}`), fc.constantFrom('/api/v1/devices?status=ready&grade=A', '/api/v1/x?q="quoted"\\', '/api/v1/\u0001\u2028')),
            statusCode: fc.integer({ min: 100, max: 599 }),
            elapsed: fc.double({ min: 0, max: 100_000, noNaN: true }),
            userId: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
            ip: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
            now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
          }),
          (r) => {
            when.mockReturnValue(r.now);
            const ours = pinoOn();
            const theirs = pinoOn();
            const request = { id: r.id, method: r.method, url: r.url, actor: r.userId === null ? null : { id: r.userId }, ip: r.ip } as unknown as FastifyRequest;
            const reply = { statusCode: r.statusCode, elapsedTime: r.elapsed } as unknown as FastifyReply;
            new RequestLineController(ours.logger).requestCompleted(null, request, reply);
            theirs.logger.info(
              { requestId: r.id, method: r.method, url: loggedUrl(r.url), statusCode: r.statusCode, responseTime: Math.round(r.elapsed * 100) / 100, userId: r.userId, remoteAddress: r.ip },
              'request completed',
            );
            const [mine] = ours.log.lines();
            const [pinos] = theirs.log.lines();
            expect(ours.log.text().endsWith('\n') && ours.log.lines().length === 1).toBe(true);
            expect(mine).toStrictEqual(pinos);
            expect(Object.keys(mine!)).toEqual(Object.keys(pinos!));
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      when.mockRestore();
    }
  });

  it('is not written below info', () => {
    const log = captureLog();
    const request = { id: 'x', method: 'GET', url: '/', actor: null, ip: '127.0.0.1' } as unknown as FastifyRequest;
    new RequestLineController(requestLineLogger('warn', log.stream)).requestCompleted(null, request, { statusCode: 200, elapsedTime: 1 } as unknown as FastifyReply);
    expect(log.text()).toBe('');
  });
});
