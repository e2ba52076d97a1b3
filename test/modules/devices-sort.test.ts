/**
 * GET /devices?sort=: intake order (oldest or newest first) and asset-tag
 * order (either way), each walked by cursor exactly once, under filters, and
 * the CSV in the same order.
 */
import type { Response as Res } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

let t: TestApp;
/** Tags in intake order; reserved first and used out of order, so that tag order is not intake order. */
const intakeOrder: string[] = [];
const desktops: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const token = await t.token('trainee');
  const reserved = await t.http.post('/api/v1/asset-tags/reserve').set(bearer(token)).send({ count: 7 });
  expect(reserved.status).toBe(201);
  const tags = reserved.body.tags as string[];
  for (const [i, at] of [4, 1, 6, 0, 3, 5, 2].entries()) {
    const category = i % 3 === 0 ? 'desktop' : 'laptop';
    const res = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop({ assetTag: tags[at], category, storage: [] }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    intakeOrder.push(res.body.device.assetTag as string);
    if (category === 'desktop') desktops.push(res.body.device.assetTag as string);
  }
});
afterAll(async () => t.close());

const list = async (query: Record<string, string | number>): Promise<Res> => t.http.get('/api/v1/devices').query(query).set(bearer(await t.token('staff')));

async function walk(query: Record<string, string | number>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 20; guard++) {
    const res = await list(cursor ? { ...query, cursor } : query);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    seen.push(...(res.body.items as Array<{ assetTag: string }>).map((d) => d.assetTag));
    cursor = res.body.nextCursor as string | null;
    if (cursor === null) return seen;
  }
  throw new Error('the walk did not end');
}

describe('GET /devices?sort=', () => {
  const byTag = () => [...intakeOrder].sort();

  it('reads in intake order by default, newest first with -intake, by asset tag either way', async () => {
    expect(byTag()).not.toEqual(intakeOrder);
    expect(await walk({ limit: 500 })).toEqual(intakeOrder);
    expect(await walk({ limit: 500, sort: 'intake' })).toEqual(intakeOrder);
    expect(await walk({ limit: 500, sort: '-intake' })).toEqual([...intakeOrder].reverse());
    expect(await walk({ limit: 500, sort: 'assetTag' })).toEqual(byTag());
    expect(await walk({ limit: 500, sort: '-assetTag' })).toEqual(byTag().reverse());
  });

  it('walks every device exactly once by cursor in each order, also under a filter', async () => {
    for (const limit of [1, 2, 3]) {
      expect(await walk({ limit, sort: '-intake' })).toEqual([...intakeOrder].reverse());
      expect(await walk({ limit, sort: 'assetTag' })).toEqual(byTag());
      expect(await walk({ limit, sort: '-assetTag' })).toEqual(byTag().reverse());
      expect(await walk({ limit, sort: '-assetTag', category: 'desktop' })).toEqual([...desktops].sort().reverse());
    }
  });

  it('streams the CSV in the same order', async () => {
    const res = await t.http.get('/api/v1/devices').query({ format: 'csv', sort: '-assetTag' }).set(bearer(await t.token('staff')));
    expect(res.status).toBe(200);
    const tags = res.text.trim().split('\r\n').slice(1).map((line) => line.split(',')[0]);
    expect(tags).toEqual(byTag().reverse());
  });

  it('refuses an order it does not know', async () => {
    for (const sort of ['make', 'assettag', '-', 'status']) {
      const res = await list({ sort });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('request.invalid');
    }
  });
});
