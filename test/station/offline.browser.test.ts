/**
 * The scan station when the server does not answer: requests are kept in the
 * browser (IndexedDB) with their Idempotency-Key, counted on screen, sent
 * again in order when the server is back, each applied exactly once; a
 * refused resend is shown and kept until someone has seen it.
 */
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import en from '../../src/locales/en.json' with { type: 'json' };
import { ADMIN_PASSWORD, USER_PASSWORD } from '../helpers.js';
import { ApiClient, feedback, launchBrowser, loginAt, newStation, scanWithScanner, signalAfter, startServer, tempDbPath, type RunningServer } from './harness.js';

let server: RunningServer;
let browser: Browser;
let db: ReturnType<typeof tempDbPath>;
let admin: ApiClient;

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('tina', 'trainee');
  await admin.createUser('tom', 'trainee');
});

// A test that fails while the server is stopped must not take the others down with it.
beforeEach(async () => {
  if (!server.app.server.listening) server = await startServer(db.path, server.port);
});

afterAll(async () => {
  await browser?.close();
  if (server?.app.server.listening) await server.stop();
  db?.cleanup();
});

const queueCount = async (page: Page) => Number(await page.locator('[data-testid=queue-count]').getAttribute('data-count'));

function scansOf(tag: string): number {
  const row = server.app.services.db.$client
    .prepare('select count(*) as n from scans s join devices d on d.id = s.device_id where d.asset_tag = ?')
    .get(tag) as { n: number };
  return row.n;
}

/** The ids of a device's history events of one action, in the order the server applied them. */
async function eventIds(tag: string, action: string): Promise<number[]> {
  const body = await admin.ok('GET', `/api/v1/devices/${tag}/history`);
  return (body.events as Array<{ id: number; action: string }>).filter((e) => e.action === action).map((e) => e.id);
}

async function scanAndWait(page: Page, tag: string): Promise<void> {
  await scanWithScanner(page, tag);
  await page.waitForSelector(`article.card[data-asset-tag="${tag}"]`);
}

async function chooseAndSave(page: Page, form: string, fill: (page: Page) => Promise<void>): Promise<{ kind: string | null; text: string }> {
  await page.click(`button[data-action=${form}]`);
  await page.waitForSelector(`form[data-form=${form}]`);
  await fill(page);
  return signalAfter(page, () => page.click(`form[data-form=${form}] button[type=submit]`));
}

