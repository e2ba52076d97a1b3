/**
 * Documents render on a bounded worker pool: per-user and global caps, the
 * request deadline, the event loop kept free, threads closed with the app,
 * and PDFs still byte-identical for the same data and clock. Timings are
 * compared as orderings (the machine is shared), never as milliseconds.
 */
import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DOCUMENT_ROUTE } from '../../src/core/render-pool.js';
import { formatTag } from '../../src/modules/asset-tags/asset-tag.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';

const API = '/api/v1';
type Res = { status: number; headers: Record<string, string>; body: unknown };

/** Waits (by yielding, not by a fixed sleep) until the pool has admitted n renders. */
async function untilInFlight(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < 2000 && t.app.services.renderPool.stats().inFlight < n; i++) await new Promise((r) => setTimeout(r, 5));
  expect(t.app.services.renderPool.stats().inFlight).toBe(n);
}

/**
 * Concurrent requests need a listening server: on one that is not, supertest
 * listens for each request and closes the server when that request ends,
 * which can cut another request's connection.
 */
async function listening(t: TestApp): Promise<void> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
}

const problem = (res: Res) => (Buffer.isBuffer(res.body) ? JSON.parse(res.body.toString('utf8')) : res.body) as { code: string; status: number };

describe('render limits: per user and in all', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Room for three: one drawing, two waiting; two per user.
    t = await createTestApp({ env: { RENDER_WORKERS: '1', RENDER_QUEUE: '2', RENDER_PER_USER: '2' } });
    await listening(t);
    await t.app.services.renderPool.warm();
  });
  afterAll(async () => t.close());

  it('a third render of one user is 429 with Retry-After and reserves nothing; past the global cap another user gets 503; the admitted ones succeed', async () => {
    const trainee = await t.token('trainee');
    const coordinator = await t.token('coordinator');
    const admin = await t.token('admin');
    const sheet = (token: string) => t.http.post(`${API}/labels`).set(bearer(token)).send({ template: 'avery-5160', reserve: 100 }).buffer(true).parse(binary);

    const first = [sheet(trainee), sheet(trainee)].map((r) => r.then((x) => x));
    await untilInFlight(t, 2);
    const third = await sheet(trainee);
    expect(third.status).toBe(429);
    expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem(third).code).toBe('documents.too_many_renders');
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Another user still gets the last place in the queue...
    const other = sheet(coordinator).then((x) => x);
    await untilInFlight(t, 3);
    // ...and past it everyone is told the renderers are busy.
    const busy = await sheet(admin);
    expect(busy.status).toBe(503);
    expect(problem(busy).code).toBe('documents.busy');
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const done = await Promise.all([...first, other]);
    for (const res of done) {
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(String(res.headers['x-asset-tags']).split(',')).toHaveLength(100);
    }
    expect(t.app.services.renderPool.stats().inFlight).toBe(0);
    // The refused prints used up no tags: 300 were printed, the next is the 301st.
    const next = await t.http.post(`${API}/asset-tags/reserve`).set(bearer(trainee)).send({ count: 1 });
    expect(next.body.tags).toEqual([formatTag('IQ', 301)]);
  });
});

describe('the request deadline', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REQUEST_TIMEOUT_MS: '1000', RENDER_WORKERS: '1' } });
    await listening(t);
    await t.app.services.renderPool.warm();
  });
  afterAll(async () => t.close());

  it('renders running or queued past the deadline are cancelled and answered 503; the worker is free again afterwards', async () => {
    const trainee = await t.token('trainee');
    const coordinator = await t.token('coordinator');
    // Four 300-label sheets on one thread take longer than the 1 s deadline in all, however fast the machine:
    // whatever is still running or queued when it passes is cancelled and answered 503 (a fast machine may
    // finish the first sheet in time).
    const sheet = (token: string) => t.http.post(`${API}/labels`).set(bearer(token)).send({ template: 'avery-5160', reserve: 300 }).buffer(true).parse(binary);
    const answers = await Promise.all([sheet(trainee), sheet(coordinator), sheet(trainee), sheet(coordinator)]);
    const late = answers.filter((res) => res.status === 503);
    expect(answers.every((res) => res.status === 201 || res.status === 503)).toBe(true);
    expect(late.length).toBeGreaterThanOrEqual(2);
    for (const res of late) {
      expect(problem(res).code).toBe('documents.render_timeout');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(t.app.services.renderPool.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    // The cancelled render's thread was replaced: one thread, and it draws the next label in time.
    await t.app.services.renderPool.warm();
    expect(t.app.services.renderPool.stats().threads).toBe(1);
    const d = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop());
    const label = await t.http.get(`${API}/devices/${d.body.device.assetTag}/label?template=zebra-2x1&format=pdf`).set(bearer(trainee)).buffer(true).parse(binary);
    expect(label.status).toBe(200);
    expect((label.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('the event loop while a big sheet renders', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RENDER_WORKERS: '1' } });
    await listening(t);
    await t.app.services.renderPool.warm();
  });
  afterAll(async () => t.close());

  it('health checks and device lookups are answered before the 300-label sheet is done', async () => {
    const trainee = await t.token('trainee');
    const d = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop());
    const tag = d.body.device.assetTag as string;
    let sheetDone = false;
    const sheet = t.http
      .post(`${API}/labels`)
      .set(bearer(trainee))
      .send({ template: 'avery-5160', reserve: 300 })
      .buffer(true)
      .parse(binary)
      .then((res) => {
        sheetDone = true;
        return res;
      });
    // Count from the moment the sheet is admitted (or done, were it drawn on the event loop).
    while (!sheetDone && t.app.services.renderPool.stats().inFlight < 1) await new Promise((r) => setTimeout(r, 5));
    let answeredBefore = 0;
    while (!sheetDone && answeredBefore < 200) {
      const [health, lookup] = await Promise.all([t.http.get('/healthz'), t.http.get(`${API}/devices/${tag}`).set(bearer(trainee))]);
      expect(health.status).toBe(200);
      expect(lookup.status).toBe(200);
      if (!sheetDone) answeredBefore += 1;
    }
    expect((await sheet).status).toBe(201);
    // Drawn on the event loop, the sheet would block every one of these until it was done.
    expect(answeredBefore).toBeGreaterThanOrEqual(3);
  });
});

