/**
 * Recyclers and recycling shipments (docs/domain.md §2 invariant 2, §3 recycler and
 * shipment, §4): who may do what, which devices may be scanned in, bulk
 * lines, ship (devices become recycled, the shipment freezes), confirm (the
 * recycler's weight is kept beside the line totals), and the manifest PDF.
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
const ORG = 'Nunavut Computer Reuse Society';
type Body = Record<string, unknown>;

const destroy = (storageSerial: string, result: 'passed' | 'failed' = 'passed'): Body => ({
  storageSerial,
  method: 'destroy',
  technique: 'shred',
  tool: 'SSI shredder',
  verification: 'full',
  result,
});

let tmp: string;
let fileNo = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'recycling-test-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});
/** pdftotext's text with runs of white space made single spaces. */
function pdfText(pdf: Buffer): string {
  const file = path.join(tmp, `manifest-${++fileNo}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

describe('recycling', () => {
  let t: TestApp;
  beforeEach(async () => {
    // Sessions outlive the clock moves of a test (confirmations weeks after shipping).
    t = await createTestApp({ env: { ORGANIZATION_NAME: ORG, SESSION_TTL_HOURS: '2160' } });
  });
  afterEach(async () => t.close());

  const as = async (role: Role) => bearer(await t.token(role));
  const post = async (url: string, body: Body | undefined, role: Role = 'coordinator') => {
    const req = t.http.post(`${API}${url}`).set(await as(role));
    return body === undefined ? req : req.send(body);
  };

  async function recycler(body: Body = {}): Promise<number> {
    const res = await post('/recyclers', { name: `Southern E-Cycle ${++fileNo}`, certification: 'R2', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.recycler.id as number;
  }
  async function shipment(body: Body = {}): Promise<number> {
    const res = await post('/shipments', { recyclerId: await recycler(), mode: 'sealift', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.shipment.id as number;
  }
  async function intake(overrides: Body = {}): Promise<{ tag: string; drives: string[]; weightGrams: number }> {
    const res = await post('/devices', laptop(overrides), 'trainee');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return {
      tag: res.body.device.assetTag as string,
      drives: (res.body.device.storage as Array<{ serialNumber: string }>).map((d) => d.serialNumber),
      weightGrams: res.body.device.weightGrams as number,
    };
  }
  /** Intake, wipe every drive (or confirm no storage), grade D: awaiting_recycling. */
  async function salvage(overrides: Body = {}): Promise<{ tag: string; drives: string[]; weightGrams: number }> {
    const d = await intake(overrides);
    if (d.drives.length === 0) expect((await post(`/devices/${d.tag}/sanitizations`, { noStorage: true }, 'trainee')).status).toBe(201);
    for (const s of d.drives) expect((await post(`/devices/${d.tag}/sanitizations`, wipeBody(s), 'trainee')).status).toBe(201);
    const graded = await post(`/devices/${d.tag}/grade`, { grade: 'D' }, 'trainee');
    expect(graded.status, JSON.stringify(graded.body)).toBe(201);
    expect(graded.body.device.status).toBe('awaiting_recycling');
    return d;
  }
  async function device(tag: string): Promise<Body> {
    const res = await t.http.get(`${API}/devices/${tag}`).set(await as('coordinator'));
    expect(res.status).toBe(200);
    return res.body.device as Body;
  }
  async function history(tag: string): Promise<Array<{ action: string; fromStatus: string | null; toStatus: string | null; details: Body }>> {
    const res = await t.http.get(`${API}/devices/${tag}/history`).set(await as('trainee'));
    expect(res.status).toBe(200);
    return res.body.events as Awaited<ReturnType<typeof history>>;
  }

  describe('POST /recyclers', () => {
    it('coordinators, staff and admins register recyclers; trainees get 403', async () => {
      const full = await post('/recyclers', { name: 'Southern E-Cycle Inc.', certification: 'R2', certificateExpiry: '2027-06-30', address: 'Montréal, QC' }, 'coordinator');
      expect(full.status).toBe(201);
      expect(full.body.recycler).toEqual({
        id: expect.any(Number),
        name: 'Southern E-Cycle Inc.',
        certification: 'R2',
        certificateExpiry: '2027-06-30',
        address: 'Montréal, QC',
        createdAt: '2026-03-02T15:00:00.000Z',
      });
      const staff = await post('/recyclers', { name: 'Green Arctic Recycling', certification: 'e-Stewards' }, 'staff');
      expect(staff.status).toBe(201);
      expect(staff.body.recycler).toMatchObject({ name: 'Green Arctic Recycling', certification: 'e-Stewards', certificateExpiry: null, address: null });
      const admin = await post('/recyclers', { name: 'Local scrap dealer', certification: 'none' }, 'admin');
      expect(admin.status).toBe(201);
      expect(admin.body.recycler.certification).toBe('none');
      expect((await post('/recyclers', { name: 'Other Co', certification: 'other' }, 'staff')).status).toBe(201);

      const trainee = await post('/recyclers', { name: 'Trainee Recycling', certification: 'R2' }, 'trainee');
      expect(trainee.status).toBe(403);
      expect(trainee.body.code).toBe('auth.forbidden');
      // Role checks run before validation: a trainee learns nothing about the body.
      const traineeBad = await post('/recyclers', { certification: 'R9' }, 'trainee');
      expect(traineeBad.status).toBe(403);
      expect((await t.http.post(`${API}/recyclers`).send({ name: 'Anon', certification: 'R2' })).status).toBe(401);

      const list = await t.http.get(`${API}/recyclers`).set(await as('staff'));
      expect(list.status).toBe(200);
      expect((list.body.items as Array<{ name: string }>).map((r) => r.name).sort()).toEqual(['Green Arctic Recycling', 'Local scrap dealer', 'Other Co', 'Southern E-Cycle Inc.']);
    });

    it('refuses a duplicate name with 409 recyclers.name_taken and a bad certification with 400', async () => {
      expect((await post('/recyclers', { name: 'Southern E-Cycle Inc.', certification: 'R2' })).status).toBe(201);
      const dup = await post('/recyclers', { name: 'Southern E-Cycle Inc.', certification: 'e-Stewards' }, 'staff');
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('recyclers.name_taken');

      for (const [body, field] of [
        [{ name: 'X', certification: 'R3' }, 'body.certification'],
        [{ name: 'X', certification: 'r2' }, 'body.certification'],
        [{ name: 'X' }, 'body.certification'],
        [{ name: '', certification: 'R2' }, 'body.name'],
        [{ name: 'X', certification: 'R2', certificateExpiry: '2027-02-30' }, 'body.certificateExpiry'],
        [{ name: 'X', certification: 'R2', rating: 5 }, 'body.rating'],
      ] as Array<[Body, string]>) {
        const res = await post('/recyclers', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('request.invalid');
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      expect(await t.count('recyclers')).toBe(1);
    });
  });

  describe('POST /shipments', () => {
    it('opens a shipment with status open; unknown recycler 404 recyclers.not_found; trainee 403', async () => {
      const recyclerId = await recycler({ certificateExpiry: '2027-06-30' });
      const res = await post('/shipments', { recyclerId, mode: 'sealift', carrier: 'NEAS', containerNumber: 'MSKU1234567', sealNumber: 'SEAL-88', billOfLading: 'BOL-2026-001' }, 'staff');
      expect(res.status).toBe(201);
      expect(res.body.shipment).toMatchObject({
        id: expect.any(Number),
        recycler: { id: recyclerId, certification: 'R2', certificateExpiry: '2027-06-30' },
        mode: 'sealift',
        carrier: 'NEAS',
        containerNumber: 'MSKU1234567',
        sealNumber: 'SEAL-88',
        billOfLading: 'BOL-2026-001',
        status: 'open',
        shippedAt: null,
        confirmedAt: null,
        certificateNumber: null,
        receivedWeightGrams: null,
        devices: [],
        bulkLines: [],
        totals: { deviceUnits: 0, deviceGrams: 0, bulkGrams: 0, grams: 0 },
      });

      const unknown = await post('/shipments', { recyclerId: recyclerId + 999, mode: 'air' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('recyclers.not_found');
      const badMode = await post('/shipments', { recyclerId, mode: 'sled' });
      expect(badMode.status).toBe(400);
      expect(badMode.body.code).toBe('request.invalid');
      const trainee = await post('/shipments', { recyclerId, mode: 'road' }, 'trainee');
      expect(trainee.status).toBe(403);
      expect(await t.count('shipments')).toBe(1);

      const missing = await t.http.get(`${API}/shipments/9999`).set(await as('staff'));
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('shipments.not_found');
    });
  });

  describe('POST /shipments/{id}/devices', () => {
    it('takes only awaiting_recycling devices: anything else is 409 devices.invalid_transition', async () => {
      const id = await shipment();
      const received = await intake();
      const res = await post(`/shipments/${id}/devices`, { assetTag: received.tag });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('devices.invalid_transition');
      expect(res.body.currentStatus).toBe('received');

      // Sanitized and graded A (ready): still not designated for recycling.
      const ready = await intake();
      for (const s of ready.drives) expect((await post(`/devices/${ready.tag}/sanitizations`, wipeBody(s), 'trainee')).status).toBe(201);
      expect((await post(`/devices/${ready.tag}/grade`, { grade: 'A' }, 'trainee')).status).toBe(201);
      const readyRes = await post(`/shipments/${id}/devices`, { assetTag: ready.tag }, 'staff');
      expect(readyRes.status).toBe(409);
      expect(readyRes.body.code).toBe('devices.invalid_transition');
      expect(readyRes.body.currentStatus).toBe('ready');

      const unknown = await post(`/shipments/${id}/devices`, { assetTag: 'IQ-000042-T' });
      expect(unknown.status).toBe(404);
      const noShipment = await post(`/shipments/${id + 50}/devices`, { assetTag: received.tag });
      expect(noShipment.status).toBe(404);
      expect(noShipment.body.code).toBe('shipments.not_found');
      const trainee = await post(`/shipments/${id}/devices`, { assetTag: received.tag }, 'trainee');
      expect(trainee.status).toBe(403);

      expect((await t.http.get(`${API}/shipments/${id}`).set(await as('staff'))).body.shipment.devices).toEqual([]);
      expect(await t.count('shipment_devices')).toBe(0);
    });

    it('invariant 2: a designated device whose drive has no passing record is 409 shipments.device_not_sanitized, accepted once a destroy record passes', async () => {
      const id = await shipment();
      const d = await intake({
        weightGrams: 2450,
        storage: [
          { serialNumber: 'HDD-RCY-1', kind: 'hdd', capacityGb: 500 },
          { serialNumber: 'SSD-RCY-2', kind: 'ssd', capacityGb: 128 },
        ],
      });
      const designated = await post(`/devices/${d.tag}/recycle`, { reason: 'cracked chassis' }, 'coordinator');
      expect(designated.status).toBe(200);
      expect(designated.body.device.status).toBe('awaiting_recycling');

      const refuse = async (why: string) => {
        const res = await post(`/shipments/${id}/devices`, { assetTag: d.tag });
        expect(res.status, why).toBe(409);
        expect(res.body.code, why).toBe('shipments.device_not_sanitized');
      };
      await refuse('no record at all');
      expect((await post(`/devices/${d.tag}/sanitizations`, destroy('HDD-RCY-1', 'failed'), 'trainee')).status).toBe(201);
      await refuse('a failed destroy record');
      const first = await post(`/devices/${d.tag}/sanitizations`, destroy('HDD-RCY-1'), 'trainee');
      expect(first.status).toBe(201);
      expect(first.body.device.status).toBe('awaiting_recycling');
      await refuse('one of two drives destroyed');
      expect(await t.count('shipment_devices')).toBe(0);

      expect((await post(`/devices/${d.tag}/sanitizations`, destroy('SSD-RCY-2'), 'trainee')).status).toBe(201);
      const ok = await post(`/shipments/${id}/devices`, { assetTag: d.tag.toLowerCase() }, 'staff');
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.shipment.devices).toEqual([{ assetTag: d.tag, category: 'laptop', weightGrams: 2450, weightSource: 'measured' }]);
      expect(ok.body.shipment.totals).toEqual({ deviceUnits: 1, deviceGrams: 2450, bulkGrams: 0, grams: 2450 });
    });

    it('invariant 2 across custody cycles: a returned device needs a new passing record before it can be scanned in', async () => {
      const id = await shipment();
      const d = await intake({ weightGrams: 2200 });
      for (const s of d.drives) expect((await post(`/devices/${d.tag}/sanitizations`, wipeBody(s), 'trainee')).status).toBe(201);
      expect((await post(`/devices/${d.tag}/grade`, { grade: 'B' }, 'trainee')).status).toBe(201);
      const participant = await post('/participants', { community: 'Iqaluit', consent: { given: true, language: 'iu' } });
      expect(participant.status).toBe(201);
      expect((await post(`/devices/${d.tag}/issue`, { participantCode: participant.body.participant.code, kind: 'gift', agreementAccepted: true })).status).toBe(201);
      const returned = await post(`/devices/${d.tag}/return`, { condition: 'damaged', personalDataRemoved: false });
      expect(returned.status).toBe(200);
      expect(returned.body.device.status).toBe('received');
      expect((await post(`/devices/${d.tag}/recycle`, { reason: 'screen smashed' })).status).toBe(200);

      // The wipe of the first custody cycle no longer counts.
      const refused = await post(`/shipments/${id}/devices`, { assetTag: d.tag });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('shipments.device_not_sanitized');
      expect((await post(`/devices/${d.tag}/sanitizations`, destroy(d.drives[0]!), 'trainee')).status).toBe(201);
      expect((await post(`/shipments/${id}/devices`, { assetTag: d.tag })).status).toBe(201);
    });

    it("an unsanitized device awaiting recycling does not offer 'ship' in allowedActions until its drives pass", async () => {
      const d = await intake();
      expect((await post(`/devices/${d.tag}/recycle`, { reason: 'cracked chassis' })).status).toBe(200);
      // Shipping it would be refused (409 shipments.device_not_sanitized), so it must not be offered.
      expect((await device(d.tag))['allowedActions']).not.toContain('ship');
      expect((await post(`/devices/${d.tag}/sanitizations`, destroy(d.drives[0]!), 'trainee')).status).toBe(201);
      expect((await device(d.tag))['allowedActions']).toContain('ship');
    });

    it('a device with no storage is refused until no-storage is confirmed, then accepted', async () => {
      const id = await shipment();
      // Designated straight from received, no drive registered and none confirmed absent.
      const unconfirmed = await intake({ category: 'monitor', make: 'Dell', model: 'P2217', storage: [] });
      expect((await post(`/devices/${unconfirmed.tag}/recycle`, { reason: 'dead panel' })).status).toBe(200);
      const refused = await post(`/shipments/${id}/devices`, { assetTag: unconfirmed.tag });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('shipments.device_not_sanitized');

      const monitor = await intake({ category: 'monitor', make: 'LG', model: '22MK430', storage: [], weightGrams: 3900 });
      const confirmed = await post(`/devices/${monitor.tag}/sanitizations`, { noStorage: true }, 'trainee');
      expect(confirmed.status).toBe(201);
      expect(confirmed.body.device.status).toBe('sanitized');
      expect((await post(`/devices/${monitor.tag}/recycle`, { reason: 'not reused by the program' })).status).toBe(200);
      const ok = await post(`/shipments/${id}/devices`, { assetTag: monitor.tag });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.shipment.devices.map((x: { assetTag: string }) => x.assetTag)).toEqual([monitor.tag]);
    });

    it('the same device twice, or on a second shipment, is 409 shipments.device_already_added', async () => {
      const first = await shipment();
      const second = await shipment({ mode: 'air' });
      const d = await salvage();
      expect((await post(`/shipments/${first}/devices`, { assetTag: d.tag })).status).toBe(201);
      const again = await post(`/shipments/${first}/devices`, { assetTag: d.tag });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('shipments.device_already_added');
      const other = await post(`/shipments/${second}/devices`, { assetTag: d.tag }, 'staff');
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('shipments.device_already_added');
      expect(await t.count('shipment_devices')).toBe(1);
      const s2 = await t.http.get(`${API}/shipments/${second}`).set(await as('staff'));
      expect(s2.body.shipment.devices).toEqual([]);
    });
  });

  describe('POST /shipments/{id}/bulk-lines', () => {
    it('adds untagged e-waste by weight: grams > 0, units >= 0 optional', async () => {
      const id = await shipment();
      const cables = await post(`/shipments/${id}/bulk-lines`, { category: 'cables and chargers', weightGrams: 12500, units: 40 });
      expect(cables.status).toBe(201);
      expect(cables.body.shipment.bulkLines).toEqual([{ id: expect.any(Number), category: 'cables and chargers', weightGrams: 12500, units: 40 }]);
      const keyboards = await post(`/shipments/${id}/bulk-lines`, { category: 'keyboards and mice', weightGrams: 3200 }, 'staff');
      expect(keyboards.status).toBe(201);
      const zeroUnits = await post(`/shipments/${id}/bulk-lines`, { category: 'loose screws', weightGrams: 1, units: 0 }, 'admin');
      expect(zeroUnits.status).toBe(201);
      expect(zeroUnits.body.shipment.bulkLines.map((b: Body) => [b['category'], b['weightGrams'], b['units']])).toEqual([
        ['cables and chargers', 12500, 40],
        ['keyboards and mice', 3200, null],
        ['loose screws', 1, 0],
      ]);
      expect(zeroUnits.body.shipment.totals).toEqual({ deviceUnits: 0, deviceGrams: 0, bulkGrams: 15701, grams: 15701 });

      for (const [body, field] of [
        [{ category: 'cables', weightGrams: 0 }, 'body.weightGrams'],
        [{ category: 'cables', weightGrams: -5 }, 'body.weightGrams'],
        [{ category: 'cables', weightGrams: 12.5 }, 'body.weightGrams'],
        [{ category: 'cables', weightGrams: '100' }, 'body.weightGrams'],
        [{ category: 'cables' }, 'body.weightGrams'],
        [{ category: 'cables', weightGrams: 100, units: -1 }, 'body.units'],
        [{ category: 'cables', weightGrams: 100, units: 1.5 }, 'body.units'],
        [{ category: '', weightGrams: 100 }, 'body.category'],
        [{ category: 'cables', weightGrams: 100, kg: 0.1 }, 'body.kg'],
      ] as Array<[Body, string]>) {
        const res = await post(`/shipments/${id}/bulk-lines`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('request.invalid');
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      expect(await t.count('shipment_bulk_lines')).toBe(3);
      expect((await post(`/shipments/${id}/bulk-lines`, { category: 'cables', weightGrams: 100 }, 'trainee')).status).toBe(403);
    });
  });

  describe('ship and confirm', () => {
    it('ships with an empty body: devices become recycled with one device.shipped event each; then every change is 409 shipments.frozen', async () => {
      const id = await shipment({ carrier: 'NEAS' });
      const a = await salvage({ weightGrams: 2100 });
      const b = await salvage({ category: 'desktop', make: 'Dell', model: 'OptiPlex 7050', weightGrams: 8700 });
      for (const d of [a, b]) expect((await post(`/shipments/${id}/devices`, { assetTag: d.tag })).status).toBe(201);
      expect((await post(`/shipments/${id}/bulk-lines`, { category: 'cables', weightGrams: 5000, units: 12 })).status).toBe(201);

      t.clock.set('2026-03-02T18:30:00.000Z');
      const shipped = await post(`/shipments/${id}/ship`, undefined, 'staff');
      expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
      expect(shipped.body.shipment).toMatchObject({
        status: 'shipped',
        shippedAt: '2026-03-02T18:30:00.000Z',
        totals: { deviceUnits: 2, deviceGrams: 10800, bulkGrams: 5000, grams: 15800 },
      });
      for (const d of [a, b]) {
        expect((await device(d.tag))['status']).toBe('recycled');
        const events = await history(d.tag);
        const shippedEvents = events.filter((e) => e.action === 'device.shipped');
        expect(shippedEvents).toHaveLength(1);
        expect(shippedEvents[0]).toMatchObject({ fromStatus: 'awaiting_recycling', toStatus: 'recycled', details: { shipmentId: id } });
        expect(events.at(-1)!.action).toBe('device.shipped');
      }
      const verify = await t.http.get(`${API}/audit/verify`).set(await as('admin'));
      expect(verify.body.ok).toBe(true);

      // Frozen: nothing can be added, and it cannot ship twice.
      const late = await salvage();
      const before = { devices: await t.count('shipment_devices'), bulk: await t.count('shipment_bulk_lines'), audit: await t.count('audit_events') };
      const addDevice = await post(`/shipments/${id}/devices`, { assetTag: late.tag });
      expect(addDevice.status).toBe(409);
      expect(addDevice.body.code).toBe('shipments.frozen');
      const addBulk = await post(`/shipments/${id}/bulk-lines`, { category: 'batteries', weightGrams: 900 });
      expect(addBulk.status).toBe(409);
      expect(addBulk.body.code).toBe('shipments.frozen');
      const again = await post(`/shipments/${id}/ship`, {});
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('shipments.frozen');
      expect({ devices: await t.count('shipment_devices'), bulk: await t.count('shipment_bulk_lines'), audit: await t.count('audit_events') }).toEqual(before);
      expect((await device(late.tag))['status']).toBe('awaiting_recycling');
      // A shipped device cannot join another shipment either.
      const other = await shipment();
      const moved = await post(`/shipments/${other}/devices`, { assetTag: a.tag });
      expect(moved.status).toBe(409);
      expect(moved.body.code).toBe('devices.invalid_transition');
    });

    it('ships at an explicit shippedAt given as {} or { shippedAt }', async () => {
      const id = await shipment();
      expect((await post(`/shipments/${id}/bulk-lines`, { category: 'cables', weightGrams: 100 })).status).toBe(201);
      // Before the shipment existed, or in the future: refused (the ship date decides the report period).
      expect((await post(`/shipments/${id}/ship`, { shippedAt: '2026-02-27T09:15:00-05:00' })).status).toBe(400);
      expect((await post(`/shipments/${id}/ship`, { shippedAt: '2031-01-01T00:00:00Z' })).status).toBe(400);
      const shipped = await post(`/shipments/${id}/ship`, { shippedAt: '2026-03-02T10:02:00-05:00' });
      expect(shipped.status).toBe(200);
      expect(shipped.body.shipment.shippedAt).toBe('2026-03-02T15:02:00.000Z');
      const other = await shipment();
      expect((await post(`/shipments/${other}/bulk-lines`, { category: 'cables', weightGrams: 100 })).status).toBe(201);
      const empty = await post(`/shipments/${other}/ship`, {});
      expect(empty.status).toBe(200);
      expect(empty.body.shipment.shippedAt).toBe('2026-03-02T15:00:00.000Z');
      const bad = await post(`/shipments/${await shipment()}/ship`, { shippedAt: 'yesterday' });
      expect(bad.status).toBe(400);
    });

    it('an empty shipment cannot ship: 409 shipments.empty', async () => {
      const id = await shipment();
      const res = await post(`/shipments/${id}/ship`, undefined);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('shipments.empty');
      const s = await t.http.get(`${API}/shipments/${id}`).set(await as('coordinator'));
      expect(s.body.shipment.status).toBe('open');
      expect((await post(`/shipments/${id}/ship`, undefined, 'trainee')).status).toBe(403);
    });

    it('invariant 2 at the door: a drive registered after the device was scanned in blocks the ship until it passes', async () => {
      const id = await shipment();
      const d = await salvage();
      expect((await post(`/shipments/${id}/devices`, { assetTag: d.tag })).status).toBe(201);
      const found = await post(`/devices/${d.tag}/storage`, { serialNumber: 'LATE-DRIVE-9', kind: 'hdd' }, 'trainee');
      expect(found.status).toBe(201);
      const audit = await t.count('audit_events');
      const res = await post(`/shipments/${id}/ship`, undefined);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('shipments.device_not_sanitized');
      expect(await t.count('audit_events')).toBe(audit);
      expect((await device(d.tag))['status']).toBe('awaiting_recycling');
      expect((await t.http.get(`${API}/shipments/${id}`).set(await as('staff'))).body.shipment.status).toBe('open');

      expect((await post(`/devices/${d.tag}/sanitizations`, destroy('LATE-DRIVE-9'), 'trainee')).status).toBe(201);
      const ok = await post(`/shipments/${id}/ship`, undefined);
      expect(ok.status).toBe(200);
      expect((await device(d.tag))['status']).toBe('recycled');
    });

    it('confirm: 409 shipments.not_shipped before ship; after, 200 confirmed with the received weight beside the line totals', async () => {
      const id = await shipment();
      const d = await salvage({ weightGrams: 2300 });
      expect((await post(`/shipments/${id}/devices`, { assetTag: d.tag })).status).toBe(201);
      expect((await post(`/shipments/${id}/bulk-lines`, { category: 'cables', weightGrams: 7700, units: 20 })).status).toBe(201);
      const body = { certificateNumber: 'R2-2026-0042', receivedAt: '2026-04-10', receivedWeightGrams: 9600 };

      const early = await post(`/shipments/${id}/confirm`, body);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('shipments.not_shipped');

      expect((await post(`/shipments/${id}/ship`, undefined)).status).toBe(200);
      const invalid = await post(`/shipments/${id}/confirm`, { certificateNumber: 'R2-1', receivedAt: '10/04/2026' });
      expect(invalid.status).toBe(400);
      expect((await post(`/shipments/${id}/confirm`, body, 'trainee')).status).toBe(403);

      t.clock.set('2026-04-12T16:00:00.000Z');
      const confirmed = await post(`/shipments/${id}/confirm`, body, 'staff');
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      expect(confirmed.body.shipment).toMatchObject({
        status: 'confirmed',
        confirmedAt: '2026-04-12T16:00:00.000Z',
        certificateNumber: 'R2-2026-0042',
        receivedAt: '2026-04-10',
        receivedWeightGrams: 9600,
        totals: { deviceUnits: 1, deviceGrams: 2300, bulkGrams: 7700, grams: 10000 },
      });
      expect(confirmed.body.shipment.bulkLines[0].weightGrams).toBe(7700);

      const twice = await post(`/shipments/${id}/confirm`, { ...body, receivedWeightGrams: 1 });
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('shipments.frozen');
      const addBulk = await post(`/shipments/${id}/bulk-lines`, { category: 'batteries', weightGrams: 900 });
      expect(addBulk.status).toBe(409);
      expect(addBulk.body.code).toBe('shipments.frozen');
      const again = await t.http.get(`${API}/shipments/${id}`).set(await as('coordinator'));
      expect(again.body.shipment.receivedWeightGrams).toBe(9600);
      expect(again.body.shipment.totals.grams).toBe(10000);

      const list = await t.http.get(`${API}/shipments?status=confirmed`).set(await as('staff'));
      expect(list.status).toBe(200);
      expect(list.body.items.map((s: { id: number }) => s.id)).toEqual([id]);
    });
  });

  describe('confirm: receivedAt is a date on the workshop calendar between the ship date and today', () => {
    /** Shipped at 2026-03-02 20:30 in Iqaluit, which is 2026-03-03 01:30 UTC. */
    async function shippedLateEvening(): Promise<number> {
      const id = await shipment();
      expect((await post(`/shipments/${id}/bulk-lines`, { category: 'cables', weightGrams: 1000 })).status).toBe(201);
      t.clock.set('2026-03-03T12:00:00.000Z');
      const shipped = await post(`/shipments/${id}/ship`, { shippedAt: '2026-03-02T20:30:00-05:00' });
      expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
      expect(shipped.body.shipment.shippedAt).toBe('2026-03-03T01:30:00.000Z');
      return id;
    }
    const confirm = (id: number, receivedAt: string) => post(`/shipments/${id}/confirm`, { certificateNumber: 'R2-2026-0050', receivedAt }, 'staff');
    async function refused(id: number, receivedAt: string, why: string) {
      await as('staff'); // a first token creates the user, which is an audit event of its own
      const audit = await t.count('audit_events');
      const res = await confirm(id, receivedAt);
      expect(res.status, why).toBe(400);
      expect(res.body.code, why).toBe('request.invalid');
      expect(res.body.errors, why).toEqual([expect.objectContaining({ field: 'body.receivedAt' })]);
      expect(await t.count('audit_events'), why).toBe(audit);
      expect((await t.http.get(`${API}/shipments/${id}`).set(await as('staff'))).body.shipment).toMatchObject({ status: 'shipped', receivedAt: null, certificateNumber: null });
    }

    it('refuses a date in the future or before the ship date; takes the ship date itself', async () => {
      const id = await shippedLateEvening();
      await refused(id, '2027-03-03', 'a year in the future');
      await refused(id, '2026-03-04', 'tomorrow at the workshop');
      await refused(id, '2026-03-01', 'the day before it sailed, in Iqaluit');
      await refused(id, '2026-02-28', 'before the ship date');
      // Sailed the evening of 03-02 in Iqaluit (already 03-03 in UTC): received that same day there.
      const res = await confirm(id, '2026-03-02');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.shipment).toMatchObject({ status: 'confirmed', receivedAt: '2026-03-02', shippedAt: '2026-03-03T01:30:00.000Z' });
    });

    it("takes the workshop's today, even where the UTC date is already tomorrow", async () => {
      const id = await shippedLateEvening();
      // 2026-03-06 02:00 UTC is 2026-03-05 21:00 in Iqaluit: the workshop's date decides.
      t.clock.set('2026-03-06T02:00:00.000Z');
      await refused(id, '2026-03-06', 'tomorrow at the workshop (today in UTC)');
      const res = await confirm(id, '2026-03-05');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.shipment).toMatchObject({ status: 'confirmed', receivedAt: '2026-03-05', confirmedAt: '2026-03-06T02:00:00.000Z' });
    });
  });

  describe('GET /shipments/{id}/manifest.pdf', () => {
    it('lists supplier, recycler, certification, carrier, bill of lading, categories with quantities and weights, and the total', async () => {
      const recyclerRes = await post('/recyclers', { name: 'Southern E-Cycle Inc.', certification: 'R2', certificateExpiry: '2027-06-30', address: 'Montréal, QC' });
      const create = await post('/shipments', {
        recyclerId: recyclerRes.body.recycler.id,
        mode: 'sealift',
        carrier: 'NEAS Group',
        containerNumber: 'MSKU7654321',
        sealNumber: 'SEAL-4411',
        billOfLading: 'BOL-2026-017',
      });
      const id = create.body.shipment.id as number;
      const laptops = [await salvage({ weightGrams: 2100 }), await salvage({ weightGrams: 2300 })];
      const monitor = await salvage({ category: 'monitor', make: 'Dell', model: 'P2217', storage: [], weightGrams: 4800 });
      for (const d of [...laptops, monitor]) expect((await post(`/shipments/${id}/devices`, { assetTag: d.tag })).status).toBe(201);
      expect((await post(`/shipments/${id}/bulk-lines`, { category: 'cables and chargers', weightGrams: 12500, units: 40 })).status).toBe(201);
      expect((await post(`/shipments/${id}/bulk-lines`, { category: 'keyboards', weightGrams: 3200 })).status).toBe(201);
      expect((await post(`/shipments/${id}/ship`, undefined)).status).toBe(200);

      const get = async (role: Role) => t.http.get(`${API}/shipments/${id}/manifest.pdf`).set(await as(role)).buffer(true).parse(binary);
      const res = await get('staff');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/pdf/);
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = pdfText(pdf);
      for (const expected of [
        `${ORG}, Iqaluit`,
        'Southern E-Cycle Inc., Montréal, QC',
        'R2 (expires 2027-06-30)',
        'NEAS Group',
        'MSKU7654321 / SEAL-4411',
        'BOL-2026-017',
        'Laptop (tagged devices) 2 4.4 kg',
        'Monitor (tagged devices) 1 4.8 kg',
        'cables and chargers (bulk) 40 12.5 kg',
        'keyboards (bulk) — 3.2 kg',
        'Total 43 24.9 kg',
        laptops[0]!.tag,
        monitor.tag,
      ]) {
        expect(text, expected).toContain(expected);
      }
      expect(text).not.toContain('Weight received by the recycler');

      t.clock.set('2026-04-20T15:00:00.000Z');
      expect((await post(`/shipments/${id}/confirm`, { certificateNumber: 'R2-2026-0107', receivedAt: '2026-04-18', receivedWeightGrams: 24000 })).status).toBe(200);
      const after = pdfText((await get('coordinator')).body as Buffer);
      expect(after).toContain('Total 43 24.9 kg');
      expect(after).toContain('Weight received by the recycler: 24.0 kg');
      expect(after).toContain('R2-2026-0107');

      expect((await get('trainee')).status).toBe(403);
      const missing = await t.http.get(`${API}/shipments/${id + 100}/manifest.pdf`).set(await as('staff'));
      expect(missing.status).toBe(404);
    });
  });
});
