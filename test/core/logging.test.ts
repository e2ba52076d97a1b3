import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

/** pino writes "request completed" when the response finishes, which may be a tick after the client sees it. */
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

  it('logs JSON lines with a requestId that the response echoes in x-request-id', async () => {
    const login = await t.http.post(`${API}/auth/login`).send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const me = await t.http.get(`${API}/me`).set(bearer(token));
    expect(me.status).toBe(200);

    const ids = [login.headers['x-request-id'] as string, me.headers['x-request-id'] as string];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) await waitFor(completed(id));

    const requestLines = log.lines().filter((l) => 'req' in l || 'res' in l);
    expect(requestLines.length).toBeGreaterThanOrEqual(4);
    for (const line of requestLines) expect(line['requestId'], JSON.stringify(line)).toEqual(expect.any(String));

    for (const [id, url] of [
      [ids[0]!, `${API}/auth/login`],
      [ids[1]!, `${API}/me`],
    ] as const) {
      const mine = linesOf(id);
      const incoming = mine.find((l) => l['msg'] === 'incoming request');
      expect(incoming, `incoming request line for ${url}`).toBeDefined();
      expect(incoming!['req']).toMatchObject({ url });
      const done = mine.find((l) => l['msg'] === 'request completed');
      expect(done, `request completed line for ${url}`).toBeDefined();
      expect(done!['res']).toMatchObject({ statusCode: 200 });
    }
  });

  it('echoes the request id in x-request-id and in the problem document of an error', async () => {
    const res = await t.http.get(`${API}/me`);
    expect(res.status).toBe(401);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.instance).toContain(id);
    await waitFor(completed(id));
    expect(linesOf(id).find((l) => l['msg'] === 'request completed')?.['res']).toMatchObject({ statusCode: 401 });
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
    expect(log.lines().length).toBeGreaterThanOrEqual(14);
    for (const secret of [ADMIN_PASSWORD, 'wrong-password-in-the-log', 'short-secret', NEW_PASSWORD, token]) {
      expect(text, `log contains ${secret}`).not.toContain(secret);
    }
    expect(text).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/);
  });
});