describe('documents stay deterministic on the pool', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  it('the same data and clock give the same bytes: twice on one thread, and on another app thread', async () => {
    const labelsOf = async () => {
      const t = await createTestApp();
      apps.push(t);
      const trainee = await t.token('trainee');
      const d = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop({ serialNumber: 'PF-FIXED-001', storage: [{ serialNumber: 'S3Z-FIXED-001', kind: 'ssd', capacityGb: 256 }] }));
      const tag = d.body.device.assetTag as string;
      const get = async (query: string) => {
        const res = await t.http.get(`${API}/devices/${tag}/label?${query}`).set(bearer(trainee)).buffer(true).parse(binary);
        expect(res.status).toBe(200);
        return res.body as Buffer;
      };
      const sheet = async () => {
        const res = await t.http.post(`${API}/labels`).set(bearer(trainee)).send({ template: 'avery-5160', assetTags: [tag, tag, tag] }).buffer(true).parse(binary);
        expect(res.status).toBe(201);
        return res.body as Buffer;
      };
      return { pdf: [await get('template=zebra-2x1&format=pdf'), await get('template=zebra-2x1&format=pdf')], png: await get('template=zebra-2x1&format=png'), sheet: [await sheet(), await sheet()] };
    };
    const a = await labelsOf();
    const b = await labelsOf();
    expect(a.pdf[0]!.subarray(0, 5).toString()).toBe('%PDF-');
    expect(a.pdf[0]!.equals(a.pdf[1]!)).toBe(true);
    expect(a.sheet[0]!.equals(a.sheet[1]!)).toBe(true);
    expect(a.pdf[0]!.equals(b.pdf[0]!)).toBe(true);
    expect(a.sheet[0]!.equals(b.sheet[0]!)).toBe(true);
    expect(a.png.equals(b.png)).toBe(true);
  });
});

describe('render threads and the app', () => {
  it('an app that draws nothing starts no thread; closing the app ends the threads it started', async () => {
    const t = await createTestApp();
    expect(t.app.services.renderPool.stats().threads).toBe(0);
    const trainee = await t.token('trainee');
    const res = await t.http.post(`${API}/labels`).set(bearer(trainee)).send({ template: 'zebra-2x1', format: 'zpl', reserve: 1 });
    expect(res.status).toBe(201);
    expect(t.app.services.renderPool.stats().threads).toBeGreaterThanOrEqual(1);
    await t.close();
    expect(t.app.services.renderPool.stats().threads).toBe(0);
  });
});

describe('render limits in the configuration', () => {
  it('default to one thread less than the cores (at least one), two per user and a queue of 32', () => {
    expect(loadConfig({})).toMatchObject({ renderWorkers: Math.max(1, os.availableParallelism() - 1), renderPerUser: 2, renderQueue: 32 });
    expect(loadConfig({ RENDER_WORKERS: '3', RENDER_PER_USER: '1', RENDER_QUEUE: '0' })).toMatchObject({ renderWorkers: 3, renderPerUser: 1, renderQueue: 0 });
  });

  it.each([
    ['RENDER_WORKERS', '0'],
    ['RENDER_WORKERS', 'two'],
    ['RENDER_PER_USER', '0'],
    ['RENDER_QUEUE', '-1'],
    ['RENDER_QUEUE', '1.5'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

describe('which routes render in a scope (per-user limit and deadline)', () => {
  it('every route that draws a document, and no other', () => {
    {
      for (const url of [
        '/api/v1/devices/:tag/label',
        '/api/v1/labels',
        '/api/v1/devices/:tag/certificate.pdf',
        '/api/v1/donations/:id/certificate.pdf',
        '/api/v1/shipments/:id/manifest.pdf',
        '/api/v1/issuances/:id/handover.pdf',
      ]) {
        expect(DOCUMENT_ROUTE.test(url), url).toBe(true);
      }
      for (const url of ['/api/v1/devices/:tag', '/api/v1/devices', '/api/v1/label-templates', '/api/v1/scans', '/api/v1/reports/diversion']) {
        expect(DOCUMENT_ROUTE.test(url), url).toBe(false);
      }
    }
  });
});
