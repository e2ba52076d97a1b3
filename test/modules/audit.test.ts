import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';
import { triggersOf } from '../support/triggers.js';

interface AuditRow {
  id: number;
  entity_type: string;
  entity_id: string;
  action: string;
  to_status: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

describe('audit history (docs/domain.md §2 invariant 3)', () => {
  let t: TestApp;
  let admin: string;
  let trainee: string;

  beforeEach(async () => {
    t = await createTestApp();
    admin = await t.token('admin');
    trainee = await t.token('trainee');
  });
  afterEach(async () => t.close());

  const rows = () => t.rows<AuditRow>('select * from audit_events order by id');
  const verify = () => t.http.get('/api/v1/audit/verify').set(bearer(admin));
  const sql = (statement: string, ...params: unknown[]) => t.exec(statement, ...params);

  async function intake(): Promise<{ assetTag: string; etag: string }> {
    const res = await t.http.post('/api/v1/devices').set(bearer(trainee)).send(laptop());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { assetTag: res.body.device.assetTag as string, etag: res.headers.etag as string };
  }

  /** Three intakes and one metadata edit; returns the device event ids in order. */
  async function someHistory(): Promise<number[]> {
    const devices = [await intake(), await intake(), await intake()];
    const patch = await t.http
      .patch(`/api/v1/devices/${devices[0]!.assetTag}`)
      .set(bearer(trainee))
      .set('if-match', devices[0]!.etag)
      .send({ location: 'Shelf B, Iqaluit workshop' });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const ids = (await rows())
      .filter((r) => r.entity_type === 'device')
      .map((r) => r.id);
    expect(ids).toHaveLength(4);
    return ids;
  }

  async function dropTriggers(): Promise<void> {
    expect(await triggersOf(t, 'audit_events')).toEqual(expect.arrayContaining(['audit_events_no_delete', 'audit_events_no_update']));
    await t.dropGuards('audit_events');
    expect(await triggersOf(t, 'audit_events')).toEqual([]);
  }

  it('verifies an intact chain: ok, the number of events written and the head hash', async () => {
    const start = await verify();
    expect(start.status).toBe(200);
    expect(start.body.ok).toBe(true);
    const before = start.body.events as number;
    expect(before).toBe((await rows()).length);

    const deviceEvents = await someHistory();

    const res = await verify();
    expect(res.status).toBe(200);
    const all = await rows();
    expect(res.body).toEqual({ ok: true, events: before + 4, head: { id: all.at(-1)!.id, hash: all.at(-1)!.hash } });
    expect(all).toHaveLength(before + 4);
    expect(all.filter((r) => r.action === 'device.intake')).toHaveLength(3);
    expect(all.filter((r) => r.action === 'device.updated')).toHaveLength(1);
    expect(deviceEvents.at(-1)).toBe(all.at(-1)!.id);
  });

  it('links every event to the one before it with a sha256 chain', async () => {
    await someHistory();
    const all = await rows();
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all[0]!.prev_hash).toMatch(/^[0-9a-f]{64}$/);
    for (let i = 0; i < all.length; i++) {
      expect(all[i]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(all[i]!.id).toBe(i + 1);
      if (i > 0) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash);
    }
    expect(new Set(all.map((r) => r.hash)).size).toBe(all.length);
  });

  it('writes exactly one event per status change, and none for a refused request', async () => {
    const { assetTag } = await intake();
    const count = (await rows()).length;
    const history = await t.http.get(`/api/v1/devices/${assetTag}/history`).set(bearer(trainee));
    expect(history.status).toBe(200);
    expect(history.body.events).toHaveLength(1);
    expect(history.body.events[0]).toMatchObject({ action: 'device.intake', fromStatus: null, toStatus: 'received' });

    const device = await t.http.get(`/api/v1/devices/${assetTag}`).set(bearer(trainee));
    const dup = await t.http.post('/api/v1/devices').set(bearer(trainee)).send(laptop({ serialNumber: device.body.device.serialNumber }));
    expect(dup.status).toBe(409);
    expect(await rows()).toHaveLength(count);
  });

  it('refuses UPDATE and DELETE on audit_events at the database', async () => {
    const [first] = await someHistory();
    const snapshot = await rows();
    await expect(sql('UPDATE audit_events SET details = ? WHERE id = ?', '{"make":"Forged"}', first)).rejects.toThrow(/audit_events is append-only/);
    await expect(sql('UPDATE audit_events SET hash = prev_hash')).rejects.toThrow(/audit_events is append-only/);
    await expect(sql('DELETE FROM audit_events WHERE id = ?', first)).rejects.toThrow(/audit_events is append-only/);
    await expect(sql('DELETE FROM audit_events')).rejects.toThrow(/audit_events is append-only/);
    expect(await rows()).toEqual(snapshot);
    expect((await verify()).body.ok).toBe(true);
  });

  it('points at an event whose details were altered', async () => {
    const ids = await someHistory();
    const target = ids[1]!;
    await dropTriggers();
    const original = (await rows()).find((r) => r.id === target)!;
    const forged = JSON.stringify({ ...JSON.parse(original.details), make: 'Forged' });
    expect(forged).not.toBe(original.details);
    await sql('UPDATE audit_events SET details = ? WHERE id = ?', forged, target);

    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, brokenAt: { id: target }, reason: 'hash_mismatch' });
    expect(res.body.head).toBeUndefined();
  });

  it.each([
    ['action', 'device.written_off'],
    ['to_status', 'issued'],
    ['entity_id', 'IQ-000042-T'],
    ['at', '2020-01-01T00:00:00.000Z'],
    ['hash', 'f'.repeat(64)],
  ])('points at an event whose %s was altered', async (column, value) => {
    const ids = await someHistory();
    const target = ids[2]!;
    await dropTriggers();
    await sql(`UPDATE audit_events SET ${column} = ? WHERE id = ?`, value, target);
    const res = await verify();
    expect(res.body).toMatchObject({ ok: false, brokenAt: { id: target } });
  });

  it('detects a deleted event in the middle of the chain', async () => {
    const ids = await someHistory();
    const target = ids[1]!;
    expect(ids.at(-1)!).toBeGreaterThan(target);
    await dropTriggers();
    await sql('DELETE FROM audit_events WHERE id = ?', target);
    expect((await rows()).some((r) => r.id === target)).toBe(false);

    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    // Either the missing id or the first event after the gap is a fair place to point.
    expect([target, target + 1]).toContain(res.body.brokenAt.id);
  });

  it('is for admins only', async () => {
    for (const role of ['trainee', 'coordinator', 'staff'] as const) {
      const res = await t.http.get('/api/v1/audit/verify').set(bearer(await t.token(role)));
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'auth.forbidden']);
      expect(res.body.ok).toBeUndefined();
    }
    const anon = await t.http.get('/api/v1/audit/verify');
    expect([anon.status, anon.body.code]).toEqual([401, 'auth.unauthenticated']);
  });
});
