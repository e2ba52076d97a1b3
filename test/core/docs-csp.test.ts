/**
 * /docs (swagger UI) under the same Content-Security-Policy as the rest of the
 * service, served whole by the service itself: it must load on a plain-HTTP
 * LAN with no Internet, in a real browser, with no policy violation.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/core/security-headers.js';
import { createTestApp, type TestApp } from '../helpers.js';
import { launchBrowser, startServer, tempDbPath, type RunningServer } from '../station/harness.js';

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

describe('/docs in Chromium, offline', () => {
  let server: RunningServer;
  let browser: Browser;
  let db: ReturnType<typeof tempDbPath>;
  beforeAll(async () => {
    db = tempDbPath();
    server = await startServer(db.path);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    db?.cleanup();
  });

  it('renders the API from the service alone with no CSP violation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const elsewhere: string[] = [];
    // The workshop LAN has no Internet: anything not asked of the service fails, and is counted.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === server.url) return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || /Content Security Policy/i.test(msg.text())) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    // Runs in the page (a string: the test's TypeScript has no DOM types).
    await page.addInitScript(`
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
    `);

    const res = await page.goto(`${server.url}/docs`);
    expect(res?.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'refurb-ledger' }).waitFor({ timeout: 15_000 });
    await page.locator('.opblock-tag', { hasText: 'scans' }).first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
    // Open one operation: the expanded view renders its schemas (more styles, SVG icons).
    await page.locator('.opblock-summary', { hasText: '/api/v1/scans' }).first().click();
    await page.locator('.opblock-body').first().waitFor();

    const violations = await page.evaluate<string[]>('window.cspViolations');
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    await context.close();
  });
});
