/**
 * The office's Devices pages in headless Chromium against the real service:
 * a coordinator follows Today's ready-by-grade row to the filtered list,
 * narrows it by free text, exports the CSV (the same devices), opens a ready
 * laptop (its drive wiped and checked, its history, its certificate, Issue
 * as a link to the issue form), sends a device to recycling and sees who
 * holds an issued one; office staff see the list and a device with nothing
 * to do; an administrator writes a device off (an empty reason refused beside
 * its field). axe-core on every state; nothing requested from another
 * origin; no script error.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { attributes, check, en, officeTab, signIn as signInAt } from './harness.js';
import { ApiClient, launchBrowser, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
let cora: ApiClient;

/** The seeded devices by role in the story. */
const tags = {} as Record<'t480' | 'x270' | 'dell' | 'hp' | 'desktop' | 'issued' | 'lost' | 'e480', string>;
let participant = '';

/** The asset tags the list shows, in order. */
const shownTags = (page: Page) => attributes(page.locator('table[data-testid=devices] tbody tr[data-tag]'), 'data-tag');

const signIn = (page: Page, username: string, password: string, hash: string, ready: string) => signInAt(page, server.url, { username, password, hash, ready });

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('cora', 'coordinator');
  await admin.createUser('stan', 'staff');
  cora = await new ApiClient(() => server.url).login('cora', USER_PASSWORD);
  const { donation } = (await cora.ok('POST', '/api/v1/donations', { donorName: 'Qikiqtani General Hospital', donorType: 'government', receivedAt: '2026-10-05' })) as { donation: { id: number } };

  // The ready grade-A laptop of the story: its drive wiped by cora and the (always drawn) first wipe checked by the admin.
  tags.t480 = await cora.readyLaptop('A', { make: 'Lenovo', model: 'ThinkPad T480', donationId: donation.id, weightGrams: 1580 });
  const pending = (await admin.ok('GET', '/api/v1/sanitization-verifications?status=pending')) as { items: Array<{ id: number; record: { assetTag?: string; storageSerial: string } }> };
  const t480 = await cora.device(tags.t480);
  const drawn = pending.items.find((v) => v.record.storageSerial === t480.storage[0].serialNumber);
  expect(drawn).toBeDefined();
  await admin.ok('POST', `/api/v1/sanitization-verifications/${drawn!.id}`, { result: 'passed' });

  tags.x270 = await cora.readyLaptop('A', { make: 'Lenovo', model: 'ThinkPad X270' });
  tags.dell = await cora.readyLaptop('A', { make: 'Dell', model: 'Latitude 5490' });
  tags.hp = await cora.readyLaptop('B', { make: 'HP', model: 'EliteBook 840' });
  tags.desktop = (await cora.intake({ category: 'desktop', make: 'Dell', model: 'OptiPlex 7050' })).assetTag;
  tags.lost = (await cora.intake({ make: 'Acer', model: 'TravelMate P214' })).assetTag;
  tags.issued = await cora.readyLaptop('A', { make: 'Lenovo', model: 'ThinkPad T470' });
  participant = ((await cora.ok('POST', '/api/v1/participants', { community: 'Iqaluit', consent: { given: true, language: 'iu' } })) as { participant: { code: string } }).participant.code;
  await cora.ok('POST', `/api/v1/devices/${tags.issued}/issue`, { participantCode: participant, kind: 'loan', dueDate: '2099-01-31', agreementAccepted: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('devices in the office', () => {
  it('a coordinator goes from Today to the ready grade-A laptops, narrows them, exports them, opens one, sends another to recycling and sees who holds a third', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    await signIn(page, 'cora', USER_PASSWORD, '', '[data-figure=readyByGrade] tr[data-grade=A]');

    // Today's figures lead to the pages that list them.
    expect(await page.locator('[data-figure=recall] h2 a').getAttribute('href')).toBe('#/devices?flag=recall');
    expect(await page.locator('[data-figure=loansOverdue] h2 a').getAttribute('href')).toBe('#/loans');
    expect(await page.locator('[data-figure=dueThisWeek] h2 a').getAttribute('href')).toBe('#/loans');
    expect(await page.locator('[data-figure=shippedUnconfirmed] h2 a').getAttribute('href')).toBe('#/recycling?status=shipped');
    expect(await page.locator('[data-figure=byStatus] tr[data-status=received] th a').getAttribute('href')).toBe('#/devices?status=received');
    await check(page, 'today-links');

    // Ready, grade A: exactly those, newest received first.
    await page.locator('[data-figure=readyByGrade] tr[data-grade=A] th a').click();
    await expect.poll(() => shownTags(page)).toEqual([tags.dell, tags.x270, tags.t480]);
    expect(await page.evaluate<string>('location.hash')).toBe('#/devices?status=ready&grade=A');
    expect(await page.locator('#filter-status').inputValue()).toBe('ready');
    expect(await page.locator('#filter-grade').inputValue()).toBe('A');
    const t480Row = page.locator(`tr[data-tag="${tags.t480}"] td`);
    expect(await t480Row.allTextContents()).toEqual([en['category.laptop'], 'Lenovo ThinkPad T480', en['station.status.ready'], 'A', 'No. 1', '1.58 kg', '—', expect.any(String)]);
    await check(page, 'list-ready-a');

    // Narrowed by free text (any case); the filters are in the hash, so a reload keeps them.
    await page.fill('#filter-q', 'thinkpad');
    await page.click('form[data-testid=device-filters] button[type=submit]');
    await expect.poll(() => shownTags(page)).toEqual([tags.x270, tags.t480]);
    expect(await page.evaluate<string>('location.hash')).toBe('#/devices?status=ready&grade=A&q=thinkpad');
    await page.reload();
    await expect.poll(() => shownTags(page)).toEqual([tags.x270, tags.t480]);
    expect(await page.locator('#filter-q').inputValue()).toBe('thinkpad');
    // Shown again with the same filters (the hash does not change): read again, with a laptop graded meanwhile.
    tags.e480 = await cora.readyLaptop('A', { make: 'Lenovo', model: 'ThinkPad E480' });
    await page.click('form[data-testid=device-filters] button[type=submit]');
    await expect.poll(() => shownTags(page)).toEqual([tags.e480, tags.x270, tags.t480]);

    // The CSV of the filtered set: the same devices, in the same order.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export-csv]')]);
    expect(download.suggestedFilename()).toMatch(/^devices-ready-A-thinkpad-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    expect(csv[0]!.split(',')[0]).toBe('assetTag');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(await shownTags(page));
    await check(page, 'list-narrowed-exported');

    // The laptop's page: drive wiped and checked, history newest first, certificate, Issue as a link.
    await page.click(`tr[data-tag="${tags.t480}"] th a`);
    await page.locator('section.device').waitFor();
    expect(await page.locator('h1#device-title').textContent()).toBe(`Device ${tags.t480}`);
    const drive = page.locator('table[data-testid=drives] tbody tr');
    expect(await drive.count()).toBe(1);
    expect(await drive.getAttribute('data-state')).toBe('passed');
    expect(await drive.getAttribute('data-check')).toBe('passed');
    expect(await drive.locator('td.wipe').textContent()).toBe(en['station.state.passed']);
    expect(await drive.locator('td.check').textContent()).toBe(en['station.check.state.passed']);
    expect(await page.locator('[data-item=donation] a').getAttribute('href')).toBe('#/donations/1');
    const history = (await cora.ok('GET', `/api/v1/devices/${tags.t480}/history`)) as { events: Array<{ action: string; actor: { username: string } | null }> };
    const rows = page.locator('table[data-testid=history] tbody tr');
    await expect.poll(() => attributes(rows, 'data-action')).toEqual(history.events.map((e) => e.action).reverse());
    // The check came after the grade: it is the newest event.
    expect(await rows.first().getAttribute('data-action')).toBe('device.sanitization_verified');
    expect(await rows.last().locator('td.who').textContent()).toBe('cora');
    expect(await page.locator('tr[data-action="device.sanitization_verified"] td.who').textContent()).toBe('admin');
    expect(await page.locator('[data-action=issue]').getAttribute('href')).toBe(`#/loans/issue?tag=${tags.t480}`);
    expect(await page.locator('[data-action=write-off]').count()).toBe(0);
    expect(await page.locator('[data-action=return]').count()).toBe(0);
    const [certificate] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=certificate]')]);
    expect(readFileSync(await certificate.path()).subarray(0, 4).toString('latin1')).toBe('%PDF');
    await page.selectOption('#label-template', 'dymo-30334');
    const [label] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=asset-label]')]);
    expect(readFileSync(await label.path()).subarray(0, 4).toString('latin1')).toBe('%PDF');
    await check(page, 'device-ready');

    // A desktop not yet wiped: no certificate, no Issue; sent to recycling after a confirmation.
    await page.goto(`${server.url}/office#/devices/${tags.desktop}`);
    await page.locator(`section.device[data-tag="${tags.desktop}"]`).waitFor();
    expect(await page.locator('[data-testid=no-certificate]').count()).toBe(1);
    expect(await page.locator('[data-action=issue]').count()).toBe(0);
    await page.click('[data-action=recycle]');
    await page.fill('#recycle-form-reason', 'Motherboard failed; parts only');
    await check(page, 'device-recycle-confirm');
    await page.click('form[data-testid=recycle-form] button[type=submit]');
    await page.locator('section.device[data-status=awaiting_recycling]').waitFor();
    expect((await cora.device(tags.desktop)).status).toBe('awaiting_recycling');
    await expect.poll(() => page.locator('table[data-testid=history] tbody tr').first().getAttribute('data-action')).toBe('device.designated_for_recycling');

    // An issued laptop: who holds it (a coordinator may see it), and Take back as a link.
    await page.goto(`${server.url}/office#/devices/${tags.issued}`);
    await page.locator('[data-item=holder] a').waitFor();
    expect(await page.locator('[data-item=holder] a').getAttribute('href')).toBe(`#/participants/${participant}`);
    expect(await page.locator('[data-action=return]').getAttribute('href')).toBe(`#/loans/return?tag=${tags.issued}`);
    expect(await page.locator('tr[data-action="device.issued"] a').textContent()).toBe(participant);
    await check(page, 'device-issued');

    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });

  it('office staff see the list and a device, with nothing to do to it and no holder', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    // More devices than a page holds: the list shows the newest 50, and Show more the rest.
    const cables: string[] = [];
    for (let i = 0; i < 45; i++) cables.push((await cora.intake({ category: 'peripheral', make: 'Generic', model: `Dock ${i}`, storage: [] })).assetTag);
    await signIn(page, 'stan', USER_PASSWORD, '#/devices', `table[data-testid=devices] tr[data-tag="${cables[44]}"]`);
    expect(await shownTags(page)).toHaveLength(50);
    expect(await page.locator('table[data-testid=devices] caption').textContent()).toContain('more follow');
    await page.click('[data-action=more]');
    await expect.poll(async () => (await shownTags(page)).length).toBe(53);
    expect(await page.locator('[data-action=more]').count()).toBe(0);
    expect(new Set(await shownTags(page))).toEqual(new Set([...Object.values(tags), ...cables]));
    expect((await shownTags(page)).slice(0, 2)).toEqual([cables[44], cables[43]]);
    expect(await page.locator('[data-action=export-csv]').count()).toBe(1);
    await check(page, 'list-staff');

    await page.click(`tr[data-tag="${tags.t480}"] th a`);
    await page.locator('[data-testid=no-actions]').waitFor();
    for (const action of ['issue', 'return', 'recycle', 'write-off', 'asset-label']) expect(await page.locator(`[data-action=${action}]`).count()).toBe(0);
    expect(await page.locator('[data-action=certificate]').count()).toBe(1);
    await check(page, 'device-staff');

    await page.goto(`${server.url}/office#/devices/${tags.issued}`);
    await page.locator('tr[data-action="device.issued"]').waitFor();
    expect(await page.locator('[data-item=holder]').count()).toBe(0);
    expect(await page.locator('tr[data-action="device.issued"] a').count()).toBe(0);
    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });

  it('an administrator writes a device off: an empty reason is refused beside its field, then the status changes', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    await signIn(page, 'admin', ADMIN_PASSWORD, `#/devices/${tags.lost}`, `section.device[data-tag="${tags.lost}"]`);
    // By keyboard: the confirmation opens with its reason field focused; Enter with nothing typed is sent, and refused.
    await page.focus('[data-action=write-off]');
    await page.keyboard.press('Enter');
    const form = page.locator('form[data-testid=write-off-form]');
    await expect.poll(() => page.evaluate<string>('document.activeElement.id')).toBe('write-off-form-reason');
    await page.keyboard.press('Enter');
    const error = form.locator('[data-field=reason] .field-error');
    await expect.poll(() => error.textContent()).not.toBe('');
    expect(await form.locator('#write-off-form-reason').getAttribute('aria-invalid')).toBe('true');
    expect((await cora.device(tags.lost)).status).toBe('received');
    await check(page, 'write-off-refused');

    await page.keyboard.type('Lost on the way to Kimmirut');
    await page.keyboard.press('Enter');
    await page.locator('section.device[data-status=written_off]').waitFor();
    expect(await page.locator('[data-item=status]').textContent()).toContain(en['station.status.written_off']);
    await expect.poll(() => page.locator('table[data-testid=history] tbody tr').first().getAttribute('data-action')).toBe('device.written_off');
    expect(await page.locator('[data-action=write-off]').count()).toBe(0);
    expect((await cora.device(tags.lost)).status).toBe('written_off');
    await check(page, 'written-off');
    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });
});
