/**
 * The office (/office) in headless Chromium against the real service: an
 * administrator signs in, sees Today with the figures the API gives, creates
 * a trainee on Users (a refused password is explained beside its field), and
 * that trainee then signs in at the scan station. Every page is checked with
 * axe-core; nothing is requested from anywhere but the server; no script
 * error.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { en, officeTab, seriousViolations, shot } from './harness.js';
import { ApiClient, launchBrowser, loginAt, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';


let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;

const figure = (page: Page, key: string) => page.locator(`[data-figure=${key}]`);

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  // Something to count: two devices at intake, one unknown code scanned.
  await admin.intake();
  await admin.intake();
  await admin.createUser('cora', 'coordinator');
  expect((await admin.request('POST', '/api/v1/scans', { code: 'NOT-A-TAG-1', station: 'bench-1' })).status).toBe(404);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe('the office in the browser', () => {
  it('an admin signs in by keyboard, sees Today, creates a trainee on Users (a short password is refused beside its field), the trainee signs in at the station; then the admin resets her password, changes her role and disables her', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    await page.goto(`${server.url}/office`);
    await page.locator('form[data-testid=office-sign-in]').waitFor();
    await shot(page, 'sign-in');
    expect(await seriousViolations(page)).toEqual([]);

    // Keyboard only: Tab to the username, type, Tab to the password, Enter.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('sign-in-username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('form[data-testid=office-sign-in] [role=alert]').textContent()).toBeTruthy();
    await page.fill('#sign-in-password', ADMIN_PASSWORD);
    await page.keyboard.press('Enter');

    await page.locator('[data-figure=unknownCodes] .number').waitFor();
    await expect.poll(() => figure(page, 'unknownCodes').locator('.number').textContent()).toBe('1');
    expect(await figure(page, 'byStatus').locator('tr[data-status=received] td').first().textContent()).toBe('2');
    expect(await figure(page, 'loansOverdue').locator('.number').textContent()).toBe('0');
    expect(await page.locator('nav a').allTextContents()).toEqual(['today', 'devices', 'loans', 'participants', 'donations', 'transfers', 'recycling', 'reports', 'users', 'translations'].map((id) => en[`office.page.${id}`]));
    await shot(page, 'today');
    expect(await seriousViolations(page)).toEqual([]);

    expect(await page.title()).toBe(`${en['office.page.today']} · Iqaluit`);
    // The navigation by keyboard: the link is followed with Enter, and focus lands on the new page's heading.
    await page.focus(`nav a[href="#/users"]`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('users-title');
    expect(await page.title()).toBe(`${en['office.page.users']} · Iqaluit`);
    const form = page.locator('form[data-testid=create-user]');
    await page.locator('tr[data-username=admin]').waitFor();
    await form.locator('#new-user-username').fill('tara');
    await form.locator('#new-user-displayName').fill('Tara Kilabuk');
    await form.locator('#new-user-role').selectOption('trainee');
    await form.locator('#new-user-password').fill('short');
    await form.locator('button[type=submit]').click();
    const passwordError = form.locator('[data-field=password] .field-error');
    await expect.poll(() => passwordError.textContent()).toContain('at least 12 characters');
    expect(await form.locator('#new-user-password').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('[data-field=username] .field-error').textContent()).toBe('');
    await shot(page, 'users-refused');
    expect(await seriousViolations(page)).toEqual([]);

    await form.locator('#new-user-password').fill(USER_PASSWORD);
    await form.locator('button[type=submit]').click();
    await page.locator('tr[data-username=tara]').waitFor();
    expect(await passwordError.textContent()).toBe('');
    expect(await form.locator('#new-user-username').inputValue()).toBe('');
    await shot(page, 'users');
    expect(await seriousViolations(page)).toEqual([]);

    const station = await officeTab(browser, server.url);
    await loginAt(station.page, server.url, 'tara');
    expect(await station.page.locator('header.topbar').textContent()).toContain('Tara Kilabuk');

    // The same tab at /office: the station's session carries over, and a trainee has no office pages.
    await station.page.goto(`${server.url}/office`);
    await expect.poll(() => station.page.locator('main h1').textContent()).toBe(en['office.noPages.title']);
    expect(await station.page.locator('nav a').count()).toBe(0);

    // Back at the office: tara's row. A short new password is refused beside its field; then her role, then disabled.
    const row = page.locator('tr[data-username=tara]');
    await row.locator('[data-action=reset]').click();
    const reset = page.locator('form[data-testid=reset-tara]');
    await reset.locator('input[name=password]').fill('short');
    await reset.locator('button[type=submit]').click();
    await expect.poll(() => reset.locator('[data-field=password] .field-error').textContent()).toContain('at least 12 characters');
    expect(await seriousViolations(page)).toEqual([]);
    await reset.locator('input[name=password]').fill('another-long-password');
    await reset.locator('button[type=submit]').click();
    await expect.poll(() => reset.count()).toBe(0);
    await row.locator('select[id$=-role]').selectOption('coordinator');
    await row.locator('[data-action=role]').click();
    const roleOfTara = async (): Promise<string | undefined> => {
      const { items } = (await admin.ok('GET', '/api/v1/users?limit=500')) as { items: Array<{ username: string; role: string }> };
      return items.find((u) => u.username === 'tara')?.role;
    };
    await expect.poll(roleOfTara).toBe('coordinator');
    await row.locator('[data-action=toggle]').click();
    await expect.poll(() => row.locator('td').nth(3).textContent()).toBe(en['office.users.disabled']);
    expect((await new ApiClient(() => server.url).request('POST', '/api/v1/auth/login', { username: 'tara', password: 'another-long-password' })).status).not.toBe(200);

    for (const t of [office, station]) {
      expect(t.errors).toEqual([]);
      expect(t.outside).toEqual([]);
      await t.context.close();
    }
  });

  it('a coordinator sees Today and Reports but not Users; in French, weights follow French number formatting and untranslated text falls back to English', async () => {
    const office = await officeTab(browser, server.url);
    const { page } = office;
    await page.goto(`${server.url}/office#/users`);
    await page.fill('#sign-in-username', 'cora');
    await page.fill('#sign-in-password', USER_PASSWORD);
    await page.selectOption('#sign-in-locale', 'fr');
    await page.click('form[data-testid=office-sign-in] button[type=submit]');
    await page.locator('[data-figure=byStatus] tr[data-status=received]').waitFor();
    expect(await page.locator('nav a').allTextContents()).toEqual(['today', 'devices', 'loans', 'participants', 'donations', 'transfers', 'recycling', 'reports'].map((id) => en[`office.page.${id}`]));
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('fr');
    const kg = await page.locator('[data-figure=byStatus] tr[data-status=received] td').nth(1).textContent();
    expect(kg).toMatch(/^\d+,\d\s?kg$/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.click('button:has-text("' + en['office.signOut'] + '")');
    await page.locator('form[data-testid=office-sign-in]').waitFor();
    expect(office.errors).toEqual([]);
    expect(office.outside).toEqual([]);
    await office.context.close();
  });
});
