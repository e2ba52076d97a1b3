/**
 * The office's Translations page in headless Chromium against the real
 * service: a translator signs in and lands on it (their only page), finds a
 * key, sees its English and note, saves a text (refused first for a broken
 * placeholder, in the service's words), marks it reviewed; the station card
 * preview shows it, the sample handover form downloads, and after a reload
 * the office itself shows the reviewed text in Inuktitut. axe-core on every
 * state; nothing requested from another origin; no script error. Texts are
 * test fixtures, not translations.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { attributes, check as checkPage, en, officeTab, shot } from './harness.js';
import { ApiClient, launchBrowser, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

const check = (page: Page, name: string) => checkPage(page, `translations-${name}`);

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  const admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('tia', 'translator');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('Translations in the office', () => {
  it('a translator finds a key, is refused a broken placeholder, saves and reviews a text, previews the card and the handover form', async () => {
    const { context, page, errors, outside } = await officeTab(browser, server.url);
    await page.goto(`${server.url}/office`);
    await page.fill('#sign-in-username', 'tia');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('h1#translations-title').waitFor();
    // Their only page in the navigation.
    expect(await page.locator('nav a').allTextContents()).toEqual([en['office.page.translations']]);
    await page.locator('[data-testid=translations] li.translation').first().waitFor();
    await check(page, 'list');

    await page.fill('#translations-search', 'station.card.drives');
    const row = page.locator('li.translation[data-key="station.card.drives"]');
    await row.waitFor();
    expect(await row.locator('.english').textContent()).toContain('Drives');
    expect(await row.locator('.note').textContent()).toContain('Scan station');
    const area = row.locator('textarea');
    expect(await area.getAttribute('lang')).toBe('iu');

    // A text with a placeholder the English does not have: refused beside the field, nothing saved.
    await page.fill('#translations-search', 'station.card.offline');
    const offline = page.locator('li.translation[data-key="station.card.offline"]');
    await offline.locator('textarea').fill('ᓄᓇᕗᑦ {when}');
    await offline.locator('button[type=submit]').click();
    await offline.locator('.field-error[role=alert]').waitFor();
    expect(await offline.locator('.field-error[role=alert]').textContent()).toContain('placeholders');
    await check(page, 'refused');

    // Saved as a draft, then reviewed.
    await page.fill('#translations-search', 'station.card.drives');
    await area.fill('ᓄᓇᕗᑦ (test drives)');
    await row.locator('button[type=submit]').click();
    await page.locator('.message-success').waitFor();
    expect(await page.locator('.message-success').textContent()).toBe(en['office.translations.saved']!.replace('{key}', 'station.card.drives'));
    expect(await row.textContent()).toContain(en['office.translations.draft']);
    await row.locator('input[name=reviewed]').check();
    await row.locator('button[type=submit]').click();
    await expect.poll(async () => (await row.textContent())?.includes(en['office.translations.draft']!), { timeout: 5000 }).toBe(false);
    expect(await page.locator('[data-testid=card-preview] dd[data-key="station.card.drives"]').textContent()).toBe('ᓄᓇᕗᑦ (test drives)');
    expect(await page.locator('[data-testid=card-preview] dd[data-key="station.card.drives"] span').getAttribute('lang')).toBe('iu');
    await check(page, 'saved');

    // Not translated: the filter hides what has a text.
    await page.fill('#translations-search', 'station.card.');
    await page.selectOption('#translations-status', 'missing');
    await page.locator('li.translation').first().waitFor();
    const keys = await attributes(page.locator('li.translation'), 'data-key');
    expect(keys).not.toContain('station.card.drives');
    expect(keys).toContain('station.card.wipe');

    // The sample handover form of the language downloads as a PDF.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-download=handover]')]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await page.locator('[data-testid=handover-state]').textContent()).toMatch(/English only/);

    // The office itself in Inuktitut, after a reload, shows a text reviewed here where the English would be.
    await page.selectOption('#translations-status', '');
    await page.fill('#translations-search', 'office.page.translations');
    const title = page.locator('li.translation[data-key="office.page.translations"]');
    await title.locator('textarea').fill('ᓄᓇᕗᑦ (test page)');
    await title.locator('input[name=reviewed]').check();
    await title.locator('button[type=submit]').click();
    await page.locator('.message-success', { hasText: 'office.page.translations' }).waitFor();
    await page.goto(`${server.url}/office?lang=iu#/translations`);
    await expect.poll(async () => page.locator('h1#translations-title').textContent(), { timeout: 5000 }).toBe('ᓄᓇᕗᑦ (test page)');
    expect(await page.locator('nav a').allTextContents()).toEqual(['ᓄᓇᕗᑦ (test page)']);
    await shot(page, 'translations-iu');

    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  });
});
