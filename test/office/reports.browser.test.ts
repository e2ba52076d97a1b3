/**
 * Reports in headless Chromium against the real service: office staff
 * open Reports, pick the current fiscal year, and see the diversion totals
 * the API gives for it; the CSV saved from the page carries the same
 * totals; a custom period whose first day is after its last is refused
 * beside the field and sends nothing. axe-core, no request elsewhere, no
 * script error, as in office.browser.test.ts.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber, formatWeight, workshopToday } from '../../src/client/format.js';
import { currentPeriod } from '../../src/client/periods.js';
import { ADMIN_PASSWORD } from '../helpers.js';
import { en, officeTab, seriousViolations, shot } from './harness.js';
import { ApiClient, launchBrowser, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

type Totals = Record<string, { units: number; grams: number }>;

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;

/** One laptop handed over to a participant, one recycled in a shipment shipped and confirmed: both diverted today. */
async function seed(): Promise<void> {
  const reused = await admin.intake();
  await admin.wipe(reused.assetTag, reused.storage[0]!.serialNumber);
  await admin.ok('POST', `/api/v1/devices/${reused.assetTag}/grade`, { grade: 'A' });
  const { participant } = await admin.ok('POST', '/api/v1/participants', { community: 'Iqaluit', consent: { given: true, language: 'iu' } });
  await admin.ok('POST', `/api/v1/devices/${reused.assetTag}/issue`, { participantCode: participant.code, kind: 'gift', agreementAccepted: true });

  await admin.recycledAndConfirmed();
}

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('stella', 'staff');
  await seed();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('Reports in the browser', () => {
  it('staff see the fiscal year’s diversion totals the API gives, save the CSV with the same totals, and a custom period ending before it starts is refused beside the field', async () => {
    const { context, page, errors, outside } = await officeTab(browser, server.url);
    const reportRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/reports/')) reportRequests.push(r.url());
    });

    await page.goto(`${server.url}/office#/reports`);
    await page.fill('#sign-in-username', 'stella');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=period-picker]').waitFor();
    expect(await page.locator('nav a').allTextContents()).toEqual(['today', 'devices', 'loans', 'participants', 'donations', 'transfers', 'recycling', 'reports'].map((id) => en[`office.page.${id}`]));

    // It opens on the last complete fiscal year, before the seeded devices: nothing diverted then.
    await expect.poll(() => page.locator('[data-total=diverted] td').first().textContent()).toBe('0');
    await shot(page, 'reports-default');

    // The current fiscal year: the one the seeded devices were diverted in.
    const fy = currentPeriod('fiscalYear', workshopToday(new Date()));
    expect(await page.inputValue('#period-kind')).toBe('fiscalYear');
    await page.selectOption('#period-period', `${fy.from}_${fy.to}`);
    const label = en['period.fiscalYear']!.replace('{start}', String(fy.params['start'])).replace('{end}', String(fy.params['end']).slice(2));
    await expect.poll(() => page.locator('#diversion-title').textContent()).toBe(en['office.reports.diversion']!.replace('{period}', label));
    await page.locator('[data-testid=diversion-totals]').waitFor();

    const json = (await admin.ok('GET', `/api/v1/reports/diversion?from=${fy.from}&to=${fy.to}`)) as { totals: Totals };
    expect(json.totals['diverted']!.units).toBe(2);
    expect(json.totals['reused']!.units).toBe(1);
    for (const [key, b] of Object.entries(json.totals)) {
      const cells = page.locator(`[data-testid=diversion-totals] tr[data-total=${key}] td`);
      expect(await cells.allTextContents(), key).toEqual([formatNumber('en', b.units), formatWeight('en', b.grams)]);
    }
    expect(await page.locator('[data-testid=reconciliation]').textContent()).toBe(en['office.reports.reconciled']);
    await shot(page, 'reports', { fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // Staff report on their own site: the file names it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download=diversion-csv]')]);
    expect(download.suggestedFilename()).toBe(`diversion-iqaluit-${fy.from}-to-${fy.to}.csv`);
    const csv = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/).map((l) => l.split(','));
    const csvTotals = Object.fromEntries(csv.filter((r) => r[0] === 'totals').map((r) => [r[1], { units: Number(r[2]), grams: Number(r[3]) }]));
    expect(csvTotals).toEqual(json.totals);
    await expect.poll(() => page.locator('[role=status]').last().textContent()).toContain(download.suggestedFilename());

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-download=diversion-pdf]')]);
    expect(pdf.suggestedFilename()).toBe(`diversion-iqaluit-${fy.from}-to-${fy.to}.pdf`);
    expect(readFileSync(await pdf.path()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Custom dates, the first after the last: refused beside the first, nothing sent.
    await page.selectOption('#period-kind', 'custom');
    await page.fill('#period-from', '2026-06-01');
    await page.fill('#period-to', '2026-05-01');
    const before = reportRequests.length;
    await page.click('[data-testid=period-picker] button[type=submit]');
    await expect.poll(() => page.locator('#period-from-error').textContent()).toBe(en['period.error.from_after_to']);
    expect(await page.getAttribute('#period-from', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#period-from', 'aria-describedby')).toContain('period-from-error');
    await shot(page, 'reports-custom-refused');
    expect(await seriousViolations(page)).toEqual([]);
    await page.waitForTimeout(300);
    expect(reportRequests.length).toBe(before);

    // Put right, the same dates as the fiscal year show the same totals.
    await page.fill('#period-from', fy.from);
    await page.fill('#period-to', fy.to);
    await page.click('[data-testid=period-picker] button[type=submit]');
    await expect.poll(() => page.locator('#period-from-error').textContent()).toBe('');
    await expect.poll(() => page.locator('[data-total=diverted] td').first().textContent()).toBe(formatNumber('en', json.totals['diverted']!.units));

    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  });
});
