/**
 * Sites in the office, in headless Chromium against the real service
 * (docs/domain.md §8): a coordinator in Iqaluit sends a box of three wiped
 * laptops to Kimmirut (a box holding a device that may not travel is
 * refused whole, naming it) and saves its packing list, whose barcodes
 * zbarimg reads back; a coordinator in Kimmirut, whose headings name
 * Kimmirut, sees the box coming in, scans two tags in (a tag not on the box
 * is refused and the field keeps the focus) and is told the third is still
 * on its way; the sender calls it back and the transfer closes. An admin
 * picks a site on Devices, Donations, Recycling and Reports and sees only
 * that site's records, each list of every site naming the site of each row.
 * axe-core on every state; nothing requested from another origin; no
 * script error.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { attributes, check as checkPage, en, officeTab, signIn, type Tab } from './harness.js';
import { ApiClient, launchBrowser, scanWithScanner, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

const check = (page: Page, name: string) => checkPage(page, `transfers-${name}`);
const fill = (key: string, vars: Record<string, string>) => Object.entries(vars).reduce((s, [k, v]) => s.replace(`{${k}}`, v), en[key]!);
const focused = (page: Page) => page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
/** Three wiped laptops at Iqaluit, and one only received there. */
const tags: string[] = [];
let unwiped = '';
let transferId = 0;
const tabs: Tab[] = [];

async function tab(): Promise<Page> {
  const t = await officeTab(browser, server.url);
  tabs.push(t);
  return t.page;
}

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.ok('POST', '/api/v1/sites', { code: 'kimmirut', name: 'Kimmirut', nameSyllabics: 'ᑭᒻᒥᕈᑦ', assetTagPrefix: 'KM', timezone: 'America/Iqaluit' });
  await admin.ok('POST', '/api/v1/users', { username: 'cora', displayName: 'Cora Iqaluk', role: 'coordinator', password: USER_PASSWORD });
  await admin.ok('POST', '/api/v1/users', { username: 'kim', displayName: 'Kim Kolola', role: 'coordinator', password: USER_PASSWORD, site: 'kimmirut' });
  for (let i = 0; i < 3; i++) {
    const d = await admin.intake();
    await admin.wipe(d.assetTag, d.storage[0]!.serialNumber);
    tags.push(d.assetTag);
  }
  unwiped = (await admin.intake()).assetTag;
});

