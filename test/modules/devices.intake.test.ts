import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTag } from '../../src/modules/asset-tags/asset-tag.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

const NOW = '2026-03-02T15:00:00.000Z';

/** Typical weights (docs/domain.md §3), used when a device was not weighed. */
const REFERENCE_WEIGHTS: Record<string, number> = {
  laptop: 2300,
  desktop: 9000,
  all_in_one: 8000,
  tablet: 550,
  phone: 180,
  monitor: 5000,
  crt_monitor: 15000,
  printer: 9000,
  server: 20000,
  network: 1500,
  peripheral: 500,
  other: 1000,
};

describe('device intake', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const intake = async (body: Record<string, unknown>, role: 'trainee' | 'coordinator' | 'staff' | 'admin' = 'trainee') =>
    t.http.post('/api/v1/devices').set(bearer(await t.token(role))).send(body);

  const reserve = async (count: number): Promise<string[]> => {
    const res = await t.http.post('/api/v1/asset-tags/reserve').set(bearer(await t.token('trainee'))).send({ count });
    expect(res.status).toBe(201);
    return res.body.tags as string[];
  };

  const expectProblem = (res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  };

  const expectFieldProblem = (res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, field: string) => {
    expectProblem(res, 400, 'request.invalid');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  /** Everything intake could have written, read through the API and counted in the database. */
  const snapshot = async () => {
    const list = await t.http.get('/api/v1/devices?limit=500').set(bearer(await t.token('admin')));
    expect(list.status).toBe(200);
    return {
      devices: (list.body.items as Array<{ assetTag: string; version: number }>).map((d) => `${d.assetTag} v${d.version}`),
      rows: { devices: await t.count('devices'), drives: await t.count('storage_drives'), tags: await t.count('asset_tags'), audit: await t.count('audit_events') },
      assignedTags: (await t.rows<{ tag: string }>(`select tag from asset_tags where status = 'assigned' order by tag`)).map((r) => r.tag),
    };
  };

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

  it('returns the whole device with Location and ETag, and the same device is then readable', async () => {
    const body = laptop({
      serialNumber: 'R9-XK2L1',
      make: 'Dell',
      model: 'Latitude 5490',
      specs: { cpu: 'i5-8350U', ramGb: 8, storageGb: 256, screenInches: 14, os: 'Ubuntu 24.04' },
      location: 'Shelf B2',
      notes: 'Sticker residue on lid',
      storage: [
        { serialNumber: 'WD-1', kind: 'hdd', capacityGb: 500, model: 'WD5000' },
        { serialNumber: 'NV-2', kind: 'nvme' },
      ],
    });
    const res = await intake(body, 'coordinator');
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/v1/devices/IQ-000001-Z');
    expect(res.body.device).toMatchObject({
      assetTag: 'IQ-000001-Z',
      category: 'laptop',
      make: 'Dell',
      model: 'Latitude 5490',
      serialNumber: 'R9-XK2L1',
      status: 'received',
      specs: { cpu: 'i5-8350U', ramGb: 8, storageGb: 256, screenInches: 14, os: 'Ubuntu 24.04' },
      donationId: null,
      location: 'Shelf B2',
      notes: 'Sticker residue on lid',
      version: 1,
      createdAt: NOW,
    });
    expect(res.body.device.storage).toEqual([
      expect.objectContaining({ serialNumber: 'WD-1', kind: 'hdd', capacityGb: 500, model: 'WD5000', sanitizationState: 'pending' }),
      expect.objectContaining({ serialNumber: 'NV-2', kind: 'nvme', capacityGb: null, sanitizationState: 'pending' }),
    ]);
    const read = await t.http.get('/api/v1/devices/IQ-000001-Z').set(bearer(await t.token('staff')));
    expect(read.status).toBe(200);
    expect(read.body.device).toMatchObject({ assetTag: 'IQ-000001-Z', serialNumber: 'R9-XK2L1', storage: res.body.device.storage });
  });

  it('auto-assigns consecutive valid tags to consecutive intakes by trainee, coordinator and admin', async () => {
    const tags: string[] = [];
    for (const role of ['trainee', 'coordinator', 'admin'] as const) {
      const res = await intake(laptop(), role);
      expect(res.status, role).toBe(201);
      tags.push(res.body.device.assetTag as string);
    }
    expect(tags[0]).toBe('IQ-000001-Z');
    expect(tags.map((tag) => parseTag(tag))).toEqual(
      tags.map((tag, i) => ({ kind: 'valid', tag, prefix: 'IQ', seq: i + 1 })),
    );
  });

  it('accepts a reserved tag once; the same tag again is 409 devices.duplicate_asset_tag', async () => {
    const [, second] = await reserve(2);
    const first = await intake(laptop({ assetTag: second }));
    expect(first.status).toBe(201);
    expect(first.body.device.assetTag).toBe(second);
    const again = await intake(laptop({ assetTag: second }));
    expectProblem(again, 409, 'devices.duplicate_asset_tag');
    // Typed in lower case with spaces, it is still the same tag.
    const typed = await intake(laptop({ assetTag: ` ${second!.toLowerCase()} ` }));
    expectProblem(typed, 409, 'devices.duplicate_asset_tag');
  });

  it('accepts a reserved tag typed in lower case with spaces, and stores it normalised', async () => {
    const [tag] = await reserve(1);
    const res = await intake(laptop({ assetTag: `  ${tag!.toLowerCase()} ` }));
    expect(res.status).toBe(201);
    expect(res.body.device.assetTag).toBe(tag);
    expect((await t.http.get(`/api/v1/devices/${tag}`).set(bearer(await t.token('trainee')))).status).toBe(200);
  });

  it('refuses a valid-shaped tag that was never reserved with 409 asset_tags.not_reserved', async () => {
    await reserve(5);
    // docs/domain.md §3 example: a valid tag, but the sequence never got this far.
    const res = await intake(laptop({ assetTag: 'IQ-000123-R' }));
    expectProblem(res, 409, 'asset_tags.not_reserved');
  });

  it('refuses a reserved tag with a wrong check character with 400 devices.invalid_asset_tag', async () => {
    const [tag] = await reserve(1);
    const wrong = tag!.slice(0, -1) + (tag!.endsWith('A') ? 'B' : 'A');
    const res = await intake(laptop({ assetTag: wrong }));
    expectProblem(res, 400, 'devices.invalid_asset_tag');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.assetTag' })]);
    // A single mistyped digit is caught the same way.
    const typo = await intake(laptop({ assetTag: 'IQ-000002-Z' }));
    expectProblem(typo, 400, 'devices.invalid_asset_tag');
  });

  it.each(['hello', 'IQ000001Z', 'IQ-1-Z', '12345', 'IQ-000001-ZZ'])('refuses the garbage tag %j with 400 devices.invalid_asset_tag', async (garbage) => {
    const res = await intake(laptop({ assetTag: garbage }));
    expectProblem(res, 400, 'devices.invalid_asset_tag');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.assetTag' })]);
  });

  it('refuses a manufacturer serial already registered with 409 devices.duplicate_serial, whatever its case and spacing', async () => {
    const first = await intake(laptop({ serialNumber: 'PF-1AB2C3' }));
    expect(first.status).toBe(201);
    for (const serial of ['PF-1AB2C3', 'pf-1ab2c3', ' PF-1AB 2C3 ', 'pf - 1ab2c3']) {
      const res = await intake(laptop({ serialNumber: serial }));
      expectProblem(res, 409, 'devices.duplicate_serial');
    }
  });

  it('refuses a drive serial listed twice in one body with 400 naming body.storage.1.serialNumber', async () => {
    for (const twin of ['S3Z-TWIN', 's3z-twin']) {
      const res = await intake(
        laptop({
          storage: [
            { serialNumber: 'S3Z-TWIN', kind: 'ssd' },
            { serialNumber: twin, kind: 'hdd' },
          ],
        }),
      );
      expectFieldProblem(res, 'body.storage.1.serialNumber');
    }
  });

  it.each(['category', 'make', 'model', 'serialNumber', 'storage'])('refuses a body without %s with 400 naming it', async (field) => {
    const res = await intake(laptop({ [field]: undefined }));
    expectFieldProblem(res, `body.${field}`);
  });

  it.each([
    ['status', 'ready'],
    ['version', 7],
    ['id', 42],
    ['weightSource', 'measured'],
    ['createdBy', 1],
    ['custodyCycle', 3],
  ])('refuses the unknown property %s (mass assignment) with 400 naming it', async (field, value) => {
    const res = await intake(laptop({ [field]: value }));
    expectFieldProblem(res, `body.${field}`);
  });

  it('refuses an unknown property inside a drive or the specs by its path', async () => {
    const drive = await intake(laptop({ storage: [{ serialNumber: 'D-1', kind: 'ssd', sanitized: true }] }));
    expectFieldProblem(drive, 'body.storage.0.sanitized');
    const specs = await intake(laptop({ specs: { cpu: 'i5', gpu: 'none' } }));
    expectFieldProblem(specs, 'body.specs.gpu');
  });

  it('enforces each string maximum exactly: make 100 and notes 4000 pass, 101 and 4001 are 400', async () => {
    expectFieldProblem(await intake(laptop({ make: 'M'.repeat(101) })), 'body.make');
    expectFieldProblem(await intake(laptop({ notes: 'n'.repeat(4001) })), 'body.notes');
    expectFieldProblem(await intake(laptop({ serialNumber: 'S'.repeat(101) })), 'body.serialNumber');
    const atLimit = await intake(laptop({ make: 'M'.repeat(100), notes: 'n'.repeat(4000) }));
    expect(atLimit.status).toBe(201);
    expect(atLimit.body.device.make).toHaveLength(100);
    expect(atLimit.body.device.notes).toHaveLength(4000);
  });

  it.each([
    ['an unknown category', { category: 'toaster' }, 'body.category'],
    ['a category in the wrong case', { category: 'Laptop' }, 'body.category'],
    ['a blank make', { make: '   ' }, 'body.make'],
    ['a weight of 0 g', { weightGrams: 0 }, 'body.weightGrams'],
    ['a fractional weight', { weightGrams: 2300.5 }, 'body.weightGrams'],
    ['an unknown drive kind', { storage: [{ serialNumber: 'D-1', kind: 'floppy' }] }, 'body.storage.0.kind'],
    ['storage that is not a list', { storage: 'none' }, 'body.storage'],
    ['a donation id that is not a number', { donationId: 'abc' }, 'body.donationId'],
  ])('refuses %s with 400 naming the field', async (_label, overrides, field) => {
    expectFieldProblem(await intake(laptop(overrides)), field);
  });

  it('refuses an unknown donationId with 404 donations.not_found', async () => {
    const res = await intake(laptop({ donationId: 999 }));
    expectProblem(res, 404, 'donations.not_found');
  });

  it('keeps the donationId of an existing donation', async () => {
    const donation = await t.http
      .post('/api/v1/donations')
      .set(bearer(await t.token('staff')))
      .send({ donorName: 'Government of Nunavut', donorType: 'government', receivedAt: '2026-03-01' });
    expect(donation.status).toBe(201);
    const id = donation.body.donation.id as number;
    const res = await intake(laptop({ donationId: id }));
    expect(res.status).toBe(201);
    expect(res.body.device.donationId).toBe(id);
    const read = await t.http.get(`/api/v1/devices/${res.body.device.assetTag as string}`).set(bearer(await t.token('trainee')));
    expect(read.body.device.donationId).toBe(id);
  });

  it('defaults the weight of every category to its typical value; a measured weight wins', async () => {
    for (const [category, grams] of Object.entries(REFERENCE_WEIGHTS)) {
      const res = await intake(laptop({ category, storage: [] }));
      expect(res.status, category).toBe(201);
      expect(res.body.device, category).toMatchObject({ category, weightGrams: grams, weightSource: 'category_default' });
    }
    for (const [category, grams] of [['crt_monitor', 17250], ['phone', 171], ['desktop', 9000]] as const) {
      const res = await intake(laptop({ category, storage: [], weightGrams: grams }));
      expect(res.status, category).toBe(201);
      // Even a weight equal to the default was measured, and says so.
      expect(res.body.device, category).toMatchObject({ category, weightGrams: grams, weightSource: 'measured' });
    }
  });

  it('is 403 for staff and 401 without a token, before the body is validated', async () => {
    for (const body of [laptop(), { status: 'ready' }, {}]) {
      const staff = await intake(body, 'staff');
      expectProblem(staff, 403, 'auth.forbidden');
      const anonymous = await t.http.post('/api/v1/devices').send(body);
      expectProblem(anonymous, 401, 'auth.unauthenticated');
    }
    const list = await t.http.get('/api/v1/devices').set(bearer(await t.token('staff')));
    expect(list.body.items).toEqual([]);
  });

  it('writes nothing on any refused intake, and the reserved tag stays usable', async () => {
    const existing = await intake(laptop({ serialNumber: 'EXISTING-1' }));
    expect(existing.status).toBe(201);
    const [tag] = await reserve(1);
    await t.token('staff');
    const before = await snapshot();
    expect(before.rows).toMatchObject({ devices: 1, drives: 1 });

    const refused: Array<[string, number, () => PromiseLike<{ status: number }>]> = [
      ['unknown donation', 404, () => intake(laptop({ assetTag: tag, donationId: 4242 }))],
      ['duplicate serial', 409, () => intake(laptop({ assetTag: tag, serialNumber: 'existing-1' }))],
      ['duplicate drive', 400, () => intake(laptop({ assetTag: tag, storage: [{ serialNumber: 'X', kind: 'ssd' }, { serialNumber: 'X', kind: 'ssd' }] }))],
      ['mass assignment', 400, () => intake(laptop({ assetTag: tag, status: 'ready' }))],
      ['oversized notes', 400, () => intake(laptop({ assetTag: tag, notes: 'n'.repeat(4001) }))],
      ['bad category', 400, () => intake(laptop({ assetTag: tag, category: 'toaster' }))],
      ['staff', 403, () => intake(laptop({ assetTag: tag }), 'staff')],
      ['anonymous', 401, () => t.http.post('/api/v1/devices').send(laptop({ assetTag: tag }))],
      ['wrong check character', 400, () => intake(laptop({ assetTag: 'IQ-000123-S' }))],
      ['never reserved', 409, () => intake(laptop({ assetTag: 'IQ-000123-R' }))],
      ['auto tag, unknown donation', 404, () => intake(laptop({ donationId: 4242 }))],
      ['auto tag, duplicate serial', 409, () => intake(laptop({ serialNumber: 'EXISTING-1' }))],
    ];
    for (const [label, status, send] of refused) {
      const res = await send();
      expect(res.status, label).toBe(status);
    }

    expect(await snapshot()).toEqual(before);
    const ok = await intake(laptop({ assetTag: tag }));
    expect(ok.status).toBe(201);
    expect(ok.body.device.assetTag).toBe(tag);
    // The auto-assigned sequence was not advanced by the refused auto-tag intakes either.
    const next = await intake(laptop());
    expect(parseTag(next.body.device.assetTag as string)).toMatchObject({ kind: 'valid', seq: 3 });
  });

  it('writes exactly one history event per intake: device.intake to received, by the actor', async () => {
    const trainee = await t.createUser('aputi', 'trainee');
    const coordinatorToken = await t.token('coordinator');
    const a = await t.http.post('/api/v1/devices').set(bearer(trainee.token)).send(laptop());
    const b = await t.http.post('/api/v1/devices').set(bearer(coordinatorToken)).send(laptop({ category: 'desktop' }));
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);

    const history = await t.http.get(`/api/v1/devices/${a.body.device.assetTag as string}/history`).set(bearer(await t.token('staff')));
    expect(history.status).toBe(200);
    expect(history.body.events).toHaveLength(1);
    expect(history.body.events[0]).toMatchObject({
      action: 'device.intake',
      fromStatus: null,
      toStatus: 'received',
      at: NOW,
      actor: { id: trainee.id, username: 'aputi' },
    });

    const other = await t.http.get(`/api/v1/devices/${b.body.device.assetTag as string}/history`).set(bearer(trainee.token));
    expect(other.status).toBe(200);
    expect(other.body.events).toHaveLength(1);
    expect(other.body.events[0]).toMatchObject({ action: 'device.intake', toStatus: 'received', actor: { username: 'test-coordinator' } });

    // Exactly one device event per intake in the whole history table.
    const deviceEvents = await t.rows(`select entity_id as tag, action from audit_events where entity_type = 'device' order by id`);
    expect(deviceEvents).toEqual([
      { tag: a.body.device.assetTag, action: 'device.intake' },
      { tag: b.body.device.assetTag, action: 'device.intake' },
    ]);
  });
});
