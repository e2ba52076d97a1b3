/**
 * The other reports of issue 6: the device CSV export (every matching
 * device, RFC 4180, formulas neutralised, paged internally), the inventory
 * report (counts, days in status) and the activity report (per-user bench
 * work with second-person verification outcomes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/modules/users/users.service.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { ADMIN_PASSWORD, bearer, createTestApp, laptop, USER_PASSWORD, type TestApp, wipeBody } from '../helpers.js';
import { parseCsv } from '../support/documents.js';

const API = '/api/v1';
const DAY = 86_400_000;
const HOUR = 3_600_000;
type Body = Record<string, unknown>;
/** The parts of success bodies these tests read. */
interface ApiBody {
  device: { assetTag: string; storage: Array<{ serialNumber: string }> };
  sanitization: { verificationId: number | null };
  repair: { id: number };
}

const wipe = (storageSerial: string, result: 'passed' | 'failed' = 'passed') => wipeBody(storageSerial, { result });

/** The CSV as objects keyed by the header row. */
function records(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  expect(header).toBeDefined();
  for (const r of rows) expect(r).toHaveLength(header!.length);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

describe('GET /devices?format=csv', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const as = async (role: Role) => bearer(await t.token(role));
  const csv = async (query: Body, role: Role = 'staff') => t.http.get(`${API}/devices`).query({ format: 'csv', ...query }).set(await as(role));

  it('exports every matching device with its free text, RFC 4180-quoted and neutralised; filters apply, limit does not', async () => {
    const trainee = await as('trainee');
    const notes = {
      quoted: 'Dent on lid, "sticky" keys\nsecond line\r\nthird line',
      formula: '=HYPERLINK("http://evil.example","click")',
      tab: '\tTabbed note',
      plus: '+1 867 555 0100',
      at: '@SUM(A1:A9)',
      minus: '-5 keys missing',
      cr: '\r=1+2 after a carriage return',
      plain: 'Charger included',
    };
    const created: Array<{ tag: string; note: string | undefined; category: string }> = [];
    for (const [key, note] of Object.entries(notes)) {
      const body = laptop({ notes: note, ...(key === 'tab' ? { category: 'monitor', make: 'Dell', model: 'P2217', storage: [] } : {}), ...(key === 'quoted' ? { location: 'Shelf 3, bin "B"' } : {}), ...(key === 'plain' ? { model: '=1+1' } : {}) });
      const res = await t.http.post(`${API}/devices`).set(trainee).send(body);
      expect(res.status).toBe(201);
      created.push({ tag: res.body.device.assetTag, note, category: body['category'] as string });
    }
    const bare = await t.http.post(`${API}/devices`).set(trainee).send(laptop());
    created.push({ tag: bare.body.device.assetTag, note: undefined, category: 'laptop' });
    // The monitor becomes sanitized (no storage confirmed): a status filter must find it alone.
    const monitor = created.find((c) => c.category === 'monitor')!;
    expect((await t.http.post(`${API}/devices/${monitor.tag}/sanitizations`).set(trainee).send({ noStorage: true })).status).toBe(201);

    const res = await csv({ limit: 1 });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const all = records(res.text);
    expect(all.map((r) => r['assetTag'])).toEqual(created.map((c) => c.tag));
    const header = parseCsv(res.text)[0]!;
    expect(header).toEqual(expect.arrayContaining(['assetTag', 'category', 'make', 'model', 'serialNumber', 'status', 'weightGrams', 'notes', 'location']));
    for (const c of created) {
      const row = all.find((r) => r['assetTag'] === c.tag)!;
      const expectedNote = c.note === undefined ? '' : /^[=+\-@\t\r]/.test(c.note) ? `'${c.note}` : c.note;
      expect(row['notes'], c.tag).toBe(expectedNote);
      expect(row['category']).toBe(c.category);
    }
    expect(all.find((r) => r['assetTag'] === created[0]!.tag)!['location']).toBe('Shelf 3, bin "B"');

    // On the wire: quoted and doubled where needed, the formula made inert.
    expect(res.text).toContain('"Dent on lid, ""sticky"" keys\nsecond line\r\nthird line"');
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(res.text).toContain(",'\tTabbed note,");
    expect(res.text).toContain(",'+1 867 555 0100,");
    expect(res.text).toContain(",'@SUM(A1:A9),");
    expect(res.text).toContain(",'-5 keys missing,");
    expect(res.text).toContain(`"'\r=1+2 after a carriage return"`);
    expect(res.text).not.toMatch(/,=HYPERLINK/);
    // Every free-text column is neutralised, not only notes.
    const plain = all.find((r) => r['assetTag'] === created.find((c) => c.note === notes.plain)!.tag)!;
    expect(plain['model']).toBe("'=1+1");
    expect(res.text).toContain(",'=1+1,");

    const sanitized = records((await csv({ status: 'sanitized' })).text);
    expect(sanitized.map((r) => [r['assetTag'], r['status']])).toEqual([[monitor.tag, 'sanitized']]);
    const received = records((await csv({ status: 'received', category: 'laptop' }, 'coordinator')).text);
    expect(received.map((r) => r['assetTag'])).toEqual(created.filter((c) => c.category === 'laptop').map((c) => c.tag));
    const search = records((await csv({ q: 'HYPERLINK' }, 'admin')).text);
    expect(search.map((r) => r['assetTag'])).toEqual([created[1]!.tag]);
    const none = await csv({ status: 'recycled' });
    expect(none.status).toBe(200);
    expect(parseCsv(none.text)).toEqual([header]);
  });

  it('staff, coordinators and admins may export; trainees get 403 (they still list JSON)', async () => {
    for (const role of ['staff', 'coordinator', 'admin'] as const) expect((await csv({}, role)).status, role).toBe(200);
    const trainee = await csv({}, 'trainee');
    expect(trainee.status).toBe(403);
    expect(trainee.body.code).toBe('auth.forbidden');
    const json = await t.http.get(`${API}/devices`).set(await as('trainee'));
    expect(json.status).toBe(200);
    expect((await t.http.get(`${API}/devices?format=csv`)).status).toBe(401);
    expect((await csv({ format: 'xml' })).status).toBe(400);
  });

  it('exports all 1,200 devices (paged internally by 1,000), streamed', async () => {
    const admin: Actor = { id: 1, username: 'admin', displayName: 'Administrator', role: 'admin', siteId: 1 };
    const tags: string[] = [];
    for (let i = 0; i < 1200; i++) {
      const d = await t.app.services.devices.intake(admin, {
        category: i % 3 === 0 ? 'desktop' : 'laptop',
        make: 'Dell',
        model: 'Latitude 5490',
        serialNumber: `BULK-${i}`,
        storage: [],
        notes: `row ${i}, "quoted"`,
      });
      tags.push(d.assetTag);
    }
    const res = await csv({ limit: 10 });
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    const rows = records(res.text);
    expect(rows).toHaveLength(1200);
    expect(rows.map((r) => r['assetTag'])).toEqual(tags);
    expect(rows[1199]!['notes']).toBe('row 1199, "quoted"');
    expect(new Set(rows.map((r) => r['serialNumber'])).size).toBe(1200);

    const desktops = records((await csv({ category: 'desktop' })).text);
    expect(desktops).toHaveLength(400);
    expect(desktops.map((r) => r['assetTag'])).toEqual(tags.filter((_, i) => i % 3 === 0));
    // 1,200 intakes, each its own write transaction with its audit event: 10-25 s on PostgreSQL on a busy 2-core machine.
  }, 90_000);
});

