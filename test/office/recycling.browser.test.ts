/**
 * The office's Recycling page in headless Chromium against the real service:
 * office staff open a shipment, scan three tags in as a USB scanner does
 * (type, Enter; a fourth, not awaiting recycling, is refused in the service's
 * words and the field keeps the focus), add a bulk line, take a device off
 * and scan it in again, ship, save the manifest, confirm (an empty
 * certificate number refused beside its field), and then save the diversion
 * CSV on Reports, whose totals are those of GET /reports/diversion. axe-core
 * on every state; nothing requested from another origin; no script error.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workshopToday } from '../../src/client/format.js';
import { currentPeriod } from '../../src/client/periods.js';
import { ADMIN_PASSWORD } from '../helpers.js';
import { attributes, check as checkPage, en, officeTab, type Tab } from './harness.js';
import { ApiClient, launchBrowser, scanWithScanner, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

const check = (page: Page, name: string) => checkPage(page, `recycling-${name}`);

type Totals = Record<string, { units: number; grams: number }>;

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
/** Three laptops awaiting recycling, and one only received. */
const tags: string[] = [];
let notDesignated = '';
/** One tab for the whole walk: each step below goes on from where the last one left the page. */
let tab: Tab;
let page: Page;

const fill = (key: string, vars: Record<string, string>) => Object.entries(vars).reduce((s, [k, v]) => s.replace(`{${k}}`, v), en[key]!);

const said = (page: Page) => page.locator('#scan-said').textContent();
/** The id of the element with the focus (a string evaluated in the page: the tests are type-checked without the DOM library). */
const focused = (page: Page) => page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');
const shownTags = (page: Page) => attributes(page.locator('[data-testid=shipment-devices] tbody tr'), 'data-tag');

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('stella', 'staff');
  for (let i = 0; i < 3; i++) {
    const d = await admin.intake({ weightGrams: 2300 + i * 100 });
    await admin.wipe(d.assetTag, d.storage[0]!.serialNumber);
    await admin.ok('POST', `/api/v1/devices/${d.assetTag}/recycle`, { reason: 'cracked hinge' });
    tags.push(d.assetTag);
  }
  notDesignated = (await admin.intake()).assetTag;
  await admin.ok('POST', '/api/v1/recyclers', { name: 'Southern E-Cycle Inc.', certification: 'R2', address: 'Winnipeg, MB' });
  tab = await officeTab(browser, server.url);
  page = tab.page;
});

