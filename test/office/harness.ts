/**
 * What the office's browser tests share: a tab at 1366×768 whose requests for
 * anywhere but the service are aborted and listed, script errors collected,
 * axe-core's serious and critical findings, and screenshots for a person to
 * look at (set OFFICE_SHOTS to a directory; they are not compared).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export const en = JSON.parse(readFileSync(new URL('../../src/locales/en.json', import.meta.url), 'utf8')) as Record<string, string>;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env['OFFICE_SHOTS'];

export interface Tab {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Requests for anywhere but the server: aborted, and listed here. */
  outside: string[];
}

export async function officeTab(browser: Browser, serverUrl: string): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const errors: string[] = [];
  const outside: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${serverUrl}/`) || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => {
    // Chromium reports every 4xx answer to fetch on the console; the refusals the tests provoke are expected.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  return { context, page, errors, outside };
}

/** axe-core's serious and critical findings on the page as it is now. Evaluated, not injected as a script tag: the CSP forbids inline scripts. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Injected once per document: axe-core is large, and a hash change keeps the document.
  if (!(await page.evaluate<boolean>("typeof axe !== 'undefined'"))) await page.evaluate(AXE);
  const { passes, violations } = await page.evaluate<{ passes: number; violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }>(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => ({ passes: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) })) }))",
  );
  // axe ran its rules on this page (a check that never ran would find nothing too).
  expect(passes).toBeGreaterThan(5);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * An attribute of every element a locator finds, in order, read in one step.
 * Reading the elements one by one (locator.all(), then each) races a list the
 * page redraws: an element gone in between is waited for until the timeout.
 */
export function attributes(locator: Locator, name: string): Promise<string[]> {
  // The elements' type is spelled out: the tests are type-checked without the DOM library.
  return locator.evaluateAll((els: Array<{ getAttribute(n: string): string | null }>, n: string): string[] => els.map((e) => e.getAttribute(n) ?? ''), name);
}

/** Looks at the page as it is now: a full-page screenshot (with OFFICE_SHOTS), then no serious or critical accessibility finding. */
export async function check(page: Page, name: string): Promise<void> {
  await shot(page, name, { fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
}

/** Signs in on the office's form at `hash` and waits for `ready` (a selector of the page it lands on). */
export async function signIn(page: Page, serverUrl: string, who: { username: string; password: string; hash: string; ready: string }): Promise<void> {
  await page.goto(`${serverUrl}/office${who.hash}`);
  await page.fill('#sign-in-username', who.username);
  await page.fill('#sign-in-password', who.password);
  await page.click('form[data-testid=office-sign-in] button[type=submit]');
  await page.locator(who.ready).waitFor();
}

export async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: options.fullPage ?? false });
}
