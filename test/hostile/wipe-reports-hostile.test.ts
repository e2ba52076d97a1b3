import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

const API = '/api/v1';
const FIXTURES = path.join(import.meta.dirname, '../fixtures/wipe-reports');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

/** A Drive Status table of n drives in nwipe's row format, each with a serial registered below. */
function logOfDrives(n: number): Buffer {
  const rows = Array.from({ length: n }, (_, i) => `       s${i} | Erased | 140 MB/s | 01:58:58 | ST1000DM003-1SB10/HOSTILE${i}`);
  return Buffer.from(
    [
      "[2026/02/27 09:13:10]  notice: Invoking method 'PRNG Stream' on /dev/s0",
      '********************************* Drive Status *********************************',
      '!   Device | Status | Thru-put | HH:MM:SS | Model/Serial Number',
      ...rows,
      '[2026/02/27 11:12:12] Total Throughput 1 GB/s, PRNG Stream, 1R+B+VL',
    ].join('\n'),
  );
}

describe('hostile wipe reports are refused with a reason, never a 500, and record nothing', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-02-27T13:00:00.000Z' });
    token = await t.token('trainee');
    // Drives the hostile files name, so that a file read wrongly would have something to record.
    const res = await t.http
      .post(`${API}/devices`)
      .set(bearer(token))
      .send(laptop({ storage: [{ serialNumber: 'ZN15TA6Y', kind: 'hdd' }, { serialNumber: 'HOSTILE0', kind: 'hdd' }] }));
    expect(res.status).toBe(201);
    t.clock.set('2026-02-27T20:00:00.000Z');
  });
  afterAll(async () => t.close());

  const nwipe = fixture('nwipe-0.42.format-strings.txt');
  const wb = fixture('workbench-11.example_wb11.json');
  const cases: Array<[string, string, Buffer, Record<string, string>, RegExp]> = [
    ['a log cut before its Drive Status table', 'text/plain', nwipe.subarray(0, nwipe.indexOf('Drive Status') - 40), {}, /no Drive Status table/],
    ['random binary bytes as a log', 'text/plain', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), randomBytes(4096)]), {}, /binary|UTF-8/],
    ['bytes that are not UTF-8', 'text/plain', Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), {}, /not valid UTF-8/],
    ['a log with a line of a megabyte', 'text/plain', Buffer.concat([nwipe, Buffer.from('A'.repeat(1 << 20))]), {}, /longer than/],
    ['a log listing 500 drives', 'text/plain', logOfDrives(500), {}, /lists 500 drives/],
    ['an empty body', 'text/plain', Buffer.alloc(0), {}, /empty/],
    ['JSON nested 100 000 deep', 'application/json', Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), {}, /nested more than/],
    ['a snapshot cut in half', 'application/json', wb.subarray(0, wb.length / 2), {}, /not valid JSON/],
    ['JSON that is no snapshot', 'application/json', Buffer.from('{"type":"Snapshot","software":"Other"}'), {}, /not read/],
    ['a "PDF" that is a log', 'application/pdf', nwipe, { filename: 'nwipe_report_2026-02-27-11-12-08_Model_X_Serial_ZN15TA6Y_device_sda.pdf' }, /not a PDF/],
    ['a PDF without its file name', 'application/pdf', Buffer.from('%PDF-1.4\n%%EOF\n'), {}, /filename/],
    ['an unknown time zone', 'text/plain', nwipe, { timezone: 'Mars/Olympus_Mons' }, /not an IANA time zone/],
  ];

  it.each(cases)('%s: 400', async (_name, type, bytes, query, reason) => {
    const res = await t.http
      .post(`${API}/wipe-reports`)
      .query(query)
      .set(bearer(token))
      .set('content-type', type)
      .serialize((b: unknown) => b as string)
      .send(bytes);
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(reason);
    expect(await t.count('wipe_reports')).toBe(0);
    expect(await t.count('sanitization_records')).toBe(0);
  });

  it('over 16 MiB: 413', async () => {
    const res = await t.http
      .post(`${API}/wipe-reports`)
      .set(bearer(token))
      .set('content-type', 'text/plain')
      .serialize((b: unknown) => b as string)
      .send(Buffer.alloc(16 * 1024 * 1024 + 1, 0x41));
    expect(res.status).toBe(413);
    expect(await t.count('wipe_reports')).toBe(0);
  });

  it('a caller without a token is refused before the body is read: 401, not 413, 415 or 400', async () => {
    const big = await t.http.post(`${API}/wipe-reports`).set('content-type', 'text/plain').serialize((b: unknown) => b as string).send(Buffer.alloc(16 * 1024 * 1024 + 1, 0x41));
    expect(big.status).toBe(401);
    const png = await t.http.post(`${API}/wipe-reports`).set('content-type', 'image/png').send(Buffer.from('x'));
    expect(png.status).toBe(401);
    const broken = await t.http.post(`${API}/devices`).set('content-type', 'application/json').send('{"category": ');
    expect(broken.status).toBe(401);
    // With a token the same broken JSON is named for what it is.
    expect((await t.http.post(`${API}/devices`).set(bearer(token)).set('content-type', 'application/json').send('{"category": ')).status).toBe(400);
    expect(await t.count('wipe_reports')).toBe(0);
  });

  it('another media type: 415; other routes still refuse text/plain', async () => {
    const png = await t.http.post(`${API}/wipe-reports`).set(bearer(token)).set('content-type', 'image/png').send(Buffer.from('x'));
    expect(png.status).toBe(415);
    const elsewhere = await t.http.post(`${API}/devices`).set(bearer(token)).set('content-type', 'text/plain').send('hello');
    expect(elsewhere.status).toBe(415);
    expect(await t.count('wipe_reports')).toBe(0);
  });

});
