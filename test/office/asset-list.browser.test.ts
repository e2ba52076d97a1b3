/**
 * A donation's page in the office with a donor's asset list: listed,
 * received and missing (the missing devices named), and a CSV uploaded from
 * the page; a file with a bad row is refused with its line, nothing recorded.
 * axe-core on each state; no script error.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { check, officeTab } from './harness.js';
import { ApiClient, launchBrowser, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from '../station/harness.js';

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let cora: ApiClient;

const POLL = { timeout: 10_000, interval: 50 };

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  const admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('cora', 'coordinator');
  cora = await new ApiClient(() => server.url).login('cora', USER_PASSWORD);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe("A donation's asset list in the office", () => {
  it('shows listed, received and missing; a CSV uploaded on the page adds to it; a bad row is refused by line', async () => {
    const donation = (await cora.ok('POST', '/api/v1/donations', { donorName: 'Government of Nunavut', donorType: 'government', receivedAt: '2026-11-20' })).donation as { id: number };
    const csv = 'Serial Number;Make;Model;Asset Tag\nGN-LIST-1;Dell;Latitude 5490;GN-001\nGN-LIST-2;HP;EliteBook 840;GN-002\n';
    const uploaded = await cora.request('POST', `/api/v1/donations/${donation.id}/asset-list`, undefined, { 'content-type': 'text/csv' });
    // An empty body is refused.
    expect(uploaded.status).toBe(400);
    const res = await fetch(`${server.url}/api/v1/donations/${donation.id}/asset-list`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${await tokenOf()}` }, body: csv });
    expect(res.status).toBe(200);
    await cora.intake({ serialNumber: 'GN-LIST-1' });

    const { context, page, errors, outside } = await officeTab(browser, server.url);
    try {
      await page.goto(`${server.url}/office#/donations/${donation.id}`);
      await page.fill('#sign-in-username', 'cora');
      await page.fill('#sign-in-password', USER_PASSWORD);
      await page.keyboard.press('Enter');
      const panel = page.locator('[data-testid=asset-list]');
      await panel.locator('[data-testid=asset-list-expected]').waitFor();
      expect(await panel.locator('[data-testid=asset-list-expected]').textContent()).toBe('2');
      expect(await panel.locator('[data-testid=asset-list-received]').textContent()).toBe('1');
      expect(await panel.locator('[data-testid=asset-list-missing]').textContent()).toBe('1');
      await panel.locator('[data-testid=asset-list-missing-table] tr[data-serial="GN-LIST-2"]').waitFor();
      expect(await panel.locator('[data-testid=asset-list-missing-table] tbody tr').count()).toBe(1);
      await check(page, 'asset-list');

      // A bad row: refused with its line, nothing recorded.
      await panel.locator('[data-testid=asset-list-file]').setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('serial,category\nGN-LIST-3,laptop\nGN-LIST-4,toaster\n') });
      await expect.poll(() => panel.locator('[data-testid=asset-list-result]').textContent(), POLL).toMatch(/line 3/);
      expect(await panel.locator('[data-testid=asset-list-expected]').textContent()).toBe('2');

      // A good file: the counts and the missing table follow.
      await panel.locator('[data-testid=asset-list-file]').setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('serial,category\nGN-LIST-3,laptop\n') });
      await expect.poll(() => panel.locator('[data-testid=asset-list-expected]').textContent(), POLL).toBe('3');
      await panel.locator('[data-testid=asset-list-missing-table] tr[data-serial="GN-LIST-3"]').waitFor();
      expect(await panel.locator('[data-testid=asset-list-missing]').textContent()).toBe('2');
      await check(page, 'asset-list-uploaded');
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

async function tokenOf(): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'cora', password: USER_PASSWORD }) });
  return ((await res.json()) as { token: string }).token;
}
