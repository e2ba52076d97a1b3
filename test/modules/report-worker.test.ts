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
