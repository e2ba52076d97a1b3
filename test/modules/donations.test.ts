import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, laptop, WORKSHOP_ROLES, type TestApp } from '../helpers.js';

const NOW = '2026-03-02T15:00:00.000Z';

function donation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { donorName: 'Qikiqtani General Hospital', donorType: 'government', receivedAt: '2026-02-27', ...overrides };
}

describe('donations', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const create = async (role: (typeof WORKSHOP_ROLES)[number], body: Record<string, unknown>) =>
    t.http.post('/api/v1/donations').set(bearer(await t.token(role))).send(body);

  const listAll = async () => {
    const res = await t.http.get('/api/v1/donations?limit=500').set(bearer(await t.token('admin')));
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, unknown>>;
  };

  it('every role records a donation: 201 with an id, the fields sent and no devices yet', async () => {
    const ids: number[] = [];
    for (const role of WORKSHOP_ROLES) {
      const body = donation({ donorName: `Donor of ${role}`, donorType: 'business', notes: `from the ${role}` });
      const res = await create(role, body);
      expect(res.status, role).toBe(201);
      expect(res.body).toEqual({
        donation: {
          id: expect.any(Number),
          donorName: `Donor of ${role}`,
          donorType: 'business',
          receivedAt: '2026-02-27',
          notes: `from the ${role}`,
          deviceCount: 0,
          expectedDevices: null,
          contact: null,
          createdAt: NOW,
          assetList: null,
          site: 'iqaluit',
        },
      });
      ids.push(res.body.donation.id as number);
    }
    expect(new Set(ids).size).toBe(WORKSHOP_ROLES.length);
    expect((await listAll()).map((d) => d.id)).toEqual(ids);
  });

  it('accepts every donor type of docs/domain.md §3 and trims the donor name', async () => {
    for (const donorType of ['business', 'government', 'school', 'individual', 'other']) {
      const res = await create('trainee', donation({ donorType, donorName: '  Nunavut Arctic College  ' }));
      expect(res.status, donorType).toBe(201);
      expect(res.body.donation).toMatchObject({ donorType, donorName: 'Nunavut Arctic College', notes: null });
    }
  });

  it('is 401 without a token, even with an invalid body', async () => {
    for (const body of [donation(), {}]) {
      const res = await t.http.post('/api/v1/donations').send(body);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('auth.unauthenticated');
    }
    expect(await listAll()).toEqual([]);
  });

  it.each([
    ['an unknown donor type', { donorType: 'charity' }, 'body.donorType'],
    ['a donor type in the wrong case', { donorType: 'Business' }, 'body.donorType'],
    ['an impossible date', { receivedAt: '2026-02-30' }, 'body.receivedAt'],
    ['a date in another format', { receivedAt: '27/02/2026' }, 'body.receivedAt'],
    ['a date-time instead of a date', { receivedAt: '2026-02-27T10:00:00Z' }, 'body.receivedAt'],
    ['a date without zero padding', { receivedAt: '2026-2-7' }, 'body.receivedAt'],
    ['no date', { receivedAt: undefined }, 'body.receivedAt'],
    ['a blank donor name', { donorName: '   ' }, 'body.donorName'],
    ['a donor name of 201 characters', { donorName: 'x'.repeat(201) }, 'body.donorName'],
    ['notes of 2001 characters', { notes: 'x'.repeat(2001) }, 'body.notes'],
    ['an unknown property', { deviceCount: 12 }, 'body.deviceCount'],
    ['no expected devices (0)', { expectedDevices: 0 }, 'body.expectedDevices'],
    ['a negative number of expected devices', { expectedDevices: -3 }, 'body.expectedDevices'],
    ['a fractional number of expected devices', { expectedDevices: 2.5 }, 'body.expectedDevices'],
    ['expected devices as a string', { expectedDevices: '3' }, 'body.expectedDevices'],
    ['a contact without a name', { contact: { email: 'it@qgh.example' } }, 'body.contact.name'],
    ['a contact with a blank name', { contact: { name: '  ', phone: '867-555-0100' } }, 'body.contact.name'],
    ['a contact with neither email nor phone', { contact: { name: 'Lucy Tulugarjuk' } }, 'body.contact.email'],
    ['a contact with an email that is not one', { contact: { name: 'Lucy Tulugarjuk', email: 'lucy at qgh' } }, 'body.contact.email'],
    ['a contact with a phone that is not one', { contact: { name: 'Lucy Tulugarjuk', phone: 'call me' } }, 'body.contact.phone'],
    ['a contact with an unknown property', { contact: { name: 'Lucy Tulugarjuk', phone: '867-555-0100', title: 'IT' } }, 'body.contact.title'],
    ['a client-chosen id', { id: 99 }, 'body.id'],
  ])('refuses %s with 400 request.invalid naming the field, and records nothing', async (_label, overrides, field) => {
    const res = await create('coordinator', donation(overrides));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request.invalid');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await listAll()).toEqual([]);
  });

  it('records the expected number of devices and a contact at the donor, received counted against expected, the contact kept out of the history', async () => {
    const contact = { name: 'Lucy Tulugarjuk', email: 'lucy.t@qgh.example', phone: '+1 867-555-0100' };
    const res = await create('staff', donation({ expectedDevices: 3, contact }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.donation).toMatchObject({ expectedDevices: 3, deviceCount: 0, contact });
    const id = res.body.donation.id as number;
    const phoneOnly = await create('trainee', donation({ contact: { name: ' Joe Ikkidluak ', phone: '867 555 0199' } }));
    expect(phoneOnly.status).toBe(201);
    expect(phoneOnly.body.donation.contact).toEqual({ name: 'Joe Ikkidluak', email: null, phone: '867 555 0199' });

    const token = await t.token('trainee');
    for (let i = 0; i < 2; i++) expect((await t.http.post('/api/v1/devices').set(bearer(token)).send(laptop({ donationId: id }))).status).toBe(201);
    const read = await t.http.get(`/api/v1/donations/${id}`).set(bearer(token));
    expect(read.body.donation).toMatchObject({ expectedDevices: 3, deviceCount: 2, contact });

    // The history names the donation, never the person.
    const events = await t.rows<{ details: string }>("select details from audit_events where entity_type = 'donation' order by id");
    expect(events.length).toBe(2);
    const text = JSON.stringify(events);
    for (const word of ['Lucy', 'Tulugarjuk', 'qgh.example', '555', 'Ikkidluak']) expect(text).not.toContain(word);
    expect(JSON.parse(events[0]!.details)).toMatchObject({ expectedDevices: 3 });
  });

  it('GET /donations/{id} returns the donation, and deviceCount counts its devices only', async () => {
    const token = await t.token('trainee');
    const a = (await create('staff', donation({ donorName: 'Arviat school' }))).body.donation;
    const b = (await create('staff', donation({ donorName: 'Kugluktuk hamlet' }))).body.donation;
    for (const body of [laptop({ donationId: a.id }), laptop({ donationId: a.id }), laptop({ donationId: b.id }), laptop()]) {
      const res = await t.http.post('/api/v1/devices').set(bearer(token)).send(body);
      expect(res.status).toBe(201);
    }
    const resA = await t.http.get(`/api/v1/donations/${a.id}`).set(bearer(token));
    expect(resA.status).toBe(200);
    expect(resA.body).toEqual({ donation: { ...a, deviceCount: 2 } });
    const resB = await t.http.get(`/api/v1/donations/${b.id}`).set(bearer(await t.token('staff')));
    expect(resB.status).toBe(200);
    expect(resB.body.donation).toMatchObject({ id: b.id, donorName: 'Kugluktuk hamlet', deviceCount: 1 });
    // The list carries the same counts.
    expect((await listAll()).map((d) => [d.id, d.deviceCount])).toEqual([
      [a.id, 2],
      [b.id, 1],
    ]);
  });

  it('GET /donations/{id} is 404 donations.not_found for an unknown id and 400 for an id that is not one', async () => {
    const token = await t.token('trainee');
    const known = (await create('trainee', donation())).body.donation;
    const missing = await t.http.get(`/api/v1/donations/${(known.id as number) + 1}`).set(bearer(token));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('donations.not_found');
    for (const bad of ['abc', '0', '-1', '1.5']) {
      const res = await t.http.get(`/api/v1/donations/${bad}`).set(bearer(token));
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe('request.invalid');
    }
    const anonymous = await t.http.get(`/api/v1/donations/${known.id}`);
    expect(anonymous.status).toBe(401);
  });

  it('GET /donations walks every donation exactly once, oldest first, with an opaque cursor', async () => {
    const created: number[] = [];
    for (let i = 1; i <= 7; i++) created.push((await create('staff', donation({ donorName: `Donor ${i}` }))).body.donation.id as number);
    const token = await t.token('trainee');
    const seen: number[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const query: Record<string, string | number> = { limit: 3 };
      if (cursor) query.cursor = cursor;
      const res = await t.http.get('/api/v1/donations').query(query).set(bearer(token));
      expect(res.status).toBe(200);
      pageSizes.push(res.body.items.length as number);
      seen.push(...(res.body.items as Array<{ id: number }>).map((d) => d.id));
      cursor = res.body.nextCursor as string | null;
      if (cursor === null) break;
      expect(cursor).not.toMatch(/^\d+$/);
    }
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(created);
  });

  it('GET /donations: no next cursor when the last page is exactly full; without a limit one page holds all four', async () => {
    for (let i = 1; i <= 4; i++) await create('staff', donation({ donorName: `Donor ${i}` }));
    const token = await t.token('staff');
    const first = await t.http.get('/api/v1/donations?limit=2').set(bearer(token));
    const second = await t.http.get('/api/v1/donations').query({ limit: 2, cursor: first.body.nextCursor as string }).set(bearer(token));
    expect(second.status).toBe(200);
    expect(second.body.items.map((d: { donorName: string }) => d.donorName)).toEqual(['Donor 3', 'Donor 4']);
    expect(second.body.nextCursor).toBeNull();
    const all = await t.http.get('/api/v1/donations').set(bearer(token));
    expect(all.body.items).toHaveLength(4);
    expect(all.body.nextCursor).toBeNull();
  });

  it('GET /donations refuses limit 0 and 501, and a forged cursor, with 400', async () => {
    const token = await t.token('staff');
    for (const query of [{ limit: 0 }, { limit: 501 }, { limit: 'ten' }, { cursor: 'not-a-cursor' }, { cursor: Buffer.from('v1:abc').toString('base64url') }, { sort: 'id' }]) {
      const res = await t.http.get('/api/v1/donations').query(query).set(bearer(token));
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.code).toBe('request.invalid');
    }
    const max = await t.http.get('/api/v1/donations?limit=500').set(bearer(token));
    expect(max.status).toBe(200);
  });
});
