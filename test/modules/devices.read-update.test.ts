import type { Response as Res } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

type Role = 'trainee' | 'coordinator' | 'staff' | 'admin';
interface Device {
  assetTag: string;
  storage: Array<{ serialNumber: string }>;
  [field: string]: unknown;
}
interface HistoryEvent {
  action: string;
  details: { changes?: Record<string, unknown> };
  [field: string]: unknown;
}

const NOW = '2026-03-02T15:00:00.000Z';

describe('reading and editing devices', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const intake = async (body: Record<string, unknown> = laptop()): Promise<Device> => {
    const res = await t.http.post('/api/v1/devices').set(bearer(await t.token('trainee'))).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.device as Device;
  };

  const get = async (ref: string, role: Role = 'trainee'): Promise<Res> => t.http.get(`/api/v1/devices/${encodeURIComponent(ref)}`).set(bearer(await t.token(role)));

  const list = async (query: Record<string, string | number>, role: Role = 'trainee'): Promise<Res> =>
    t.http.get('/api/v1/devices').query(query).set(bearer(await t.token(role)));

  const patch = async (tag: string, body: Record<string, unknown>, ifMatch: string | null, role: Role = 'trainee'): Promise<Res> => {
    const req = t.http.patch(`/api/v1/devices/${encodeURIComponent(tag)}`).set(bearer(await t.token(role)));
    return ifMatch === null ? req.send(body) : req.set('if-match', ifMatch).send(body);
  };

  const history = async (tag: string): Promise<HistoryEvent[]> => {
    const res = await t.http.get(`/api/v1/devices/${tag}/history`).set(bearer(await t.token('staff')));
    expect(res.status).toBe(200);
    return res.body.events as HistoryEvent[];
  };

  const expectProblem = (res: Res, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  };

  const tagsOf = (res: Res) => (res.body.items as Array<{ assetTag: string }>).map((d) => d.assetTag);

  describe('GET /devices/{tag}', () => {
    it('finds a device by its tag, the tag in lower case, and its manufacturer serial (any case and spacing)', async () => {
      await intake();
      const device = await intake(laptop({ serialNumber: 'PF-1AB2C3', make: 'HP', model: 'EliteBook 840' }));
      for (const ref of [device.assetTag, device.assetTag.toLowerCase(), 'PF-1AB2C3', 'pf-1ab2c3', 'PF-1AB 2C3']) {
        const res = await get(ref);
        expect(res.status, ref).toBe(200);
        expect(res.headers.etag).toBe('"v1"');
        expect(res.body.device).toMatchObject({
          assetTag: device.assetTag,
          make: 'HP',
          model: 'EliteBook 840',
          serialNumber: 'PF-1AB2C3',
          status: 'received',
          category: 'laptop',
          weightGrams: 2300,
          weightSource: 'category_default',
          version: 1,
        });
        expect(res.body.device.storage).toEqual([
          expect.objectContaining({ serialNumber: device.storage[0]!.serialNumber, kind: 'ssd', sanitizationState: 'pending' }),
        ]);
      }
    });

    it('is 404 devices.not_found for a valid tag no device carries and for an unknown serial', async () => {
      await intake();
      expectProblem(await get('IQ-000123-R'), 404, 'devices.not_found');
      expectProblem(await get('NO-SUCH-SERIAL'), 404, 'devices.not_found');
    });

    it('is 400 devices.invalid_asset_tag for a tag with a wrong check character', async () => {
      const device = await intake();
      const tag = device.assetTag;
      const wrong = tag.slice(0, -1) + (tag.endsWith('A') ? 'B' : 'A');
      expectProblem(await get(wrong), 400, 'devices.invalid_asset_tag');
      expectProblem(await get(wrong.toLowerCase()), 400, 'devices.invalid_asset_tag');
    });

    it('is 401 without a token', async () => {
      const device = await intake();
      const res = await t.http.get(`/api/v1/devices/${device.assetTag}`);
      expectProblem(res, 401, 'auth.unauthenticated');
    });

    it('lists the actions the caller may take: staff none of the lifecycle, admin can write off', async () => {
      const withDrive = await intake();
      const actions = async (tag: string, role: Role) => {
        const res = await get(tag, role);
        expect(res.status).toBe(200);
        return [...(res.body.device.allowedActions as string[])].sort();
      };
      const trainee = await actions(withDrive.assetTag, 'trainee');
      const coordinator = await actions(withDrive.assetTag, 'coordinator');
      const staff = await actions(withDrive.assetTag, 'staff');
      const admin = await actions(withDrive.assetTag, 'admin');

      // docs/domain.md §2 for a received device with one unsanitized drive.
      expect(trainee).toEqual(['register_storage', 'sanitize', 'update']);
      expect(coordinator).toEqual(['recycle', 'register_storage', 'sanitize', 'update']);
      expect(staff).toEqual([]);
      expect(admin).toEqual(['recycle', 'register_storage', 'sanitize', 'update', 'write_off']);
      for (const lifecycle of ['issue', 'grade', 'open_repair', 'ship']) {
        expect([...trainee, ...coordinator, ...admin]).not.toContain(lifecycle);
      }

      // Without drives the device can be confirmed as holding no storage, but not sanitized drive by drive.
      const noDrives = await intake(laptop({ storage: [] }));
      const traineeNoDrives = await actions(noDrives.assetTag, 'trainee');
      expect(traineeNoDrives).toContain('confirm_no_storage');
      expect(await actions(noDrives.assetTag, 'staff')).toEqual([]);
      expect(trainee).not.toContain('confirm_no_storage');
    });
  });

  describe('GET /devices', () => {
    it('filters by status and category', async () => {
      const a = await intake(laptop());
      const b = await intake(laptop({ category: 'desktop', storage: [] }));
      const c = await intake(laptop({ category: 'phone', storage: [] }));
      const d = await intake(laptop({ category: 'desktop', storage: [] }));
      expect(tagsOf(await list({}))).toEqual([a.assetTag, b.assetTag, c.assetTag, d.assetTag]);
      expect(tagsOf(await list({ category: 'desktop' }))).toEqual([b.assetTag, d.assetTag]);
      expect(tagsOf(await list({ category: 'tablet' }))).toEqual([]);
      expect(tagsOf(await list({ status: 'received' }, 'staff'))).toEqual([a.assetTag, b.assetTag, c.assetTag, d.assetTag]);
      expect(tagsOf(await list({ status: 'sanitized' }))).toEqual([]);
      expect(tagsOf(await list({ status: 'received', category: 'phone' }))).toEqual([c.assetTag]);
      expect(tagsOf(await list({ status: 'ready', category: 'phone' }))).toEqual([]);
      for (const query of [{ status: 'lost' }, { category: 'toaster' }, { colour: 'red' }] as Array<Record<string, string>>) {
        expectProblem(await list(query), 400, 'request.invalid');
      }
    });

    it('q matches make, model, manufacturer serial and asset tag, ignoring case', async () => {
      const dell = await intake(laptop({ make: 'Dell', model: 'Latitude 5490', serialNumber: 'CN-0ABC12' }));
      const hp = await intake(laptop({ make: 'HP', model: 'EliteBook 840', serialNumber: '5CG7XYZ' }));
      const apple = await intake(laptop({ make: 'Apple', model: 'MacBook Air', serialNumber: 'C02ZK1' }));
      expect(tagsOf(await list({ q: 'dell' }))).toEqual([dell.assetTag]);
      expect(tagsOf(await list({ q: 'ELITEBOOK' }))).toEqual([hp.assetTag]);
      expect(tagsOf(await list({ q: '5cg7' }))).toEqual([hp.assetTag]);
      expect(tagsOf(await list({ q: apple.assetTag }))).toEqual([apple.assetTag]);
      expect(tagsOf(await list({ q: apple.assetTag.toLowerCase().slice(0, 9) }))).toEqual([apple.assetTag]);
      expect(tagsOf(await list({ q: 'book' }))).toEqual([hp.assetTag, apple.assetTag]);
      expect(tagsOf(await list({ q: 'toshiba' }))).toEqual([]);
    });

    it('q takes % and _ literally, not as wildcards', async () => {
      const percent = await intake(laptop({ make: 'Refurb 100% Co', model: 'Generic' }));
      const underscore = await intake(laptop({ make: 'Acme', model: 'X_1' }));
      const plain = await intake(laptop({ make: 'Acme', model: 'XY1' }));
      expect(tagsOf(await list({ q: '%' }))).toEqual([percent.assetTag]);
      expect(tagsOf(await list({ q: '_' }))).toEqual([underscore.assetTag]);
      expect(tagsOf(await list({ q: 'X_1' }))).toEqual([underscore.assetTag]);
      expect(tagsOf(await list({ q: 'Acme%' }))).toEqual([]);
      expect(tagsOf(await list({ q: 'Acme' }))).toEqual([underscore.assetTag, plain.assetTag]);
      expect(tagsOf(await list({ q: '\\' }))).toEqual([]);
    });

    it('takes limit 1..500 and refuses 0 and 501', async () => {
      await intake();
      await intake();
      expect((await list({ limit: 1 })).body.items).toHaveLength(1);
      expect((await list({ limit: 500 })).body.items).toHaveLength(2);
      for (const limit of [0, 501, -1, 'many', 2.5]) {
        const res = await list({ limit });
        expectProblem(res, 400, 'request.invalid');
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'querystring.limit' })]);
      }
    });

    it('defaults to 50 items a page', async () => {
      const token = await t.token('trainee');
      for (let i = 0; i < 51; i++) {
        const res = await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop({ storage: [] }));
        expect(res.status).toBe(201);
      }
      const first = await list({});
      expect(first.body.items).toHaveLength(50);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const rest = await list({ cursor: first.body.nextCursor });
      expect(rest.body.items).toHaveLength(1);
      expect(rest.body.nextCursor).toBeNull();
    });

    it('walks every device exactly once, oldest first, by cursor, also under a filter', async () => {
      const all: string[] = [];
      const desktops: string[] = [];
      for (let i = 0; i < 8; i++) {
        const category = i % 3 === 0 ? 'desktop' : 'laptop';
        const device = await intake(laptop({ category, storage: [] }));
        all.push(device.assetTag);
        if (category === 'desktop') desktops.push(device.assetTag);
      }
      const walk = async (query: Record<string, string | number>) => {
        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | null = null;
        for (let guard = 0; guard < 20; guard++) {
          const res = await list(cursor ? { ...query, cursor } : query);
          expect(res.status).toBe(200);
          sizes.push(res.body.items.length as number);
          seen.push(...tagsOf(res));
          cursor = res.body.nextCursor as string | null;
          if (cursor === null) break;
        }
        return { seen, sizes };
      };
      expect(await walk({ limit: 3 })).toEqual({ seen: all, sizes: [3, 3, 2] });
      expect(await walk({ limit: 4 })).toEqual({ seen: all, sizes: [4, 4] });
      expect(await walk({ limit: 1, category: 'desktop' })).toEqual({ seen: desktops, sizes: [1, 1, 1] });
    });

    it('refuses a forged cursor with 400 request.invalid', async () => {
      await intake();
      for (const cursor of ['abc', '1', Buffer.from('v1:abc').toString('base64url'), Buffer.from('v2:1').toString('base64url'), Buffer.from('v1:-1').toString('base64url'), 'x'.repeat(201)]) {
        const res = await list({ cursor });
        expectProblem(res, 400, 'request.invalid');
      }
    });
  });

  describe('PATCH /devices/{tag}', () => {
    it('needs If-Match: 428 devices.if_match_required without it, and nothing changes', async () => {
      const device = await intake();
      const res = await patch(device.assetTag, { make: 'Dell' }, null);
      expectProblem(res, 428, 'devices.if_match_required');
      const read = await get(device.assetTag);
      expect(read.headers.etag).toBe('"v1"');
      expect(read.body.device).toMatchObject({ make: 'Lenovo', version: 1 });
      expect(await history(device.assetTag)).toHaveLength(1);
    });

    it('is 412 devices.version_mismatch for a stale or malformed If-Match, and nothing changes', async () => {
      const device = await intake();
      for (const ifMatch of ['"v2"', '"v0"', 'v1', '"1"', 'W/"v2"']) {
        const res = await patch(device.assetTag, { make: 'Dell' }, ifMatch);
        expectProblem(res, 412, 'devices.version_mismatch');
      }
      const read = await get(device.assetTag);
      expect(read.body.device).toMatchObject({ make: 'Lenovo', version: 1 });
      expect(await history(device.assetTag)).toHaveLength(1);
    });

    it('refuses a weak ETag in If-Match: RFC 9110 §13.1.1 needs the strong comparison', async () => {
      const device = await intake();
      const res = await patch(device.assetTag, { make: 'Dell' }, 'W/"v1"');
      expectProblem(res, 412, 'devices.version_mismatch');
      expect((await get(device.assetTag)).body.device.version).toBe(1);
    });

    it('with the current ETag: 200, version + 1, a new ETag and one device.updated event with the changes', async () => {
      const trainee = await t.createUser('sila', 'trainee');
      const device = await intake(laptop({ notes: 'scratched' }));
      const tag = device.assetTag;
      const res = await t.http
        .patch(`/api/v1/devices/${tag}`)
        .set(bearer(trainee.token))
        .set('if-match', '"v1"')
        .send({ make: 'Dell', model: 'Latitude 7490', notes: null, location: 'Bench 3' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers.etag).toBe('"v2"');
      expect(res.body.device).toMatchObject({ assetTag: tag, make: 'Dell', model: 'Latitude 7490', notes: null, location: 'Bench 3', status: 'received', version: 2 });

      const read = await get(tag, 'staff');
      expect(read.headers.etag).toBe('"v2"');
      expect(read.body.device).toMatchObject({ make: 'Dell', model: 'Latitude 7490', notes: null, location: 'Bench 3', version: 2 });

      const events = await history(tag);
      expect(events.map((e) => e.action)).toEqual(['device.intake', 'device.updated']);
      expect(events[1]).toMatchObject({
        fromStatus: 'received',
        toStatus: 'received',
        at: NOW,
        actor: { id: trainee.id, username: 'sila' },
        details: {
          changes: {
            make: { from: 'Lenovo', to: 'Dell' },
            model: { from: 'ThinkPad T480', to: 'Latitude 7490' },
            notes: { from: 'scratched', to: null },
            location: { from: null, to: 'Bench 3' },
          },
        },
      });

      // The old ETag is now stale.
      expectProblem(await patch(tag, { make: 'HP' }, '"v1"'), 412, 'devices.version_mismatch');
      const next = await patch(tag, { make: 'HP' }, '"v2"', 'coordinator');
      expect(next.status).toBe(200);
      expect(next.body.device.version).toBe(3);
      expect(next.headers.etag).toBe('"v3"');
    });

    it('can be addressed by manufacturer serial as well as by tag', async () => {
      const device = await intake(laptop({ serialNumber: 'SN-PATCH-1' }));
      const res = await patch('sn-patch-1', { model: 'T490' }, '"v1"');
      expect(res.status).toBe(200);
      expect(res.body.device).toMatchObject({ assetTag: device.assetTag, model: 'T490', version: 2 });
    });

    it.each([
      ['status', { status: 'ready' }],
      ['status next to a real change', { make: 'Dell', status: 'issued' }],
      ['version', { version: 9 }],
      ['assetTag', { assetTag: 'IQ-000123-R' }],
      ['weightSource', { weightSource: 'measured' }],
      ['storage', { storage: [] }],
    ])('refuses %s in the body with 400 (metadata only), and nothing changes', async (_label, body) => {
      const device = await intake();
      const res = await patch(device.assetTag, body, '"v1"');
      expectProblem(res, 400, 'request.invalid');
      const unknown = Object.keys(body).filter((k) => k !== 'make');
      expect(res.body.errors).toEqual(expect.arrayContaining(unknown.map((k): unknown => expect.objectContaining({ field: `body.${k}` }))));
      const read = await get(device.assetTag);
      expect(read.body.device).toMatchObject({ status: 'received', make: 'Lenovo', version: 1, weightSource: 'category_default' });
    });

    it('refuses an empty body and oversized fields with 400', async () => {
      const device = await intake();
      expectProblem(await patch(device.assetTag, {}, '"v1"'), 400, 'request.invalid');
      expectProblem(await patch(device.assetTag, { make: 'M'.repeat(101) }, '"v1"'), 400, 'request.invalid');
      expectProblem(await patch(device.assetTag, { notes: 'n'.repeat(4001) }, '"v1"'), 400, 'request.invalid');
      expect((await get(device.assetTag)).body.device.version).toBe(1);
    });

    it('weightGrams in a PATCH makes the weight measured', async () => {
      const device = await intake();
      expect(device).toMatchObject({ weightGrams: 2300, weightSource: 'category_default' });
      const res = await patch(device.assetTag, { weightGrams: 2105 }, '"v1"');
      expect(res.status).toBe(200);
      expect(res.body.device).toMatchObject({ weightGrams: 2105, weightSource: 'measured', version: 2 });
      const events = await history(device.assetTag);
      expect(events[1]!.details.changes).toMatchObject({ weightGrams: { from: 2300, to: 2105 }, weightSource: { from: 'category_default', to: 'measured' } });
    });

    it('a new category moves a default weight to the new default, but never a measured one', async () => {
      const unweighed = await intake();
      const res = await patch(unweighed.assetTag, { category: 'desktop' }, '"v1"');
      expect(res.status).toBe(200);
      expect(res.body.device).toMatchObject({ category: 'desktop', weightGrams: 9000, weightSource: 'category_default' });

      const weighed = await intake(laptop({ weightGrams: 1999 }));
      const res2 = await patch(weighed.assetTag, { category: 'tablet' }, '"v1"');
      expect(res2.status).toBe(200);
      expect(res2.body.device).toMatchObject({ category: 'tablet', weightGrams: 1999, weightSource: 'measured' });
    });

    it('trainee, coordinator and admin can patch; staff is 403 and anonymous 401, before If-Match or the body are looked at', async () => {
      const device = await intake();
      const tag = device.assetTag;
      let version = 1;
      for (const role of ['trainee', 'coordinator', 'admin'] as const) {
        const res = await patch(tag, { location: `Shelf of the ${role}` }, `"v${version}"`, role);
        expect(res.status, role).toBe(200);
        version += 1;
        expect(res.body.device.version).toBe(version);
      }
      for (const [body, ifMatch] of [[{ make: 'Dell' }, `"v${version}"`], [{ make: 'Dell' }, null], [{ status: 'ready' }, null]] as const) {
        expectProblem(await patch(tag, body, ifMatch, 'staff'), 403, 'auth.forbidden');
        const anonymous = await t.http.patch(`/api/v1/devices/${tag}`).send(body);
        expectProblem(anonymous, 401, 'auth.unauthenticated');
      }
      const read = await get(tag);
      expect(read.body.device).toMatchObject({ make: 'Lenovo', version });
      expect(await history(tag)).toHaveLength(4);
    });

    it("refuses another device's serial with 409 devices.duplicate_serial, whatever its case and spacing", async () => {
      await intake(laptop({ serialNumber: 'TAKEN-42' }));
      const device = await intake(laptop({ serialNumber: 'MINE-7' }));
      for (const serialNumber of ['TAKEN-42', 'taken-42', 'TAKEN -42']) {
        const res = await patch(device.assetTag, { serialNumber }, '"v1"');
        expectProblem(res, 409, 'devices.duplicate_serial');
      }
      const read = await get(device.assetTag);
      expect(read.body.device).toMatchObject({ serialNumber: 'MINE-7', version: 1 });
      // Its own serial in another spelling is not a conflict.
      const own = await patch(device.assetTag, { serialNumber: 'mine-7' }, '"v1"');
      expect(own.status).toBe(200);
      expect(own.body.device.serialNumber).toBe('mine-7');
    });

    it('refuses an unknown donation with 404 and an unknown device with 404, writing nothing', async () => {
      const device = await intake();
      expectProblem(await patch(device.assetTag, { donationId: 77 }, '"v1"'), 404, 'donations.not_found');
      expectProblem(await patch('IQ-000123-R', { make: 'Dell' }, '"v1"'), 404, 'devices.not_found');
      const wrongCheck = device.assetTag.slice(0, -1) + (device.assetTag.endsWith('A') ? 'B' : 'A');
      expectProblem(await patch(wrongCheck, { make: 'Dell' }, '"v1"'), 400, 'devices.invalid_asset_tag');
      expect((await get(device.assetTag)).body.device).toMatchObject({ donationId: null, make: 'Lenovo', version: 1 });
      expect(await history(device.assetTag)).toHaveLength(1);
    });
  });
});
