/**
 * The scan station (GET /) in headless Chromium against the real service:
 * login and focus, scanning with a "USB scanner" (keyboard + Enter), unknown
 * codes and intake, the action forms (wipe, grade, issue, return), refusals
 * with their reasons, printing, and a page that stays free of script errors
 * and of requests to anywhere but its own server.
 *
 * One server and one browser for the file; every test has its own browser
 * context (fresh storage) and its own devices.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Browser, Locator, Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers.js';
import {
  ApiClient,
  axeFindings,
  feedback,
  launchBrowser,
  loginAt,
  newStation,
  scanWithScanner,
  signalAfter,
  startServer,
  tempDbPath,
  USER_PASSWORD,
  type RunningServer,
} from './harness.js';

/** The lifecycle actions the station offers as card buttons (src/station/forms.ts STATION_ACTIONS, in that order). */
const STATION_ACTIONS = ['register_storage', 'sanitize', 'confirm_no_storage', 'open_repair', 'complete_repair', 'grade', 'issue', 'return', 'recycle', 'write_off'];

const en = JSON.parse(readFileSync(new URL('../../src/locales/en.json', import.meta.url), 'utf8')) as Record<string, string>;

/** A UI text of the English locale, with its {placeholders} filled. */
function msg(key: string, params: Record<string, string> = {}): string {
  const text = en[key];
  if (text === undefined) throw new Error(`no message ${key} in en.json`);
  return text.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
}

/** Conditions polled from the page: generous, since one round trip to a busy browser can take a while on two cores. */
const POLL = { timeout: 10_000, interval: 50 };

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

interface HistoryEvent {
  action: string;
  details: Record<string, unknown>;
}

interface Station {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Every URL the station's page requested. */
  requests: string[];
}

let db: ReturnType<typeof tempDbPath>;
let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
/** The trainee "tina", through the API: what the service says she may do. */
let trainee: ApiClient;
let coordinator: ApiClient;
const opened: Station[] = [];

beforeAll(async () => {
  db = tempDbPath();
  server = await startServer(db.path);
  browser = await launchBrowser();
  admin = await new ApiClient(() => server.url).login('admin', ADMIN_PASSWORD);
  await admin.createUser('tina', 'trainee');
  await admin.createUser('lena', 'trainee');
  await admin.createUser('cora', 'coordinator');
  trainee = await new ApiClient(() => server.url).login('tina', USER_PASSWORD);
  coordinator = await new ApiClient(() => server.url).login('cora', USER_PASSWORD);
});

afterEach(async () => {
  for (const st of opened.splice(0)) await st.context.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  db?.cleanup();
});

/** A fresh station (own browser profile), logged in as username when given. */
async function station(username?: string): Promise<Station> {
  const { context, page, errors } = await newStation(browser);
  // Fail on a missing element well before the test's own timeout, with Playwright's message.
  page.setDefaultTimeout(10_000);
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  const st = { context, page, errors, requests };
  opened.push(st);
  if (username) await loginAt(page, server.url, username);
  return st;
}

/** No script error on the page, and nothing loaded from anywhere but the server (data: and blob: are local). */
function expectClean(st: Station): void {
  expect(st.errors).toEqual([]);
  expect(st.requests.length).toBeGreaterThan(0);
  const outside = st.requests.filter((url) => !(url.startsWith(`${server.url}/`) || url.startsWith('data:') || url.startsWith('blob:')));
  expect(outside).toEqual([]);
}

async function activeId(page: Page): Promise<string> {
  return page.evaluate<string>("document.activeElement ? document.activeElement.id : ''");
}

/** The answer to the page's next request of that method whose path ends with pathEnd, as the page received it. */
function answerTo(page: Page, method: string, pathEnd: string): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname.endsWith(pathEnd));
}

/** Submits a form and reads the refusal both ways: the problem the page received, and the feedback it showed. */
async function submitRefused(page: Page, form: Locator, pathEnd: string): Promise<{ status: number; problem: Problem; fb: { kind: string | null; text: string } }> {
  const answer = answerTo(page, 'POST', pathEnd);
  const fb = await signalAfter(page, () => form.locator('button[type=submit]').click());
  const res = await answer;
  return { status: res.status(), problem: (await res.json()) as Problem, fb };
}