afterAll(async () => {
  await tab?.context.close();
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('Recycling in the office', () => {
  it('staff open a shipment and scan three devices in, as a scanner types them', async () => {
    await page.goto(`${server.url}/office#/recycling`);
    await page.fill('#sign-in-username', 'stella');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('h1#recycling-title').waitFor();
    await page.locator('[data-testid=recyclers] tr[data-recycler]').first().waitFor();
    await page.locator('[data-testid=no-shipments]').waitFor();
    await check(page, 'home');

    // Open a shipment for the recycler.
    const create = page.locator('form[data-testid=create-shipment]');
    await create.locator('#new-shipment-carrier').fill('NEAS');
    await create.locator('#new-shipment-billOfLading').fill('BOL-2026-07');
    await create.locator('button[type=submit]').click();
    await page.locator('h1#shipment-title').waitFor();
    await expect.poll(() => page.locator('h1#shipment-title').textContent()).toBe(fill('office.recycling.shipmentTitle', { id: '1', recycler: 'Southern E-Cycle Inc.' }));
    expect(page.url()).toMatch(/#\/recycling\/shipments\/1$/);

    // The scan field has the focus: three tags, each typed and Enter, as a scanner does.
    await expect.poll(() => focused(page)).toBe('scan-code');
    for (const [i, tag] of tags.entries()) {
      await scanWithScanner(page, tag);
      await expect.poll(() => said(page)).toBe(fill('office.recycling.scanAdded', { code: tag }));
      await expect.poll(() => shownTags(page)).toEqual(tags.slice(0, i + 1));
      expect(await page.inputValue('#scan-code')).toBe('');
      expect(await focused(page)).toBe('scan-code');
    }
    await check(page, 'scanned');
  });

  it('a device not designated for recycling is refused in the service’s words; a bulk line is added; a device comes off and is scanned in again', async () => {
    // A fourth tag, of a device not designated for recycling: refused with the reason for its code, nothing added, the focus stays.
    await scanWithScanner(page, notDesignated);
    const refusal = await admin.request('POST', '/api/v1/shipments/1/devices', { assetTag: notDesignated });
    expect(refusal.status).toBe(409);
    // The reason for the refusal's code, from the locale file (src/client/problems.ts).
    // The refusal names the device's status now (problem.currentStatus): received, not designated for recycling.
    const reason = `${en[`problem.${refusal.body.code as string}`]!} ${fill('problem.currentStatus', { status: en['station.status.received']! })}`;
    await expect.poll(() => said(page)).toBe(fill('office.recycling.scanRefused', { code: notDesignated, reason }));
    expect(await page.locator('#scan-said').getAttribute('role')).toBe('status');
    expect(await page.inputValue('#scan-code')).toBe('');
    expect(await focused(page)).toBe('scan-code');
    expect(await shownTags(page)).toEqual(tags);
    await check(page, 'scan-refused');

    // A bulk line: three CRT monitors, 45 kg.
    const bulk = page.locator('form[data-testid=bulk-line]');
    await bulk.locator('#bulk-category').fill('CRT monitors');
    await bulk.locator('#bulk-units').fill('3');
    await bulk.locator('#bulk-weightGrams').fill('45');
    await bulk.locator('button[type=submit]').click();
    const bulkRow = page.locator('[data-testid=shipment-bulk] tbody tr');
    await expect.poll(() => bulkRow.locator('th, td').allTextContents()).toEqual(['CRT monitors', '3', '45 kg', en['office.recycling.remove']]);

    // The second device comes off, and is scanned in again.
    await page.getByRole('button', { name: fill('office.recycling.removeLabel', { what: tags[1]! }) }).click();
    await expect.poll(() => shownTags(page)).toEqual([tags[0], tags[2]]);
    await expect.poll(() => said(page)).toBe(fill('office.recycling.removed', { what: tags[1]! }));
    await check(page, 'removed');
    await page.focus('#scan-code');
    await scanWithScanner(page, tags[1]!);
    await expect.poll(() => shownTags(page)).toEqual([tags[0], tags[2], tags[1]]);
    const open = (await admin.ok('GET', '/api/v1/shipments/1')).shipment;
    expect(open.totals).toEqual({ deviceUnits: 3, deviceGrams: 2300 + 2400 + 2500, bulkGrams: 45_000, grams: 7200 + 45_000 });
    expect(await page.locator('[data-testid=shipment-totals] tr[data-total=grams] td').textContent()).toBe('52.2 kg');

  });

  it('ships (the lines freeze), saves the manifest, and is confirmed once a certificate number is given', async () => {
    // Ship: the devices are recycled, the lines freeze (no scan field, no remove buttons).
    await page.click('[data-testid=ship]');
    await expect.poll(() => page.locator('section.shipment').getAttribute('data-status')).toBe('shipped');
    expect(await page.locator('#scan-code').count()).toBe(0);
    expect(await page.getByRole('button', { name: en['office.recycling.remove'] }).count()).toBe(0);
    for (const tag of tags) expect((await admin.device(tag)).status).toBe('recycled');
    await check(page, 'shipped');

    const [manifest] = await Promise.all([page.waitForEvent('download'), page.click('[data-download=manifest]')]);
    expect(manifest.suggestedFilename()).toBe('manifest-1.pdf');
    expect(readFileSync(await manifest.path()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (process.env['OFFICE_SHOTS']) await manifest.saveAs(`${process.env['OFFICE_SHOTS']}/recycling-manifest.pdf`);

    // Confirm without a certificate number: refused beside that field, in the service's words.
    const confirm = page.locator('form[data-testid=confirm]');
    await confirm.locator('#confirm-receivedWeightGrams').fill('52.5');
    await confirm.locator('button[type=submit]').click();
    const certError = confirm.locator('#confirm-certificateNumber-error');
    await expect.poll(() => certError.textContent()).not.toBe('');
    expect(await confirm.locator('#confirm-certificateNumber').getAttribute('aria-invalid')).toBe('true');
    expect(await confirm.locator('#confirm-receivedAt-error').textContent()).toBe('');
    await check(page, 'confirm-refused');

    await confirm.locator('#confirm-certificateNumber').fill('R2-2026-114');
    await confirm.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('section.shipment').getAttribute('data-status')).toBe('confirmed');
    expect(await page.locator('[data-testid=certificate]').textContent()).toBe('R2-2026-114');
    expect(await page.locator('[data-testid=shipment-totals] tr[data-total=received] td').textContent()).toBe('52.5 kg');
    const confirmed = (await admin.ok('GET', '/api/v1/shipments/1')).shipment;
    expect(confirmed).toMatchObject({ status: 'confirmed', certificateNumber: 'R2-2026-114', receivedWeightGrams: 52_500 });
    await check(page, 'confirmed');

  });

  it('lists the shipment under Confirmed, and the diversion CSV on Reports carries the API’s totals', async () => {
    // The list, filtered as Today links it: nothing shipped and unconfirmed now; the shipment under Confirmed.
    await page.goto(`${server.url}/office#/recycling?status=shipped`);
    await page.locator('[data-testid=no-shipments]').waitFor();
    expect(await page.inputValue('#shipments-status')).toBe('shipped');
    await page.selectOption('#shipments-status', 'confirmed');
    await page.locator('[data-testid=shipments] tr[data-shipment="1"]').waitFor();
    expect(page.url()).toMatch(/#\/recycling\?status=confirmed$/);
    await check(page, 'list-confirmed');

    // Reports: the current fiscal year's diversion CSV carries the totals of the JSON.
    await page.getByRole('link', { name: en['office.page.reports'] }).click();
    await page.locator('[data-testid=period-picker]').waitFor();
    const fy = currentPeriod('fiscalYear', workshopToday(new Date()));
    await page.selectOption('#period-period', `${fy.from}_${fy.to}`);
    await page.locator('[data-testid=diversion-totals]').waitFor();
    const json = (await admin.ok('GET', `/api/v1/reports/diversion?from=${fy.from}&to=${fy.to}`)) as { totals: Totals };
    // Units count the devices and the bulk line's units (three monitors).
    expect(json.totals['recycledConfirmed']).toEqual({ units: 3 + 3, grams: 7200 + 45_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download=diversion-csv]')]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
    const csvTotals = Object.fromEntries(csv.filter((r) => r[0] === 'totals').map((r) => [r[1], { units: Number(r[2]), grams: Number(r[3]) }]));
    expect(csvTotals).toEqual(json.totals);
  });

  it('made no script error and asked nothing of another origin on the way', () => {
    expect(tab.errors).toEqual([]);
    expect(tab.outside).toEqual([]);
  });
});
