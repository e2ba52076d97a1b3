import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

describe('device intake', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it('assigns the next tag, defaults the weight by category and records the drives', async () => {
    const token = await t.token('trainee');
    const res = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop({ serialNumber: 'PF-1AB2C3' }));
    expect(res.status).toBe(201);
    expect(res.body.device).toMatchObject({
      assetTag: 'IQ-000001-Z',
      status: 'received',
      serialNumber: 'PF-1AB2C3',
      weightGrams: 2300,
      weightSource: 'category_default',
      version: 1,
    });
    expect(res.body.device.storage).toHaveLength(1);
    expect(res.body.device.storage[0]).toMatchObject({ kind: 'ssd', sanitizationState: 'pending' });
    expect(res.headers.etag).toBe('"v1"');
  });

  it('keeps a measured weight as measured', async () => {
    const token = await t.token('trainee');
    const res = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop({ weightGrams: 1987 }));
    expect(res.status).toBe(201);
    expect(res.body.device).toMatchObject({ weightGrams: 1987, weightSource: 'measured' });
  });
});
