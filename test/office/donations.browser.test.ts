/**
 * The office's Donations page in headless Chromium against the real service:
 * a coordinator records a donation of three expected devices with a contact
 * at the donor (a contact with neither email nor phone refused beside the
 * email field, in the service's words), sees 0 of 3 received; two devices
 * taken in against it through the API then show as 2 of 3 with links to
 * their pages, and the donation's certificate downloads. axe-core on every
 * state; nothing requested from another origin; no script error.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { check as checkPage, en, officeTab } from './harness.js';
import { ApiClient, launchBrowser, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

const check = (page: Page, name: string) => checkPage(page, `donations-${name}`);

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let cora: ApiClient;

const fill = (key: string, vars: Record<string, string>) => Object.entries(vars).reduce((s, [k, v]) => s.replace(`{${k}}`, v), en[key]!);

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  const admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('cora', 'coordinator');
  cora = await new ApiClient(() => server.url).login('cora', USER_PASSWORD);
  // An earlier lot, so that the list has a row that is not the new one.
  await cora.ok('POST', '/api/v1/donations', { donorName: 'Nunavut Arctic College', donorType: 'school', receivedAt: '2026-01-12' });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('Donations in the office', () => {
  it('a coordinator records a donation of three devices with a contact, sees 0 then 2 of 3 received, and downloads its certificate', async () => {
    const { context, page, errors, outside } = await officeTab(browser, server.url);
    await page.goto(`${server.url}/office#/donations`);
    await page.fill('#sign-in-username', 'cora');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('h1#donations-title').waitFor();
    await page.locator('[data-testid=donations] tr[data-donation]').first().waitFor();
    await check(page, 'list');

    // A contact with a name only: refused beside the email field, in the service's words; nothing recorded.
    const form = page.locator('form[data-testid=create-donation]');
    await form.locator('#new-donation-donorName').fill('Qikiqtani General Hospital');
    await form.locator('#new-donation-donorType').selectOption('government');
    await form.locator('#new-donation-receivedAt').fill('2026-11-20');
    await form.locator('#new-donation-expectedDevices').fill('3');
    await form.locator('#new-donation-contactName').fill('Lucy Tulugarjuk');
    await form.locator('button[type=submit]').click();
    const emailError = form.locator('#new-donation-contactEmail-error');
    await expect.poll(() => emailError.textContent()).toBe('give an email or a phone number');
    expect(await form.locator('#new-donation-contactEmail').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('#new-donation-donorName-error').textContent()).toBe('');
    expect((await cora.ok('GET', '/api/v1/donations')).items).toHaveLength(1);
    await check(page, 'refused');

    await form.locator('#new-donation-contactEmail').fill('lucy.t@qgh.example');
    await form.locator('#new-donation-contactPhone').fill('867-555-0100');
    await form.locator('button[type=submit]').click();
    await page.locator('h1#donation-title').waitFor();
    await expect.poll(() => page.locator('h1#donation-title').textContent()).toBe(fill('office.donations.one', { donor: 'Qikiqtani General Hospital' }));
    const id = Number(/#\/donations\/(\d+)$/.exec(page.url())?.[1]);
    const recorded = (await cora.ok('GET', `/api/v1/donations/${id}`)).donation;
    expect(recorded).toMatchObject({ donorType: 'government', receivedAt: '2026-11-20', expectedDevices: 3, contact: { name: 'Lucy Tulugarjuk', email: 'lucy.t@qgh.example', phone: '867-555-0100' } });
    await expect.poll(() => page.locator('[data-testid=received-count]').textContent()).toBe(fill('office.donations.receivedOf', { received: '0', expected: '3' }));
    expect(await page.locator('[data-testid=contact-email]').textContent()).toBe('lucy.t@qgh.example');
    await page.locator('[data-testid=no-devices]').waitFor();
    await check(page, 'new');

    // Two devices taken in against it at the bench: the page shows 2 of 3, each linked to its device's page.
    const taken = [await cora.intake({ donationId: id }), await cora.intake({ donationId: id })];
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=received-count]').textContent()).toBe(fill('office.donations.receivedOf', { received: '2', expected: '3' }));
    const links = page.locator('[data-testid=donation-devices] tbody tr th a');
    await expect.poll(() => links.allTextContents()).toEqual(taken.map((d) => d.assetTag));
    expect(await links.first().getAttribute('href')).toBe(`#/devices/${taken[0]!.assetTag}`);
    await check(page, 'received');

    const [certificate] = await Promise.all([page.waitForEvent('download'), page.click('[data-download=certificate]')]);
    expect(certificate.suggestedFilename()).toMatch(/\.pdf$/);
    expect(readFileSync(await certificate.path()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await expect.poll(() => page.locator('[role=status]').last().textContent()).toContain(certificate.suggestedFilename());
    if (process.env['OFFICE_SHOTS']) await certificate.saveAs(`${process.env['OFFICE_SHOTS']}/donations-certificate.pdf`);

    // The list says the same.
    await page.click(`a[href="#/donations"]`);
    const row = page.locator(`[data-testid=donations] tr[data-donation="${id}"]`);
    await expect.poll(() => row.locator('td').last().textContent()).toBe(fill('office.donations.receivedOf', { received: '2', expected: '3' }));

    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  });
});