afterAll(async () => {
  for (const t of tabs) {
    expect(t.errors).toEqual([]);
    expect(t.outside).toEqual([]);
    await t.context.close();
  }
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('transfers between sites in the office', () => {
  it('Iqaluit sends a box: one that holds an unwiped device is refused naming it; the packing list carries every tag as a barcode', async () => {
    const page = await tab();
    await signIn(page, server.url, { username: 'cora', password: USER_PASSWORD, hash: '#/transfers', ready: 'h1#transfers-title' });
    await expect.poll(() => page.locator('[data-testid=office-site] strong').textContent()).toBe('Iqaluit');
    expect(await page.title()).toBe(`${en['office.page.transfers']} · Iqaluit`);
    await page.locator('[data-testid=no-transfers]').waitFor();
    expect(await page.locator('#transfers-list-title').textContent()).toBe(fill('office.transfers.listOf', { site: 'Iqaluit' }));
    await check(page, 'empty');

    const form = page.locator('form[data-testid=send-box]');
    // Kimmirut is the only other site; Iqaluit itself is not offered.
    expect(await form.locator('#send-box-toSite option').allTextContents()).toEqual(['Kimmirut']);
    await form.locator('#send-box-assetTags').fill([...tags, unwiped].join('\n'));
    expect(await form.locator('#send-box-assetTags-hint').textContent()).toBe(fill('office.transfers.tagsHint', { count: '4', max: '500' }));
    await form.locator('#send-box-carrier').fill('Canadian North Cargo');
    await form.locator('#send-box-reference').fill('WB-7781');
    await form.locator('button[type=submit]').click();
    const refusal = form.locator('#send-box-assetTags-error');
    // The service's reason, with the device's status now (src/client/problems.ts).
    const reason = `${en['problem.devices.invalid_transition']} ${fill('problem.currentStatus', { status: en['station.status.received']! })}`;
    await expect.poll(() => refusal.textContent()).toBe(fill('office.transfers.tagRefused', { tag: unwiped, reason }));
    expect(await form.locator('#send-box-assetTags').getAttribute('aria-invalid')).toBe('true');
    // Nothing left: the box was refused whole.
    expect((await admin.device(tags[0]!))['status']).toBe('sanitized');
    await check(page, 'refused');

    await form.locator('#send-box-assetTags').fill(tags.join('\n'));
    await form.locator('button[type=submit]').click();
    await page.locator('section.transfer[data-status=open]').waitFor();
    transferId = Number(await page.locator('section.transfer').getAttribute('data-transfer'));
    expect(transferId).toBeGreaterThan(0);
    expect(await page.locator('h1#transfer-title').textContent()).toBe(fill('office.transfers.title', { id: String(transferId), from: 'Iqaluit', to: 'Kimmirut' }));
    expect(await page.locator('[data-testid=direction]').textContent()).toBe(en['office.transfers.direction.out']);
    expect(await page.locator('[data-testid=transfer-devices] tbody tr[data-state=in_transit]').count()).toBe(3);
    // The sender does not receive; it may call the box back.
    expect(await page.locator('form[data-testid=receive]').count()).toBe(0);
    expect(await page.locator('[data-testid=call-back]').count()).toBe(1);
    await check(page, 'sent');

    const download = page.waitForEvent('download');
    await page.click('[data-download=packing-list]');
    const file = await download;
    expect(file.suggestedFilename()).toBe(`packing-list-${transferId}.pdf`);
    const dir = mkdtempSync(join(tmpdir(), 'packing-'));
    try {
      await file.saveAs(join(dir, 'list.pdf'));
      expect(readFileSync(join(dir, 'list.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
      execFileSync('pdftoppm', ['-r', '300', '-gray', '-png', join(dir, 'list.pdf'), join(dir, 'page')]);
      const decoded = execFileSync('sh', ['-c', `zbarimg -q --raw ${join(dir, 'page')}*.png || true`], { encoding: 'utf8' });
      expect(decoded.trim().split('\n').sort()).toEqual([...tags].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Kimmirut sees it coming in, scans two tags in, a stray tag is refused, and the third is reported still on its way', async () => {
    const page = await tab();
    await signIn(page, server.url, { username: 'kim', password: USER_PASSWORD, hash: '#/transfers', ready: 'h1#transfers-title' });
    // The headings name the user's site, not the server's.
    await expect.poll(() => page.locator('[data-testid=office-site] strong').textContent()).toBe('Kimmirut');
    await expect.poll(() => page.title()).toBe(`${en['office.page.transfers']} · Kimmirut`);
    const row = page.locator(`[data-testid=transfers] tr[data-transfer="${transferId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-direction')).toBe('in');
    expect(await row.locator('td').allTextContents()).toEqual([en['office.transfers.direction.in'], 'Iqaluit', 'Kimmirut', en['office.transfers.status.open'], expect.any(String), '3', '3', 'Canadian North Cargo · WB-7781']);
    await check(page, 'incoming');

    // Only the boxes going out: none from Kimmirut.
    await page.selectOption('#transfers-direction', 'out');
    await page.locator('[data-testid=no-transfers]').waitFor();
    expect(page.url()).toContain('#/transfers?direction=out');
    await page.selectOption('#transfers-direction', 'in');
    await row.waitFor();

    await row.locator('a').click();
    await page.locator('form[data-testid=receive]').waitFor();
    await expect.poll(() => focused(page)).toBe('receive-code');
    expect(await page.locator('[data-testid=call-back]').count()).toBe(0);
    const said = page.locator('#receive-said');
    await scanWithScanner(page, tags[0]!);
    await expect.poll(() => said.textContent()).toBe(fill('office.transfers.received', { code: tags[0]!, count: '2' }));
    await scanWithScanner(page, unwiped);
    await expect.poll(() => said.textContent()).toBe(fill('office.transfers.receiveRefused', { code: unwiped, reason: en['problem.transfers.not_on_transfer']! }));
    expect(await said.getAttribute('class')).toContain('message-refused');
    expect(await focused(page)).toBe('receive-code');
    await scanWithScanner(page, tags[1]!);
    await expect.poll(() => said.textContent()).toBe(fill('office.transfers.received', { code: tags[1]!, count: '1' }));
    const missing = page.locator('[data-testid=missing] li');
    await expect.poll(() => missing.allTextContents()).toEqual([tags[2]]);
    // Still Iqaluit's until received: Kimmirut cannot open its page, so its tag is no link; the received ones are.
    expect(await missing.locator('a').count()).toBe(0);
    expect(await page.locator(`[data-testid=transfer-devices] tr[data-tag="${tags[0]}"] a`).getAttribute('href')).toBe(`#/devices/${tags[0]}`);
    expect(await page.locator(`[data-testid=transfer-devices] tr[data-tag="${tags[2]}"] a`).count()).toBe(0);
    expect(await page.locator('#missing-title').textContent()).toBe(fill('office.transfers.missingTitle', { count: '1' }));
    expect(await page.locator('[data-testid=received]').textContent()).toBe('2');
    await check(page, 'received');
    // The service agrees: two at Kimmirut, as they left; one still on its way.
    expect((await admin.device(tags[0]!))['site']).toBe('kimmirut');
    expect((await admin.device(tags[0]!))['status']).toBe('sanitized');
    expect((await admin.device(tags[2]!))['status']).toBe('in_transit');
  });

  it('Iqaluit calls back the missing laptop after confirming; the transfer closes', async () => {
    const page = await tab();
    await signIn(page, server.url, { username: 'cora', password: USER_PASSWORD, hash: `#/transfers/${transferId}`, ready: 'section.transfer' });
    await page.click('[data-testid=call-back]');
    expect(await page.locator('#call-back-confirm').textContent()).toBe('Call back 1 device? This cannot be undone.');
    // The focus follows the question to its answers, and back when it is withdrawn.
    await expect.poll(() => page.evaluate<string>('document.activeElement ? document.activeElement.getAttribute("data-testid") || "" : ""')).toBe('call-back-yes');
    await check(page, 'call-back');
    await page.click('[data-testid=call-back-yes]');
    await page.locator('section.transfer[data-status=closed]').waitFor();
    // The panel that acted is gone: what happened is said where it stays, and the focus is on the heading.
    expect(await page.locator('#transfer-said').textContent()).toBe('1 device called back: the transfer is closed.');
    await expect.poll(() => focused(page)).toBe('transfer-title');
    expect(await page.locator(`[data-testid=transfer-devices] tr[data-tag="${tags[2]}"]`).getAttribute('data-state')).toBe('cancelled');
    expect(await page.locator('[data-testid=missing]').count()).toBe(0);
    expect(await page.locator('[data-testid=call-back]').count()).toBe(0);
    expect((await admin.device(tags[2]!))['site']).toBe('iqaluit');
    expect((await admin.device(tags[2]!))['status']).toBe('sanitized');
    // The list's default (open transfers) no longer holds it; closed ones do.
    await page.click('a[href="#/transfers"]');
    await page.locator('[data-testid=no-transfers]').waitFor();
    await page.selectOption('#transfers-status', 'closed');
    await page.locator(`[data-testid=transfers] tr[data-transfer="${transferId}"][data-status=closed]`).waitFor();
    // A link naming another site (as an admin would share) shows a coordinator their own site's devices, with no site filter.
    await page.goto(`${server.url}/office#/devices?site=kimmirut`);
    await expect.poll(async () => (await attributes(page.locator('[data-testid=devices] tbody tr'), 'data-tag')).sort()).toEqual([tags[2], unwiped].sort());
    expect(await page.locator('#filter-site').count()).toBe(0);
  });

  it('an admin picks a site on Devices, Donations, Recycling and Reports; lists of every site name each row’s site', async () => {
    await admin.ok('POST', '/api/v1/donations', { donorName: 'Hamlet of Iqaluit', donorType: 'government', receivedAt: new Date().toISOString().slice(0, 10) });
    const page = await tab();
    await signIn(page, server.url, { username: 'admin', password: ADMIN_PASSWORD, hash: '#/devices', ready: 'h1#devices-title' });
    await page.locator('#filter-site option[value=kimmirut]').waitFor({ state: 'attached' });
    const rows = page.locator('[data-testid=devices] tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    // Every site's devices: each row names its site.
    const siteOf = async (tag: string) => page.locator(`[data-testid=devices] tr[data-tag="${tag}"] td[data-site]`).textContent();
    expect(await siteOf(tags[0]!)).toBe('Kimmirut');
    expect(await siteOf(tags[2]!)).toBe('Iqaluit');
    await check(page, 'devices-all');
    await page.selectOption('#filter-site', 'kimmirut');
    await page.click('form[data-testid=device-filters] button[type=submit]');
    await expect.poll(() => page.url()).toContain('site=kimmirut');
    await expect.poll(async () => (await attributes(rows, 'data-tag')).sort()).toEqual([tags[0], tags[1]].sort());
    // One site's list has no site column.
    expect(await page.locator('[data-testid=devices] td[data-site]').count()).toBe(0);
    await check(page, 'devices-kimmirut');

    await page.goto(`${server.url}/office#/donations?site=kimmirut`);
    await page.locator('[data-testid=no-donations]').waitFor();
    await page.selectOption('#donations-site', '');
    await page.locator('[data-testid=donations] tr[data-donation] td[data-site=iqaluit]').waitFor();
    await check(page, 'donations');

    await page.goto(`${server.url}/office#/recycling`);
    await page.locator('#shipments-site').waitFor();
    await check(page, 'recycling');

    await page.goto(`${server.url}/office#/reports`);
    const site = page.locator('[data-testid=report-site]');
    await expect.poll(() => site.getAttribute('data-site')).toBe('all');
    expect(await site.textContent()).toBe(en['office.reports.siteAll']);
    await page.selectOption('#report-site', 'kimmirut');
    await expect.poll(() => site.getAttribute('data-site')).toBe('kimmirut');
    expect(await site.textContent()).toBe(fill('office.reports.siteOne', { site: 'Kimmirut' }));
    await check(page, 'reports-kimmirut');

    // The transfers of every site, none of them "in" or "out" for the admin until a site is picked.
    await page.goto(`${server.url}/office#/transfers?status=any`);
    const row = page.locator(`[data-testid=transfers] tr[data-transfer="${transferId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-direction')).toBeNull();
    expect(await page.locator('#transfers-direction').count()).toBe(0);
    await page.selectOption('#transfers-site', 'kimmirut');
    await expect.poll(() => row.getAttribute('data-direction')).toBe('in');
    await check(page, 'admin');
  });
});
