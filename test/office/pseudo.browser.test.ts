/**
 * The office in the pseudo-locale en-XA (docs/translation.md): an
 * administrator signs in with `?lang=en-XA` and visits every page. Every
 * message then reads `[Ţóďáý ···]`, so a word of plain English outside
 * brackets is text the locale files do not hold (hard-coded); the test lists
 * each one. Data (asset tags, numbers, dates, names, the site's name) is
 * left out. Then, at 1366×768, no panel, table or button of the page is
 * wider than its box.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { officeTab } from './harness.js';
import { hardCoded, overflowing } from '../support/pseudo-check.js';
import { ApiClient, launchBrowser, startServer, tempDbPath, type RunningServer } from '../station/harness.js';

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;

const PAGES = ['today', 'devices', 'loans', 'participants', 'donations', 'recycling', 'reports', 'users'];

/** Something on every page: a device at intake, a gift and a loan, a donation, a shipment recycled and confirmed. */
/** Pages of one record (a device, a participant, a donation, a shipment), as hashes: filled in by seed(). */
const RECORDS: string[] = [];

async function seed(): Promise<void> {
  await admin.intake();
  const { participant } = await admin.ok('POST', '/api/v1/participants', { community: 'Iqaluit', consent: { given: true, language: 'iu' } });
  await admin.ok('POST', `/api/v1/devices/${await admin.readyLaptop()}/issue`, { participantCode: participant.code, kind: 'gift', agreementAccepted: true });
  const other = (await admin.ok('POST', '/api/v1/participants', { community: 'Iqaluit', consent: { given: true, language: 'en' } })).participant;
  const lent = await admin.readyLaptop();
  await admin.ok('POST', `/api/v1/devices/${lent}/issue`, { participantCode: other.code, kind: 'loan', dueDate: '2099-01-05', agreementAccepted: true });
  const { donation } = await admin.ok('POST', '/api/v1/donations', { donorName: 'Nunavut Arctic College', donorType: 'school', receivedAt: '2026-01-12' });
  const shipmentId = await admin.recycledAndConfirmed();
  RECORDS.push(`#/devices/${lent}`, `#/participants/${other.code}`, `#/donations/${donation.id}`, `#/recycling/shipments/${shipmentId}`);
}

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('cora', 'coordinator');
  await seed();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('the office in the pseudo-locale en-XA', () => {
  it('every page an administrator sees: no hard-coded English, nothing wider than its box at 1366×768', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    // The check sees text: in English the sign-in form is nothing but plain words.
    await page.goto(`${server.url}/office?lang=en`);
    await page.locator('form[data-testid=office-sign-in]').waitFor();
    expect((await hardCoded(page)).length).toBeGreaterThan(2);

    await page.goto(`${server.url}/office?lang=en-XA`);
    await page.locator('form[data-testid=office-sign-in]').waitFor();
    expect(await hardCoded(page)).toEqual([]);
    await page.fill('#sign-in-username', 'admin');
    await page.fill('#sign-in-password', ADMIN_PASSWORD);
    await page.click('form[data-testid=office-sign-in] button[type=submit]');
    await page.locator('[data-figure=unknownCodes] .number').waitFor();
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en-XA');

    const found: Record<string, { hardCoded: string[]; overflow: string[] }> = {};
    for (const id of [...PAGES, ...RECORDS]) {
      if (PAGES.includes(id)) await page.click(`nav a[href="#/${id}"]`);
      else await page.evaluate(`location.hash = ${JSON.stringify(id)}`);
      await page.locator('main h1').waitFor();
      // The page's data: until the text no longer changes.
      let before = '';
      await expect
        .poll(async () => {
          const now = await page.evaluate<string>('document.body.innerText');
          const same = now === before;
          before = now;
          return same;
        }, { interval: 300, timeout: 5000 })
        .toBe(true);
      found[id] = { hardCoded: await hardCoded(page), overflow: await overflowing(page) };
    }
    const hard = Object.entries(found).flatMap(([id, f]) => f.hardCoded.map((l) => `${id}: ${l}`));
    const over = Object.entries(found).flatMap(([id, f]) => f.overflow.map((l) => `${id}: ${l}`));
    expect(hard).toEqual([]);
    expect(over).toEqual([]);
    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });
});
