/**
 * The scan station in the pseudo-locale en-XA (docs/translation.md): an
 * administrator signs in at `/?lang=en-XA` and walks every view: sign-in,
 * the empty scan view, an unknown code and its intake form, a device card in
 * each status with every form the card offers, the queue of requests that
 * wait for the service, and the settings dialog. Each
 * fails, listing the lines, on a word of plain English outside brackets
 * (hard-coded text; data such as tags, makes and names left out) and on a
 * box whose content is wider than it at 1366×768.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { hardCoded, overflowing, settled } from '../support/pseudo-check.js';
import { ApiClient, launchBrowser, newStation, signalAfter, startServer, tempDbPath, type RunningServer } from './harness.js';

/** The station's boxes: the bar, the panels, forms, buttons, selects and the card's lists. */
const STATION_BOXES = 'header, section, aside, form, fieldset, button, select, dl, [data-asset-tag], [data-testid=feedback]';

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
/** Asset tags by the status the device is in. */
const DEVICES: Record<string, string> = {};

async function seed(): Promise<void> {
  DEVICES['received'] = (await admin.intake()).assetTag;
  DEVICES['received, no storage'] = (await admin.intake({ storage: [] })).assetTag;
  const wiped = await admin.intake();
  await admin.wipe(wiped.assetTag, wiped.storage[0]!.serialNumber);
  DEVICES['sanitized'] = wiped.assetTag;
  const repair = await admin.intake();
  await admin.wipe(repair.assetTag, repair.storage[0]!.serialNumber);
  await admin.ok('POST', `/api/v1/devices/${repair.assetTag}/repairs`, { description: 'keyboard' });
  DEVICES['in_repair'] = repair.assetTag;
  DEVICES['ready'] = await admin.readyLaptop();
  const issued = await admin.readyLaptop();
  const { participant } = await admin.ok('POST', '/api/v1/participants', { community: 'Iqaluit', consent: { given: true, language: 'iu' } });
  await admin.ok('POST', `/api/v1/devices/${issued}/issue`, { participantCode: participant.code, kind: 'loan', dueDate: '2099-01-05', agreementAccepted: true });
  DEVICES['issued'] = issued;
  const scrap = await admin.readyLaptop('D');
  DEVICES['awaiting_recycling'] = scrap;
}

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await seed();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

/** What is wrong with the view shown now, under its name. */
async function check(page: Page, view: string, found: string[]): Promise<void> {
  await settled(page);
  for (const line of await hardCoded(page)) found.push(`${view}: English: ${line}`);
  for (const box of await overflowing(page, STATION_BOXES)) found.push(`${view}: overflow: ${box}`);
}

async function scan(page: Page, code: string): Promise<void> {
  await signalAfter(page, async () => {
    await page.fill('#scan', code);
    await page.press('#scan', 'Enter');
  });
}

async function cardActions(page: Page, tag: string): Promise<string[]> {
  const selector = JSON.stringify(`[data-asset-tag="${tag}"] [data-action]`);
  return page.evaluate<string[]>(`Array.from(document.querySelectorAll(${selector}), (el) => el.getAttribute('data-action'))`);
}

describe('the scan station in the pseudo-locale en-XA', () => {
  it('every view and form: no hard-coded English, nothing wider than its box at 1366×768', async () => {
    const { context, page, errors } = await newStation(browser);
    page.setDefaultTimeout(10_000);
    const found: string[] = [];

    // The check sees text: in English the sign-in form is nothing but plain words.
    await page.goto(`${server.url}/?lang=en`);
    await page.locator('form[data-testid=login-form]').waitFor();
    expect((await hardCoded(page)).length).toBeGreaterThan(2);

    await page.goto(`${server.url}/?lang=en-XA`);
    await page.locator('form[data-testid=login-form]').waitFor();
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en-XA');
    await check(page, 'sign-in', found);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await page.fill('input[name=station]', 'bench-1');
    await page.click('form[data-testid=login-form] button[type=submit]');
    await page.waitForSelector('#scan');
    await check(page, 'scan', found);

    await scan(page, 'NOT-A-TAG-1');
    await page.locator('[data-testid=unknown]').waitFor();
    await check(page, 'unknown code', found);
    if (await page.locator('[data-action=intake]').count()) {
      await page.click('[data-action=intake]');
      await page.locator('form[data-form=intake]').waitFor();
      await check(page, 'intake form', found);
      await page.click('form[data-form=intake] [data-testid=cancel]');
    } else found.push('unknown code: no intake button');

    const formsSeen = new Set<string>();
    for (const [status, tag] of Object.entries(DEVICES)) {
      await scan(page, tag);
      await page.locator(`[data-asset-tag="${tag}"]`).waitFor();
      await check(page, `card (${status})`, found);
      for (const action of await cardActions(page, tag)) {
        await page.click(`[data-asset-tag="${tag}"] [data-action="${action}"]`);
        const form = page.locator(`form[data-form="${action}"]`);
        await form.waitFor();
        formsSeen.add(action);
        await check(page, `${action} form (${status})`, found);
        await form.locator('[data-testid=cancel]').click();
        await form.waitFor({ state: 'detached' });
      }
    }
    // Every lifecycle form of the station was opened at least once.
    expect([...formsSeen].sort()).toEqual(['complete_repair', 'confirm_no_storage', 'grade', 'issue', 'open_repair', 'recycle', 'register_storage', 'return', 'sanitize', 'write_off']);

    // The queue: a scan made while the service does not answer waits in it.
    await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    await scan(page, DEVICES['ready']!);
    await page.locator('[data-testid=queue-count]:not([hidden])').waitFor();
    await page.click('[data-testid=queue-count]');
    await page.locator('[data-testid=queue-panel].open li').waitFor();
    await check(page, 'queue', found);
    await page.unroute('**/api/v1/**');
    await page.locator('[data-testid=queue-count][hidden]').waitFor({ state: 'attached', timeout: 20_000 });

    await page.click('[data-testid=settings]');
    await page.locator('[data-testid=settings-form]').waitFor();
    await check(page, 'settings', found);
    await page.click('[data-testid=settings-form] [data-testid=cancel]');

    expect(found).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
