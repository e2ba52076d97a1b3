import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, TEST_ENGINE, type TestApp } from '../helpers.js';

const DIR = path.resolve(import.meta.dirname, '../fixtures/hardware-reports');
const WORKBENCH = fs.readFileSync(path.join(DIR, 'workbench-2022-acer-aohappy.json'), 'utf8');

describe('donor asset lists', () => {
  let t: TestApp;
  let donationId: number;
  beforeEach(async () => {
    t = await createTestApp();
    for (const role of ['trainee', 'coordinator', 'staff', 'admin'] as const) await t.token(role);
    donationId = await newDonation();
  });
  afterEach(async () => t.close());

  async function newDonation(): Promise<number> {
    const res = await t.http.post('/api/v1/donations').set(bearer(await t.token('coordinator'))).send({ donorName: 'Government of Nunavut, Iqaluit', donorType: 'government', receivedAt: '2026-03-01', expectedDevices: 40 });
    expect(res.status).toBe(201);
    return res.body.donation.id as number;
  }

  const upload = async (csv: string | Buffer, query = '', id = donationId) =>
    t.http.post(`/api/v1/donations/${id}/asset-list${query}`).set(bearer(await t.token('coordinator'))).set('content-type', 'text/csv').send(csv);
  const donation = async (id = donationId): Promise<Record<string, unknown>> => (await t.http.get(`/api/v1/donations/${id}`).set(bearer(await t.token('staff')))).body.donation as Record<string, unknown>;
  const entries = async (id = donationId) => (await t.http.get(`/api/v1/donations/${id}/asset-list`).set(bearer(await t.token('staff')))).body.items as Array<Record<string, unknown>>;
  const listed = () => t.count('donation_expected_devices');

  it('a spreadsheet with a BOM, semicolons, forgiving headers and quoted fields', async () => {
    const csv = '\ufeffS/N;Manufacturer;Model Name;Type;Asset Tag\r\nPF0QMY5N;Lenovo;"ThinkPad X1 Carbon; 5th";Notebook;GN-00417\r\n"5CQ 6VY1";Dell;"Latitude ""E7240""";laptop;GN-00418\r\n';
    const res = await upload(Buffer.from(csv, 'utf8'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ added: 2, skipped: [] });
    expect(res.body.donation.assetList).toEqual({ expected: 2, received: 0, missing: 2 });
    // The announced count stays what the donor said.
    expect(res.body.donation.expectedDevices).toBe(40);
    expect(await entries()).toEqual([
      { serialNumber: 'PF0QMY5N', make: 'Lenovo', model: 'ThinkPad X1 Carbon; 5th', category: 'laptop', donorAssetTag: 'GN-00417', line: 2, receivedAs: null },
      { serialNumber: '5CQ 6VY1', make: 'Dell', model: 'Latitude "E7240"', category: 'laptop', donorAssetTag: 'GN-00418', line: 3, receivedAs: null },
    ]);
  });

  it('commas, no BOM, only a serial column', async () => {
    const res = await upload('Serial Number,Notes\nABC-1,"fan noisy, works"\nABC-2,\n');
    expect(res.status).toBe(200);
    expect((await entries()).map((e) => [e.serialNumber, e.make, e.category])).toEqual([
      ['ABC-1', null, null],
      ['ABC-2', null, null],
    ]);
  });

  it('bad rows are reported by line number and nothing is recorded', async () => {
    const csv = 'serial,make,category\nOK-1,HP,desktop\n,HP,desktop\nOK-2,HP,toaster\nOK-1,HP,desktop\nOK-3,Dell,laptop\n';
    const res = await upload(csv);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('donations.asset_list_invalid');
    expect(res.body.errors).toEqual([
      { field: 'line 3', message: 'no serial number' },
      { field: 'line 4', message: expect.stringMatching(/unknown category "toaster"/) },
      { field: 'line 5', message: 'serial number OK-1 is already on line 2' },
    ]);
    expect(await listed()).toBe(0);
    expect((await donation()).assetList).toBeNull();
  });

  it('skipInvalid=true records the good rows and answers the skipped ones', async () => {
    const res = await upload('serial,make,category\nOK-1,HP,desktop\n,HP,desktop\nOK-2,HP,toaster\nOK-3,Dell,laptop\n', '?skipInvalid=true');
    expect(res.status).toBe(200);
    expect(res.body.added).toBe(2);
    expect(res.body.skipped.map((s: { line: number }) => s.line)).toEqual([3, 4]);
    expect(res.body.donation.assetList).toEqual({ expected: 2, received: 0, missing: 2 });
  });

  it('re-uploading adds new serials; a serial already listed (here or on another donation) is a bad row', async () => {
    expect((await upload('serial\nA-1\nA-2\n')).status).toBe(200);
    const again = await upload('serial\nA-2\nA-3\n');
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual([{ field: 'line 2', message: "serial number A-2 is already on this donation's list" }]);
    const skipping = await upload('serial\nA-2\nA-3\n', '?skipInvalid=true');
    expect(skipping.body).toMatchObject({ added: 1, donation: { assetList: { expected: 3, received: 0, missing: 3 } } });
    const other = await newDonation();
    const elsewhere = await upload('serial\na-1\n', '', other);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors[0].message).toBe(`serial number a-1 is already on the list of donation ${donationId}`);
  });

  it('files that are no CSV list: no serial column, not UTF-8, binary, an unclosed quote, a header only; unknown donation 404', async () => {
    for (const [body, reason] of [
      ['make,model\nHP,Z2\n', /No serial number column/],
      [Buffer.from([0x73, 0x65, 0x72, 0x69, 0x61, 0x6c, 0x0a, 0x43, 0x61, 0x66, 0xe9, 0x0a]), /not UTF-8/],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), /binary/],
      ['serial,model\nA-1,"Z2\n', /quote is never closed/],
      ['serial\n', /no devices/],
    ] as const) {
      const res = await upload(body);
      expect(res.status, String(body)).toBe(400);
      expect(res.body.code).toBe('donations.asset_list_invalid');
      expect(res.body.detail).toMatch(reason);
    }
    // Too many rows, a record past 100000 characters, a body past 4 MiB.
    const many = await upload(`serial\n${Array.from({ length: 10_001 }, (_, i) => `M-${i}`).join('\n')}\n`);
    expect(many.status).toBe(400);
    expect(many.body.detail).toMatch(/more than 10000 rows/);
    const wide = await upload(`serial,notes\nW-1,"${'x'.repeat(200_000)}"\n`);
    expect(wide.status).toBe(400);
    expect(wide.body.code).toBe('donations.asset_list_invalid');
    expect(wide.body.detail).toMatch(/longer than 100000 characters/);
    const huge = await upload(`serial\n${'H-123456789\n'.repeat(400_000)}`);
    expect(huge.status).toBe(413);
    expect(await listed()).toBe(0);
    const missing = await upload('serial\nA-1\n', '', 9999);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('donations.not_found');
  });

  it('a typed intake of a listed serial links the device to the donation; received and missing follow', async () => {
    await upload('serial,make,model,category\nPF-LISTED-1,Lenovo,ThinkPad T480,laptop\nPF-LISTED-2,HP,EliteDesk 800,desktop\n');
    const res = await t.http.post('/api/v1/devices').set(bearer(await t.token('trainee'))).send(laptop({ serialNumber: 'pf-listed-1' }));
    expect(res.status).toBe(201);
    expect(res.body.device.donationId).toBe(donationId);
    expect((await donation()).assetList).toEqual({ expected: 2, received: 1, missing: 1 });
    expect((await entries()).map((e) => e.receivedAs)).toEqual([res.body.device.assetTag, null]);
  });

  it('an intake naming another donation keeps it; the list entry stays missing', async () => {
    await upload('serial\nPF-ELSEWHERE\n');
    const other = await newDonation();
    const res = await t.http.post('/api/v1/devices').set(bearer(await t.token('trainee'))).send(laptop({ serialNumber: 'PF-ELSEWHERE', donationId: other }));
    expect(res.body.device.donationId).toBe(other);
    expect((await donation()).assetList).toEqual({ expected: 1, received: 0, missing: 1 });
  });

  it('a hardware report whose chassis names no category is completed from the list, which fills only what the report left empty', async () => {
    const dmi = 'Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: HP\n\tProduct Name: Z2 Mini G4\n\tSerial Number: CZC9999\n';
    await upload('serial,make,model,category,asset tag\nCZC9999,Hewlett-Packard,Z2 (from list),desktop,GN-1\n');
    const res = await t.http.post('/api/v1/hardware-reports').set(bearer(await t.token('trainee'))).set('content-type', 'text/plain').send(dmi);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.device).toMatchObject({ category: 'desktop', make: 'HP', model: 'Z2 Mini G4', donationId });
    expect((await donation()).assetList).toEqual({ expected: 1, received: 1, missing: 0 });
  });

  it('a Workbench snapshot of a listed laptop links it too', async () => {
    await upload('serial\nLUSEA0D010038879A01601\n');
    const res = await t.http.post('/api/v1/hardware-reports').set(bearer(await t.token('trainee'))).set('content-type', 'application/json').send(WORKBENCH);
    expect(res.status).toBe(201);
    expect(res.body.device.donationId).toBe(donationId);
  });

  it('roles: whoever may record a donation uploads a list; no token 401', async () => {
    const trainee = await t.http.post(`/api/v1/donations/${donationId}/asset-list`).set(bearer(await t.token('trainee'))).set('content-type', 'text/csv').send('serial\nR-1\n');
    expect(trainee.status).toBe(200);
    const anonymous = await t.http.post(`/api/v1/donations/${donationId}/asset-list`).set('content-type', 'text/csv').send('serial\nR-2\n');
    expect(anonymous.status).toBe(401);
  });

  it('property: over any sequence of uploads and intakes, expected = entries listed, received = listed serials taken in on the donation, missing = the rest', async () => {
    const serials = ['S-1', 'S-2', 'S-3', 'S-4', 'S-5', 'S-6'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('upload' as const), donation: fc.integer({ min: 0, max: 1 }), serials: fc.subarray(serials, { minLength: 1 }), skip: fc.boolean() }),
      fc.record({ kind: fc.constant('intake' as const), serial: fc.constantFrom(...serials), donation: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 8 }), async (ops) => {
        const app = await createTestApp();
        try {
          const token = await app.token('coordinator');
          const ids: number[] = [];
          for (let i = 0; i < 2; i++) ids.push((await app.http.post('/api/v1/donations').set(bearer(token)).send({ donorName: `D${i}`, donorType: 'business', receivedAt: '2026-03-01' })).body.donation.id);
          // The model: serial → donation index it is listed on; serial → donation index it was taken in on (null: none).
          const listedOn = new Map<string, number>();
          const takenIn = new Map<string, number | null>();
          for (const o of ops) {
            if (o.kind === 'upload') {
              const res = await app.http.post(`/api/v1/donations/${ids[o.donation]}/asset-list${o.skip ? '?skipInvalid=true' : ''}`).set(bearer(token)).set('content-type', 'text/csv').send(`serial\n${o.serials.join('\n')}\n`);
              const fresh = o.serials.filter((s) => !listedOn.has(s));
              if (fresh.length === o.serials.length || (o.skip && fresh.length > 0)) {
                expect(res.status).toBe(200);
                for (const s of fresh) listedOn.set(s, o.donation);
              } else if (o.skip) expect(res.status).toBe(200);
              else expect(res.status).toBe(400);
            } else {
              const res = await app.http.post('/api/v1/devices').set(bearer(token)).send(laptop({ serialNumber: o.serial, ...(o.donation !== undefined ? { donationId: ids[o.donation] } : {}) }));
              if (takenIn.has(o.serial)) expect(res.status).toBe(409);
              else {
                expect(res.status).toBe(201);
                const linked = o.donation ?? listedOn.get(o.serial) ?? null;
                takenIn.set(o.serial, linked);
                expect(res.body.device.donationId).toBe(linked === null ? null : ids[linked]);
              }
            }
          }
          for (let d = 0; d < 2; d++) {
            const expected = [...listedOn].filter(([, on]) => on === d).map(([s]) => s);
            const received = expected.filter((s) => takenIn.get(s) === d);
            const res = await app.http.get(`/api/v1/donations/${ids[d]}`).set(bearer(token));
            expect(res.body.donation.assetList).toEqual(expected.length === 0 ? null : { expected: expected.length, received: received.length, missing: expected.length - received.length });
          }
        } finally {
          await app.close();
        }
      }),
      // A fresh app per run, and on PostgreSQL a fresh database: half the runs there, where the property checks the engine; SQLite runs them all.
      { numRuns: TEST_ENGINE === 'postgres' ? 12 : 25 },
    );
  }, 120_000);
});
