/**
 * Text reviewed in the app reaches the station: saved through the API as
 * reviewed, it is on the device card after a reload; a draft is not. When the
 * server's messages cannot be fetched, the station shows the copy it kept.
 * Texts are test fixtures, not translations.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { ApiClient, launchBrowser, loginAt, newStation, scanWithScanner, startServer, tempDbPath, type RunningServer } from './harness.js';

let server: RunningServer;
let browser: Browser;
let db: ReturnType<typeof tempDbPath>;
let admin: ApiClient;
let translator: ApiClient;

const REVIEWED = 'ᓄᓇᕗᑦ (test drives)';
const DRAFT = 'ᓄᓇᕗᑦ (test draft)';

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('tina', 'trainee');
  await admin.createUser('tia', 'translator');
  translator = await new ApiClient(() => server.url).login('tia', 'a-long-enough-password');
});

afterAll(async () => {
  await browser?.close();
  if (server?.app.server.listening) await server.stop();
  db?.cleanup();
});

describe('station in Inuktitut with text reviewed in the app', () => {
  it('shows a reviewed text saved through the API after a reload, never a draft, and keeps it when the server cannot be asked', async () => {
    const d = await admin.intake();
    const { context, page, errors } = await newStation(browser);
    // The station's language is chosen in its settings (localStorage) before the page loads.
    await context.addInitScript({
      content: "if (!localStorage.getItem('refurb-ledger.station.settings')) localStorage.setItem('refurb-ledger.station.settings', JSON.stringify({ locale: 'iu' }));",
    });
    await loginAt(page, server.url, 'tina');
    await scanWithScanner(page, d.assetTag);
    await page.waitForSelector(`article.card[data-asset-tag="${d.assetTag}"]`);
    const headings = () => page.locator('article.card h3').allTextContents();
    expect(await headings()).toContain('Drives');

    const saved = await translator.request('PUT', '/api/v1/translations/iu/station.card.drives', { text: REVIEWED, reviewed: true });
    expect(saved.status).toBe(200);
    const draft = await translator.request('PUT', '/api/v1/translations/iu/station.card.events', { text: DRAFT, reviewed: false });
    expect(draft.status).toBe(200);

    await page.reload();
    await page.waitForSelector('#scan');
    await scanWithScanner(page, d.assetTag);
    await page.waitForSelector(`article.card[data-asset-tag="${d.assetTag}"]`);
    await expect.poll(headings, { timeout: 5000 }).toContain(REVIEWED);
    expect(await headings()).toContain('Last events');
    expect(await page.locator('body').textContent()).not.toContain(DRAFT);
    expect(await page.evaluate('document.documentElement.lang')).toBe('iu');

    // The server's messages unreachable: the copy kept from the last answer is shown.
    await page.route('**/api/v1/locales/**', (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.waitForSelector('#scan');
    await scanWithScanner(page, d.assetTag);
    await page.waitForSelector(`article.card[data-asset-tag="${d.assetTag}"]`);
    expect(await headings()).toContain(REVIEWED);

    expect(errors).toEqual([]);
    await context.close();
  });
});