/** The lifecycle buttons the card shows, in order. */
/** The techniques the open wipe form offers, in order. */
async function techniquesOffered(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`Array.from(document.querySelectorAll('form[data-form=sanitize] select[name=technique] option'), (o) => o.value)`);
}

async function cardActions(page: Page, tag: string): Promise<string[]> {
  const selector = JSON.stringify(`[data-asset-tag="${tag}"] [data-action]`);
  return page.evaluate<string[]>(`Array.from(document.querySelectorAll(${selector}), (el) => el.getAttribute('data-action'))`);
}

function stationActionsOf(device: { allowedActions: string[] }): string[] {
  return STATION_ACTIONS.filter((a) => device.allowedActions.includes(a));
}

async function history(tag: string): Promise<HistoryEvent[]> {
  return (await admin.ok('GET', `/api/v1/devices/${tag}/history`)).events as HistoryEvent[];
}

/** Scans a code and waits for the card of tag. */
async function scanCard(page: Page, code: string, tag: string): Promise<{ kind: string | null; text: string }> {
  const fb = await signalAfter(page, () => scanWithScanner(page, code));
  await page.locator(`[data-asset-tag="${tag}"]`).waitFor();
  return fb;
}

/** Distinct names from a counter (the database is new for every run of this file), so that a failure replays with the same ones. */
let uniqueCounter = 0;
function unique(): string {
  return (++uniqueCounter).toString(36).toUpperCase().padStart(8, '0');
}

async function readyDevice(): Promise<{ assetTag: string; serialNumber: string; storage: Array<{ serialNumber: string }> }> {
  const dev = await admin.intake();
  await admin.wipe(dev.assetTag, dev.storage[0]!.serialNumber);
  await admin.ok('POST', `/api/v1/devices/${dev.assetTag}/grade`, { grade: 'A' });
  expect((await admin.device(dev.assetTag)).status).toBe('ready');
  return dev;
}

