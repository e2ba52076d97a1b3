/**
 * The scan station's "Import wipe report" (docs/imports.md): an nwipe log
 * picked on the device card, its dry run shown (nothing recorded), a drive it
 * names registered on the device at hand, then recorded.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { ADMIN_PASSWORD } from '../helpers.js';
import { ApiClient, launchBrowser, loginAt, newStation, scanWithScanner, startServer, tempDbPath, type RunningServer } from './harness.js';

const LOG = path.join(import.meta.dirname, '../fixtures/wipe-reports/nwipe-0.42.format-strings.txt');

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
let tag: string;
const clock = fixedClock('2026-02-27T13:00:00.000Z');

const records = () => (server.app.services.db.$client.prepare('select count(*) as n from sanitization_records').get() as { n: number }).n;

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path, { clock });
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('tina', 'trainee');
  const dev = await admin.intake({
    storage: [
      { serialNumber: 'ZN15TA6Y', kind: 'hdd', capacityGb: 1000 },
      { serialNumber: 'WD-WX11A80W7430', kind: 'hdd', capacityGb: 160 },
    ],
  });
  tag = dev.assetTag;
  // After the log's wipes (09:12–11:12 in Iqaluit, 14:12–16:12 UTC), within the sessions' life.
  clock.set('2026-02-27T20:00:00.000Z');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('station: import a wipe report', () => {
  it('shows the dry run (nothing recorded), registers the drive the device lacks, then records every drive', async () => {
    const { context, page, errors } = await newStation(browser);
    page.setDefaultTimeout(10_000);
    try {
      await loginAt(page, server.url, 'tina');
      await scanWithScanner(page, tag);
      await page.locator(`[data-asset-tag="${tag}"]`).waitFor();
      await page.click('[data-testid=import-wipe-report]');
      await page.setInputFiles('[data-testid=wipe-file]', LOG);

      const rows = page.locator('[data-testid=wipe-result] tbody tr');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3);
      expect(await page.locator('tr[data-serial="ZN15TA6Y"]').getAttribute('data-outcome')).toBe('recorded');
      expect(await page.locator('tr[data-serial="WD-WX11A80W7430"]').getAttribute('data-outcome')).toBe('recorded');
      expect(await page.locator('tr[data-serial="S4EWNX0R123456789012"]').getAttribute('data-outcome')).toBe('unmatched');
      expect(records()).toBe(0);

      // The NVMe drive is in this device: register it from the preview.
      await page.selectOption('tr[data-serial="S4EWNX0R123456789012"] [data-testid=wipe-register-kind]', 'nvme');
      await page.click('tr[data-serial="S4EWNX0R123456789012"] [data-testid=wipe-register]');
      await expect.poll(() => page.locator('tr[data-serial="S4EWNX0R123456789012"]').getAttribute('data-outcome'), { timeout: 10_000 }).toBe('recorded');
      expect(records()).toBe(0);

      await page.click('[data-testid=wipe-record]');
      await expect.poll(() => records(), { timeout: 10_000 }).toBe(3);
      await expect.poll(() => page.locator('.wipe-summary').textContent(), { timeout: 10_000 }).toMatch(/nwipe 0\.42: recorded\. 3 drives are recorded\./);
      const device = await admin.device(tag);
      expect(device.storage.map((s: { serialNumber: string; sanitizationState: string }) => [s.serialNumber, s.sanitizationState])).toEqual([
        ['ZN15TA6Y', 'passed'],
        ['WD-WX11A80W7430', 'failed'],
        ['S4EWNX0R123456789012', 'passed'],
      ]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
