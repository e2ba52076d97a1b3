/**
 * Issue and return at the desk, and the Loans page, in headless Chromium
 * against the real service, with the service's clock and the browser's moved
 * together: a coordinator registers a participant, issues them a ready laptop
 * from their page (picked by search; no participant and a past due date
 * refused beside their fields), gets the handover PDF, sees the loan come due
 * and then overdue by the right number of days (and on Today), and takes it
 * back. Office staff read the page without Issue or Take back. axe-core on
 * every state; nothing requested from another origin; no script error.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { ADMIN_PASSWORD } from '../helpers.js';
import { attributes, check, en, officeTab, signIn as signInAt } from './harness.js';
import { ApiClient, launchBrowser, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

/** Noon in Iqaluit (UTC−5): the same calendar date on the server (UTC) and in the browser, whatever the machine's zone. */
const T0 = '2026-03-02T17:00:00.000Z';
const clock = fixedClock(T0);

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let cora: ApiClient;
let ready: string;
let notReady: string;
let gifted: string;

const signIn = (page: Page, username: string, hash: string, ready: string) => signInAt(page, server.url, { username, password: USER_PASSWORD, hash, ready });

/** Moves the service's clock and the browser's to the same instant. */
async function moveClocks(page: Page, at: string): Promise<void> {
  clock.set(at);
  await page.clock.setFixedTime(new Date(at));
}

/** The asset tags a group of the Loans page lists. */
const tagsIn = (page: Page, group: string) => attributes(page.locator(`[data-group=${group}] tbody tr`), 'data-tag');

