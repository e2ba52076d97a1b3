/**
 * The office's language in the browser (src/client/locale-choice.ts): a
 * user's own language applies after sign-in when the browser has none
 * picked; a language picked in the browser wins over it; picking a language
 * on the sign-in screen keeps what was typed; a refusal is said from the
 * locale files (seen in the pseudo-locale en-XA, whose text is made from
 * them); an administrator sets a user's language on the Users page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setCurrentLocale, t } from '../../src/client/i18n.js';
import { pseudoMessage } from '../../src/locales/pseudo.js';
import { ADMIN_PASSWORD } from '../helpers.js';
import { en, officeTab, type Tab } from './harness.js';
import { ApiClient, launchBrowser, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
const tabs: Tab[] = [];

/** The text of a key in en-XA, formatted as the pages do. */
function pseudo(key: Parameters<typeof t>[0], vars: Record<string, string | number> = {}): string {
  setCurrentLocale('en-XA');
  try {
    return t(key, vars);
  } finally {
    setCurrentLocale('en');
  }
}

const lang = (page: Page) => page.evaluate<string>('document.documentElement.lang');

async function userLanguage(username: string): Promise<string | null | undefined> {
  const { items } = (await admin.ok('GET', '/api/v1/users?limit=500')) as { items: Array<{ username: string; language: string | null }> };
  return items.find((u) => u.username === username)?.language;
}

async function tab(): Promise<Page> {
  const opened = await officeTab(browser, server.url);
  tabs.push(opened);
  return opened.page;
}

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  for (const [username, language] of [['ina', 'fr'], ['ulu', 'iu']] as const) {
    await admin.ok('POST', '/api/v1/users', { username, displayName: `Coordinator ${username}`, role: 'coordinator', password: USER_PASSWORD, language });
  }
});

