/**
 * The office's Participants page in headless Chromium against the real
 * service: a coordinator registers a participant (refusals beside their
 * fields), finds them, opens their personal data (logged, and the access log
 * shows it), exports them as JSON and erases them behind the typed code;
 * office staff see codes and communities only. axe-core on every state;
 * nothing requested from another origin; no script error.
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
let cora: ApiClient;

/** The codes the result table lists, in order. */
const shownCodes = (page: Page) => attributes(page.locator('table[data-testid=participants] tr[data-code]'), 'data-code');

const signIn = (page: Page, username: string) => signInAt(page, server.url, { username, password: USER_PASSWORD, hash: '#/participants', ready: 'h1#participants-title' });

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  const admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('cora', 'coordinator');
  await admin.createUser('stan', 'staff');
  cora = await new ApiClient(() => server.url).login('cora', USER_PASSWORD);
  // Someone else in another community, so that searches have something to leave out.
  await cora.ok('POST', '/api/v1/participants', { community: 'Arviat', consent: { given: true, language: 'iu' } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('participants in the office', () => {
  it('a coordinator registers a participant, finds them, opens their personal data (logged), exports and erases them', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    await signIn(page, 'cora');
    const form = page.locator('form[data-testid=create-participant]');
    await page.locator('table[data-testid=participants] tr[data-code]').first().waitFor();
    await check(page, 'list-coordinator');

    // No consent: refused beside the consent box.
    await form.locator('#new-participant-community').fill('Iqaluit');
    await form.locator('#new-participant-displayName').fill('Annie Kilabuk');
    await form.locator('#new-participant-contact').fill('867-555-0101');
    await form.locator('button[type=submit]').click();
    const consentError = form.locator('[data-field=consent] .field-error');
    await expect.poll(() => consentError.textContent()).toContain('consent');
    expect(await form.locator('#new-participant-consent').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('[data-field=community] .field-error').textContent()).toBe('');
    await check(page, 'create-refused-consent');

    // A community not in the list: refused beside the community.
    await form.locator('#new-participant-consent').check();
    await form.locator('#new-participant-language').selectOption('en');
    await form.locator('#new-participant-community').fill('Atlantis');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('[data-field=community] .field-error').textContent()).toContain('not in the community list');
    expect(await consentError.textContent()).toBe('');

    await form.locator('#new-participant-community').fill('Iqaluit');
    await form.locator('button[type=submit]').click();
    await page.locator('section.participant').waitFor();
    const code = (await page.locator('section.participant').getAttribute('data-code'))!;
    expect(code).toMatch(/^P-\d{6}$/);

    // A loan to them, made at the desk through the API: the page lists it.
    const device = await cora.intake();
    await cora.wipe(device.assetTag, device.storage[0]!.serialNumber);
    await cora.ok('POST', `/api/v1/devices/${device.assetTag}/grade`, { grade: 'A', specs: { cpu: 'i5-8350U', ramGb: 8, storageGb: 256, os: 'Linux Mint 22' } });
    await cora.ok('POST', `/api/v1/devices/${device.assetTag}/issue`, { participantCode: code, kind: 'loan', dueDate: '2099-01-31', agreementAccepted: true });

    // Found by code and by community; the other community's participant is left out.
    await page.click(`a:has-text("${en['office.participants.back']}")`);
    await page.fill('#search-code', code.toLowerCase());
    await page.click('form[data-testid=participant-search] button[type=submit]');
    await expect.poll(() => shownCodes(page)).toEqual([code]);
    await page.fill('#search-code', '');
    await page.fill('#search-community', 'Iqaluit');
    await page.click('form[data-testid=participant-search] button[type=submit]');
    await expect.poll(() => shownCodes(page)).toEqual([code]);
    await check(page, 'list-searched');

    // The page: record, and the notice that opening the personal data is logged, before any click.
    await page.click(`tr[data-code="${code}"] a`);
    await page.locator('[data-item=language]').waitFor();
    expect(await page.locator('[data-item=language]').textContent()).toBe(en['office.participants.language.en']);
    expect(await page.locator('[data-item=community]').textContent()).toContain('Iqaluit');
    expect(await page.locator('#personal-logged').textContent()).toBe(en['office.participants.loggedNote']);
    expect(await page.locator('[data-testid=personal-data]').count()).toBe(0);
    await expect.poll(() => page.locator('table[data-testid=loans] tbody th').allTextContents()).toEqual([device.assetTag]);
    await check(page, 'participant-coordinator');

    await page.fill('#personal-purpose', 'checking the phone number');
    await page.click('[data-action=show-personal]');
    await expect.poll(() => page.locator('[data-item=displayName]').textContent()).toBe('Annie Kilabuk');
    expect(await page.locator('[data-item=contact]').textContent()).toBe('867-555-0101');
    await page.click('[data-action=access-log]');
    const reads = page.locator('table[data-testid=access-log] tr[data-action=read]');
    await expect.poll(() => reads.count()).toBe(1);
    expect(await reads.locator('td').allTextContents()).toEqual([expect.any(String), 'cora', en['office.participants.action.read'], 'checking the phone number']);
    await check(page, 'personal-shown');

    // Export: the file is the service's export (the later read adds only its own log entry).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export]')]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^participant-${code}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const file = JSON.parse(readFileSync(await download.path(), 'utf8')) as { exportedAt: string; participant: unknown; issuances: unknown[]; accessLog: unknown[] };
    const served = (await cora.ok('GET', `/api/v1/participants/${code}/export`)) as typeof file;
    expect(served.participant).toEqual(file.participant);
    expect(served.issuances).toEqual(file.issuances);
    expect(file.issuances).toHaveLength(1);
    expect(served.accessLog.slice(0, -1)).toEqual(file.accessLog);
    expect((file.participant as { personalData: { displayName: string } }).personalData.displayName).toBe('Annie Kilabuk');
    // The log on screen now holds the export too.
    await expect.poll(() => page.locator('table[data-testid=access-log] tbody tr').count()).toBe(file.accessLog.length);

    // Erase: the button waits for the code.
    const erase = page.locator('form[data-testid=erase]');
    const eraseButton = erase.locator('button[type=submit]');
    expect(await eraseButton.isDisabled()).toBe(true);
    await erase.locator('#erase-confirm').fill(code.slice(0, -1));
    expect(await eraseButton.isDisabled()).toBe(true);
    await check(page, 'erase-typing');
    await erase.locator('#erase-confirm').fill(code);
    expect(await eraseButton.isDisabled()).toBe(false);
    await eraseButton.click();
    await page.locator('[data-testid=erased]').waitFor();
    expect(await page.locator('[data-item=personal]').textContent()).toBe(en['office.participants.erased']);
    expect(await page.locator('[data-action=show-personal]').count()).toBe(0);
    const after = (await cora.ok('GET', `/api/v1/participants/${code}`)) as { participant: { personalDataErased: boolean; personalData: unknown } };
    expect(after.participant.personalDataErased).toBe(true);
    expect(after.participant.personalData ?? null).toBeNull();
    await check(page, 'erased');

    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });

  it('office staff see the list and a participant’s page, but no personal data, no loans, no registration and no erasure', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    await signIn(page, 'stan');
    await page.locator('table[data-testid=participants] tr[data-code]').first().waitFor();
    expect(await page.locator('form[data-testid=create-participant]').count()).toBe(0);
    await check(page, 'list-staff');
    // The last registered: the coordinator's participant, who holds a loan.
    await page.locator('table[data-testid=participants] tr[data-code] a').last().click();
    await page.locator('[data-item=code]').waitFor();
    expect(await page.locator('[data-testid=personal]').count()).toBe(0);
    expect(await page.locator('[data-action=show-personal]').count()).toBe(0);
    expect(await page.locator('form[data-testid=erase]').count()).toBe(0);
    expect(await page.locator('[data-action=export]').count()).toBe(0);
    expect(await page.locator('#loans-title').count()).toBe(0);
    await check(page, 'participant-staff');
    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });
});
