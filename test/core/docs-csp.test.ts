/**
 * /docs (swagger UI) under the same Content-Security-Policy as the rest of the
 * service, served whole by the service itself: it must load on a plain-HTTP
 * LAN with no Internet, in a real browser, with no policy violation
 * (docs-csp.browser.test.ts: Chromium against a served app on a SQLite file).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/core/security-headers.js';
import { createTestApp, type TestApp } from '../helpers.js';

const CSP = SECURITY_HEADERS['content-security-policy'];

describe('GET /docs', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it('sends the page and every asset it names from the service, each with the service CSP', async () => {
    for (const entry of ['/docs', '/docs/']) {
      const page = await t.http.get(entry).redirects(0);
      expect(page.status, entry).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toBe(CSP);
      expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
      // Inline scripts would need 'unsafe-inline', which the policy does not grant.
      expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);

      const base = new URL(entry, 'http://lan.example');
      const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, base).pathname);
      expect(assets).toEqual(expect.arrayContaining([expect.stringMatching(/swagger-ui-bundle\.js$/), expect.stringMatching(/swagger-initializer\.js$/), expect.stringMatching(/swagger-ui\.css$/)]));
      for (const asset of [...assets, '/docs/json']) {
        const res = await t.http.get(asset);
        expect(res.status, asset).toBe(200);
        expect(res.headers['content-security-policy'], asset).toBe(CSP);
        expect(res.headers['x-content-type-options'], asset).toBe('nosniff');
      }
    }
    const init = await t.http.get('/docs/static/swagger-initializer.js');
    expect(init.text).toContain('validatorUrl: null');
  });
});
