/**
 * Taking a line back off a shipment (docs/domain.md §3 recyclers and shipments):
 * `DELETE /shipments/{id}/devices/{tag}` and `DELETE /shipments/{id}/bulk-lines/{lineId}`
 * while the shipment is open, never once it has shipped or been confirmed. The
 * device keeps its status (adding it changed none), the shipment's history
 * names what left, and the audit chain still verifies with the line gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, type TestApp, wipeBody } from '../helpers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;

describe('removing shipment lines', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const as = async (role: Role) => bearer(await t.token(role));
  const post = async (url: string, body: Body | undefined, role: Role = 'coordinator') => {
    const req = t.http.post(`${API}${url}`).set(await as(role));
    return body === undefined ? req : req.send(body);
  };
  const del = async (url: string, role: Role = 'staff') => t.http.delete(`${API}${url}`).set(await as(role));
  const events = async (action: string) => (await t.rows<{ details: string }>('select details from audit_events where action = ? order by id', action)).map((e) => JSON.parse(e.details) as Body);

  /** Intake, wipe, grade D: a device awaiting recycling that may be scanned in. */
  async function salvage(): Promise<string> {
    const res = await post('/devices', laptop(), 'trainee');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const tag = res.body.device.assetTag as string;
    for (const d of res.body.device.storage as Array<{ serialNumber: string }>) expect((await post(`/devices/${tag}/sanitizations`, wipeBody(d.serialNumber), 'trainee')).status).toBe(201);
    expect((await post(`/devices/${tag}/grade`, { grade: 'D' }, 'trainee')).status).toBe(201);
    return tag;
  }
  async function openShipment(): Promise<number> {
    const r = await post('/recyclers', { name: `Southern E-Cycle ${Math.random()}`, certification: 'R2' });
    const s = await post('/shipments', { recyclerId: r.body.recycler.id, mode: 'sealift' });
    expect(s.status).toBe(201);
    return s.body.shipment.id as number;
  }
  async function verify(): Promise<Body> {
    const res = await t.http.get(`${API}/audit/verify`).set(await as('admin'));
    expect(res.status).toBe(200);
    return res.body as Body;
  }

  it('while open: a device and a bulk line come off, the device stays awaiting_recycling and can be scanned in again, each removal is one event and the chain verifies', async () => {
    const id = await openShipment();
    const [a, b] = [await salvage(), await salvage()];
    for (const tag of [a, b]) expect((await post(`/shipments/${id}/devices`, { assetTag: tag }, 'staff')).status).toBe(201);
    const withBulk = await post(`/shipments/${id}/bulk-lines`, { category: 'CRT monitors', weightGrams: 45_000, units: 3 }, 'staff');
    const lineId = withBulk.body.shipment.bulkLines[0].id as number;

    const off = await del(`/shipments/${id}/devices/${a}`);
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.shipment.devices.map((d: Body) => d['assetTag'])).toEqual([b]);
    expect(off.body.shipment.totals.deviceUnits).toBe(1);
    const device = await t.http.get(`${API}/devices/${a}`).set(await as('staff'));
    expect(device.body.device.status).toBe('awaiting_recycling');
    expect(await events('shipment.device_removed')).toEqual([expect.objectContaining({ assetTag: a })]);

    const bulkOff = await del(`/shipments/${id}/bulk-lines/${lineId}`, 'coordinator');
    expect(bulkOff.status).toBe(200);
    expect(bulkOff.body.shipment.bulkLines).toEqual([]);
    expect(bulkOff.body.shipment.totals.bulkGrams).toBe(0);
    expect(await events('shipment.bulk_line_removed')).toEqual([{ lineId, category: 'CRT monitors', weightGrams: 45_000, units: 3 }]);
    expect(await verify()).toMatchObject({ ok: true });

    // Scanned in again, then shipped: it leaves once, as recycled.
    const again = await post(`/shipments/${id}/devices`, { assetTag: a }, 'staff');
    expect(again.status).toBe(201);
    expect(again.body.shipment.devices.map((d: Body) => d['assetTag'])).toEqual([b, a]);
    expect((await post(`/shipments/${id}/ship`, undefined, 'staff')).status).toBe(200);
    expect(await t.count('shipment_devices')).toBe(2);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('a line the shipment does not hold is 404 shipments.line_not_found, an unknown tag or shipment 404, and nothing changes', async () => {
    const id = await openShipment();
    const other = await openShipment();
    const tag = await salvage();
    expect((await post(`/shipments/${other}/devices`, { assetTag: tag })).status).toBe(201);
    const bulk = await post(`/shipments/${other}/bulk-lines`, { category: 'cables', weightGrams: 1200 });
    const lineId = bulk.body.shipment.bulkLines[0].id as number;

    const notHere = await del(`/shipments/${id}/devices/${tag}`);
    expect(notHere.status).toBe(404);
    expect(notHere.body.code).toBe('shipments.line_not_found');
    expect(notHere.body.detail).toContain(tag);
    const lineNotHere = await del(`/shipments/${id}/bulk-lines/${lineId}`);
    expect(lineNotHere.status).toBe(404);
    expect(lineNotHere.body.code).toBe('shipments.line_not_found');
    expect((await del(`/shipments/${id}/devices/IQ-000042-T`)).status).toBe(404);
    const noShipment = await del(`/shipments/${other + 50}/devices/${tag}`);
    expect(noShipment.status).toBe(404);
    expect(noShipment.body.code).toBe('shipments.not_found');
    expect((await del(`/shipments/${id}/bulk-lines/abc`)).status).toBe(400);
    expect(await t.count('shipment_devices')).toBe(1);
    expect(await t.count('shipment_bulk_lines')).toBe(1);
    expect(await events('shipment.device_removed')).toEqual([]);
  });

  it('a trainee may not (403, before anything is looked up), and nobody without a token (401)', async () => {
    const id = await openShipment();
    const tag = await salvage();
    expect((await post(`/shipments/${id}/devices`, { assetTag: tag })).status).toBe(201);
    expect((await del(`/shipments/${id}/devices/${tag}`, 'trainee')).status).toBe(403);
    expect((await del(`/shipments/${id}/bulk-lines/1`, 'trainee')).status).toBe(403);
    expect((await t.http.delete(`${API}/shipments/${id}/devices/${tag}`)).status).toBe(401);
    expect(await t.count('shipment_devices')).toBe(1);
  });

  it('once shipped, and once confirmed, lines never come off: 409 shipments.frozen, the device stays recycled', async () => {
    const id = await openShipment();
    const tag = await salvage();
    expect((await post(`/shipments/${id}/devices`, { assetTag: tag })).status).toBe(201);
    const bulk = await post(`/shipments/${id}/bulk-lines`, { category: 'cables', weightGrams: 1200 });
    const lineId = bulk.body.shipment.bulkLines[0].id as number;
    expect((await post(`/shipments/${id}/ship`, undefined)).status).toBe(200);

    for (const stage of ['shipped', 'confirmed']) {
      for (const url of [`/shipments/${id}/devices/${tag}`, `/shipments/${id}/bulk-lines/${lineId}`]) {
        const res = await del(url, 'admin');
        expect(res.status, `${stage} ${url}`).toBe(409);
        expect(res.body.code).toBe('shipments.frozen');
        expect(res.body.shipmentStatus).toBe(stage);
      }
      if (stage === 'shipped') {
        const today = t.clock.now().toISOString().slice(0, 10);
        expect((await post(`/shipments/${id}/confirm`, { certificateNumber: 'R2-77', receivedAt: today })).status).toBe(200);
      }
    }
    const shipment = await t.http.get(`${API}/shipments/${id}`).set(await as('staff'));
    expect(shipment.body.shipment.devices.map((d: Body) => d['assetTag'])).toEqual([tag]);
    expect(shipment.body.shipment.bulkLines).toHaveLength(1);
    const device = await t.http.get(`${API}/devices/${tag}`).set(await as('staff'));
    expect(device.body.device.status).toBe('recycled');
    expect(await events('shipment.device_removed')).toEqual([]);
    expect(await events('shipment.bulk_line_removed')).toEqual([]);
  });
});