describe('scan station offline queue', () => {
  it('server stopped: scans and three actions are kept and counted; server back: sent in order, each applied exactly once', async () => {
    const d1 = await admin.intake();
    const d2 = await admin.intake({ storage: [] });
    const d3 = await admin.intake();
    await admin.wipe(d3.assetTag, d3.storage[0]!.serialNumber);

    const { context, page, errors } = await newStation(browser);
    await loginAt(page, server.url, 'tina');
    // Seen once while the server answers: the station keeps these cards.
    for (const d of [d1, d2, d3]) await scanAndWait(page, d.assetTag);
    expect(await queueCount(page)).toBe(0);

    const port = server.port;
    await server.stop();

    // 1: scan d1 (from the cache) and record its wipe.
    let signal = await signalAfter(page, () => scanWithScanner(page, d1.assetTag));
    expect(signal.kind).toBe('queued');
    await page.locator(`article.card[data-asset-tag="${d1.assetTag}"] .stale`).waitFor({ state: 'visible' });
    signal = await chooseAndSave(page, 'sanitize', async (p) => {
      await p.fill('input[name=tool]', 'nwipe');
      await p.click('form[data-form=sanitize] .choice label:has(input[value=passed])');
    });
    expect(signal.kind).toBe('queued');

    // 2: scan d2 and confirm it holds no storage.
    await signalAfter(page, () => scanWithScanner(page, d2.assetTag));
    await page.waitForSelector(`article.card[data-asset-tag="${d2.assetTag}"]`);
    signal = await chooseAndSave(page, 'confirm_no_storage', (p) => p.check('form[data-form=confirm_no_storage] input[name=checked]'));
    expect(signal.kind).toBe('queued');

    // 3: scan d3 and grade it.
    await signalAfter(page, () => scanWithScanner(page, d3.assetTag));
    await page.waitForSelector(`article.card[data-asset-tag="${d3.assetTag}"]`);
    signal = await chooseAndSave(page, 'grade', async (p) => {
      await p.click('form[data-form=grade] .choice label:has(input[value=B])');
      await p.check('form[data-form=grade] input[name="checklist.powersOn"]');
    });
    expect(signal.kind).toBe('queued');

    // Three scans and three actions wait, visibly; the focus went back to the scan field.
    expect(await queueCount(page)).toBe(6);
    expect(await page.locator('[data-testid=queue-count]').textContent()).toMatch(/\b6\b/);
    expect(await page.evaluate('document.activeElement?.id')).toBe('scan');

    // The queue survives a reload (it is in IndexedDB, not in the page): reloaded while the API still does not answer
    // (the route is in place before the server is back, so that no retry slips through in between).
    await page.route('**/api/v1/**', (route: Route) => route.abort('connectionrefused'));
    // The station's clock runs up to a second ahead of the server's (it rounds the Date header up, see
    // serverOffsetMs in src/station/state.ts): let more than that pass before the server is back.
    await page.waitForTimeout(1_500);
    const backAt = Date.now();
    server = await startServer(db.path, port);
    await page.reload();
    await page.waitForSelector('#scan');
    await expect.poll(() => queueCount(page), { timeout: 10_000, interval: 100 }).toBe(6);
    await page.unroute('**/api/v1/**');
    await expect.poll(() => queueCount(page), { timeout: 20_000, interval: 250 }).toBe(0);

    const [wiped, noStorage, graded] = await Promise.all([admin.device(d1.assetTag), admin.device(d2.assetTag), admin.device(d3.assetTag)]);
    expect(wiped.status).toBe('sanitized');
    expect(noStorage.status).toBe('sanitized');
    expect(noStorage.noStorageConfirmed).toBe(true);
    expect(graded.status).toBe('ready');
    const sanitized = await eventIds(d1.assetTag, 'device.sanitization_recorded');
    const confirmed = await eventIds(d2.assetTag, 'device.no_storage_confirmed');
    const gradedIds = await eventIds(d3.assetTag, 'device.graded');
    expect([sanitized.length, confirmed.length, gradedIds.length]).toEqual([1, 1, 1]);
    // In the order they were made.
    expect(sanitized[0]!).toBeLessThan(confirmed[0]!);
    expect(confirmed[0]!).toBeLessThan(gradedIds[0]!);
    // Each device: the scan made online and the one kept offline, once each.
    expect([scansOf(d1.assetTag), scansOf(d2.assetTag), scansOf(d3.assetTag)]).toEqual([2, 2, 2]);
    // The wipe kept its own time, from when it was recorded at the bench while the server was down (not when it was sent).
    const record = server.app.services.db.$client
      .prepare('select completed_at from sanitization_records r join devices d on d.id = r.device_id where d.asset_tag = ?')
      .get(d1.assetTag) as { completed_at: string };
    expect(new Date(record.completed_at).getTime()).toBeLessThan(backAt);

    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('an answer lost on the way back: the request is kept, sent again with the same key, and applied once', async () => {
    const d = await admin.intake();
    const { context, page, errors } = await newStation(browser);
    await loginAt(page, server.url, 'tina');
    await scanAndWait(page, d.assetTag);

    const keys: string[] = [];
    let first = true;
    await page.route('**/api/v1/devices/*/sanitizations', async (route: Route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (first) {
        first = false;
        // The server applies it; the connection drops before the answer reaches the page.
        await route.fetch();
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });

    const signal = await chooseAndSave(page, 'sanitize', async (p) => {
      await p.fill('input[name=tool]', 'nwipe');
      await p.click('form[data-form=sanitize] .choice label:has(input[value=passed])');
    });
    expect(signal.kind).toBe('queued');
    expect(await admin.eventCount(d.assetTag, 'device.sanitization_recorded')).toBe(1);

    await expect.poll(() => queueCount(page), { timeout: 20_000, interval: 250 }).toBe(0);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(await admin.eventCount(d.assetTag, 'device.sanitization_recorded')).toBe(1);
    // The card caught up with the stored answer.
    await page.locator(`article.card[data-asset-tag="${d.assetTag}"][data-status=sanitized]`).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a resend the server refuses is shown with its reason and kept until dismissed', async () => {
    const d = await admin.intake();
    await admin.wipe(d.assetTag, d.storage[0]!.serialNumber);
    const { context, page, errors } = await newStation(browser);
    await loginAt(page, server.url, 'tina');
    await scanAndWait(page, d.assetTag);

    // The workshop network drops (the server itself stays up).
    await page.route('**/api/v1/**', (route: Route) => route.abort('internetdisconnected'));
    const signal = await chooseAndSave(page, 'grade', (p) => p.click('form[data-form=grade] .choice label:has(input[value=A])'));
    expect(signal.kind).toBe('queued');
    expect(await queueCount(page)).toBe(1);

    // Meanwhile another bench puts the device on the repair bench: grading it is no longer possible.
    await admin.ok('POST', `/api/v1/devices/${d.assetTag}/repairs`, { description: 'Hinge cracked' });
    await page.unroute('**/api/v1/**');

    const refused = page.locator('[data-testid=queue-panel] li[data-state=refused]');
    await refused.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await refused.count()).toBe(1);
    const reason = await refused.textContent();
    expect(reason).toContain(d.assetTag);
    // The reason for the code and the device's status now, from the locale file.
    expect(reason).toContain(`${en['problem.devices.invalid_transition']} The device is now: ${en['station.status.in_repair']}.`);
    expect(await page.locator('[data-testid=feedback]').getAttribute('data-kind')).toBe('refused');
    expect(await queueCount(page)).toBe(0);
    expect(await page.locator('[data-testid=queue-count]').getAttribute('class')).toMatch(/has-refused/);
    expect(await admin.eventCount(d.assetTag, 'device.graded')).toBe(0);
    // The card is brought up to date: the device is on the repair bench now, and no grade is pending on it.
    await page.locator(`article.card[data-asset-tag="${d.assetTag}"][data-status=in_repair]`).waitFor();
    expect(await page.locator('article.card .pending').count()).toBe(0);

    // Not dropped: still there after a reload, until someone dismisses it.
    await page.reload();
    await page.locator('[data-testid=queue-panel] li[data-state=refused]').waitFor({ state: 'visible' });
    expect(await page.locator('[data-testid=queue-panel] li').count()).toBe(1);
    await page.click('[data-testid=queue-panel] button[data-testid=dismiss]');
    await page.locator('[data-testid=queue-count]').waitFor({ state: 'hidden' });
    expect(await page.locator('[data-testid=queue-panel] li').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("another trainee's kept requests wait for them: they are never sent under someone else's name", async () => {
    const d = await admin.intake({ storage: [] });
    const { context, page, errors } = await newStation(browser);
    await loginAt(page, server.url, 'tina');
    await scanAndWait(page, d.assetTag);
    // The device routes do not answer; logging out still works.
    await page.route('**/api/v1/devices/**', (route: Route) => route.abort('internetdisconnected'));
    await chooseAndSave(page, 'confirm_no_storage', (p) => p.check('form[data-form=confirm_no_storage] input[name=checked]'));
    expect(await queueCount(page)).toBe(1);
    // Tina leaves before they answer again.
    await page.click('[data-testid=logout]');
    await page.waitForSelector('form[data-testid=login-form]');
    await page.unroute('**/api/v1/devices/**');

    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/sanitizations')) sent.push(r.url());
    });
    await loginAt(page, server.url, 'tom');
    await page.locator('[data-testid=queue-panel] li[data-state=waiting]').waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid=queue-panel] li[data-state=waiting]').textContent()).toContain('tina');
    // Every way the outbox is sent runs as Tom: the login, a scan, the browser coming back online.
    await scanAndWait(page, d.assetTag);
    await page.evaluate("window.dispatchEvent(new Event('online'))");
    await signalAfter(page, () => scanWithScanner(page, d.assetTag));
    expect(sent).toEqual([]);
    expect(await admin.eventCount(d.assetTag, 'device.no_storage_confirmed')).toBe(0);

    await page.click('[data-testid=logout]');
    await loginAt(page, server.url, 'tina');
    await expect.poll(() => admin.eventCount(d.assetTag, 'device.no_storage_confirmed'), { timeout: 20_000, interval: 250 }).toBe(1);
    const history = await admin.ok('GET', `/api/v1/devices/${d.assetTag}/history`);
    const confirmed = (history.events as Array<{ action: string; actor: { username: string } }>).find((e) => e.action === 'device.no_storage_confirmed');
    expect(confirmed?.actor.username).toBe('tina');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a request still without an answer when its user logs out stays theirs, even if the answer never comes and someone else has logged in', async () => {
    const d = await admin.intake();
    await admin.wipe(d.assetTag, d.storage[0]!.serialNumber);
    const { context, page, errors } = await newStation(browser);
    await loginAt(page, server.url, 'tina');
    await scanAndWait(page, d.assetTag);

    // The grade request hangs on a slow link until Tom has logged in, then the connection drops.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/devices/*/grade', async (route: Route) => {
      await held;
      await route.abort('connectionreset');
    });
    await page.click('button[data-action=grade]');
    await page.click('form[data-form=grade] .choice label:has(input[value=C])');
    await page.click('form[data-form=grade] button[type=submit]');
    await page.click('[data-testid=logout]');
    // Tom logs in on the same page (no reload) while Tina's request is still out.
    await page.fill('input[name=username]', 'tom');
    await page.fill('input[name=password]', USER_PASSWORD);
    await page.click('form[data-testid=login-form] button[type=submit]');
    await page.waitForSelector('#scan');
    release();

    const waiting = page.locator('[data-testid=queue-panel] li[data-state=waiting]');
    await waiting.waitFor({ state: 'attached', timeout: 10_000 });
    expect(await waiting.textContent()).toContain('tina');
    await page.unroute('**/api/v1/devices/*/grade');
    // Tom's own work goes straight through and sends nothing of Tina's.
    await scanAndWait(page, d.assetTag);
    expect(await admin.eventCount(d.assetTag, 'device.graded')).toBe(0);

    await page.click('[data-testid=logout]');
    await loginAt(page, server.url, 'tina');
    await expect.poll(() => admin.eventCount(d.assetTag, 'device.graded'), { timeout: 20_000, interval: 250 }).toBe(1);
    const history = await admin.ok('GET', `/api/v1/devices/${d.assetTag}/history`);
    const graded = (history.events as Array<{ action: string; actor: { username: string } }>).find((e) => e.action === 'device.graded');
    expect(graded?.actor.username).toBe('tina');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a browser that cannot keep requests says so and keeps the form open: nothing is reported as kept that was not', async () => {
    const d = await admin.intake({ storage: [] });
    const { context, page, errors } = await newStation(browser);
    // IndexedDB refuses to open (as in some locked-down or private profiles).
    await context.addInitScript('Object.defineProperty(window, "indexedDB", { get() { throw new Error("blocked"); } })');
    await loginAt(page, server.url, 'tina');
    expect((await feedback(page)).kind).not.toBe('queued');
    await scanAndWait(page, d.assetTag);
    await page.route('**/api/v1/devices/**', (route: Route) => route.abort('internetdisconnected'));
    const signal = await chooseAndSave(page, 'confirm_no_storage', (p) => p.check('form[data-form=confirm_no_storage] input[name=checked]'));
    expect(signal.kind).toBe('refused');
    expect(signal.text).toMatch(/could not be kept/);
    await page.locator('form[data-form=confirm_no_storage]').waitFor({ state: 'visible' });
    await page.unroute('**/api/v1/devices/**');
    // Still there to send again once the network is back.
    await signalAfter(page, () => page.click('form[data-form=confirm_no_storage] button[type=submit]'));
    expect((await feedback(page)).kind).toBe('success');
    expect(await admin.eventCount(d.assetTag, 'device.no_storage_confirmed')).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a request out when the page is reloaded (or the laptop loses power) is not lost: written ahead, sent again with its key, applied once', async () => {
    const d = await admin.intake();
    const { context, page, errors } = await newStation(browser);
    await loginAt(page, server.url, 'tina');
    await scanAndWait(page, d.assetTag);

    const keys: string[] = [];
    await page.route('**/api/v1/devices/*/sanitizations', async (route: Route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length === 1) {
        // The server applies it; the answer never reaches this page, which is reloaded meanwhile.
        await route.fetch();
        return new Promise<void>(() => undefined);
      }
      await route.continue();
    });
    await page.click('button[data-action=sanitize]');
    await page.fill('input[name=tool]', 'nwipe');
    await page.click('form[data-form=sanitize] .choice label:has(input[value=passed])');
    await page.click('form[data-form=sanitize] button[type=submit]');
    await expect.poll(() => admin.eventCount(d.assetTag, 'device.sanitization_recorded'), { timeout: 10_000, interval: 100 }).toBe(1);

    await page.reload();
    await page.waitForSelector('#scan');
    await expect.poll(() => keys.length, { timeout: 20_000, interval: 100 }).toBe(2);
    await expect.poll(() => queueCount(page), { timeout: 10_000, interval: 100 }).toBe(0);
    expect(keys[1]).toBe(keys[0]);
    expect(await admin.eventCount(d.assetTag, 'device.sanitization_recorded')).toBe(1);
    expect(await page.locator('[data-testid=queue-panel] li').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a newer action waits behind an older one still out: they reach the server in the order they were made', async () => {
    const d = await admin.intake();
    const { context, page, errors } = await newStation(browser);
    await loginAt(page, server.url, 'tina');
    await scanAndWait(page, d.assetTag);

    // The first wipe record (failed) hangs on the link; the trainee moves on before any answer.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    await page.route('**/api/v1/devices/*/sanitizations', async (route: Route) => {
      if (++calls === 1) {
        await held;
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.click('button[data-action=sanitize]');
    await page.fill('input[name=tool]', 'nwipe');
    await page.click('form[data-form=sanitize] .choice label:has(input[value=failed])');
    await page.click('form[data-form=sanitize] button[type=submit]');
    await page.click('form[data-form=sanitize] [data-testid=cancel]');
    // Wiped again, this time it passed: recorded while the first is still out.
    await page.click('button[data-action=sanitize]');
    await page.fill('input[name=tool]', 'nwipe');
    await page.click('form[data-form=sanitize] .choice label:has(input[value=passed])');
    const second = await signalAfter(page, () => page.click('form[data-form=sanitize] button[type=submit]'));
    expect(second.kind).toBe('queued');
    expect(calls).toBe(1);

    release();
    await expect.poll(() => queueCount(page), { timeout: 20_000, interval: 100 }).toBe(0);
    await expect.poll(() => admin.eventCount(d.assetTag, 'device.sanitization_recorded'), { timeout: 10_000, interval: 100 }).toBe(2);
    const results = server.app.services.db.$client
      .prepare('select result from sanitization_records r join devices dv on dv.id = r.device_id where dv.asset_tag = ? order by r.id')
      .all(d.assetTag) as Array<{ result: string }>;
    expect(results.map((r) => r.result)).toEqual(['failed', 'passed']);
    expect((await admin.device(d.assetTag)).status).toBe('sanitized');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
