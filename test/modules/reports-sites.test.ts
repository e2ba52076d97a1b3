/**
 * Reports per site and for the program (docs/domain.md §6, §8): a site's
 * figures are the devices it took in, held when they were issued, or
 * shipped; a device issued at one site, then moved and issued at another,
 * counts once, at the first; the sites add up to the program's totals. Each
 * role reports on what it sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { USER_PASSWORD, bearer, createTestApp, laptop, type TestApp, wipeBody } from '../helpers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;
type Site = 'iqaluit' | 'kimmirut';
const MINUTE = 60_000;
const PERIOD = 'from=2026-03-01&to=2026-03-31';

describe('reports per site', () => {
  let t: TestApp;
  const km = new Map<Role, string>();
  let devices: Record<'A' | 'B' | 'C' | 'D', string>;

  const as = async (site: Site | 'admin' | 'program', role: Role = 'coordinator') =>
    site === 'admin' || site === 'program' ? bearer(await t.token(site)) : site === 'iqaluit' ? bearer(await t.token(role)) : bearer(km.get(role)!);
  async function post(url: string, body: Body | undefined, site: Site | 'admin' = 'iqaluit', role: Role = 'coordinator'): Promise<Body> {
    t.clock.advance(MINUTE);
    const req = t.http.post(`${API}${url}`).set(await as(site, role));
    const res = body === undefined ? await req : await req.send(body);
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body as Body;
  }
  async function ready(site: Site, grade: 'A' | 'D' = 'A'): Promise<string> {
    const d = (await post('/devices', laptop(), site, 'trainee')).device as { assetTag: string; storage: Array<{ serialNumber: string }> };
    for (const s of d.storage) await post(`/devices/${d.assetTag}/sanitizations`, wipeBody(s.serialNumber), site, 'trainee');
    await post(`/devices/${d.assetTag}/grade`, { grade }, site, 'trainee');
    return d.assetTag;
  }
  async function issue(tag: string, site: Site): Promise<void> {
    const p = (await post('/participants', { community: site === 'iqaluit' ? 'Iqaluit' : 'Kimmirut', consent: { given: true, language: 'en' } }, site)).participant as { code: string };
    await post(`/devices/${tag}/issue`, { participantCode: p.code, kind: 'gift', agreementAccepted: true }, site);
  }
  async function move(tag: string, from: Site, to: Site): Promise<void> {
    await post(`/devices/${tag}/transfer`, { toSite: to }, from);
    await post(`/devices/${tag}/receive`, undefined, to);
  }
  const diversion = async (query: string, who: Site | 'admin' | 'program' = 'admin', role: Role = 'coordinator') => t.http.get(`${API}/reports/diversion?${PERIOD}${query}`).set(await as(who, role));

  beforeAll(async () => {
    t = await createTestApp({ env: { SESSION_TTL_HOURS: '2160', REPORT_MIN_CELL: '1' } });
    const admin = bearer(await t.token('admin'));
    expect((await t.http.post(`${API}/sites`).set(admin).send({ code: 'kimmirut', name: 'Kimmirut', assetTagPrefix: 'KM', timezone: 'America/Iqaluit' })).status).toBe(201);
    for (const role of ['trainee', 'coordinator', 'staff'] as const) {
      const res = await t.http.post(`${API}/users`).set(admin).send({ username: `km-${role}`, displayName: `Kimmirut ${role}`, role, password: USER_PASSWORD, site: 'kimmirut' });
      expect(res.status).toBe(201);
      km.set(role, await t.login(`km-${role}`, USER_PASSWORD));
    }
    // A: taken in and issued at Iqaluit. B: taken in at Iqaluit, moved, issued at Kimmirut.
    // C: taken in at Kimmirut, shipped from there and confirmed. D: issued at Iqaluit, returned, moved, issued again at Kimmirut.
    const A = await ready('iqaluit');
    await issue(A, 'iqaluit');
    const B = await ready('iqaluit');
    await move(B, 'iqaluit', 'kimmirut');
    await issue(B, 'kimmirut');
    const C = await ready('kimmirut', 'D');
    const recycler = (await post('/recyclers', { name: 'Southern E-Cycle', certification: 'R2' }, 'kimmirut')).recycler as { id: number };
    const shipment = (await post('/shipments', { recyclerId: recycler.id, mode: 'sealift' }, 'kimmirut')).shipment as { id: number };
    await post(`/shipments/${shipment.id}/devices`, { assetTag: C }, 'kimmirut');
    await post(`/shipments/${shipment.id}/ship`, {}, 'kimmirut');
    await post(`/shipments/${shipment.id}/confirm`, { certificateNumber: 'CERT-1', receivedAt: '2026-03-02' }, 'kimmirut');
    const D = await ready('iqaluit');
    await issue(D, 'iqaluit');
    await post(`/devices/${D}/return`, { condition: 'good', personalDataRemoved: true });
    const drives = ((await t.http.get(`${API}/devices/${D}`).set(await as('iqaluit'))).body.device.storage as Array<{ serialNumber: string }>).map((s) => s.serialNumber);
    for (const s of drives) await post(`/devices/${D}/sanitizations`, wipeBody(s), 'iqaluit', 'trainee');
    await post(`/devices/${D}/grade`, { grade: 'B' }, 'iqaluit', 'trainee');
    await move(D, 'iqaluit', 'kimmirut');
    await issue(D, 'kimmirut');
    devices = { A, B, C, D };
  });
  afterAll(async () => t.close());

  it('counts each device at one site, and the sites add up to the program', async () => {
    const [iq, kmr, all] = await Promise.all([diversion('&site=iqaluit'), diversion('&site=kimmirut'), diversion('')]);
    for (const r of [iq, kmr, all]) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect([iq.body.site, kmr.body.site, all.body.site]).toEqual(['iqaluit', 'kimmirut', 'all']);
    const units = (r: typeof iq, k: string) => (r.body.totals as Record<string, { units: number }>)[k]!.units;
    // Taken in: A, B, D at Iqaluit; C at Kimmirut, wherever they are now.
    expect([units(iq, 'received'), units(kmr, 'received'), units(all, 'received')]).toEqual([3, 1, 4]);
    // Reused: A and D at Iqaluit (D's first issue), B at Kimmirut; D's second issue counts nowhere again.
    expect([units(iq, 'reused'), units(kmr, 'reused'), units(all, 'reused')]).toEqual([2, 1, 3]);
    expect([units(iq, 'recycledConfirmed'), units(kmr, 'recycledConfirmed'), units(all, 'recycledConfirmed')]).toEqual([0, 1, 1]);
    expect([units(iq, 'diverted'), units(kmr, 'diverted'), units(all, 'diverted')]).toEqual([2, 2, 4]);
    for (const k of Object.keys(all.body.totals as object)) {
      const b = (r: typeof iq) => (r.body.totals as Record<string, { units: number; grams: number }>)[k]!;
      expect([k, b(iq).units + b(kmr).units, b(iq).grams + b(kmr).grams]).toEqual([k, b(all).units, b(all).grams]);
    }
    const communities = (r: typeof iq) => Object.fromEntries((r.body.byCommunity as Array<{ key: string; units: number }>).map((c) => [c.key, c.units]));
    expect(communities(iq)).toEqual({ Iqaluit: 2 });
    expect(communities(kmr)).toEqual({ Kimmirut: 1 });
    expect(devices.D).toMatch(/^IQ-/);
  });

  it('reports a limited role on its own site: its site by default, another site or the program 403, an unknown code 400', async () => {
    const own = await diversion('', 'kimmirut', 'staff');
    expect(own.status).toBe(200);
    expect(own.body.site).toBe('kimmirut');
    expect(own.body.totals).toEqual((await diversion('&site=kimmirut')).body.totals);
    expect((await diversion('&site=kimmirut', 'kimmirut', 'staff')).status).toBe(200);
    for (const q of ['&site=iqaluit', '&site=all']) {
      const res = await diversion(q, 'kimmirut', 'coordinator');
      expect([q, res.status, res.body.code]).toEqual([q, 403, 'auth.forbidden']);
    }
    const unknown = await diversion('&site=pangnirtung', 'iqaluit');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'querystring.site' })]);
    // The program officer reports on the program and on either site.
    const program = await diversion('&site=all', 'program');
    expect(program.status).toBe(200);
    expect(program.body.totals).toEqual((await diversion('')).body.totals);
    // The CSV and the PDF are the same site's.
    const csv = await t.http.get(`${API}/reports/diversion?${PERIOD}&site=kimmirut&format=csv`).set(await as('admin'));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toContain('diversion-kimmirut-');
    expect(csv.text).toContain('totals,received,1,');
    expect(csv.text).toContain('\r\nsite,kimmirut,,\r\n');
  });

  it("lists the issuances a site made (of the devices it held when issued); another site's issuance is 404", async () => {
    type Item = { id: number; assetTag: string; returnedAt: string | null };
    const list = async (who: Site | 'admin' | 'program') => ((await t.http.get(`${API}/issuances?limit=100`).set(await as(who))).body.items as Item[]);
    const pairs = (xs: Item[]) => xs.map((x) => `${x.assetTag}${x.returnedAt === null ? '' : ' returned'}`).sort();
    // D was issued at Iqaluit, returned, moved and issued again at Kimmirut: its first issuance stays Iqaluit's.
    expect(pairs(await list('iqaluit'))).toEqual([devices.A, `${devices.D} returned`].sort());
    expect(pairs(await list('kimmirut'))).toEqual([devices.B, devices.D].sort());
    const all = await list('program');
    expect(pairs(all)).toEqual([devices.A, devices.B, devices.D, `${devices.D} returned`].sort());
    // Each issuance is one site's: the sites' lists add up to the program's.
    expect([...(await list('iqaluit')), ...(await list('kimmirut'))].map((x) => x.id).sort((a, b) => a - b)).toEqual(all.map((x) => x.id));
    const firstOfD = all.find((x) => x.assetTag === devices.D && x.returnedAt !== null)!;
    for (const [who, status] of [['iqaluit', 200], ['kimmirut', 404]] as const) {
      // The issuance and its handover form alike: the site that made it, not the site holding the device now.
      for (const url of [`/issuances/${firstOfD.id}`, `/issuances/${firstOfD.id}/handover.pdf`]) {
        const res = await t.http.get(`${API}${url}`).set(await as(who));
        expect(res.status, `${who} ${url}`).toBe(status);
        if (status === 404) expect(res.body.code).toBe('issuance.not_found');
      }
    }
    const ofA = all.find((x) => x.assetTag === devices.A)!;
    expect((await t.http.get(`${API}/issuances/${ofA.id}`).set(await as('iqaluit'))).status).toBe(200);
    const hidden = await t.http.get(`${API}/issuances/${ofA.id}`).set(await as('kimmirut'));
    expect([hidden.status, hidden.body.code]).toEqual([404, 'issuance.not_found']);
  });

  it('inventory and activity per site: devices where they are now, work by the site\'s users', async () => {
    const inv = async (q: string) => (await t.http.get(`${API}/reports/inventory${q}`).set(await as('admin'))).body as { site: string; byStatus: Array<{ status: string; units: number }> };
    const count = (r: Awaited<ReturnType<typeof inv>>) => r.byStatus.reduce((n, s) => n + s.units, 0);
    const [iq, kmr, all] = [await inv('?site=iqaluit'), await inv('?site=kimmirut'), await inv('')];
    // A at Iqaluit; B, C, D at Kimmirut now.
    expect([count(iq), count(kmr), count(all)]).toEqual([1, 3, 4]);
    const activity = async (who: Site, q = '') => (await t.http.get(`${API}/reports/activity?${PERIOD}${q}`).set(await as(who))).body as { site: string; users: Array<{ username: string }> };
    const kmActivity = await activity('kimmirut');
    expect(kmActivity.site).toBe('kimmirut');
    expect(kmActivity.users.map((u) => u.username).every((u) => u.startsWith('km-'))).toBe(true);
    expect(kmActivity.users.length).toBeGreaterThan(0);
    expect((await activity('iqaluit')).users.some((u) => u.username.startsWith('km-'))).toBe(false);
  });

  it("a trainee's past work stays at the site where it was done after they move; the sites' activity adds up to the program's", async () => {
    const admin = bearer(await t.token('admin'));
    const created = await t.http.post(`${API}/users`).set(admin).send({ username: 'iq-mover', displayName: 'Moving trainee', role: 'trainee', password: USER_PASSWORD });
    expect(created.status).toBe(201);
    const token = await t.login('iq-mover', USER_PASSWORD);
    t.clock.advance(MINUTE);
    expect((await t.http.post(`${API}/devices`).set(bearer(token)).send(laptop())).status).toBe(201);
    expect((await t.http.patch(`${API}/users/${created.body.user.id}`).set(admin).send({ site: 'kimmirut' })).status).toBe(200);
    type Row = { username: string; intakes: number; sanitizations: number; gradings: number; ownWipesVerified: Record<'passed' | 'failed' | 'pending', number> };
    const activity = async (q: string) => ((await t.http.get(`${API}/reports/activity?${PERIOD}${q}`).set(admin)).body as { users: Row[] }).users;
    const mover = (rows: Row[]) => rows.find((u) => u.username === 'iq-mover');
    expect(mover(await activity('&site=iqaluit'))?.intakes).toBe(1);
    expect(mover(await activity('&site=kimmirut'))).toBeUndefined();
    // Every person's counts at each site add up to theirs for the program.
    const [iq, kmr, all] = [await activity('&site=iqaluit'), await activity('&site=kimmirut'), await activity('')];
    for (const u of all) {
      for (const k of ['intakes', 'sanitizations', 'gradings'] as const) {
        expect((iq.find((x) => x.username === u.username)?.[k] ?? 0) + (kmr.find((x) => x.username === u.username)?.[k] ?? 0), `${u.username} ${k}`).toBe(u[k]);
      }
      for (const k of ['passed', 'failed', 'pending'] as const) {
        expect((iq.find((x) => x.username === u.username)?.ownWipesVerified[k] ?? 0) + (kmr.find((x) => x.username === u.username)?.ownWipesVerified[k] ?? 0), `${u.username} ${k}`).toBe(u.ownWipesVerified[k]);
      }
    }
  });
});
