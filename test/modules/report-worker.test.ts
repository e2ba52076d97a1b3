import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

// On a file database the diversion report runs on a worker thread with its own read-only connection.
describe('diversion report on a file database (worker thread)', () => {
  let dir: string;
  let t: TestApp;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-worker-'));
    t = await createTestApp({ dbPath: path.join(dir, 'w.db') });
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers with the same figures as the data, and sees writes committed just before', async () => {
    const trainee = await t.token('trainee');
    const staff = await t.token('staff');
    for (const w of [1000, 2500]) expect((await t.http.post('/api/v1/devices').set(bearer(trainee)).send(laptop({ weightGrams: w }))).status).toBe(201);
    const first = await t.http.get('/api/v1/reports/diversion?from=2026-01-01&to=2026-12-31').set(bearer(staff));
    expect(first.status).toBe(200);
    expect(first.body.totals.received).toEqual({ units: 2, grams: 3500 });
    expect((await t.http.post('/api/v1/devices').set(bearer(trainee)).send(laptop({ weightGrams: 700 }))).status).toBe(201);
    const second = await t.http.get('/api/v1/reports/diversion?from=2026-01-01&to=2026-12-31&format=csv').set(bearer(staff));
    expect(second.status).toBe(200);
    expect(second.text).toContain('totals,received,3,4200\r\n');
  });
});

// The worker is sent the threshold the route resolved, so the server's floor holds on this path too.
describe('the report worker and REPORT_MIN_CELL', () => {
  let dir: string;
  let t: TestApp;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-worker-'));
    t = await createTestApp({ dbPath: path.join(dir, 'w.db'), env: { REPORT_MIN_CELL: '7' } });
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports at the floor by default and at a raised threshold when asked; under the floor is 400', async () => {
    const staff = bearer(await t.token('staff'));
    const url = '/api/v1/reports/diversion?from=2026-01-01&to=2026-12-31';
    const byDefault = await t.http.get(url).set(staff);
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.methodology).toMatch(/Threshold: 7\.$/);
    expect(byDefault.body.totals.reusedThenRecycled).toEqual({ units: 0, grams: 0 });
    expect((await t.http.get(`${url}&suppressBelow=9`).set(staff)).body.methodology).toMatch(/Threshold: 9\.$/);
    const under = await t.http.get(`${url}&suppressBelow=6`).set(staff);
    expect(under.status).toBe(400);
    expect(under.body.errors).toEqual([expect.objectContaining({ field: 'querystring.suppressBelow' })]);
  });
});
