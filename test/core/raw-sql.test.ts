/**
 * The raw-SQL helpers that tests use to look under the service (test/helpers.ts),
 * on the engine under test: placeholders bind on both engines, and lifting a
 * table's append-only guards is what lets a test play an attacker.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

describe('raw SQL in tests, on either engine', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('binds ? placeholders, counts, and refuses a count of values that does not match', async () => {
    const res = await t.http.post('/api/v1/devices').set(bearer(await t.token('trainee'))).send(laptop({ serialNumber: 'RAW-1' }));
    expect(res.status).toBe(201);
    const tag = res.body.device.assetTag as string;
    expect(await t.row<{ serial: string }>('select serial_number as serial from devices where asset_tag = ?', tag)).toEqual({ serial: 'RAW-1' });
    expect(await t.row('select id from devices where asset_tag = ?', 'NONE')).toBeUndefined();
    expect(await t.count('devices')).toBe(1);
    await expect(t.rows('select id from devices where asset_tag = ? and id = ?', tag)).rejects.toThrow(/2 placeholders for 1 values/);
  });

  it('the audit log refuses a delete until its guards are lifted', async () => {
    await t.http.post('/api/v1/devices').set(bearer(await t.token('trainee'))).send(laptop());
    const before = await t.count('audit_events');
    expect(before).toBeGreaterThan(0);
    await expect(t.exec('delete from audit_events where id = (select max(id) from audit_events)')).rejects.toThrow(/append-only/i);
    expect(await t.count('audit_events')).toBe(before);
    await t.dropGuards('audit_events');
    await t.exec('delete from audit_events where id = (select max(id) from audit_events)');
    expect(await t.count('audit_events')).toBe(before - 1);
  });
});
