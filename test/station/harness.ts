/**
 * Browser tests of the scan station: the real service listening on a port,
 * on a temp-file database (so that it can be stopped and started again), with
 * the real clock, driven in headless Chromium (Debian's package) through
 * playwright-core.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp, type App } from '../../src/app.js';
import { workshopToday } from '../../src/client/format.js';
import { loadConfig } from '../../src/config.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { closeDatabase, openDatabase } from '../../src/core/db.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../helpers.js';
import { assertConforms } from '../support/contract.js';

export const CHROMIUM = '/usr/bin/chromium';

/** As the probe of this machine found: without the background-networking flags Chromium keeps dialling out. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export interface RunningServer {
  app: App;
  port: number;
  url: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** 0 (the default): any free port. */
  port?: number;
  /** The service's clock (default the system's): a test passes `fixedClock()` and moves it with `.set()`. */
  clock?: Clock;
  /** More environment for loadConfig (e.g. `SESSION_TTL_HOURS` when the clock jumps days). */
  env?: Record<string, string>;
}

/** The service on dbPath, listening on 127.0.0.1; a number is the port, as before the options. */
export async function startServer(dbPath: string, options: number | ServerOptions = {}): Promise<RunningServer> {
  const { port = 0, clock = systemClock, env = {} } = typeof options === 'number' ? { port: options } : options;
  const db = openDatabase({ path: dbPath });
  const app = await buildApp({ config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0', SITE_NAME: 'Iqaluit', ...env }), db, clock, logLevel: 'silent', scryptN: 1024 });
  await app.services.users.bootstrapAdmin(ADMIN_PASSWORD);
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    app,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    stop: async () => {
      await app.close();
      await closeDatabase(db);
    },
  };
}

export function tempDbPath(): { path: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'refurb-station-'));
  return { path: path.join(dir, 'station.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The scan station's browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (see .ci/run).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A fresh browser profile (own IndexedDB and storage) at the screen size. */
export async function newStation(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

/** A parsed JSON answer, as loosely typed as supertest's res.body. */
type Json = ReturnType<typeof JSON.parse>;

/** Serial numbers of intake() from a counter (each test file starts on a new database), so that a failure replays with the same ones. */
let intakeCounter = 0;

/** A thin client for arranging data and checking results through the API. */
export class ApiClient {
  constructor(
    private readonly base: () => string,
    private token = '',
  ) {}

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
    const res = await fetch(this.base() + url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    // Checked against the OpenAPI document, as the supertest client of test/helpers.ts is.
    assertConforms({ method, url, status: res.status, headers: Object.fromEntries(res.headers), text });
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async login(username: string, password: string): Promise<this> {
    const res = await this.request('POST', '/api/v1/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    this.token = res.body.token;
    return this;
  }

  async createUser(username: string, role: Role, displayName = `${role} ${username}`): Promise<void> {
    const res = await this.request('POST', '/api/v1/users', { username, displayName, role, password: USER_PASSWORD });
    if (res.status !== 201) throw new Error(`create ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async ok(method: string, url: string, body?: unknown): Promise<Json> {
    const res = await this.request(method, url, body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A laptop with one SSD, in status received. */
  async intake(overrides: Record<string, unknown> = {}): Promise<{ assetTag: string; serialNumber: string; storage: Array<{ serialNumber: string }> }> {
    const unique = (++intakeCounter).toString(36).toUpperCase().padStart(8, '0');
    const body = await this.ok('POST', '/api/v1/devices', {
      category: 'laptop',
      make: 'Lenovo',
      model: 'ThinkPad T480',
      serialNumber: `PF-${unique}`,
      storage: [{ serialNumber: `S3Z-${unique}`, kind: 'ssd', capacityGb: 256 }],
      ...overrides,
    });
    return body.device as { assetTag: string; serialNumber: string; storage: Array<{ serialNumber: string }> };
  }

  async wipe(tag: string, storageSerial: string): Promise<void> {
    await this.ok('POST', `/api/v1/devices/${tag}/sanitizations`, { storageSerial, method: 'purge', technique: 'crypto_erase', tool: 'nwipe', verification: 'full', result: 'passed' });
  }

  /** A laptop through intake, a passing wipe and a grade; its asset tag. */
  async readyLaptop(grade = 'A', overrides: Record<string, unknown> = {}): Promise<string> {
    const d = await this.intake(overrides);
    await this.wipe(d.assetTag, d.storage[0]!.serialNumber);
    await this.ok('POST', `/api/v1/devices/${d.assetTag}/grade`, { grade, specs: { cpu: 'i5-8350U', ramGb: 8, storageGb: 256, os: 'Linux Mint 22' } });
    return d.assetTag;
  }

  /**
   * A 2,350 g laptop wiped, designated for recycling, shipped to a recycler
   * and confirmed received today on the workshop's calendar (as the office's
   * form fills it in): diverted by recycling. Returns the shipment's id.
   */
  async recycledAndConfirmed(): Promise<number> {
    const scrap = await this.intake({ weightGrams: 2350 });
    await this.wipe(scrap.assetTag, scrap.storage[0]!.serialNumber);
    await this.ok('POST', `/api/v1/devices/${scrap.assetTag}/recycle`, { reason: 'cracked board' });
    const { recycler } = await this.ok('POST', '/api/v1/recyclers', { name: 'Southern E-Cycle Inc.', certification: 'R2' });
    const { shipment } = await this.ok('POST', '/api/v1/shipments', { recyclerId: recycler.id, mode: 'sealift', carrier: 'NEAS', billOfLading: 'BOL-1' });
    await this.ok('POST', `/api/v1/shipments/${shipment.id}/devices`, { assetTag: scrap.assetTag });
    await this.ok('POST', `/api/v1/shipments/${shipment.id}/ship`);
    await this.ok('POST', `/api/v1/shipments/${shipment.id}/confirm`, { certificateNumber: 'R2-1', receivedAt: workshopToday(new Date()), receivedWeightGrams: 2300 });
    return shipment.id as number;
  }

  async device(tag: string): Promise<Json> {
    return (await this.ok('GET', `/api/v1/devices/${tag}`)).device;
  }

  /** How many history events of that action the device has. */
  async eventCount(tag: string, action: string): Promise<number> {
    const body = await this.ok('GET', `/api/v1/devices/${tag}/history`);
    return (body.events as Array<{ action: string }>).filter((e) => e.action === action).length;
  }
}

/** Logs in through the page as it would be done at the bench. */
export async function loginAt(page: Page, url: string, username: string, password = USER_PASSWORD, station = 'bench-1'): Promise<void> {
  await page.goto(`${url}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.fill('input[name=station]', station);
  await page.click('form[data-testid=login-form] button[type=submit]');
  await page.waitForSelector('#scan');
}

/** Types a code into whatever has the focus and presses Enter, as a USB scanner does. */
export async function scanWithScanner(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press('Enter');
}

export async function feedback(page: Page): Promise<{ kind: string | null; text: string }> {
  const el = page.locator('[data-testid=feedback]');
  return { kind: await el.getAttribute('data-kind'), text: (await el.textContent()) ?? '' };
}

export { USER_PASSWORD };

/**
 * Runs an action and waits for the feedback signal it causes (the next one
 * after those already shown). Polled from here: the page's CSP forbids the
 * eval that an in-page wait would need.
 */
export async function signalAfter(page: Page, act: () => Promise<unknown>, timeoutMs = 10_000): Promise<{ kind: string | null; text: string }> {
  const el = page.locator('[data-testid=feedback]');
  const seq = async () => Number((await el.getAttribute('data-seq')) ?? '0');
  const before = await seq();
  await act();
  const deadline = Date.now() + timeoutMs;
  while ((await seq()) <= before) {
    if (Date.now() > deadline) throw new Error(`no feedback after ${timeoutMs} ms (still: ${JSON.stringify(await feedback(page))})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return feedback(page);
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's findings on the page as it is now, every impact (moderate ones
 * such as a missing h1 included), as "impact rule: targets". Evaluated, not
 * injected as a script tag: the CSP forbids inline scripts.
 */
export async function axeFindings(page: Page): Promise<{ passes: number; findings: string[] }> {
  // Injected once per document: axe-core is large, and a hash change keeps the document.
  if (!(await page.evaluate<boolean>("typeof axe !== 'undefined'"))) await page.evaluate(AXE);
  const r = await page.evaluate<{ passes: number; violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }>(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => ({ passes: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) })) }))",
  );
  return { passes: r.passes, findings: r.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`) };
}
