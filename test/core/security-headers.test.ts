import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_SECURITY_HEADERS, SECURITY_HEADERS } from '../../src/core/security-headers.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

const DOCUMENT_ONLY = Object.keys(SECURITY_HEADERS).filter((h) => !(h in JSON_SECURITY_HEADERS));

describe('security headers', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token('admin');
  });
  afterAll(async () => t.close());

  it('keeps on JSON answers every header that acts on JSON', () => {
    expect(Object.keys(JSON_SECURITY_HEADERS).sort()).toEqual(['content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'x-content-type-options', 'x-frame-options']);
    for (const [name, value] of Object.entries(JSON_SECURITY_HEADERS)) expect(value).toBe(SECURITY_HEADERS[name]);
  });

  it('sends the JSON set on an API route that answers only JSON, success or problem', async () => {
    const created = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop({}));
    expect(created.status, created.text).toBe(201);
    for (const res of [
      await t.http.get(`/api/v1/devices/${created.body.device.assetTag as string}`).set(bearer(token)),
      await t.http.get('/api/v1/devices/NO-SUCH-TAG').set(bearer(token)),
      await t.http.get('/api/v1/me'),
    ]) {
      for (const [name, value] of Object.entries(JSON_SECURITY_HEADERS)) expect(res.headers[name], `${res.status} ${name}`).toBe(value);
      for (const name of DOCUMENT_ONLY) expect(res.headers[name], `${res.status} ${name}`).toBeUndefined();
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('sends the whole set on pages, documents, routes outside the API and unknown URLs', async () => {
    for (const [url, auth] of [
      ['/healthz', false],
      ['/missing', false],
      ['/api/v1/no-such-route', false],
      ['/docs/', false],
      ['/api/v1/devices?format=csv', true],
      ['/api/v1/devices', true],
    ] as const) {
      const res = auth ? await t.http.get(url).set(bearer(token)) : await t.http.get(url);
      expect(res.status, url).toBeLessThan(500);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name], `${url} ${name}`).toBe(value);
    }
  });
});