beforeAll(async () => {
  db = tempDbPath();
  // Sessions outlive the three weeks the clocks move.
  server = await startServer(db.path, { clock, env: { SESSION_TTL_HOURS: '2160' } });
  browser = await launchBrowser();
  const admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('cora', 'coordinator');
  await admin.createUser('stan', 'staff');
  cora = await new ApiClient(() => server.url).login('cora', USER_PASSWORD);
  ready = await cora.readyLaptop();
  gifted = await cora.readyLaptop();
  notReady = (await cora.intake()).assetTag;
  // The second-person checks of the wipes, by someone other than the technician.
  const { items } = (await admin.ok('GET', '/api/v1/sanitization-verifications?status=pending')) as { items: Array<{ id: number }> };
  expect(items.length).toBeGreaterThan(0);
  for (const v of items) await admin.ok('POST', `/api/v1/sanitization-verifications/${v.id}`, { result: 'passed' });
  // Someone in another community, holding a gift: searches leave them out, and the page lists the gift apart from loans.
  const { participant } = await cora.ok('POST', '/api/v1/participants', { community: 'Arviat', consent: { given: true, language: 'iu' } });
  await cora.ok('POST', `/api/v1/devices/${gifted}/issue`, { participantCode: participant.code, kind: 'gift', agreementAccepted: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('loans at the desk', () => {
  it('a coordinator issues a laptop to a participant picked by search, gets the handover form, sees it come due and go overdue, and takes it back', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    await page.clock.setFixedTime(new Date(T0));
    const issueRequests: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/issue')) issueRequests.push(r.url());
    });

    // A participant registered through the Participants page's form; their page offers to issue them a device.
    await signIn(page, 'cora', '#/participants', 'form[data-testid=create-participant]');
    const create = page.locator('form[data-testid=create-participant]');
    await create.locator('#new-participant-community').fill('Iqaluit');
    await create.locator('#new-participant-consent').check();
    await create.locator('#new-participant-language').selectOption('en');
    await create.locator('button[type=submit]').click();
    await page.locator('section.participant').waitFor();
    const code = (await page.locator('section.participant').getAttribute('data-code'))!;
    expect(code).toMatch(/^P-\d{6}$/);
    await page.click('a[data-action=issue]');
    await page.locator('form[data-testid=issue-form]').waitFor();
    expect(page.url()).toContain(`#/loans/issue?participant=${code}`);
    await expect.poll(() => page.locator('[data-testid=chosen]').getAttribute('data-code')).toBe(code);

    // A device that is not ready is refused in words, beside the tag, before anything is sent.
    const tagField = page.locator('#issue-tag');
    await tagField.fill(notReady);
    await tagField.press('Enter');
    await expect.poll(() => page.locator('[data-field=tag] .field-error').textContent()).toContain(`${notReady} is received: `);
    await check(page, 'issue-not-ready');

    // She finds a ready grade-A laptop from Today's figure, opens it on Devices and follows its Issue action: the form comes back with its tag.
    await page.click('nav a[href="#/today"]');
    await page.locator('[data-figure=readyByGrade] tr[data-grade=A] th a').click();
    await page.locator(`a[href="#/devices/${ready}"]`).click();
    await page.locator('a[data-action=issue]').click();
    await page.locator('form[data-testid=issue-form]').waitFor();
    expect(await page.evaluate<string>('location.hash')).toBe(`#/loans/issue?tag=${ready}`);
    await expect.poll(() => page.locator('[data-testid=device-what]').textContent()).toBe(`${ready} · Lenovo ThinkPad T480 (Laptop) · grade A, Ready`);
    expect(await page.locator('[data-field=tag] .field-error').textContent()).toBe('');

    // No participant chosen: said beside the participant, nothing sent.
    await page.locator('#issue-agreementAccepted').check();
    await page.click('form[data-testid=issue-form] button[type=submit]');
    await expect.poll(() => page.locator('[data-field=participantCode] .field-error').textContent()).toBe(en['office.loans.participant.required']);
    expect(issueRequests).toEqual([]);
    await check(page, 'issue-no-participant');

    // Found by community (the Arviat participant is left out), and chosen from the results.
    await page.fill('#issue-participant', 'Iqaluit');
    await page.press('#issue-participant', 'Enter');
    const results = page.locator('table[data-testid=participant-results] tbody tr');
    await expect.poll(() => attributes(results, 'data-code')).toEqual([code]);
    await check(page, 'issue-search');
    // Chosen with the keyboard: past Find to the result's Choose; the focus then goes on to "Choose someone else".
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null>('document.activeElement.getAttribute("aria-label")')).toBe(`Choose ${code}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=chosen]').getAttribute('data-code')).toBe(code);
    await expect.poll(() => page.evaluate<string>('document.activeElement.id')).toBe('issue-change');
    expect(await page.locator('[data-field=participantCode] .field-error').textContent()).toBe('');

    // The due date proposed is 90 days on; a date in the past is refused by the service beside the field.
    expect(await page.inputValue('#issue-dueDate')).toBe('2026-05-31');
    await page.fill('#issue-dueDate', '2026-02-27');
    await page.click('form[data-testid=issue-form] button[type=submit]');
    await expect.poll(() => page.locator('[data-field=dueDate] .field-error').textContent()).toBe('in the past');
    expect(await page.locator('#issue-dueDate').getAttribute('aria-invalid')).toBe('true');
    expect(issueRequests).toHaveLength(1);
    await check(page, 'issue-due-in-the-past');

    // Issued: the handover form is saved, a PDF naming the laptop.
    await page.fill('#issue-dueDate', '2026-03-20');
    await page.fill('#issue-accessories', 'charger, padded bag');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('form[data-testid=issue-form] button[type=submit]')]);
    expect(download.suggestedFilename()).toMatch(/^handover-\d+\.pdf$/);
    if (process.env['OFFICE_SHOTS']) await download.saveAs(`${process.env['OFFICE_SHOTS']}/handover.pdf`);
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(execFileSync('pdftotext', [await download.path(), '-'], { encoding: 'utf8' })).toContain(ready);
    const done = page.locator('[data-testid=issued]');
    await expect.poll(() => done.locator('h2').textContent()).toBe(`${ready} is lent to ${code} until Mar 20, 2026.`);
    expect(await done.locator('.message-success').textContent()).toContain(download.suggestedFilename());
    expect(await done.locator(`a[href="#/devices/${ready}"]`).count()).toBe(1);
    expect(await done.locator(`a[href="#/participants/${code}"]`).count()).toBe(1);
    const issuanceId = (await done.getAttribute('data-issuance'))!;
    const issuance = (await cora.ok('GET', `/api/v1/issuances/${issuanceId}`)) as { issuance: { accessories: string[]; dueDate: string } };
    expect(issuance.issuance).toMatchObject({ accessories: ['charger', 'padded bag'], dueDate: '2026-03-20' });
    await check(page, 'issued');
    // And it opens in a tab of its own when asked.
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('[data-action=open-handover]')]);
    await popup.waitForURL(/^blob:/);
    await popup.close();

    // On the Loans page: not due this week yet; the gift is out too.
    await page.click(`a[href="#/loans"]`);
    await page.locator('[data-group=other] table').waitFor();
    expect(await tagsIn(page, 'other')).toEqual([ready, gifted]);
    expect(await tagsIn(page, 'overdue')).toEqual([]);

    // Two weeks on, it is due this week.
    await moveClocks(page, '2026-03-16T17:00:00.000Z');
    await page.reload();
    await page.locator('[data-group=week] table').waitFor();
    expect(await tagsIn(page, 'week')).toEqual([ready]);

    // Three days past its due date: overdue by 3 days, on the page and on Today.
    await moveClocks(page, '2026-03-23T17:00:00.000Z');
    await page.reload();
    await page.locator('[data-group=overdue] table').waitFor();
    const row = page.locator(`[data-group=overdue] tr[data-tag="${ready}"]`);
    expect(await row.locator('td[data-days]').textContent()).toBe('3 days');
    expect(await row.locator(`a[href="#/participants/${code}"]`).count()).toBe(1);
    expect(await tagsIn(page, 'other')).toEqual([gifted]);
    await check(page, 'loans-overdue');
    await page.click('nav a[href="#/today"]');
    await expect.poll(() => page.locator('[data-figure=loansOverdue] .number').textContent()).toBe('1');

    // Taken back through the return form: who holds it, its condition; then it is received, to be wiped again.
    await page.click('nav a[href="#/loans"]');
    await row.locator('a[data-action=take-back]').click();
    await page.locator('form[data-testid=return-form]').waitFor();
    await expect.poll(() => page.locator('[data-testid=holder] [data-item=participant]').textContent()).toBe(code);
    expect(await page.locator('[data-testid=holder] [data-item=due]').textContent()).toBe('Mar 20, 2026');
    await check(page, 'return-form');
    await page.selectOption('#return-condition', 'good');
    await page.locator('#return-personalDataRemoved').check();
    await page.click('form[data-testid=return-form] button[type=submit]');
    const returned = page.locator('[data-testid=returned]');
    await expect.poll(() => returned.getAttribute('data-status')).toBe('received');
    expect(await returned.locator('h2').textContent()).toBe(`${ready} is back from ${code}. Its status is now received.`);
    await check(page, 'returned');
    const closed = (await cora.ok('GET', `/api/v1/issuances/${issuanceId}`)) as { issuance: { returnedAt: string | null; returnCondition: string; personalDataRemoved: boolean } };
    expect(closed.issuance).toMatchObject({ returnedAt: '2026-03-23T17:00:00.000Z', returnCondition: 'good', personalDataRemoved: true });

    // It has left the overdue list.
    await returned.locator('a[href="#/loans"]').click();
    await page.locator('[data-group=overdue] [data-testid=none]').waitFor();
    expect(await tagsIn(page, 'other')).toEqual([gifted]);

    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });

  it('office staff read the Loans page: no Issue, no Take back, codes without links; the issue form says their role cannot issue', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    await page.clock.setFixedTime(clock.now());
    await signIn(page, 'stan', '#/loans', '[data-group=other] table');
    expect(await tagsIn(page, 'other')).toEqual([gifted]);
    expect(await page.locator('a[data-action=issue]').count()).toBe(0);
    expect(await page.locator('a[data-action=take-back]').count()).toBe(0);
    expect(await page.locator('[data-group=other] td.code a').count()).toBe(0);
    await check(page, 'loans-staff');
    await page.goto(`${server.url}/office#/loans/issue?tag=${ready}`);
    await expect.poll(() => page.locator('.message-refused').textContent()).toBe(en['office.loans.mayNotIssue']);
    expect(await page.locator('form[data-testid=issue-form]').count()).toBe(0);
    await check(page, 'issue-staff');
    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });
});