describe('GET /reports/inventory', () => {
  let t: TestApp;
  const NOW = Date.parse('2026-03-02T15:00:00.000Z');
  beforeEach(async () => {
    // Sessions opened 60 days back in the scenario must still hold at NOW.
    t = await createTestApp({ env: { SESSION_TTL_HOURS: '2160' } });
  });
  afterEach(async () => t.close());

  it('counts by status and category, and lists devices longest in their status first, in whole days by the clock', async () => {
    const at = (ms: number) => t.clock.set(new Date(NOW - ms));
    at(60 * DAY);
    const trainee = bearer(await t.token('trainee'));
    const coordinator = bearer(await t.token('coordinator'));
    const admin = bearer(await t.token('admin'));
    const staff = bearer(await t.token('staff'));
    const post = async (url: string, body: Body, headers = trainee) => {
      const res = await t.http.post(`${API}${url}`).set(headers).send(body);
      expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body as ApiBody;
    };
    const intake = async (category: string, weightGrams: number, storage: boolean) =>
      (await post('/devices', laptop({ category, weightGrams, ...(storage ? {} : { storage: [] }) }))).device;

    // Written off 50 days ago: gone, so never "stuck".
    const gone = await intake('laptop', 2000, true);
    at(50 * DAY);
    await post(`/devices/${gone.assetTag}/write-off`, { reason: 'stolen from the van' }, admin);
    // Received 40 days and 2 hours ago.
    at(40 * DAY + 2 * HOUR);
    const a = await intake('laptop', 2100, true);
    // Received 30 days ago; a failed wipe 20 days ago does not change its status, nor its "since".
    at(30 * DAY);
    const b = await intake('laptop', 2200, true);
    at(20 * DAY);
    await post(`/devices/${b.assetTag}/sanitizations`, wipe(b.storage[0]!.serialNumber, 'failed'));
    // Taken in 25 days ago, sanitized (no storage) 10 days and 23 hours ago.
    at(25 * DAY);
    const c = await intake('monitor', 4800, false);
    at(10 * DAY + 23 * HOUR);
    await post(`/devices/${c.assetTag}/sanitizations`, { noStorage: true });
    // Ready for 5 days.
    at(9 * DAY);
    const d = await intake('laptop', 2300, true);
    at(5 * DAY);
    await post(`/devices/${d.assetTag}/sanitizations`, wipe(d.storage[0]!.serialNumber));
    await post(`/devices/${d.assetTag}/grade`, { grade: 'A' });
    // Awaiting recycling for 2 days.
    at(3 * DAY);
    const e = await intake('desktop', 9100, true);
    at(2 * DAY);
    await post(`/devices/${e.assetTag}/recycle`, { reason: 'motherboard dead' }, coordinator);
    // Received an hour ago.
    at(HOUR);
    const f = await intake('tablet', 600, true);

    t.clock.set(new Date(NOW));
    const res = await t.http.get(`${API}/reports/inventory`).set(staff);
    expect(res.status).toBe(200);
    const sortBy = <T extends Body>(xs: T[], k: string) => [...xs].sort((x, y) => String(x[k]).localeCompare(String(y[k])));
    expect(sortBy(res.body.byStatus, 'status')).toEqual(
      sortBy(
        [
          { status: 'awaiting_recycling', units: 1, grams: 9100 },
          { status: 'ready', units: 1, grams: 2300 },
          { status: 'received', units: 3, grams: 2100 + 2200 + 600 },
          { status: 'sanitized', units: 1, grams: 4800 },
          { status: 'written_off', units: 1, grams: 2000 },
        ],
        'status',
      ),
    );
    expect(sortBy(res.body.byCategory, 'category')).toEqual(
      sortBy(
        [
          { category: 'desktop', units: 1, grams: 9100 },
          { category: 'laptop', units: 4, grams: 2000 + 2100 + 2200 + 2300 },
          { category: 'monitor', units: 1, grams: 4800 },
          { category: 'tablet', units: 1, grams: 600 },
        ],
        'category',
      ),
    );
    const since = (ms: number) => new Date(NOW - ms).toISOString();
    expect(res.body.longestInStatus).toEqual([
      { assetTag: a.assetTag, category: 'laptop', status: 'received', since: since(40 * DAY + 2 * HOUR), days: 40 },
      { assetTag: b.assetTag, category: 'laptop', status: 'received', since: since(30 * DAY), days: 30 },
      { assetTag: c.assetTag, category: 'monitor', status: 'sanitized', since: since(10 * DAY + 23 * HOUR), days: 10 },
      { assetTag: d.assetTag, category: 'laptop', status: 'ready', since: since(5 * DAY), days: 5 },
      { assetTag: e.assetTag, category: 'desktop', status: 'awaiting_recycling', since: since(2 * DAY), days: 2 },
      { assetTag: f.assetTag, category: 'tablet', status: 'received', since: since(HOUR), days: 0 },
    ]);

    // Days follow the clock.
    t.clock.set(new Date(NOW + DAY));
    const later = await t.http.get(`${API}/reports/inventory`).set(coordinator);
    expect(later.body.longestInStatus.map((x: { days: number }) => x.days)).toEqual([41, 31, 11, 6, 3, 1]);

    const forbidden = await t.http.get(`${API}/reports/inventory`).set(trainee);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('auth.forbidden');
    expect((await t.http.get(`${API}/reports/inventory`).set(admin)).status).toBe(200);
  });
});

