/**
 * Hostile uploads to POST /hardware-reports: each is refused with a 4xx
 * problem naming the reason, never a 500, and nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../helpers.js';

const DIR = path.resolve(import.meta.dirname, '../fixtures/hardware-reports');
const lshwText = fs.readFileSync(path.join(DIR, 'lshw-thinkpad-x1-carbon-5.json'), 'utf8');
const workbench = JSON.parse(fs.readFileSync(path.join(DIR, 'workbench-2022-acer-aohappy.json'), 'utf8')) as { data: Record<string, unknown> };

describe('hostile hardware reports', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token('trainee');
  });
  afterAll(async () => t.close());

  const count = async () => Number((await t.row<{ n: number | string }>('select (select count(*) from devices) + (select count(*) from storage_drives) + (select count(*) from audit_events) as n'))!.n);

  const refused = async (body: string | Buffer, type: string, code: string, reason: RegExp, status = 400) => {
    const before = await count();
    for (const query of ['?dryRun=true', '']) {
      const res = await t.http.post(`/api/v1/hardware-reports${query}`).set(bearer(token)).set('content-type', type).send(body);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(status);
      expect(res.body.code).toBe(code);
      expect(res.body.detail).toMatch(reason);
    }
    expect(await count()).toBe(before);
  };

  it('truncated JSON (a real lshw report cut in half)', async () => {
    await refused(lshwText.slice(0, lshwText.length / 2), 'application/json', 'hardware_reports.unreadable', /truncated or malformed/);
  });

  it('a binary file (a PNG header and NUL bytes)', async () => {
    await refused(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), 'application/octet-stream', 'hardware_reports.unreadable', /binary|NUL/);
  });

  it('bytes that are not UTF-8', async () => {
    await refused(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/octet-stream', 'hardware_reports.unreadable', /not UTF-8/);
  });

  it('JSON nested 100000 levels deep is refused before it is walked', async () => {
    await refused('['.repeat(100_000) + ']'.repeat(100_000), 'application/json', 'hardware_reports.unreadable', /nested deeper/);
  });

  it('an lshw tree nested 100 levels deep (children within children)', async () => {
    let node: Record<string, unknown> = { class: 'disk', id: 'disk', serial: 'X1', size: 1 };
    for (let i = 0; i < 100; i++) node = { class: 'bus', id: `b${i}`, children: [node] };
    await refused(JSON.stringify({ class: 'system', id: 'root', children: [node] }), 'application/json', 'hardware_reports.unreadable', /nested deeper/);
  });

  it('a dmidecode text with a 1 MiB line', async () => {
    await refused(`Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: ${'A'.repeat(1024 * 1024)}\n`, 'text/plain', 'hardware_reports.unreadable', /line longer/);
  });

  it('absurd numbers: a memory of 1e300 bytes, a drive of -1 bytes, a size past 2^64', async () => {
    const lshw = JSON.parse(lshwText) as Record<string, unknown>;
    const memory = JSON.stringify(lshw).replace('"size":17045651456', '"size":1e300');
    expect(memory).not.toBe(JSON.stringify(lshw));
    await refused(memory, 'application/json', 'hardware_reports.unreadable', /not a plausible size/);
    const smart = [{ json_format_version: [1, 0], smartctl: {}, device: { name: '/dev/sda', type: 'sat' }, serial_number: 'S1', rotation_rate: 0, user_capacity: { bytes: -1 } }];
    await refused(JSON.stringify(smart), 'application/json', 'hardware_reports.unreadable', /not a plausible size/);
    smart[0]!.user_capacity = { bytes: 2 ** 70 };
    await refused(JSON.stringify(smart), 'application/json', 'hardware_reports.unreadable', /not a plausible size/);
  });

  it('a Workbench snapshot whose embedded lshw string is truncated', async () => {
    const broken = { ...workbench, data: { ...workbench.data, lshw: JSON.stringify(workbench.data.lshw).slice(0, 500) } };
    await refused(JSON.stringify(broken), 'application/json', 'hardware_reports.unreadable', /lshw is not complete JSON/);
  });

  it('JSON of another kind, an empty body, and text that is no report', async () => {
    await refused('{"hello":"world"}', 'application/json', 'hardware_reports.unreadable', /not an lshw, smartctl or Workbench report/);
    await refused('   ', 'text/plain', 'hardware_reports.unreadable', /empty/);
    await refused('Dear workshop, here is a laptop.', 'text/plain', 'hardware_reports.unreadable', /neither JSON/);
  });

  it('a __proto__ key is dropped, not merged into anything', async () => {
    const res = await t.http
      .post('/api/v1/hardware-reports?dryRun=true')
      .set(bearer(token))
      .set('content-type', 'application/json')
      .send('{"class":"system","id":"x","vendor":"HP","product":"Z","serial":"CZ1","configuration":{"chassis":"desktop"},"__proto__":{"polluted":true},"children":[]}');
    expect(res.status).toBe(200);
    expect(res.body.draft.make).toBe('HP');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a body over 16 MiB is 413; another charset is 415', async () => {
    await refused('{"a":"' + 'x'.repeat(16 * 1024 * 1024) + '"}', 'application/json', 'request.body_too_large', /./, 413);
    await refused(lshwText, 'application/json; charset=latin1', 'request.unsupported_media_type', /UTF-8/, 415);
  });

  it('a real report larger than the service-wide 64 KiB JSON limit is accepted on this route', async () => {
    expect(Buffer.byteLength(lshwText)).toBeGreaterThan(64 * 1024);
    const res = await t.http.post('/api/v1/hardware-reports?dryRun=true').set(bearer(token)).set('content-type', 'application/json').send(lshwText);
    expect(res.status).toBe(200);
  });
});
