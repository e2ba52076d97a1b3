/**
 * The scan station's top bar names the signed-in user's site (docs/domain.md §8), read from GET /sites: a trainee
 * of a second site sees its name, one of the first site that one's; while the server does not answer the site list,
 * the site's code stands in for its name. The text is the locale files' (station.user.site).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import { ApiClient, axeFindings, launchBrowser, loginAt, newStation, startServer, tempDbPath, USER_PASSWORD, type RunningServer } from './harness.js';

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
const opened: Array<{ context: BrowserContext; errors: string[] }> = [];

async function station(): Promise<Page> {
  const st = await newStation(browser);
  opened.push(st);
  return st.page;
}

const siteShown = (page: Page) => page.locator('header.topbar .user [data-testid=user-site]');

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  const admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.ok('POST', '/api/v1/sites', { code: 'kimmirut', name: 'Kimmirut', nameSyllabics: 'ᑭᒻᒥᕈᑦ', assetTagPrefix: 'KM', timezone: 'America/Iqaluit' });
  await admin.ok('POST', '/api/v1/users', { username: 'pia', displayName: 'Pia Kolola', role: 'trainee', password: USER_PASSWORD, site: 'kimmirut' });
  await admin.ok('POST', '/api/v1/users', { username: 'ina', displayName: 'Ina Ashoona', role: 'trainee', password: USER_PASSWORD });
});

afterEach(async () => {
  for (const { context, errors } of opened.splice(0)) {
    expect(errors).toEqual([]);
    await context.close();
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

describe("the station's top bar names the user's site", () => {
  it("a trainee of a second site sees that site's name next to their name and role", async () => {
    const page = await station();
    await loginAt(page, server.url, 'pia');
    const site = siteShown(page);
    await expect.poll(() => site.textContent()).toBe('Site: Kimmirut');
    expect(await site.getAttribute('data-site')).toBe('kimmirut');
    expect(await page.locator('header.topbar .user').textContent()).toBe('Pia KololaTraineeSite: Kimmirut');
    expect((await axeFindings(page)).findings).toEqual([]);
  });

  it("a trainee of the first site sees the first site's name", async () => {
    const page = await station();
    await loginAt(page, server.url, 'ina');
    await expect.poll(() => siteShown(page).textContent()).toBe('Site: Iqaluit');
  });

  it('when the site list does not answer, the code of the site is shown', async () => {
    const page = await station();
    let asked = 0;
    await page.route('**/api/v1/sites', (route) => {
      asked++;
      return route.abort();
    });
    await loginAt(page, server.url, 'pia');
    await expect.poll(() => asked).toBe(1);
    expect(await siteShown(page).textContent()).toBe('Site: kimmirut');
  });
});
