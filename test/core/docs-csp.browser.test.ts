/**
 * /docs (swagger UI) in a real browser, offline, under the service's
 * Content-Security-Policy: it renders with no policy violation and asks
 * nothing of the Internet. A browser suite (test/engines.ts): it runs once,
 * on SQLite; what the page loads is checked on both engines in
 * docs-csp.test.ts.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, tempDbPath, type RunningServer } from '../station/harness.js';

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
    // Swagger UI lays out every operation of the contract at once: about 5 s of a quiet core, three times that on a busy CI machine.
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'refurb-ledger' }).waitFor({ timeout: 45_000 });
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
  }, 90_000);
});