afterEach(async () => {
  for (const { context, errors, outside } of tabs.splice(0)) {
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe("the office's language", () => {
  it("with nothing picked in the browser, the sign-in screen is English and the user's own language applies after sign-in, until sign-out", async () => {
    const page = await tab();
    await page.goto(`${server.url}/office`);
    await page.locator('form[data-testid=office-sign-in]').waitFor();
    expect(await lang(page)).toBe('en');
    await page.fill('#sign-in-username', 'ina');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.click('form[data-testid=office-sign-in] button[type=submit]');
    await page.locator('#office-locale').waitFor();
    await expect.poll(() => lang(page)).toBe('fr');
    expect(await page.locator('#office-locale').inputValue()).toBe('fr');
    // French text where French has it (the list's own names), English where it has none.
    expect(await page.locator('#office-locale option[value=en]').textContent()).toBe('Anglais');
    // Nothing was stored as this browser's pick: the user's language is not a browser's.
    expect(await page.evaluate<string | null>("localStorage.getItem('refurb-ledger.station.settings')")).toBeNull();
    await page.click(`button:has-text("${en['office.signOut']}")`);
    await page.locator('form[data-testid=office-sign-in]').waitFor();
    expect(await lang(page)).toBe('en');
  });

  it('a language picked on the sign-in screen keeps what was typed, and wins over the user’s own, on later visits too', async () => {
    const page = await tab();
    await page.goto(`${server.url}/office`);
    await page.fill('#sign-in-username', 'ina');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.selectOption('#sign-in-locale', 'iu');
    await expect.poll(() => lang(page)).toBe('iu');
    expect(await page.inputValue('#sign-in-username')).toBe('ina');
    expect(await page.inputValue('#sign-in-password')).toBe(USER_PASSWORD);
    await page.selectOption('#sign-in-locale', 'en');
    await expect.poll(() => lang(page)).toBe('en');
    expect(await page.inputValue('#sign-in-username')).toBe('ina');
    expect(await page.inputValue('#sign-in-password')).toBe(USER_PASSWORD);
    await page.click('form[data-testid=office-sign-in] button[type=submit]');
    await page.locator('#office-locale').waitFor();
    // English picked on purpose in this browser: ina's French does not apply.
    expect(await lang(page)).toBe('en');
    expect(await page.locator('#office-locale').inputValue()).toBe('en');

    // Picked in the top bar: kept for this browser, across a reload and another user's sign-in.
    await page.selectOption('#office-locale', 'iu');
    await expect.poll(() => lang(page)).toBe('iu');
    await page.reload();
    await page.locator('#office-locale').waitFor();
    expect(await lang(page)).toBe('iu');
    await page.click('header.topbar button.secondary');
    await page.locator('form[data-testid=office-sign-in]').waitFor();
    expect(await lang(page)).toBe('iu');
    await page.fill('#sign-in-username', 'ina');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.click('form[data-testid=office-sign-in] button[type=submit]');
    await page.locator('#office-locale').waitFor();
    expect(await lang(page)).toBe('iu');
  });

  it('?lang= wins over the stored language for that page; a refusal is said from the locale file; the pseudo-locale is named in the language list', async () => {
    const page = await tab();
    await page.goto(`${server.url}/office?lang=en-XA`);
    await page.fill('#sign-in-username', 'ina');
    await page.fill('#sign-in-password', 'not-the-password');
    await page.click('form[data-testid=office-sign-in] button[type=submit]');
    const alert = page.locator('form[data-testid=office-sign-in] [role=alert]');
    await expect.poll(() => alert.textContent()).toBe(pseudoMessage(en['problem.auth.invalid_credentials']!));
    expect(await page.locator('#sign-in-locale option:checked').textContent()).toBe(pseudo('language.pseudo'));
    // Switching language keeps the typed text here too.
    expect(await page.inputValue('#sign-in-username')).toBe('ina');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.click('form[data-testid=office-sign-in] button[type=submit]');
    await page.locator('#office-locale').waitFor();
    expect(await lang(page)).toBe('en-XA');
    expect(await page.locator('#office-locale').inputValue()).toBe('en-XA');
    expect(await page.locator('#office-locale option:checked').textContent()).toBe(pseudo('language.pseudo'));
  });

  it('an administrator sets a user’s language on the Users page; refusals there are said from the locale file, the field named', async () => {
    const page = await tab();
    await page.goto(`${server.url}/office?lang=en-XA#/users`);
    await page.fill('#sign-in-username', 'admin');
    await page.fill('#sign-in-password', ADMIN_PASSWORD);
    await page.click('form[data-testid=office-sign-in] button[type=submit]');
    const row = page.locator('tr[data-username=ulu]');
    await row.waitFor();
    const select = row.locator('select[id$=-language]');
    expect(await select.inputValue()).toBe('iu');
    await select.selectOption('fr');
    await expect.poll(() => userLanguage('ulu')).toBe('fr');
    await select.selectOption('');
    await expect.poll(() => userLanguage('ulu')).toBeNull();

    const form = page.locator('form[data-testid=create-user]');
    // A taken username: the reason for its code, not the server's English detail.
    await form.locator('#new-user-username').fill('ina');
    await form.locator('#new-user-displayName').fill('Someone');
    await form.locator('#new-user-password').fill(USER_PASSWORD);
    await form.locator('#new-user-language').selectOption('iu');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('[role=alert]').first().textContent()).toBe(pseudoMessage(en['problem.users.username_taken']!));
    // Too short: the field's reason from the locale file, beside the field.
    await form.locator('#new-user-username').fill('ab');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('[data-field=username] .field-error').textContent()).toBe(pseudo('problem.field.tooShort', { min: 3 }));
    await form.locator('#new-user-username').fill('aput');
    await form.locator('button[type=submit]').click();
    await page.locator('tr[data-username=aput]').waitFor();
    expect(await userLanguage('aput')).toBe('iu');
    expect(await page.locator('tr[data-username=aput] select[id$=-language]').inputValue()).toBe('iu');
  });
});
