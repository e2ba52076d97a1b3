import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../helpers.js';
import type { Role } from '../../src/modules/auth/permissions.js';

const DIR = path.resolve(import.meta.dirname, '../fixtures/hardware-reports');
const fixture = (name: string) => fs.readFileSync(path.join(DIR, name));
const LSHW = 'lshw-thinkpad-x1-carbon-5.json';
const WORKBENCH = 'workbench-2022-acer-aohappy.json';

describe('POST /api/v1/hardware-reports', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    // Users (and their audit events) created before any test counts rows.
    for (const role of ['trainee', 'coordinator', 'staff', 'admin'] as const) await t.token(role);
  });
  afterEach(async () => t.close());

  const post = async (body: Buffer | string, query = '', role: Role = 'trainee', type = 'application/json') =>
    t.http.post(`/api/v1/hardware-reports${query}`).set(bearer(await t.token(role))).set('content-type', type).send(typeof body === 'string' ? body : body.toString('utf8'));

  const rows = async () => ({ devices: await t.count('devices'), drives: await t.count('storage_drives'), audit: await t.count('audit_events'), tags: await t.count('asset_tags') });

  it('dryRun=true answers the draft and its warnings, and writes nothing', async () => {
    const before = await rows();
    const res = await post(fixture(WORKBENCH), '?dryRun=true');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.format).toBe('workbench');
    expect(res.body.draft).toMatchObject({ category: 'laptop', make: 'Acer', model: 'AOHAPPY', serialNumber: 'LUSEA0D010038879A01601' });
    expect(res.body.warnings.length).toBeGreaterThan(0);
    expect(await rows()).toEqual(before);
  });

  it('dmidecode arrives as text/plain', async () => {
    const res = await post(fixture('dmidecode-dell-latitude-e7240.txt'), '?dryRun=true', 'trainee', 'text/plain');
    expect(res.status).toBe(200);
    expect(res.body.draft.serialNumber).toBe('5CQ6VY1');
  });

  it('intake: the device and its drives as a typed intake would write them, one intake event', async () => {
    const res = await post(fixture(LSHW));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const device = res.body.device;
    expect(res.headers.location).toBe(`/api/v1/devices/${device.assetTag}`);
    expect(device).toMatchObject({ category: 'laptop', make: 'LENOVO', model: 'ThinkPad X1 Carbon 5th', serialNumber: 'PF0QMY5N', status: 'received', weightSource: 'category_default', donationId: null });
    expect(device.specs).toEqual({ cpu: 'Intel(R) Core(TM) i7-7500U CPU @ 2.70GHz', ramGb: 15.9, storageGb: 1024 });
    expect(device.storage).toEqual([expect.objectContaining({ serialNumber: 'S35ANX0J401001', kind: 'nvme', capacityGb: 1024, model: 'SAMSUNG MZVLW1T0HMLH-000L7', sanitizationState: 'pending' })]);
    const history = await t.http.get(`/api/v1/devices/${device.assetTag}/history`).set(bearer(await t.token('trainee')));
    expect(history.status).toBe(200);
    const actions = (history.body.items ?? history.body.events ?? []).map((e: { action: string }) => e.action);
    expect(actions).toEqual(['device.intake']);
    expect(await rows()).toMatchObject({ devices: 1, drives: 1 });
  });

  it('a serial already registered is 409 devices.duplicate_serial, and nothing more is written', async () => {
    expect((await post(fixture(LSHW))).status).toBe(201);
    const before = await rows();
    const again = await post(fixture(LSHW));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('devices.duplicate_serial');
    expect(await rows()).toEqual(before);
  });

  it('assetTag and donationId as query parameters', async () => {
    const reserved = await t.http.post('/api/v1/asset-tags/reserve').set(bearer(await t.token('trainee'))).send({ count: 1 });
    const tag = reserved.body.tags[0] as string;
    const donation = await t.http.post('/api/v1/donations').set(bearer(await t.token('coordinator'))).send({ donorName: 'Hamlet office', donorType: 'government', receivedAt: '2026-03-01' });
    const res = await post(fixture(WORKBENCH), `?assetTag=${tag}&donationId=${donation.body.donation.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.device.assetTag).toBe(tag);
    expect(res.body.device.donationId).toBe(donation.body.donation.id);
    const missing = await post(fixture(LSHW), '?donationId=999');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('donations.not_found');
  });

  it('a report without the machine (smartctl only) cannot be taken in: 400 devices.incomplete_intake naming serialNumber', async () => {
    const before = await rows();
    const res = await post(fixture('smartctl-nvme-samsung-mzvlw1t0.json'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('devices.incomplete_intake');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.serialNumber' })]);
    expect(await rows()).toEqual(before);
  });

  it('an unknown chassis with no asset list to fill it: 400 devices.incomplete_intake naming category', async () => {
    const dmi = 'Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: HP\n\tProduct Name: Z2\n\tSerial Number: CZC1234\n';
    const res = await post(dmi, '', 'trainee', 'text/plain');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('devices.incomplete_intake');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.category' })]);
  });

  it('roles: devices:intake (trainee, coordinator, admin); staff 403, even for a dry run; no token 401', async () => {
    for (const role of ['coordinator', 'admin'] as const) expect((await post(fixture(WORKBENCH), '?dryRun=true', role)).status).toBe(200);
    const staff = await post(fixture(WORKBENCH), '?dryRun=true', 'staff');
    expect(staff.status).toBe(403);
    expect(staff.body.code).toBe('auth.forbidden');
    const anonymous = await t.http.post('/api/v1/hardware-reports?dryRun=true').set('content-type', 'application/json').send(fixture(WORKBENCH).toString('utf8'));
    expect(anonymous.status).toBe(401);
  });
});
