/**
 * The scan station's language in the browser (src/client/locale-choice.ts):
 * a user's own language applies after sign-in when the station has none
 * picked (an `en` saved with the station's other settings is not a pick); a
 * language picked at the station wins over it; picking a language on the
 * sign-in screen keeps what was typed; a refusal is said from the locale
 * files (seen in the pseudo-locale en-XA, whose text is made from them).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setCurrentLocale, t } from '../../src/client/i18n.js';
import en from '../../src/locales/en.json' with { type: 'json' };
import { pseudoMessage } from '../../src/locales/pseudo.js';
import { ADMIN_PASSWORD } from '../helpers.js';
import { ApiClient, launchBrowser, loginAt, newStation, signalAfter, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from './harness.js';

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
const opened: Array<{ context: BrowserContext; errors: string[] }> = [];

const lang = (page: Page) => page.evaluate<string>('document.documentElement.lang');
const settings = (page: Page) => page.evaluate<string | null>("localStorage.getItem('refurb-ledger.station.settings')");

async function station(): Promise<Page> {
  const st = await newStation(browser);
  opened.push(st);
  return st.page;
}

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  const admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.ok('POST', '/api/v1/users', { username: 'ina', displayName: 'Ina', role: 'trainee', password: USER_PASSWORD, language: 'fr' });
});

afterEach(async () => {
  for (const { context, errors } of opened.splice(0)) {
    expect(errors).toEqual([]);
    await context.close();
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe("the scan station's language", () => {
  it("with nothing picked at the station, the user's own language applies after sign-in, and English again after sign-out", async () => {
    const page = await station();
    await page.goto(`${server.url}/`);
    await page.locator('form[data-testid=login-form]').waitFor();
    expect(await lang(page)).toBe('en');
    await loginAt(page, server.url, 'ina');
    expect(await lang(page)).toBe('fr');
    // Signing in saved the station's name, not a language.
    expect(JSON.parse((await settings(page)) ?? '{}')).not.toHaveProperty('localeChosen');
    await page.click('[data-testid=logout]');
    await page.locator('form[data-testid=login-form]').waitFor();
    expect(await lang(page)).toBe('en');
  });

  it('a bench whose settings hold the `en` saved before languages were kept per user follows the user', async () => {
    const page = await station();
    await page.goto(`${server.url}/`);
    await page.evaluate("localStorage.setItem('refurb-ledger.station.settings', JSON.stringify({ station: 'bench-3', locale: 'en', labelTemplate: '', sound: true, category: 'laptop', sanitize: {} }))");
    await loginAt(page, server.url, 'ina', USER_PASSWORD, 'bench-3');
    expect(await lang(page)).toBe('fr');
  });

  it('a language picked on the sign-in screen keeps what was typed, and wins over the user’s own', async () => {
    const page = await station();
    await page.goto(`${server.url}/`);
    await page.fill('input[name=username]', 'ina');
    await page.fill('input[name=password]', USER_PASSWORD);
    await page.fill('input[name=station]', 'bench-9');
    await page.selectOption('select[name=locale]', 'iu');
    await expect.poll(() => lang(page)).toBe('iu');
    expect(await page.inputValue('input[name=username]')).toBe('ina');
    expect(await page.inputValue('input[name=password]')).toBe(USER_PASSWORD);
    expect(await page.inputValue('input[name=station]')).toBe('bench-9');
    expect(await page.evaluate<string | undefined>('document.activeElement?.name')).toBe('locale');
    // English, picked on purpose, is a pick too.
    await page.selectOption('select[name=locale]', 'en');
    await expect.poll(() => lang(page)).toBe('en');
    expect(await page.inputValue('input[name=username]')).toBe('ina');
    expect(await page.inputValue('input[name=password]')).toBe(USER_PASSWORD);
    await page.click('form[data-testid=login-form] button[type=submit]');
    await page.waitForSelector('#scan');
    expect(await lang(page)).toBe('en');
    expect(JSON.parse((await settings(page)) ?? '{}')).toMatchObject({ station: 'bench-9', locale: 'en', localeChosen: true });
  });

  it('?lang= wins for that page; a refusal is said from the locale file; the pseudo-locale is named in the language list', async () => {
    const page = await station();
    await page.goto(`${server.url}/?lang=en-XA`);
    await page.locator('form[data-testid=login-form]').waitFor();
    expect(await lang(page)).toBe('en-XA');
    setCurrentLocale('en-XA');
    const pseudoName = t('language.pseudo');
    setCurrentLocale('en');
    expect(await page.locator('select[name=locale] option:checked').textContent()).toBe(pseudoName);
    await page.fill('input[name=username]', 'ina');
    await page.fill('input[name=password]', 'not-the-password');
    const refused = await signalAfter(page, () => page.click('form[data-testid=login-form] button[type=submit]'));
    expect(refused.kind).toBe('refused');
    expect(refused.text).toContain(pseudoMessage(en['problem.auth.invalid_credentials']));
    await page.fill('input[name=password]', USER_PASSWORD);
    await page.click('form[data-testid=login-form] button[type=submit]');
    await page.waitForSelector('#scan');
    expect(await lang(page)).toBe('en-XA');
  });
});
