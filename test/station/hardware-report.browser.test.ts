/**
 * The scan station's intake form filled from a hardware report dropped on it
 * (and chosen with the file picker): the dry run writes nothing, the fields
 * take the report's values, its warnings show, and Register sends the intake.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { ApiClient, launchBrowser, loginAt, newStation, scanWithScanner, signalAfter, startServer, tempDbPath, type RunningServer } from './harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/hardware-reports');
const POLL = { timeout: 10_000, interval: 50 };

describe('station: intake from a hardware report', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: ApiClient;
  const db = tempDbPath();

  beforeAll(async () => {
    server = await startServer(db.path);
    admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
    await admin.createUser('tina', 'trainee');
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    db.cleanup();
  });

  async function openIntake(page: Page, code: string) {
    await loginAt(page, server.url, 'tina');
    await signalAfter(page, () => scanWithScanner(page, code));
    await page.click('[data-testid=unknown] [data-action=intake]');
    const form = page.locator('form[data-form=intake]');
    await form.waitFor();
    return form;
  }

  /** A file dropped on an element, as a browser's drag and drop delivers it. */
  async function drop(page: Page, selector: string, name: string, content: string, type: string): Promise<void> {
    const transfer = await page.evaluateHandle(
      ([n, c, ty]) => {
        // Runs in the page: DataTransfer is the browser's (this file is typed without the DOM library).
        const Transfer = (globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } }).DataTransfer;
        const dt = new Transfer();
        dt.items.add(new File([c!], n!, { type: ty! }));
        return dt;
      },
      [name, content, type],
    );
    await page.dispatchEvent(selector, 'dragover', { dataTransfer: transfer });
    await page.dispatchEvent(selector, 'drop', { dataTransfer: transfer });
  }

  it('a Workbench snapshot dropped on the form fills it, shows its warnings, writes nothing; Register takes the device in with its drive and specs', async () => {
    const { page, context, errors } = await newStation(browser);
    try {
      const form = await openIntake(page, 'LUSEA0D010038879A01601');
      const before = await admin.ok('GET', '/api/v1/devices?limit=500');
      await drop(page, '[data-testid=report-drop]', 'snapshot.json', readFileSync(path.join(FIXTURES, 'workbench-2022-acer-aohappy.json'), 'utf8'), 'application/json');
      await expect.poll(() => page.locator('[data-testid=report-drop]').getAttribute('data-state'), POLL).toBe('filled');
      expect(await form.locator('select[name=category]').inputValue()).toBe('laptop');
      expect(await form.locator('input[name=make]').inputValue()).toBe('Acer');
      expect(await form.locator('input[name=model]').inputValue()).toBe('AOHAPPY');
      expect(await form.locator('input[name=serialNumber]').inputValue()).toBe('LUSEA0D010038879A01601');
      // The report's drives replace the empty row the form opened with.
      const rows = form.locator('[data-rows="storage"] > [data-row]');
      expect(await rows.count()).toBe(1);
      expect(await rows.locator('input[name$=".serialNumber"]').inputValue()).toBe('WD-WX11A80W7430');
      expect(await rows.locator('select[name$=".kind"]').inputValue()).toBe('hdd');
      expect(await rows.locator('input[name$=".capacityGb"]').inputValue()).toBe('160');
      expect(await page.locator('[data-testid=report-warnings] li').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Flash Disk on USB')]));
      // The dry run wrote nothing.
      expect((await admin.ok('GET', '/api/v1/devices?limit=500')).items).toEqual(before.items);

      const done = await signalAfter(page, () => form.locator('button[type=submit]').click());
      expect(done.kind).toBe('success');
      const device = await admin.ok('GET', '/api/v1/devices/LUSEA0D010038879A01601');
      expect(device.device).toMatchObject({ make: 'Acer', model: 'AOHAPPY', category: 'laptop', specs: { cpu: 'Intel(R) Atom(TM) CPU N450 @ 1.66GHz', ramGb: 1, storageGb: 160 } });
      expect(device.device.storage).toEqual([expect.objectContaining({ serialNumber: 'WD-WX11A80W7430', kind: 'hdd', capacityGb: 160, model: 'WDC WD1600BEVT-22A23T0' })]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the file picker takes dmidecode text; a scanned serial that differs from the report is kept and warned about', async () => {
    const { page, context, errors } = await newStation(browser);
    try {
      const form = await openIntake(page, 'LABEL-SERIAL-1');
      await page.setInputFiles('[data-testid=report-file]', { name: 'dmidecode.txt', mimeType: 'text/plain', buffer: readFileSync(path.join(FIXTURES, 'dmidecode-dell-latitude-e7240.txt')) });
      await expect.poll(() => page.locator('[data-testid=report-drop]').getAttribute('data-state'), POLL).toBe('filled');
      expect(await form.locator('input[name=make]').inputValue()).toBe('Dell Inc.');
      expect(await form.locator('input[name=model]').inputValue()).toBe('Latitude E7240');
      expect(await form.locator('input[name=serialNumber]').inputValue()).toBe('LABEL-SERIAL-1');
      expect(await page.locator('[data-testid=report-warnings] li').first().textContent()).toContain('5CQ6VY1');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a file that is no report is refused with the reason, and the form stays as it was', async () => {
    const { page, context } = await newStation(browser);
    try {
      const form = await openIntake(page, 'LABEL-SERIAL-2');
      await drop(page, '[data-testid=report-drop]', 'photo.json', '{"truncated": ', 'application/json');
      await expect.poll(() => page.locator('[data-testid=report-drop]').getAttribute('data-state'), POLL).toBe('refused');
      expect(await page.locator('[data-testid=report-status]').textContent()).toMatch(/truncated or malformed/);
      expect(await form.locator('input[name=make]').inputValue()).toBe('');
    } finally {
      await context.close();
    }
  }, 60_000);
});