describe('scan station in the browser', () => {
  it('login: a wrong password is refused with the reason for its code; the right one opens the station with the focus in the scan field, which comes back after a click elsewhere', async () => {
    const st = await station();
    const { page } = st;
    await page.goto(`${server.url}/`);
    await page.fill('input[name=username]', 'lena');
    await page.fill('input[name=password]', 'not-lenas-password');
    await page.fill('input[name=station]', 'bench-7');
    const answer = answerTo(page, 'POST', '/api/v1/auth/login');
    const refused = await signalAfter(page, () => page.click('form[data-testid=login-form] button[type=submit]'));
    const res = await answer;
    const problem = (await res.json()) as Problem;
    expect(res.status()).toBe(401);
    expect(problem.code).toBe('auth.invalid_credentials');
    expect(problem.detail.length).toBeGreaterThan(0);
    expect(refused.kind).toBe('refused');
    // The reason for the code, from the locale file (src/client/problems.ts); the server's detail is English for every reader.
    expect(refused.text).toContain(msg(`problem.${problem.code}`));
    expect(await page.locator('#scan').count()).toBe(0);

    await page.fill('input[name=password]', USER_PASSWORD);
    await page.click('form[data-testid=login-form] button[type=submit]');
    await page.waitForSelector('#scan');
    expect(await page.locator('form[data-testid=login-form]').count()).toBe(0);
    expect(await page.locator('header.topbar').textContent()).toContain('trainee lena');
    expect(await page.locator('header.topbar .station-name').textContent()).toContain('bench-7');
    await expect.poll(() => activeId(page), POLL).toBe('scan');

    // A click on nothing in particular takes the focus away from the field; the page gives it back.
    await page.evaluate("window.__scanBlurs = 0; document.getElementById('scan').addEventListener('blur', () => { window.__scanBlurs++; })");
    const welcome = await page.locator('[data-testid=main]').boundingBox();
    expect(welcome).not.toBeNull();
    await page.mouse.click(welcome!.x + welcome!.width - 20, welcome!.y + welcome!.height - 10);
    // Polled from here: the page's CSP (no 'unsafe-eval') breaks Playwright's in-page waitForFunction polling.
    await expect.poll(() => page.evaluate("({ blurs: window.__scanBlurs, active: document.activeElement ? document.activeElement.id : '' })"), POLL).toEqual({ blurs: 1, active: 'scan' });
    expectClean(st);
  });

  it('axe-core finds nothing on the login page, the empty station and a device card: one h1 (the site and bench), the card’s tag an h2 under it', async () => {
    const st = await station();
    const { page } = st;
    await page.goto(`${server.url}/`);
    await page.waitForSelector('form[data-testid=login-form]');
    const login = await axeFindings(page);
    expect(login.passes).toBeGreaterThan(5);
    expect(login.findings).toEqual([]);

    await loginAt(page, server.url, 'tina');
    await page.waitForSelector('#scan');
    const empty = await axeFindings(page);
    expect(empty.findings).toEqual([]);
    expect(await page.locator('h1').count()).toBe(1);
    expect((await page.locator('h1').textContent())?.trim()).toMatch(/^Iqaluit · /);

    const dev = await admin.intake();
    await scanCard(page, dev.assetTag, dev.assetTag);
    const card = await axeFindings(page);
    expect(card.findings).toEqual([]);
    const headings = await page.evaluate<string[]>("Array.from(document.querySelectorAll('h1, h2, h3'), (el) => el.tagName + ' ' + el.textContent.trim())");
    expect(headings.slice(0, 2)).toEqual([expect.stringMatching(/^H1 Iqaluit/), `H2 ${dev.assetTag}`]);
    // Drawn as the bar's text, not as a browser's default 2em heading.
    const size = await page.evaluate<string>("getComputedStyle(document.querySelector('header.topbar h1')).fontSize");
    expect(parseFloat(size)).toBeLessThan(20);
    expectClean(st);
  });

  it('a known tag scanned with the scanner shows the card with the trainee’s allowed actions; again within 10 s is a duplicate; the serial number finds it too', async () => {
    const dev = await admin.intake();
    const tag = dev.assetTag;
    const driveSerial = dev.storage[0]!.serialNumber;
    const st = await station('tina');
    const { page } = st;

    const fb = await scanCard(page, tag, tag);
    expect(fb.kind).toBe('success');
    expect(fb.text).toContain(tag);
    const api = (await trainee.device(tag)) as { status: string; make: string; model: string; serialNumber: string; allowedActions: string[]; storage: Array<{ serialNumber: string; sanitizationState: string }> };
    const card = page.locator(`[data-asset-tag="${tag}"]`);
    expect(await card.getAttribute('data-status')).toBe(api.status);
    expect((await card.locator('.tag').textContent())?.trim()).toBe(tag);
    expect((await card.locator('[data-testid=device-status]').textContent())?.trim()).toBe(msg(`station.status.${api.status}`));
    const cardText = (await card.textContent()) ?? '';
    expect(cardText).toContain(`${api.make} ${api.model}`);
    expect(cardText).toContain(api.serialNumber);
    const drive = card.locator(`[data-drive="${driveSerial}"]`);
    expect(await drive.getAttribute('data-state')).toBe(api.storage[0]!.sanitizationState);
    expect(await drive.textContent()).toContain(driveSerial);
    expect(await drive.textContent()).toContain(msg(`station.state.${api.storage[0]!.sanitizationState}`));
    const events = card.locator('ol.events li');
    expect(await events.count()).toBeGreaterThanOrEqual(1);
    expect(await events.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(msg('station.event.device.intake'))]));
    const expected = stationActionsOf(api);
    expect(expected.length).toBeGreaterThan(0);
    expect(await cardActions(page, tag)).toEqual(expected);
    expect(await activeId(page)).toBe('scan');

    const again = await signalAfter(page, () => scanWithScanner(page, tag));
    expect(again.kind).toBe('duplicate');
    expect(again.text).toContain(tag);
    expect(await activeId(page)).toBe('scan');

    // Clear the card with a code that matches nothing, then find the device by its manufacturer serial.
    const other = await signalAfter(page, () => scanWithScanner(page, `NOPE-${unique()}`));
    expect(other.kind).toBe('unknown');
    expect(await card.count()).toBe(0);
    const scanAnswer = answerTo(page, 'POST', '/api/v1/scans');
    const bySerial = await scanCard(page, dev.serialNumber, tag);
    const scanned = (await (await scanAnswer).json()) as { duplicate: boolean; device: { assetTag: string } };
    expect(scanned.device.assetTag).toBe(tag);
    expect(bySerial.kind).toBe(scanned.duplicate ? 'duplicate' : 'success');
    expect(bySerial.text).toContain(tag);
    expect(await activeId(page)).toBe('scan');
    expectClean(st);
  });

  it('an unknown code offers intake with the serial prefilled; registering it shows the new card and the service has the device', async () => {
    const st = await station('tina');
    const { page } = st;
    const serial = `SN-${unique()}`;
    const driveSerial = `DR-${unique()}`;

    const fb = await signalAfter(page, () => scanWithScanner(page, serial));
    expect(fb.kind).toBe('unknown');
    expect(fb.text).toContain(serial);
    await page.locator('[data-testid=unknown]').waitFor();
    expect(await activeId(page)).toBe('scan');
    await page.click('[data-testid=unknown] [data-action=intake]');
    const form = page.locator('form[data-form=intake]');
    await form.waitFor();
    expect(await form.locator('input[name=serialNumber]').inputValue()).toBe(serial);
    expect(await form.locator('input[name=assetTag]').count()).toBe(0);
    await form.locator('input[name=make]').fill('Dell');
    await form.locator('input[name=model]').fill('Latitude 5490');
    await form.locator('input[name="storage.0.serialNumber"]').fill(driveSerial);
    const created = answerTo(page, 'POST', '/api/v1/devices');
    const done = await signalAfter(page, () => form.locator('button[type=submit]').click());
    expect((await created).status()).toBe(201);
    expect(done.kind).toBe('success');

    const apiDevice = (await admin.device(serial)) as { assetTag: string; serialNumber: string; make: string; model: string; status: string; storage: Array<{ serialNumber: string }> };
    expect(apiDevice).toMatchObject({ serialNumber: serial, make: 'Dell', model: 'Latitude 5490', status: 'received' });
    expect(apiDevice.storage.map((s) => s.serialNumber)).toEqual([driveSerial]);
    expect(done.text).toContain(apiDevice.assetTag);
    const card = page.locator(`[data-asset-tag="${apiDevice.assetTag}"]`);
    await card.waitFor();
    expect(await card.locator(`[data-drive="${driveSerial}"]`).count()).toBe(1);
    expect(await page.locator('form[data-form=intake]').count()).toBe(0);
    await expect.poll(() => activeId(page), POLL).toBe('scan');
    expectClean(st);
  });

  it('a reserved asset tag not yet on a device offers registration with that tag, and the device gets exactly that tag', async () => {
    const reserved = ((await trainee.ok('POST', '/api/v1/asset-tags/reserve', { count: 1 })).tags as string[])[0]!;
    const st = await station('tina');
    const { page } = st;
    const serial = `SN-${unique()}`;

    const fb = await signalAfter(page, () => scanWithScanner(page, reserved));
    expect(fb.kind).toBe('unknown');
    expect(await page.locator('[data-testid=unknown]').textContent()).toContain(msg('station.unknown.tag', { code: reserved }));
    await page.click('[data-testid=unknown] [data-action=intake]');
    const form = page.locator('form[data-form=intake]');
    await form.waitFor();
    expect(await form.locator('input[name=assetTag]').inputValue()).toBe(reserved);
    expect(await form.locator('input[name=serialNumber]').inputValue()).toBe('');
    await form.locator('input[name=make]').fill('HP');
    await form.locator('input[name=model]').fill('EliteBook 840');
    await form.locator('input[name=serialNumber]').fill(serial);
    await form.locator('input[name="storage.0.serialNumber"]').fill(`DR-${unique()}`);
    const done = await signalAfter(page, () => form.locator('button[type=submit]').click());
    expect(done.kind).toBe('success');
    expect(done.text).toContain(reserved);
    await page.locator(`[data-asset-tag="${reserved}"]`).waitFor();
    expect((await admin.device(serial)).assetTag).toBe(reserved);
    expect((await admin.device(reserved)).serialNumber).toBe(serial);
    expectClean(st);
  });

  it('a tag-shaped code with a wrong check character offers no registration and says the check character is wrong', async () => {
    const valid = ((await trainee.ok('POST', '/api/v1/asset-tags/reserve', { count: 1 })).tags as string[])[0]!;
    const last = valid.slice(-1);
    const wrong = `${valid.slice(0, -1)}${last === '0' ? '1' : '0'}`;
    expect(wrong).not.toBe(valid);
    const st = await station('tina');
    const { page } = st;

    const fb = await signalAfter(page, () => scanWithScanner(page, wrong));
    expect(fb.kind).toBe('unknown');
    const unknown = page.locator('[data-testid=unknown]');
    await unknown.waitFor();
    expect(await unknown.textContent()).toContain(msg('station.unknown.badCheck', { code: wrong }));
    expect(fb.text).toContain('check character is wrong');
    expect(await page.locator('[data-action=intake]').count()).toBe(0);
    expect(await activeId(page)).toBe('scan');
    expectClean(st);
  });

  it('records a wipe, remembers the tool for the next one, then grades the device with its checklist', async () => {
    const first = await admin.intake();
    const second = await admin.intake();
    const tag = first.assetTag;
    const driveSerial = first.storage[0]!.serialNumber;
    const tool = `nwipe-${unique()}`;
    const st = await station('tina');
    const { page } = st;

    await scanCard(page, tag, tag);
    await page.click(`[data-asset-tag="${tag}"] [data-action=sanitize]`);
    const form = page.locator('form[data-form=sanitize]');
    await form.waitFor();
    expect(await form.locator('select[name=storageSerial]').inputValue()).toBe(driveSerial);
    // An SSD: the form offers only what NIST SP 800-88 / IEEE 2883 allow for flash, preselecting its purge command.
    expect(await form.locator('select[name=method]').inputValue()).toBe('purge');
    expect(await techniquesOffered(page)).toEqual([
      'block_erase',
      'crypto_erase',
      'sanitize_command',
      'secure_erase',
    ]);
    expect(await form.locator('select[name=technique]').inputValue()).toBe('sanitize_command');
    await form.locator('select[name=method]').selectOption('destroy');
    expect(await techniquesOffered(page)).toEqual(['shred']);
    await form.locator('select[name=method]').selectOption('purge');
    await form.locator('select[name=technique]').selectOption('crypto_erase');
    await form.locator('input[name=tool]').fill(tool);
    await form.locator('select[name=verification]').selectOption('sample');
    await page.click('form[data-form=sanitize] .choice label:has(input[value=passed])');
    const wiped = await signalAfter(page, () => form.locator('button[type=submit]').click());
    expect(wiped.kind).toBe('success');
    await page.locator(`[data-asset-tag="${tag}"][data-status=sanitized] [data-drive="${driveSerial}"][data-state=passed]`).waitFor();
    expect((await admin.device(tag)).status).toBe('sanitized');
    expect(await admin.eventCount(tag, 'device.sanitization_recorded')).toBe(1);
    const record = (await history(tag)).find((e) => e.action === 'device.sanitization_recorded')!;
    expect(record.details).toMatchObject({ storageSerial: driveSerial, tool, result: 'passed', method: 'purge', technique: 'crypto_erase' });
    await expect.poll(() => activeId(page), POLL).toBe('scan');

    // The station remembers its wipe defaults: the next device's form starts with the same tool.
    await scanCard(page, second.assetTag, second.assetTag);
    await page.click(`[data-asset-tag="${second.assetTag}"] [data-action=sanitize]`);
    await form.waitFor();
    expect(await form.locator('input[name=tool]').inputValue()).toBe(tool);
    expect(await form.locator('select[name=verification]').inputValue()).toBe('sample');
    await page.click('form[data-form=sanitize] [data-testid=cancel]');
    await page.locator(`[data-asset-tag="${second.assetTag}"]`).waitFor();
    await expect.poll(() => activeId(page), POLL).toBe('scan');
    expect(await admin.eventCount(second.assetTag, 'device.sanitization_recorded')).toBe(0);

    // Grade the first device C; the boxes left unticked were not checked (docs/domain.md §3) and are not sent.
    await scanCard(page, tag, tag);
    expect(await cardActions(page, tag)).toContain('grade');
    await page.click(`[data-asset-tag="${tag}"] [data-action=grade]`);
    const grade = page.locator('form[data-form=grade]');
    await grade.waitFor();
    await page.click('form[data-form=grade] .choice label:has(input[value=C])');
    await grade.locator('input[name="checklist.powersOn"]').check();
    await grade.locator('input[name="checklist.keyboard"]').check();
    await grade.locator('input[name="checklist.batteryHealthPercent"]').fill('83');
    const graded = await signalAfter(page, () => grade.locator('button[type=submit]').click());
    expect(graded.kind).toBe('success');
    await page.locator(`[data-asset-tag="${tag}"][data-status=ready]`).waitFor();
    expect((await admin.device(tag)).status).toBe('ready');
    expect(await admin.eventCount(tag, 'device.graded')).toBe(1);
    const event = (await history(tag)).find((e) => e.action === 'device.graded')!;
    expect(event.details['grade']).toBe('C');
    expect(event.details['checklist']).toEqual({ powersOn: true, keyboard: true, batteryHealthPercent: 83 });
    await page.locator(`[data-asset-tag="${tag}"] [data-testid=device-grade]`).waitFor();
    expectClean(st);
  });

  it('a wipe recorded with the standard the form prefills carries the service’s default standard (docs/domain.md §3: NIST SP 800-88 Rev. 2)', async () => {
    // What the service records when no standard is given.
    const reference = await admin.intake();
    const byApi = await admin.ok('POST', `/api/v1/devices/${reference.assetTag}/sanitizations`, {
      storageSerial: reference.storage[0]!.serialNumber,
      method: 'purge',
      technique: 'crypto_erase',
      tool: 'nwipe',
      verification: 'full',
      result: 'passed',
    });
    const serviceDefault = (byApi.sanitization as { standard: string }).standard;
    expect(serviceDefault).toMatch(/800-88/);

    const dev = await admin.intake();
    const st = await station('tina');
    const { page } = st;
    await scanCard(page, dev.assetTag, dev.assetTag);
    await page.click(`[data-asset-tag="${dev.assetTag}"] [data-action=sanitize]`);
    const form = page.locator('form[data-form=sanitize]');
    await form.waitFor();
    await form.locator('input[name=tool]').fill('nwipe');
    await page.click('form[data-form=sanitize] .choice label:has(input[value=passed])');
    const answer = answerTo(page, 'POST', `/api/v1/devices/${dev.assetTag}/sanitizations`);
    const fb = await signalAfter(page, () => form.locator('button[type=submit]').click());
    expect(fb.kind).toBe('success');
    const recorded = ((await (await answer).json()) as { sanitization: { standard: string } }).sanitization;
    expect(recorded.standard).toBe(serviceDefault);
    expectClean(st);
  });

  it('a refused wipe (a technique not valid for the media, as an older page could still send) shows the server’s reason, keeps the form and marks the technique field; nothing is recorded', async () => {
    const dev = await admin.intake();
    const tag = dev.assetTag;
    const st = await station('tina');
    const { page } = st;
    await scanCard(page, tag, tag);
    await page.click(`[data-asset-tag="${tag}"] [data-action=sanitize]`);
    const form = page.locator('form[data-form=sanitize]');
    await form.waitFor();
    await form.locator('select[name=method]').selectOption('destroy');
    // This page offers only shred here; a technique it does not offer is put back in by hand.
    await page.evaluate(
      "const s = document.querySelector('form[data-form=sanitize] select[name=technique]'); const o = document.createElement('option'); o.value = 'drill'; o.text = 'Drill'; s.append(o); s.value = 'drill';",
    );
    await form.locator('input[name=tool]').fill('hammer');
    await page.click('form[data-form=sanitize] .choice label:has(input[value=passed])');
    const { status, problem, fb } = await submitRefused(page, form, `/api/v1/devices/${tag}/sanitizations`);
    expect(status).toBe(409);
    expect(problem.detail).toContain('destroy');
    expect(fb.kind).toBe('refused');
    expect(fb.text).toContain(msg(`problem.${problem.code}`));

    expect(await form.count()).toBe(1);
    expect(await form.locator('select[name=method]').inputValue()).toBe('destroy');
    const technique = form.locator('[data-field=technique]');
    expect(await technique.getAttribute('class')).toMatch(/\binvalid\b/);
    const fieldError = (await technique.locator('.field-error').textContent()) ?? '';
    expect(fieldError.length).toBeGreaterThan(0);
    expect(fieldError).toBe(problem.errors?.find((e) => e.field.endsWith('technique'))?.message);
    expect(await admin.eventCount(tag, 'device.sanitization_recorded')).toBe(0);
    expect((await admin.device(tag)).status).toBe('received');

    // Corrected in the same form, it goes through (the refusal did not use up the form's Idempotency-Key).
    await form.locator('select[name=technique]').selectOption('shred');
    const fixed = await signalAfter(page, () => form.locator('button[type=submit]').click());
    expect(fixed.kind).toBe('success');
    await page.locator(`[data-asset-tag="${tag}"][data-status=sanitized]`).waitFor();
    expect(await admin.eventCount(tag, 'device.sanitization_recorded')).toBe(1);
    expect((await history(tag)).find((e) => e.action === 'device.sanitization_recorded')?.details).toMatchObject({ method: 'destroy', technique: 'shred' });
    expectClean(st);
  });

  it('a stale card: grading a device that went into repair meanwhile is refused with the reason, and the card shows the device as it is now', async () => {
    const dev = await admin.intake();
    const tag = dev.assetTag;
    await admin.wipe(tag, dev.storage[0]!.serialNumber);
    const st = await station('tina');
    const { page } = st;
    await scanCard(page, tag, tag);
    expect(await page.locator(`[data-asset-tag="${tag}"]`).getAttribute('data-status')).toBe('sanitized');
    expect(await cardActions(page, tag)).toContain('grade');

    // Another bench opens a repair on it.
    await admin.ok('POST', `/api/v1/devices/${tag}/repairs`, { description: 'Hinge cracked' });
    expect((await admin.device(tag)).status).toBe('in_repair');

    await page.click(`[data-asset-tag="${tag}"] [data-action=grade]`);
    const grade = page.locator('form[data-form=grade]');
    await grade.waitFor();
    await page.click('form[data-form=grade] .choice label:has(input[value=A])');
    const { status, problem, fb } = await submitRefused(page, grade, `/api/v1/devices/${tag}/grade`);
    expect(status).toBe(409);
    expect(problem.detail).toContain('in_repair');
    expect(fb.kind).toBe('refused');
    expect(fb.text).toContain(msg(`problem.${problem.code}`));

    const card = page.locator(`[data-asset-tag="${tag}"][data-status=in_repair]`);
    await card.waitFor();
    expect((await card.locator('[data-testid=device-status]').textContent())?.trim()).toBe(msg('station.status.in_repair'));
    expect(await grade.count()).toBe(0);
    const now = (await trainee.device(tag)) as { allowedActions: string[] };
    expect(await cardActions(page, tag)).toEqual(stationActionsOf(now));
    expect(await cardActions(page, tag)).not.toContain('grade');
    expect(await admin.eventCount(tag, 'device.graded')).toBe(0);
    expect((await feedback(page)).kind).toBe('refused');
    await expect.poll(() => activeId(page), POLL).toBe('scan');
    expectClean(st);
  });

  it('a coordinator issues a ready device to a participant (handover form offered) and takes it back', async () => {
    const communities = (await coordinator.ok('GET', '/api/v1/communities')).items as Array<{ name: string }>;
    expect(communities.length).toBeGreaterThan(0);
    const participant = (await coordinator.ok('POST', '/api/v1/participants', { community: communities[0]!.name, consent: { given: true, language: 'iu' } })).participant as { code: string };
    const dev = await readyDevice();
    const tag = dev.assetTag;
    const st = await station('cora');
    const { page } = st;

    await scanCard(page, tag, tag);
    const api = (await coordinator.device(tag)) as { allowedActions: string[] };
    expect(await cardActions(page, tag)).toEqual(stationActionsOf(api));
    expect(await cardActions(page, tag)).toContain('issue');

    await page.click(`[data-asset-tag="${tag}"] [data-action=issue]`);
    const form = page.locator('form[data-form=issue]');
    await form.waitFor();
    await form.locator('input[name=participantCode]').fill(participant.code);
    await page.click('form[data-form=issue] .choice label:has(input[value=gift])');
    await form.locator('input[name=agreementAccepted]').check();
    const issued = await signalAfter(page, () => form.locator('button[type=submit]').click());
    expect(issued.kind).toBe('success');
    await page.locator(`[data-asset-tag="${tag}"][data-status=issued]`).waitFor();
    await page.locator('[data-print=handover]').waitFor();
    expect((await admin.device(tag)).status).toBe('issued');
    const event = (await history(tag)).find((e) => e.action === 'device.issued');
    expect(event).toBeDefined();
    expect(JSON.stringify(event!.details)).toContain(participant.code);

    await page.click(`[data-asset-tag="${tag}"] [data-action=return]`);
    const back = page.locator('form[data-form=return]');
    await back.waitFor();
    await page.click('form[data-form=return] .choice label:has(input[value=good])');
    const returned = await signalAfter(page, () => back.locator('button[type=submit]').click());
    expect(returned.kind).toBe('success');
    await page.locator(`[data-asset-tag="${tag}"][data-status=received]`).waitFor();
    expect((await admin.device(tag)).status).toBe('received');
    expect(await admin.eventCount(tag, 'device.returned')).toBe(1);
    expectClean(st);
  });

  it('issuing to a participant who already holds a device is refused with the reason; the form stays, asks for an override reason, and then issues', async () => {
    const communities = (await coordinator.ok('GET', '/api/v1/communities')).items as Array<{ name: string }>;
    const participant = (await coordinator.ok('POST', '/api/v1/participants', { community: communities[0]!.name, consent: { given: true, language: 'en' } })).participant as { code: string };
    const first = await readyDevice();
    await coordinator.ok('POST', `/api/v1/devices/${first.assetTag}/issue`, { participantCode: participant.code, kind: 'gift', agreementAccepted: true });
    const second = await readyDevice();
    const st = await station('cora');
    const { page } = st;
    await scanCard(page, second.assetTag, second.assetTag);

    await page.click(`[data-asset-tag="${second.assetTag}"] [data-action=issue]`);
    const form = page.locator('form[data-form=issue]');
    await form.waitFor();
    await form.locator('input[name=participantCode]').fill(participant.code);
    await form.locator('input[name=agreementAccepted]').check();
    const refused = await signalAfter(page, () => form.locator('button[type=submit]').click());
    expect(refused.kind).toBe('refused');
    expect(refused.text).toContain(msg('problem.issuance.participant_has_device'));
    // The form is still there, with what was entered, and the override reason opened, marked and focused.
    expect(await form.locator('input[name=participantCode]').inputValue()).toBe(participant.code);
    expect(await form.locator('[data-field=overrideReason]').getAttribute('class')).toMatch(/invalid/);
    expect(await activeId(page)).toBe(await form.locator('select[name=overrideReason]').getAttribute('id'));
    expect((await admin.device(second.assetTag)).status).toBe('ready');

    await form.locator('select[name=overrideReason]').selectOption('second_device_household');
    await form.locator('textarea[name=overrideNote]').fill('Second laptop for the household');
    const issued = await signalAfter(page, () => form.locator('button[type=submit]').click());
    expect(issued.kind).toBe('success');
    expect((await admin.device(second.assetTag)).status).toBe('issued');
    // The history holds the reason's code; the note went to the participant's personal data.
    const event = (await history(second.assetTag)).find((e) => e.action === 'device.issued');
    expect(event?.details).toMatchObject({ overrideReason: 'second_device_household' });
    expect(JSON.stringify(event?.details)).not.toContain('Second laptop');
    expectClean(st);
  });

  it('printing the asset label opens a new tab on a blob: URL holding a PDF', async () => {
    const dev = await admin.intake();
    const tag = dev.assetTag;
    const st = await station('tina');
    const { page, context } = st;
    await scanCard(page, tag, tag);
    // The page's CSP (connect-src 'self') forbids fetching a blob: URL, so the blobs the page makes are
    // recorded as it makes them (type, size, first bytes read with Blob.text, which is no request).
    await page.evaluate(`
      window.__blobs = [];
      const make = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob) => {
        const url = make(blob);
        const entry = { url, type: blob.type, size: blob.size, head: null };
        window.__blobs.push(entry);
        blob.slice(0, 5).text().then((head) => { entry.head = head; });
        return url;
      };
    `);

    const label = answerTo(page, 'GET', `/api/v1/devices/${tag}/label`);
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click(`[data-asset-tag="${tag}"] [data-print=asset]`)]);
    const labelRes = await label;
    expect(labelRes.status()).toBe(200);
    expect(labelRes.headers()['content-type']).toContain('application/pdf');
    const length = Number(labelRes.headers()['content-length']);
    expect(length).toBeGreaterThan(100);

    await popup.waitForURL((url) => url.protocol === 'blob:', { waitUntil: 'commit' });
    expect(popup.url().startsWith(`blob:${server.url}/`)).toBe(true);
    await expect.poll(() => popup.evaluate<string>('document.contentType'), POLL).toBe('application/pdf');
    await expect.poll(() => page.evaluate('window.__blobs'), POLL).toEqual([{ url: popup.url(), type: 'application/pdf', size: length, head: '%PDF-' }]);
    await expect.poll(async () => (await feedback(page)).kind, POLL).toBe('info');
    expect((await feedback(page)).text).toContain(msg('station.print.opened'));
    await expect.poll(() => activeId(page), POLL).toBe('scan');
    expectClean(st);
  });
});
