import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileSerializer } from '../../src/core/http/compiled-serializer.js';
import { DeviceEnvelope, DeviceList } from '../../src/modules/devices/devices.schemas.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

/** What the zod serializer answers: the value encoded through its schema, then JSON.stringify. */
const viaZod = (schema: typeof DeviceEnvelope | typeof DeviceList, value: unknown) => JSON.stringify(schema.encode(value as never));

describe('compiled response serializer', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it('answers a device byte for byte as the zod serializer would', async () => {
    const token = await t.token('trainee');
    const made = await t.http
      .post('/api/v1/devices')
      .set(bearer(token))
      .send(laptop({ specs: { cpu: 'i5-8350U', ramGb: 8 }, location: 'Shelf "B"\u2028', notes: 'écran fêlé\n', storage: [{ serialNumber: 'S-1', kind: 'ssd', capacityGb: 256 }, { serialNumber: 'S-2', kind: 'hdd' }] }));
    expect(made.status, made.text).toBe(201);
    const res = await t.http.get(`/api/v1/devices/${made.body.device.assetTag}`).set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.text).toBe(viaZod(DeviceEnvelope, res.body));
    expect(res.text).toBe(compileSerializer(DeviceEnvelope)(res.body));

    const list = await t.http.get('/api/v1/devices').set(bearer(token));
    expect(list.status).toBe(200);
    expect(list.text).toBe(viaZod(DeviceList, list.body));
  });

  it('leaves out what the schema does not name, as zod strips it', async () => {
    const res = await t.http.get('/api/v1/devices').set(bearer(await t.token('trainee')));
    const extra = { ...res.body, secret: 'x', items: [] };
    expect(compileSerializer(DeviceList)(extra)).toBe(viaZod(DeviceList, extra));
    expect(compileSerializer(DeviceList)(extra)).not.toContain('secret');
  });

  it('agrees with zod on any strings and nullable fields a device can carry', async () => {
    const token = await t.token('trainee');
    const made = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop());
    const base = made.body.device as Record<string, unknown>;
    const serialize = compileSerializer(DeviceEnvelope);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.option(fc.string()), fc.option(fc.constantFrom('A', 'B', 'C', 'D')), fc.option(fc.integer({ min: 1, max: 1e9 })), (make, notes, grade, donationId) => {
        const value = { device: { ...base, make, notes, grade, donationId } };
        expect(serialize(value)).toBe(viaZod(DeviceEnvelope, value));
      }),
    );
  });
});
