import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTag } from '../../src/modules/asset-tags/asset-tag.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { WORKSHOP_ROLES, bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

const API = '/api/v1';
const START = '2026-03-02T15:00:00.000Z';

interface UnknownItem {
  code: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  stations: string[];
}

describe('POST /scans and GET /scans/unknown', () => {
  let t: TestApp;
  let tag: string;
  let serial: string;
  beforeEach(async () => {
    t = await createTestApp();
    serial = 'PF-1ABCD23';
    const res = await t.http
      .post(`${API}/devices`)
      .set(bearer(await t.token('trainee')))
      .send(laptop({ serialNumber: serial }));
    expect(res.status).toBe(201);
    tag = res.body.device.assetTag as string;
  });
  afterEach(async () => t.close());

  const scan = async (body: Record<string, unknown>, role: Role = 'trainee') => t.http.post(`${API}/scans`).set(bearer(await t.token(role))).send(body);
  const unknownCodes = async (role: Role = 'trainee', query = '') => {
    const res = await t.http.get(`${API}/scans/unknown${query}`).set(bearer(await t.token(role)));
    expect(res.status).toBe(200);
    return res.body as { items: UnknownItem[]; nextCursor: string | null };
  };
  const scanRows = () => t.count('scans');

  it('finds the device by bare tag, lower-case tag, a URL ending with the tag (with or without a query) and by manufacturer serial', async () => {
    const forms = [tag, tag.toLowerCase(), `https://example.org/d/${tag}`, `https://example.org/d/${tag}?x=1`, `https://example.org/d/${tag}/`, serial, serial.toLowerCase(), `  ${tag}  `];
    for (const code of forms) {
      // Each form is a new scan, outside the duplicate window.
      t.clock.advance(11_000);
      const res = await scan({ code, station: 'bench-1' });
      expect(res.status, code).toBe(200);
      expect(res.body.device.assetTag, code).toBe(tag);
      expect(res.body.device.serialNumber).toBe(serial);
      expect(res.body.duplicate, code).toBe(false);
      expect(res.body.allowedActions).toEqual(res.body.device.allowedActions);
      expect(res.body.allowedActions).toEqual(['update', 'register_storage', 'sanitize']);
      expect(typeof res.body.scanId).toBe('number');
    }
    expect(await scanRows()).toBe(forms.length);
    expect((await unknownCodes()).items).toEqual([]);
  });

  it('all roles may scan, and allowedActions are for the caller\'s role', async () => {
    const expected: Record<Exclude<Role, 'translator' | 'program'>, string[]> = {
      trainee: ['update', 'register_storage', 'sanitize'],
      coordinator: ['update', 'register_storage', 'sanitize', 'recycle'],
      staff: [],
      admin: ['update', 'register_storage', 'sanitize', 'recycle', 'write_off'],
    };
    for (const role of WORKSHOP_ROLES) {
      const res = await scan({ code: tag }, role);
      expect(res.status, role).toBe(200);
      expect(res.body.allowedActions, role).toEqual(expected[role as keyof typeof expected]);
      // No station: duplicates are per user, so each role's first scan is not a duplicate.
      expect(res.body.duplicate, role).toBe(false);
      const unknown = await t.http.get(`${API}/scans/unknown`).set(bearer(await t.token(role)));
      expect(unknown.status, role).toBe(200);
    }
  });

  it('anonymous scans are 401; a code longer than 500 characters, an empty code or an unknown property is 400', async () => {
    const anon = await t.http.post(`${API}/scans`).send({ code: tag });
    expect(anon.status).toBe(401);
    expect(anon.body.code).toBe('auth.unauthenticated');
    const anonList = await t.http.get(`${API}/scans/unknown`);
    expect(anonList.status).toBe(401);
    for (const body of [{ code: 'x'.repeat(501) }, { code: '' }, { code: '   ' }, { code: tag, operator: 'me' }, { code: tag, clientTime: 'now' }, {}]) {
      const res = await scan(body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.code).toBe('request.invalid');
    }
    expect(await scanRows()).toBe(0);
    // 500 characters is still a scan (unknown, but recorded).
    const long = await scan({ code: 'y'.repeat(500) });
    expect(long.status).toBe(404);
    expect(await scanRows()).toBe(1);
  });

  it('flags a second scan of the same device from the same station within 10 s as a duplicate', async () => {
    const first = await scan({ code: tag, station: 'intake-desk' });
    expect(first.body.duplicate).toBe(false);
    t.clock.advance(3_000);
    const second = await scan({ code: serial, station: 'intake-desk' });
    expect(second.status).toBe(200);
    expect(second.body.duplicate).toBe(true);
    const otherStation = await scan({ code: tag, station: 'wipe-bench' });
    expect(otherStation.body.duplicate).toBe(false);
    // Another user at the same station is still the same station.
    const coordinatorSame = await scan({ code: tag, station: 'intake-desk' }, 'coordinator');
    expect(coordinatorSame.body.duplicate).toBe(true);
    t.clock.advance(11_000);
    const later = await scan({ code: tag, station: 'intake-desk' });
    expect(later.body.duplicate).toBe(false);
    t.clock.advance(9_000);
    const within = await scan({ code: tag, station: 'intake-desk' });
    expect(within.body.duplicate).toBe(true);
    // Duplicates are still recorded as scans.
    expect(await scanRows()).toBe(6);
    // 0/1 on SQLite, false/true on PostgreSQL.
    const dupFlags = await t.rows<{ duplicate: number | boolean }>('select duplicate from scans order by id');
    expect(dupFlags.map((r) => Number(r.duplicate))).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('answers 404 scans.unknown_code for codes that match no device, yet records them for triage', async () => {
    const wrongCheck = `${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`;
    const unusedTag = formatTag('IQ', 999_999);
    const codes = ['random text from a cereal box', wrongCheck, unusedTag, `https://example.org/d/${unusedTag}`];
    for (const code of codes) {
      const res = await scan({ code, station: 'bench-2' });
      expect(res.status, code).toBe(404);
      expect(res.body.code, code).toBe('scans.unknown_code');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(typeof res.body.scanId).toBe('number');
    }
    expect(await scanRows()).toBe(codes.length);
    const { items } = await unknownCodes();
    expect(items.map((i) => i.code).sort()).toEqual([...codes].sort());
    for (const item of items) expect(item).toMatchObject({ count: 1, stations: ['bench-2'], firstSeenAt: START, lastSeenAt: START });
  });

  it('lists unknown codes grouped with counts, stations and first/last seen, most recent first', async () => {
    await scan({ code: 'MYSTERY-1', station: 'bench-1' });
    t.clock.advance(60_000);
    await scan({ code: 'MYSTERY-2' });
    t.clock.advance(60_000);
    await scan({ code: 'MYSTERY-1', station: 'bench-2' }, 'coordinator');
    t.clock.advance(60_000);
    await scan({ code: 'MYSTERY-1', station: 'bench-1' }, 'staff');
    // A known device scan never shows up among unknown codes.
    await scan({ code: tag, station: 'bench-1' });

    const { items, nextCursor } = await unknownCodes('staff');
    expect(nextCursor).toBeNull();
    expect(items.map((i) => i.code)).toEqual(['MYSTERY-1', 'MYSTERY-2']);
    const [m1, m2] = items;
    expect(m1).toMatchObject({ code: 'MYSTERY-1', count: 3, firstSeenAt: START, lastSeenAt: '2026-03-02T15:03:00.000Z' });
    expect([...m1!.stations].sort()).toEqual(['bench-1', 'bench-2']);
    expect(m2).toEqual({ code: 'MYSTERY-2', count: 1, firstSeenAt: '2026-03-02T15:01:00.000Z', lastSeenAt: '2026-03-02T15:01:00.000Z', stations: [] });

    // Paging with limit and the opaque cursor.
    const page1 = await unknownCodes('trainee', '?limit=1');
    expect(page1.items.map((i) => i.code)).toEqual(['MYSTERY-1']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await unknownCodes('trainee', `?limit=1&cursor=${encodeURIComponent(page1.nextCursor!)}`);
    expect(page2.items.map((i) => i.code)).toEqual(['MYSTERY-2']);
    expect(page2.nextCursor).toBeNull();
  });

  it('keeps a station name that contains a comma intact in the triage list', async () => {
    await scan({ code: 'MYSTERY-3', station: 'Bench 1, left' });
    const { items } = await unknownCodes();
    expect(items).toEqual([expect.objectContaining({ code: 'MYSTERY-3', stations: ['Bench 1, left'] })]);
  });

  it('keeps a clientTime more than a year from the server\'s time but flags it, in the answer and in the scan record', async () => {
    // The server's time is START (2026-03-02T15:00Z); the tolerance is 366 days either way.
    const cases: Array<[string | undefined, boolean]> = [
      [undefined, false],
      ['2026-03-02T14:59:00.000Z', false],
      ['2026-03-02T10:00:00-05:00', false],
      ['2025-03-01T15:00:00.000Z', false],
      ['2027-03-03T15:00:00.000Z', false],
      ['2025-03-01T14:59:59.999Z', true],
      ['2027-03-03T15:00:00.001Z', true],
      ['2000-01-01T00:00:00.000Z', true],
      ['2099-12-31T23:59:59+14:00', true],
    ];
    for (const [clientTime, suspect] of cases) {
      const res = await scan({ code: tag, station: `bench-${String(clientTime)}`, ...(clientTime === undefined ? {} : { clientTime }) });
      expect(res.status, clientTime).toBe(200);
      expect(res.body.clientTimeSuspect, clientTime).toBe(suspect);
    }
    const rows = (await t.rows<{ clientTime: string | null; suspect: number | boolean }>('select client_time as "clientTime", client_time_suspect as suspect from scans order by id')).map((r) => ({ ...r, suspect: Number(r.suspect) }));
    expect(rows).toEqual(cases.map(([clientTime, suspect]) => ({ clientTime: clientTime ?? null, suspect: suspect ? 1 : 0 })));

    // An unknown code with a suspect time is kept for triage and flagged the same way.
    const unknown = await scan({ code: 'MYSTERY-4', clientTime: '1999-12-31T23:59:59Z' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'scans.unknown_code', clientTimeSuspect: true });
    const stored = await t.row<{ clientTime: string | null; suspect: number | boolean }>("select client_time as \"clientTime\", client_time_suspect as suspect from scans where code = 'MYSTERY-4'");
    expect({ ...stored, suspect: Number(stored?.suspect) }).toEqual({ clientTime: '1999-12-31T23:59:59Z', suspect: 1 });
  });
});
