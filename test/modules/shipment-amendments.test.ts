/**
 * Admin amendments of a confirmed shipment (docs/domain.md §6: "a confirmed shipment
 * is corrected only by an admin amendment that keeps the original values in
 * history"): who may amend, when, the value rules of each field (the same as
 * at creation and confirmation, dates included), the originals kept in the
 * shipment's `amendments` and its audit events, the manifest, Idempotency-Key,
 * and the diversion report following an amended ship date.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, type TestApp, wipeBody } from '../helpers.js';
import { binary } from '../support/documents.js';

const API = '/api/v1';
type Body = Record<string, unknown>;

let tmp: string;
let fileNo = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'amendments-test-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});
function pdfText(pdf: Buffer): string {
  const file = path.join(tmp, `manifest-${++fileNo}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

describe('POST /shipments/{id}/amendments', () => {
  let t: TestApp;
  beforeEach(async () => {
    // Sessions outlive the clock moves of a test (confirmation days after shipping).
    t = await createTestApp({ env: { SESSION_TTL_HOURS: '2160' } });
  });
  afterEach(async () => t.close());

  const as = async (role: Role) => bearer(await t.token(role));
  const post = async (url: string, body: Body | undefined, role: Role = 'coordinator') => {
    const req = t.http.post(`${API}${url}`).set(await as(role));
    return body === undefined ? req : req.send(body);
  };
  const amend = (id: number, body: Body, role: Role = 'admin') => post(`/shipments/${id}/amendments`, body, role);
  const getShipment = async (id: number): Promise<Body> => {
    const res = await t.http.get(`${API}/shipments/${id}`).set(await as('staff'));
    expect(res.status).toBe(200);
    return res.body.shipment as Body;
  };
  /** Everything an amendment writes, to show that a refused one wrote nothing. */
  const snapshot = async (id: number) => ({
    shipment: await t.row('select * from shipments where id = ?', id),
    amendments: await t.count('shipment_amendments'),
    audit: await t.count('audit_events'),
  });
  const shipmentEvents = async (id: number) =>
    (await t.rows<{ action: string; actor: number; details: string }>("select action, actor_user_id as actor, details from audit_events where entity_type = 'shipment' and entity_id = ? order by id", String(id))).map((e) => ({
      ...e,
      details: JSON.parse(e.details) as Body,
    }));

  /** Intake, wipe, grade D: awaiting recycling. */
  async function salvage(weightGrams: number): Promise<string> {
    const intake = await post('/devices', laptop({ weightGrams }), 'trainee');
    expect(intake.status, JSON.stringify(intake.body)).toBe(201);
    const tag = intake.body.device.assetTag as string;
    for (const d of intake.body.device.storage as Array<{ serialNumber: string }>) expect((await post(`/devices/${tag}/sanitizations`, wipeBody(d.serialNumber), 'trainee')).status).toBe(201);
    expect((await post(`/devices/${tag}/grade`, { grade: 'D' }, 'trainee')).status).toBe(201);
    return tag;
  }
  /** Opened and shipped at the clock's time; the caller confirms. */
  async function shippedShipment(weightGrams = 2300): Promise<number> {
    const recycler = await post('/recyclers', { name: `Southern E-Cycle ${++fileNo}`, certification: 'R2' });
    expect(recycler.status).toBe(201);
    const created = await post('/shipments', { recyclerId: recycler.body.recycler.id, mode: 'sealift', carrier: 'NEAS', containerNumber: 'MSKU1234567', sealNumber: 'SEAL-88', billOfLading: 'BOL-2026-001' });
    expect(created.status).toBe(201);
    const id = created.body.shipment.id as number;
    expect((await post(`/shipments/${id}/devices`, { assetTag: await salvage(weightGrams) })).status).toBe(201);
    const shipped = await post(`/shipments/${id}/ship`, undefined);
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    return id;
  }
  /** Opened 2026-03-02 15:00, shipped then, received 2026-03-06, confirmed 2026-03-10 15:00 (the clock stays there). */
  async function confirmedShipment(): Promise<number> {
    const id = await shippedShipment();
    t.clock.set('2026-03-10T15:00:00.000Z');
    const confirmed = await post(`/shipments/${id}/confirm`, { certificateNumber: 'R2-2026-0042', receivedAt: '2026-03-06', receivedWeightGrams: 2400 }, 'staff');
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    return id;
  }
  const reason = 'transcription error on the certificate';

  it('is for admins only: trainee, coordinator and staff get 403 before any body check; no token is 401', async () => {
    const id = await confirmedShipment();
    const before = await snapshot(id);
    for (const role of ['trainee', 'coordinator', 'staff'] as const) {
      const res = await amend(id, { field: 'carrier', value: 'NEAS Group', reason }, role);
      expect(res.status, role).toBe(403);
      expect(res.body.code).toBe('auth.forbidden');
      // Role checks run before validation: a caller without the right learns nothing about the body.
      expect((await amend(id, { field: 'colour', value: [] }, role)).status, role).toBe(403);
    }
    expect((await t.http.post(`${API}/shipments/${id}/amendments`).send({ field: 'carrier', value: 'NEAS Group', reason })).status).toBe(401);
    expect(await snapshot(id)).toEqual(before);
  });

  it('corrects only a confirmed shipment: open or shipped is 409 shipments.not_confirmed, an unknown one 404', async () => {
    const recycler = await post('/recyclers', { name: 'Open Recycling', certification: 'R2' });
    const open = await post('/shipments', { recyclerId: recycler.body.recycler.id, mode: 'air', carrier: 'Canadian North' });
    const openId = open.body.shipment.id as number;
    const shippedId = await shippedShipment();
    for (const [id, status] of [
      [openId, 'open'],
      [shippedId, 'shipped'],
    ] as const) {
      const before = await snapshot(id);
      const res = await amend(id, { field: 'carrier', value: 'Air Inuit', reason });
      expect(res.status, status).toBe(409);
      expect(res.body.code).toBe('shipments.not_confirmed');
      expect(res.body.shipmentStatus).toBe(status);
      expect(await snapshot(id)).toEqual(before);
    }
    const missing = await amend(shippedId + 100, { field: 'carrier', value: 'Air Inuit', reason });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('shipments.not_found');
  });

  it('takes each amendable field with the rules it has at creation and confirmation; a bad value is 400 naming body.value and writes nothing', async () => {
    const id = await confirmedShipment();
    // [field, valid value, the value the shipment then holds, invalid values]
    const cases: Array<[string, unknown, unknown, unknown[]]> = [
      ['certificateNumber', '  R2-2026-0043 ', 'R2-2026-0043', ['', '   ', 'C'.repeat(101), null, 43, ['R2']]],
      ['receivedWeightGrams', 2350, 2350, [-1, 2350.5, '2350', 1_000_000_001, true]],
      ['receivedWeightGrams', null, null, [{ grams: 1 }]],
      ['carrier', 'NEAS Group', 'NEAS Group', ['', 'c'.repeat(201), 5]],
      ['carrier', null, null, [false]],
      ['containerNumber', 'MSKU7654321', 'MSKU7654321', ['', 'M'.repeat(51), 7654321]],
      ['sealNumber', 'SEAL-4411', 'SEAL-4411', [' ', 'S'.repeat(51), {}]],
      ['billOfLading', 'BOL-2026-017', 'BOL-2026-017', ['', 'B'.repeat(101), 17]],
      // Received between the ship date (2026-03-02) and today (2026-03-10), dates on the workshop's calendar (America/Iqaluit).
      ['receivedAt', '2026-03-05', '2026-03-05', ['2026-03-01', '2026-03-11', '2027-03-05', '2026-02-30', '05/03/2026', '2026-03-05T00:00:00Z', null, 20260305]],
      // Opened 2026-03-02T15:00Z and received 2026-03-05: a ship time in between, in any offset.
      [
        'shippedAt',
        '2026-03-03T09:00:00-05:00',
        '2026-03-03T14:00:00.000Z',
        ['2026-03-02T14:59:00Z', '2026-03-01', '2026-03-06T08:00:00-05:00', '2026-03-06T06:00:00Z', 'yesterday', null, 1772550000000],
      ],
    ];
    let amendments = 0;
    for (const [field, valid, stored, invalid] of cases) {
      for (const value of invalid) {
        const before = await snapshot(id);
        const res = await amend(id, { field, value, reason });
        expect(res.status, `${field} ${JSON.stringify(value)}`).toBe(400);
        expect(res.body.code).toBe('request.invalid');
        expect(res.body.errors, `${field} ${JSON.stringify(value)}`).toEqual([expect.objectContaining({ field: 'body.value' })]);
        expect(await snapshot(id), `${field} ${JSON.stringify(value)}`).toEqual(before);
      }
      const from = (await getShipment(id))[field];
      const res = await amend(id, { field, value: valid, reason });
      expect(res.status, `${field} ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.shipment[field]).toEqual(stored);
      expect(res.body.shipment.status).toBe('confirmed');
      expect(res.body.shipment.amendments).toHaveLength(++amendments);
      expect(res.body.shipment.amendments.at(-1)).toMatchObject({ field, from, to: stored });
      expect((await getShipment(id))[field]).toEqual(stored);
    }
    expect(await t.count('shipment_amendments')).toBe(amendments);
  });

  it('keeps the date rules across fields: a ship date after the received date, or a received date before the ship date, is refused', async () => {
    const id = await confirmedShipment();
    const refused = async (body: Body, why: string) => {
      const res = await amend(id, { ...body, reason });
      expect(res.status, why).toBe(400);
      expect(res.body.errors, why).toEqual([expect.objectContaining({ field: 'body.value' })]);
    };
    // Received 2026-03-06; the ship date may move up to that day on the workshop's calendar.
    await refused({ field: 'shippedAt', value: '2026-03-07T01:00:00-05:00' }, 'the night after the received date in Iqaluit');
    // The evening of 03-06 in Iqaluit (03-07 in UTC) is still the received day there.
    expect((await amend(id, { field: 'shippedAt', value: '2026-03-06T20:00:00-05:00', reason })).status).toBe(201);
    // Now the received date cannot move before 2026-03-06.
    await refused({ field: 'receivedAt', value: '2026-03-05' }, 'before the amended ship date');
    expect((await amend(id, { field: 'receivedAt', value: '2026-03-10', reason })).status).toBe(201);
    // Received today: a ship time later today is still in the future.
    await refused({ field: 'shippedAt', value: '2026-03-10T16:00:00Z' }, 'in the future');
    const res = await amend(id, { field: 'shippedAt', value: '2026-03-10T14:00:00Z', reason });
    expect(res.status).toBe(201);
    expect(res.body.shipment).toMatchObject({ shippedAt: '2026-03-10T14:00:00.000Z', receivedAt: '2026-03-10' });
  });

  it('refuses an amendment that changes nothing, a bad field, and a missing, blank, long or unprintable reason', async () => {
    const id = await confirmedShipment();
    const before = await snapshot(id);
    for (const [body, field, code] of [
      [{ field: 'carrier', value: 'NEAS', reason }, 'body.value', 'request.invalid'],
      [{ field: 'receivedAt', value: '2026-03-06', reason }, 'body.value', 'request.invalid'],
      [{ field: 'receivedWeightGrams', value: 2400, reason }, 'body.value', 'request.invalid'],
      // The same instant in another offset is the same ship time.
      [{ field: 'shippedAt', value: '2026-03-02T10:00:00-05:00', reason }, 'body.value', 'request.invalid'],
      [{ field: 'status', value: 'open', reason }, 'body.field', 'request.invalid'],
      [{ field: 'recyclerId', value: 1, reason }, 'body.field', 'request.invalid'],
      [{ value: 'NEAS Group', reason }, 'body.field', 'request.invalid'],
      [{ field: 'carrier', reason }, 'body.value', 'request.invalid'],
      [{ field: 'carrier', value: 'NEAS Group' }, 'body.reason', 'request.invalid'],
      [{ field: 'carrier', value: 'NEAS Group', reason: '   ' }, 'body.reason', 'request.invalid'],
      [{ field: 'carrier', value: 'NEAS Group', reason: 'r'.repeat(501) }, 'body.reason', 'request.invalid'],
      [{ field: 'carrier', value: 'NEAS Group', reason, amendedBy: 1 }, 'body.amendedBy', 'request.invalid'],
      // The manifest prints the reason: text no embedded font draws is refused now, not when the manifest is printed.
      [{ field: 'carrier', value: 'NEAS Group', reason: 'wrong ship 🚢' }, 'body.reason', 'documents.undrawable_text'],
      [{ field: 'carrier', value: 'NEAS 🚢', reason }, 'body.value', 'documents.undrawable_text'],
    ] as Array<[Body, string, string]>) {
      const res = await amend(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code, JSON.stringify(body)).toBe(code);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors, JSON.stringify(body)).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect(await snapshot(id)).toEqual(before);
    // Syllabics are printable: a reason in Inuktitut is fine, trimmed.
    const ok = await amend(id, { field: 'carrier', value: 'NEAS Group', reason: '  ᐊᑦᑎᖅ ᐊᑦᑕᕐᓇᖅ  ' });
    expect(ok.status).toBe(201);
    expect(ok.body.shipment.amendments[0].reason).toBe('ᐊᑦᑎᖅ ᐊᑦᑕᕐᓇᖅ');
  });

  it('keeps the original in amendments and in an audit event written with the change; two amendments of one field keep both originals in order', async () => {
    const id = await confirmedShipment();
    const adminId = (await t.http.get(`${API}/me`).set(await as('admin'))).body.user.id as number;
    const first = await amend(id, { field: 'receivedWeightGrams', value: 2350, reason: 'scale ticket misread' });
    expect(first.status).toBe(201);
    expect(first.body.shipment).toMatchObject({ receivedWeightGrams: 2350, certificateNumber: 'R2-2026-0042', receivedAt: '2026-03-06', confirmedAt: '2026-03-10T15:00:00.000Z' });
    // The line weights are the shipper's: a corrected received weight never replaces them.
    expect(first.body.shipment.totals).toEqual({ deviceUnits: 1, deviceGrams: 2300, bulkGrams: 0, grams: 2300 });
    expect(first.body.shipment.amendments).toEqual([
      { id: expect.any(Number), field: 'receivedWeightGrams', from: 2400, to: 2350, reason: 'scale ticket misread', amendedBy: { id: adminId, username: 'admin' }, amendedAt: '2026-03-10T15:00:00.000Z' },
    ]);

    t.clock.set('2026-03-11T09:30:00.000Z');
    const second = await amend(id, { field: 'receivedWeightGrams', value: 2360, reason: 'the recycler reissued the ticket' });
    expect(second.status).toBe(201);
    const amendments = (await getShipment(id))['amendments'] as Body[];
    expect(amendments.map((a) => [a['field'], a['from'], a['to'], a['reason'], a['amendedAt']])).toEqual([
      ['receivedWeightGrams', 2400, 2350, 'scale ticket misread', '2026-03-10T15:00:00.000Z'],
      ['receivedWeightGrams', 2350, 2360, 'the recycler reissued the ticket', '2026-03-11T09:30:00.000Z'],
    ]);
    expect((amendments[0]!['id'] as number) < (amendments[1]!['id'] as number)).toBe(true);
    expect((await getShipment(id))['receivedWeightGrams']).toBe(2360);

    const events = await shipmentEvents(id);
    expect(events.map((e) => e.action)).toEqual(['shipment.created', 'shipment.device_added', 'shipment.shipped', 'shipment.confirmed', 'shipment.amended', 'shipment.amended']);
    expect(events.slice(-2).map((e) => ({ actor: e.actor, ...e.details }))).toEqual([
      { actor: adminId, amendmentId: amendments[0]!['id'], field: 'receivedWeightGrams', from: 2400, to: 2350, reason: 'scale ticket misread' },
      { actor: adminId, amendmentId: amendments[1]!['id'], field: 'receivedWeightGrams', from: 2350, to: 2360, reason: 'the recycler reissued the ticket' },
    ]);
    // The confirmation event still holds what was first recorded.
    expect(events[3]!.details).toMatchObject({ receivedWeightGrams: 2400 });
    const verify = await t.http.get(`${API}/audit/verify`).set(await as('admin'));
    expect(verify.body.ok).toBe(true);

    // Clearing an optional field keeps null as a value of its own, not as "no original".
    expect((await amend(id, { field: 'sealNumber', value: null, reason: 'no seal was fitted' })).status).toBe(201);
    expect((await amend(id, { field: 'sealNumber', value: 'SEAL-90', reason: 'seal found on the photo' })).status).toBe(201);
    const seal = ((await getShipment(id))['amendments'] as Body[]).filter((a) => a['field'] === 'sealNumber').map((a) => [a['from'], a['to']]);
    expect(seal).toEqual([
      ['SEAL-88', null],
      [null, 'SEAL-90'],
    ]);
    expect(await t.rows("select from_value, to_value from shipment_amendments where field = 'sealNumber' order by id")).toEqual([
      { from_value: '"SEAL-88"', to_value: 'null' },
      { from_value: 'null', to_value: '"SEAL-90"' },
    ]);
  });

  it('honours Idempotency-Key: a replay returns the stored response and amends once', async () => {
    const id = await confirmedShipment();
    const send = async (body: Body) => t.http.post(`${API}/shipments/${id}/amendments`).set(await as('admin')).set('idempotency-key', 'amend-1').send(body);
    const body = { field: 'billOfLading', value: 'BOL-2026-018', reason };
    const first = await send(body);
    expect(first.status).toBe(201);
    const replay = await send(body);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await t.count('shipment_amendments')).toBe(1);
    const reused = await send({ ...body, value: 'BOL-2026-019' });
    expect(reused.status).toBe(422);
    expect(await t.count('shipment_amendments')).toBe(1);
  });

  it('the manifest lists the amendments after the lines: field, original, correction, reason, who and when; same bytes twice', async () => {
    const id = await confirmedShipment();
    const get = async () => t.http.get(`${API}/shipments/${id}/manifest.pdf`).set(await as('staff')).buffer(true).parse(binary);
    expect(pdfText((await get()).body as Buffer)).not.toContain('Amendments');

    expect((await amend(id, { field: 'carrier', value: 'NEAS Group', reason: 'the carrier’s full name' })).status).toBe(201);
    t.clock.set('2026-03-12T18:45:00.000Z');
    expect((await amend(id, { field: 'receivedWeightGrams', value: 2350, reason: 'scale ticket misread' })).status).toBe(201);
    expect((await amend(id, { field: 'shippedAt', value: '2026-03-03T14:00:00Z', reason: 'left a day late' })).status).toBe(201);

    const res = await get();
    expect(res.status).toBe(200);
    const text = pdfText(res.body as Buffer);
    // The fields above the lines hold the corrected values.
    const head = text.slice(0, text.indexOf('Amendments'));
    expect(head).toContain('NEAS Group');
    expect(head).toContain('Shipped 2026-03-03');
    for (const expected of [
      'Amendments',
      '1. Carrier: NEAS corrected to NEAS Group',
      'Reason: the carrier’s full name · by admin, 2026-03-10 15:00 UTC',
      '2. Weight received by the recycler: 2,400 g corrected to 2,350 g',
      'Reason: scale ticket misread · by admin, 2026-03-12 18:45 UTC',
      '3. Shipped: 2026-03-02 15:00 UTC corrected to 2026-03-03 14:00 UTC',
      'Reason: left a day late',
    ]) {
      expect(text, expected).toContain(expected);
    }
    // After the lines and before the signatures.
    expect(text.indexOf('Amendments')).toBeGreaterThan(text.indexOf('Total 1 2.3 kg'));
    expect(text.indexOf('Amendments')).toBeLessThan(text.indexOf('Shipper: signature and date'));
    expect(((await get()).body as Buffer).equals(res.body as Buffer)).toBe(true);
  });

  it('the diversion report follows an amended ship date across a period boundary', async () => {
    // Opened in February, shipped 2026-03-01 10:00Z, received and confirmed 2026-03-02.
    t.clock.set('2026-02-27T15:00:00.000Z');
    const recycler = await post('/recyclers', { name: 'Boundary Recycling', certification: 'R2' });
    const created = await post('/shipments', { recyclerId: recycler.body.recycler.id, mode: 'air' });
    const id = created.body.shipment.id as number;
    expect((await post(`/shipments/${id}/devices`, { assetTag: await salvage(2450) })).status).toBe(201);
    t.clock.set('2026-03-02T15:00:00.000Z');
    expect((await post(`/shipments/${id}/ship`, { shippedAt: '2026-03-01T10:00:00Z' })).status).toBe(200);
    expect((await post(`/shipments/${id}/confirm`, { certificateNumber: 'R2-B-1', receivedAt: '2026-03-02' })).status).toBe(200);

    const recycled = async (from: string, to: string) => {
      const res = await t.http.get(`${API}/reports/diversion`).query({ from, to }).set(await as('staff'));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.totals.recycledConfirmed as { units: number; grams: number };
    };
    expect(await recycled('2026-02-01', '2026-02-28')).toEqual({ units: 0, grams: 0 });
    expect(await recycled('2026-03-01', '2026-03-31')).toEqual({ units: 1, grams: 2450 });

    expect((await amend(id, { field: 'shippedAt', value: '2026-02-28T20:00:00Z', reason: 'the plane left the evening before' })).status).toBe(201);
    expect(await recycled('2026-02-01', '2026-02-28')).toEqual({ units: 1, grams: 2450 });
    expect(await recycled('2026-03-01', '2026-03-31')).toEqual({ units: 0, grams: 0 });

    // And back: the last amendment decides, the earlier one stays in the history.
    expect((await amend(id, { field: 'shippedAt', value: '2026-03-01T00:00:00Z', reason: 'the waybill says after midnight' })).status).toBe(201);
    expect(await recycled('2026-02-01', '2026-02-28')).toEqual({ units: 0, grams: 0 });
    expect(await recycled('2026-03-01', '2026-03-31')).toEqual({ units: 1, grams: 2450 });
    expect(((await getShipment(id))['amendments'] as Body[]).map((a) => [a['from'], a['to']])).toEqual([
      ['2026-03-01T10:00:00.000Z', '2026-02-28T20:00:00.000Z'],
      ['2026-02-28T20:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ]);
  });
});