describe('GET /reports/activity', () => {
  let t: TestApp;
  let http: TestApp['http'];
  let clock: TestApp['clock'];

  beforeEach(async () => {
    // Every passing logical wipe is drawn for verification (random() = 0 < 5 %).
    t = await createTestApp({ now: '2026-01-20T15:00:00.000Z', random: () => 0, env: { SESSION_TTL_HOURS: '2160' } });
    ({ http, clock } = t);
  });
  afterEach(() => t.close());

  async function login(username: string, password = USER_PASSWORD): Promise<Record<string, string>> {
    const res = await http.post(`${API}/auth/login`).send({ username, password });
    expect(res.status).toBe(200);
    return bearer(res.body.token as string);
  }
  async function createUser(admin: Record<string, string>, username: string, displayName: string, role: Role) {
    const res = await http.post(`${API}/users`).set(admin).send({ username, displayName, role, password: USER_PASSWORD });
    expect(res.status).toBe(201);
    return login(username);
  }

  it('counts per user the intakes, sanitizations, completed repairs, gradings and verifications in the period, with each technician’s wipe outcomes', async () => {
    const admin = await login('admin', ADMIN_PASSWORD);
    const amaruq = await createUser(admin, 'amaruq', 'Amaruq K.', 'trainee');
    const siku = await createUser(admin, 'siku', 'Siku A.', 'trainee');
    const maina = await createUser(admin, 'maina', 'Maina T.', 'coordinator');
    const staff = await createUser(admin, 'office', 'Office staff', 'staff');

    const post = async (who: Record<string, string>, url: string, body: Body) => {
      const res = await http.post(`${API}${url}`).set(who).send(body);
      expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body as ApiBody;
    };
    const intake = async (who: Record<string, string>) => {
      const d = (await post(who, '/devices', laptop())).device;
      return { tag: d.assetTag, drive: d.storage[0]!.serialNumber };
    };
    /** A passing wipe; with random() = 0 it is always drawn for verification. */
    const pass = async (who: Record<string, string>, d: { tag: string; drive: string }) => {
      const res = await post(who, `/devices/${d.tag}/sanitizations`, wipe(d.drive));
      const id = res.sanitization.verificationId;
      expect(id).not.toBeNull();
      return id!;
    };
    const verify = (who: Record<string, string>, id: number, result: 'passed' | 'failed') => post(who, `/sanitization-verifications/${id}`, { result });

    // January (before the period): amaruq's wipe, verified in February.
    const j1 = await intake(amaruq);
    const v0 = await pass(amaruq, j1);
    clock.set('2026-01-31T23:59:59.999Z');
    await intake(siku);

    // February.
    clock.set('2026-02-01T00:00:00.000Z');
    const f1 = await intake(amaruq);
    const f2 = await intake(amaruq);
    const f3 = await intake(amaruq);
    clock.set('2026-02-02T15:00:00.000Z');
    expect((await post(amaruq, `/devices/${f1.tag}/sanitizations`, wipe(f1.drive, 'failed'))).sanitization.verificationId).toBeNull();
    const v1 = await pass(amaruq, f1);
    const v2 = await pass(amaruq, f2);
    const v3 = await pass(amaruq, f3);
    await post(amaruq, `/devices/${f1.tag}/grade`, { grade: 'A' });
    const repair = await post(amaruq, `/devices/${f3.tag}/repairs`, { description: 'Replace keyboard', minutes: 20 });
    await post(amaruq, `/devices/${f3.tag}/repairs/${repair.repair.id}/complete`, { outcome: 'fixed' });
    await post(amaruq, `/devices/${f1.tag}/repairs`, { description: 'Reseat RAM' }); // opened, never completed
    clock.set('2026-02-03T15:00:00.000Z');
    const s1 = await intake(siku);
    const v4 = await pass(siku, s1);
    await post(siku, `/devices/${s1.tag}/grade`, { grade: 'C' });
    await intake(maina);
    clock.set('2026-02-04T15:00:00.000Z');
    const own = await http.post(`${API}/sanitization-verifications/${v3}`).set(amaruq).send({ result: 'passed' });
    expect(own.status).toBe(409);
    expect(own.body.code).toBe('verifications.same_person');
    await verify(siku, v0, 'passed');
    await verify(siku, v1, 'passed');
    clock.set('2026-02-28T23:59:00.000Z');
    await post(amaruq, `/devices/${f2.tag}/grade`, { grade: 'B' });
    // The failed check comes last: it sends f2 back to received (docs/domain.md §2), after its grade counted.
    await verify(siku, v2, 'failed');
    await verify(maina, v4, 'passed');

    // March (after the period).
    clock.set('2026-03-01T00:00:00.000Z');
    const s2 = await intake(siku);
    const v5 = await pass(siku, s2);
    await post(siku, `/devices/${s2.tag}/grade`, { grade: 'B' });
    await verify(amaruq, v5, 'passed');

    clock.set('2026-03-15T12:00:00.000Z');
    type UserRow = { username: string; displayName: string; role: string; intakes: number; sanitizations: number; repairs: number; gradings: number; verificationsDone: number; ownWipesVerified: { passed: number; failed: number; pending: number } };
    const report = async (from: string, to: string, who = staff) => {
      const res = await http.get(`${API}/reports/activity`).query({ from, to }).set(who);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.period).toEqual({ from, to });
      const rows = res.body.users as UserRow[];
      const zero = { intakes: 0, sanitizations: 0, repairs: 0, gradings: 0, verificationsDone: 0, ownWipesVerified: { passed: 0, failed: 0, pending: 0 } };
      /** A user who did nothing in the period may be listed with zeros or left out. */
      return (username: string) => {
        const row = rows.find((r) => r.username === username);
        if (!row) return zero;
        const { intakes, sanitizations, repairs, gradings, verificationsDone, ownWipesVerified } = row;
        return { intakes, sanitizations, repairs, gradings, verificationsDone, ownWipesVerified };
      };
    };
    const counts = (intakes: number, sanitizations: number, repairs: number, gradings: number, verificationsDone: number, passed = 0, failed = 0, pending = 0) => ({
      intakes,
      sanitizations,
      repairs,
      gradings,
      verificationsDone,
      ownWipesVerified: { passed, failed, pending },
    });

    const feb = await report('2026-02-01', '2026-02-28');
    expect(feb('amaruq')).toEqual(counts(3, 4, 1, 2, 0, 1, 1, 1));
    expect(feb('siku')).toEqual(counts(1, 1, 0, 1, 3, 1, 0, 0));
    expect(feb('maina')).toEqual(counts(1, 0, 0, 0, 1));
    expect(feb('admin')).toEqual(counts(0, 0, 0, 0, 0));
    expect(feb('office')).toEqual(counts(0, 0, 0, 0, 0));

    const jan = await report('2026-01-01', '2026-01-31', maina);
    expect(jan('amaruq')).toEqual(counts(1, 1, 0, 0, 0, 1, 0, 0));
    expect(jan('siku')).toEqual(counts(1, 0, 0, 0, 0));

    const mar = await report('2026-03-01', '2026-03-31', admin);
    expect(mar('siku')).toEqual(counts(1, 1, 0, 1, 0, 1, 0, 0));
    expect(mar('amaruq')).toEqual(counts(0, 0, 0, 0, 1));

    const names = await http.get(`${API}/reports/activity`).query({ from: '2026-02-01', to: '2026-02-28' }).set(staff);
    expect(names.body.users.find((u: UserRow) => u.username === 'amaruq')).toMatchObject({ displayName: 'Amaruq K.', role: 'trainee' });

    const trainee = await http.get(`${API}/reports/activity`).query({ from: '2026-02-01', to: '2026-02-28' }).set(siku);
    expect(trainee.status).toBe(403);
    expect(trainee.body.code).toBe('auth.forbidden');
    const backwards = await http.get(`${API}/reports/activity`).query({ from: '2026-03-01', to: '2026-02-01' }).set(staff);
    expect(backwards.status).toBe(400);
    expect(backwards.body.code).toBe('request.invalid');
    expect((await http.get(`${API}/reports/activity`).query({ from: '2026-02-01' }).set(staff)).status).toBe(400);
  });
});
