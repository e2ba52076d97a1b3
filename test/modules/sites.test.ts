/**
 * Several sites (docs/domain.md §8 "Sites") through the real HTTP app: the
 * sites API, users' sites and what moving one does to their sessions, who
 * sees which site's devices, donations and shipments (404 as if the record
 * did not exist, never 403), lists and their `site=`, a scan of another
 * site's device (404 scans.other_site naming only the holding site), the
 * read-only program role, tag prefixes per site, a shipment leaving from one
 * site, labels and second-person checks of another site's devices, and a property: after any sequence of intakes, donations and moves of
 * users between sites, every viewer's lists hold exactly their site's records.
 */
import fc from 'fast-check';
import type { Response } from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../src/core/db.js';
import { ERROR_CODES, type ErrorCode } from '../../src/core/errors.js';
import { formatTag } from '../../src/modules/asset-tags/asset-tag.js';
import { insertSite } from '../../src/modules/sites/sites.repository.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, TEST_ENGINE, USER_PASSWORD, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;

/** Those who see their own site only, and those who see every site (docs/domain.md §8). */
const LIMITED = ['trainee', 'coordinator', 'staff'] as const satisfies readonly Role[];
const EVERY_SITE = ['admin', 'program'] as const satisfies readonly Role[];
const VIEWERS: readonly Role[] = [...LIMITED, ...EVERY_SITE];
const seesEverySite = (role: Role) => (EVERY_SITE as readonly Role[]).includes(role);

const KIMMIRUT = { code: 'kimmirut', name: 'Kimmirut', nameSyllabics: 'ᑭᒻᒥᕈᑦ', assetTagPrefix: 'KM', timezone: 'America/Iqaluit' } as const;
const ARVIAT = { code: 'arviat', name: 'Arviat', assetTagPrefix: 'ARV', timezone: 'America/Rankin_Inlet' } as const;
const TAG = (prefix: string) => new RegExp(`^${prefix}-\\d{6}-[0-9A-Z]$`);

function expectProblem(res: Response, status: number, code: ErrorCode, label = ''): void {
  expect(res.status, `${label} ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
  expect(res.body, label).toMatchObject({ status, code, title: ERROR_CODES[code].title });
}

const fieldsOf = (res: Response): string[] => ((res.body.errors ?? []) as Array<{ field: string }>).map((e) => e.field);

/** A 400 request.invalid naming exactly that field. */
function expectInvalid(res: Response, field: string, label = ''): void {
  expectProblem(res, 400, 'request.invalid', label);
  expect(fieldsOf(res), label).toEqual([field]);
}

async function addSite(t: TestApp, body: Body): Promise<Body> {
  const res = await t.http.post(`${API}/sites`).set(bearer(await t.token('admin'))).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.site as Body;
}

interface User {
  id: number;
  username: string;
  token: string;
}

/** A user of that role at that site (by code), created by the admin through the API, logged in. */
async function userAt(t: TestApp, username: string, role: Role, site: string): Promise<User> {
  const res = await t.http
    .post(`${API}/users`)
    .set(bearer(await t.token('admin')))
    .send({ username, displayName: `${role} at ${site}`, role, password: USER_PASSWORD, site });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.user.site).toBe(site);
  return { id: res.body.user.id as number, username, token: await t.login(username, USER_PASSWORD) };
}

async function intake(t: TestApp, token: string, overrides: Body = {}): Promise<{ tag: string; serial: string; drive: string; site: string }> {
  const res = await t.http.post(`${API}/devices`).set(bearer(token)).send(laptop(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const d = res.body.device as { assetTag: string; serialNumber: string; site: string; storage: Array<{ serialNumber: string }> };
  return { tag: d.assetTag, serial: d.serialNumber, drive: d.storage[0]!.serialNumber, site: d.site };
}

async function sanitize(t: TestApp, token: string, tag: string, drive: string): Promise<void> {
  const res = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(token)).send(wipeBody(drive));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function gradeD(t: TestApp, token: string, tag: string): Promise<void> {
  const res = await t.http.post(`${API}/devices/${tag}/grade`).set(bearer(token)).send({ grade: 'D' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.device.status).toBe('awaiting_recycling');
}

async function donation(t: TestApp, token: string, donorName: string): Promise<{ id: number; site: string }> {
  const res = await t.http.post(`${API}/donations`).set(bearer(token)).send({ donorName, donorType: 'business', receivedAt: '2026-02-27' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.donation.id as number, site: res.body.donation.site as string };
}

let recyclerNo = 0;
async function recycler(t: TestApp): Promise<number> {
  const res = await t.http.post(`${API}/recyclers`).set(bearer(await t.token('admin'))).send({ name: `Southern E-Cycle ${++recyclerNo}`, certification: 'R2' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.recycler.id as number;
}

async function shipment(t: TestApp, token: string, recyclerId: number): Promise<{ id: number; site: string }> {
  const res = await t.http.post(`${API}/shipments`).set(bearer(token)).send({ recyclerId, mode: 'sealift' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.shipment.id as number, site: res.body.shipment.site as string };
}

/** The first column of a CSV export, less its header. */
const csvTags = (text: string): string[] =>
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.split(',')[0]!);

const sorted = <T,>(xs: readonly T[]) => [...xs].sort();

describe('sites API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const post = async (body: Body, role: Role = 'admin') => t.http.post(`${API}/sites`).set(bearer(await t.token(role))).send(body);
  const list = async (role: Role = 'admin') => t.http.get(`${API}/sites`).set(bearer(await t.token(role)));

  it('GET /sites lists the first site, named from the configuration, to every role that reads the workshop', async () => {
    for (const role of VIEWERS) {
      const res = await list(role);
      expect(res.status, role).toBe(200);
      expect(res.body, role).toEqual({
        items: [{ code: 'iqaluit', name: 'Iqaluit', nameSyllabics: null, assetTagPrefix: 'IQ', timezone: 'America/Iqaluit', createdAt: expect.any(String) }],
      });
    }
    expectProblem(await list('translator'), 403, 'auth.forbidden');
    expectProblem(await t.http.get(`${API}/sites`), 401, 'auth.unauthenticated');
  });

  it('the first start names the first site in syllabics from SITE_NAME_SYLLABICS; a later start with other settings changes nothing', async () => {
    const env = { SITE_NAME: 'Kugluktuk', SITE_NAME_SYLLABICS: 'ᖃᕐᓗᒃᑐᖅ', ASSET_TAG_PREFIX: 'KG', SITE_TIMEZONE: 'America/Cambridge_Bay' };
    const other = await createTestApp({ env });
    try {
      const first = await other.http.get(`${API}/sites`).set(bearer(await other.token('admin')));
      expect(first.body.items).toEqual([{ code: 'kugluktuk', name: 'Kugluktuk', nameSyllabics: 'ᖃᕐᓗᒃᑐᖅ', assetTagPrefix: 'KG', timezone: 'America/Cambridge_Bay', createdAt: expect.any(String) }]);
      // Named once: starting again with other settings leaves the site as it is.
      await other.app.services.sites.nameFirstSite({ code: 'other', name: 'Other', nameSyllabics: null, assetTagPrefix: 'OT', timezone: 'America/Iqaluit' });
      expect((await other.http.get(`${API}/sites`).set(bearer(await other.token('admin')))).body.items).toEqual(first.body.items);
    } finally {
      await other.close();
    }
    expectProblem(await t.http.get(`${API}/sites`), 401, 'auth.unauthenticated');
  });

  it('an admin adds a site: 201 { site }, listed after the first, audited', async () => {
    const res = await post(KIMMIRUT);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ site: { ...KIMMIRUT, createdAt: t.clock.now().toISOString() } });
    const arviat = await post(ARVIAT);
    expect(arviat.status).toBe(201);
    expect(arviat.body.site).toMatchObject({ code: 'arviat', nameSyllabics: null, assetTagPrefix: 'ARV', timezone: 'America/Rankin_Inlet' });

    for (const role of VIEWERS) {
      const all = await list(role);
      expect(all.status).toBe(200);
      expect((all.body.items as Body[]).map((s) => s.code), role).toEqual(['iqaluit', 'kimmirut', 'arviat']);
      expect(all.body.items[1]).toEqual(res.body.site);
    }
    const audited = await t.rows<{ entity_id: string }>("select entity_id from audit_events where action = 'site.created' order by id");
    expect(audited.map((r) => r.entity_id)).toEqual(['kimmirut', 'arviat']);
  });

  it('only admins add sites: every other role gets 403 auth.forbidden and no site is made', async () => {
    for (const role of ['trainee', 'coordinator', 'staff', 'program', 'translator'] as const) {
      expectProblem(await post({ ...KIMMIRUT, code: `site-${role}` }, role), 403, 'auth.forbidden', role);
    }
    expectProblem(await t.http.post(`${API}/sites`).send(KIMMIRUT), 401, 'auth.unauthenticated');
    expect(await t.count('sites')).toBe(1);
  });

  it('codes and prefixes are unique: 409 sites.code_taken naming code, 409 sites.prefix_taken naming assetTagPrefix', async () => {
    expect((await post(KIMMIRUT)).status).toBe(201);

    const code = await post({ ...ARVIAT, code: 'kimmirut' });
    expectProblem(code, 409, 'sites.code_taken');
    expect(fieldsOf(code)).toEqual(['body.code']);
    // The first site's code, too.
    expectProblem(await post({ ...ARVIAT, code: 'iqaluit' }), 409, 'sites.code_taken');

    const prefix = await post({ ...ARVIAT, assetTagPrefix: 'KM' });
    expectProblem(prefix, 409, 'sites.prefix_taken');
    expect(fieldsOf(prefix)).toEqual(['body.assetTagPrefix']);
    // The first site's prefix, which every single-site tag carries.
    expectProblem(await post({ ...ARVIAT, assetTagPrefix: 'IQ' }), 409, 'sites.prefix_taken');

    expect(await t.count('sites')).toBe(2);
    expect((await post(ARVIAT)).status).toBe(201);
  });

  it('a site another instance added (a row this service did not write) is found at once, by code and by id', async () => {
    const admin = await t.token('admin');
    // Lookups answer from the sites read so far; an unknown code is read again, not remembered as none.
    expect((await t.http.get(`${API}/devices?site=iqaluit`).set(bearer(admin))).status).toBe(200);
    expectInvalid(await t.http.get(`${API}/devices?site=arviat`).set(bearer(admin)), 'querystring.site', 'before');
    await t.exec('insert into sites (code, name, asset_tag_prefix, timezone, created_at) values (?, ?, ?, ?, ?)', ARVIAT.code, ARVIAT.name, ARVIAT.assetTagPrefix, ARVIAT.timezone, t.clock.now().toISOString());

    for (const list of ['/devices', '/donations', '/shipments', '/transfers', '/reports/inventory']) {
      const res = await t.http.get(`${API}${list}?site=arviat`).set(bearer(admin));
      expect(res.status, `${list} ${JSON.stringify(res.body)}`).toBe(200);
    }
    const coordinator = await userAt(t, 'arviat-coordinator', 'coordinator', 'arviat');
    const device = await intake(t, coordinator.token);
    expect(device.tag).toMatch(TAG('ARV'));
    expect(device.site).toBe('arviat');
    const me = await t.http.get(`${API}/me`).set(bearer(coordinator.token));
    expect(me.body.user.site).toBe('arviat');
  });

  it('inside a transaction that adds a site a lookup through it finds the site; rolled back, the site is not kept', async () => {
    const { sites } = t.app.services;
    const at = t.clock.now().toISOString();
    await expect(
      writeTransaction(t.db, async (tx) => {
        const row = await insertSite(tx, { code: 'arviat', name: 'Arviat (rolled back)', nameSyllabics: null, assetTagPrefix: 'ARX', timezone: ARVIAT.timezone, createdAt: at });
        expect(await sites.byCode('arviat', 'site', 'body', tx)).toMatchObject({ id: row.id, assetTagPrefix: 'ARX' });
        expect(await sites.byId(row.id, tx)).toMatchObject({ code: 'arviat', assetTagPrefix: 'ARX' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await expect(sites.byCode('arviat', 'site')).rejects.toMatchObject({ code: 'request.invalid' });

    // The code is free again; the site made now is the one every lookup answers.
    await addSite(t, ARVIAT);
    const arviat = await sites.byCode('arviat', 'site');
    expect(arviat).toMatchObject({ name: 'Arviat', assetTagPrefix: 'ARV' });
    expect(await sites.byId(arviat.id)).toEqual(arviat);
    expect(await sites.codeOf(arviat.id)).toBe('arviat');
  });

  it('bad input is 400 request.invalid naming the field, and makes no site', async () => {
    const cases: Array<[string, Body, string]> = [
      ['code in capitals', { code: 'Kimmirut' }, 'body.code'],
      ['code with a space', { code: 'kim mirut' }, 'body.code'],
      ['code of one letter', { code: 'k' }, 'body.code'],
      ['code starting with a digit', { code: '9kimmirut' }, 'body.code'],
      ['no code', { code: undefined }, 'body.code'],
      ['empty name', { name: '   ' }, 'body.name'],
      ['no name', { name: undefined }, 'body.name'],
      ['blank syllabic name', { nameSyllabics: '' }, 'body.nameSyllabics'],
      ['prefix in lower case', { assetTagPrefix: 'km' }, 'body.assetTagPrefix'],
      ['prefix of one letter', { assetTagPrefix: 'K' }, 'body.assetTagPrefix'],
      ['prefix of five letters', { assetTagPrefix: 'KMRTX' }, 'body.assetTagPrefix'],
      ['prefix with a digit', { assetTagPrefix: 'K1' }, 'body.assetTagPrefix'],
      ['unknown time zone', { timezone: 'America/Kimmirut' }, 'body.timezone'],
      ['no time zone', { timezone: undefined }, 'body.timezone'],
    ];
    for (const [name, change, field] of cases) {
      expectInvalid(await post({ ...KIMMIRUT, ...change }), field, name);
      expect(await t.count('sites'), name).toBe(1);
    }
    // The same site, well formed, is taken.
    expect((await post(KIMMIRUT)).status).toBe(201);
  });
});

describe("users' sites", () => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await createTestApp();
    admin = await t.token('admin');
    await addSite(t, KIMMIRUT);
  });
  afterEach(async () => t.close());

  const create = (body: Body) => t.http.post(`${API}/users`).set(bearer(admin)).send({ displayName: 'Nuka', role: 'trainee', password: USER_PASSWORD, ...body });
  const patch = (id: number, body: Body) => t.http.patch(`${API}/users/${id}`).set(bearer(admin)).send(body);
  const me = (token: string) => t.http.get(`${API}/me`).set(bearer(token));

  it('POST /users takes a site by code (omitted: the first site); users answer their site everywhere', async () => {
    const km = await create({ username: 'nuka', site: 'kimmirut' });
    expect(km.status, JSON.stringify(km.body)).toBe(201);
    expect(km.body.user.site).toBe('kimmirut');
    const iq = await create({ username: 'sila' });
    expect(iq.status).toBe(201);
    expect(iq.body.user.site).toBe('iqaluit');
    const explicit = await create({ username: 'aki', site: 'iqaluit' });
    expect(explicit.body.user.site).toBe('iqaluit');

    const login = await t.http.post(`${API}/auth/login`).send({ username: 'nuka', password: USER_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user.site).toBe('kimmirut');
    expect((await me(login.body.token as string)).body.user.site).toBe('kimmirut');
    expect((await t.http.get(`${API}/users/${km.body.user.id as number}`).set(bearer(admin))).body.user.site).toBe('kimmirut');
    const all = await t.http.get(`${API}/users`).set(bearer(admin));
    expect(Object.fromEntries((all.body.items as Body[]).map((u) => [u.username, u.site]))).toEqual({ admin: 'iqaluit', nuka: 'kimmirut', sila: 'iqaluit', aki: 'iqaluit' });
  });

  it('an unknown or malformed site code is 400 request.invalid naming site, on create and on edit, and changes nothing', async () => {
    const users = await t.count('users');
    expectInvalid(await create({ username: 'nuka', site: 'arviat' }), 'body.site', 'unknown on create');
    expectInvalid(await create({ username: 'nuka', site: 'Kimmirut' }), 'body.site', 'malformed on create');
    expect(await t.count('users')).toBe(users);

    const u = await userAt(t, 'sila', 'coordinator', 'kimmirut');
    expectInvalid(await patch(u.id, { site: 'arviat' }), 'body.site', 'unknown on edit');
    expectInvalid(await patch(u.id, { site: 'KM' }), 'body.site', 'malformed on edit');
    // Refused edits neither moved the user nor ended their session.
    const still = await me(u.token);
    expect(still.status).toBe(200);
    expect(still.body.user.site).toBe('kimmirut');
  });

  it("moving a user to another site ends their sessions; they then see the new site's devices only", async () => {
    const km = await userAt(t, 'km-trainee', 'trainee', 'kimmirut');
    const iqDevice = await intake(t, await t.token('trainee'));
    const kmDevice = await intake(t, km.token);
    expect(kmDevice.site).toBe('kimmirut');

    const u = await userAt(t, 'nuka', 'coordinator', 'iqaluit');
    const other = await t.login('nuka', USER_PASSWORD);
    expect((await t.http.get(`${API}/devices/${iqDevice.tag}`).set(bearer(u.token))).status).toBe(200);
    expectProblem(await t.http.get(`${API}/devices/${kmDevice.tag}`).set(bearer(u.token)), 404, 'devices.not_found');

    // Naming the site the user is at is no move: the session stays.
    const same = await patch(u.id, { site: 'iqaluit' });
    expect(same.status).toBe(200);
    expect((await me(u.token)).status).toBe(200);

    const moved = await patch(u.id, { site: 'kimmirut' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.user.site).toBe('kimmirut');
    for (const token of [u.token, other]) {
      expectProblem(await me(token), 401, 'auth.unauthenticated');
      expectProblem(await t.http.get(`${API}/devices/${iqDevice.tag}`).set(bearer(token)), 401, 'auth.unauthenticated');
    }
    // Another user's session is untouched.
    expect((await me(km.token)).status).toBe(200);

    const fresh = await t.login('nuka', USER_PASSWORD);
    expect((await me(fresh)).body.user.site).toBe('kimmirut');
    expectProblem(await t.http.get(`${API}/devices/${iqDevice.tag}`).set(bearer(fresh)), 404, 'devices.not_found');
    const seen = await t.http.get(`${API}/devices/${kmDevice.tag}`).set(bearer(fresh));
    expect(seen.status).toBe(200);
    expect(seen.body.device.site).toBe('kimmirut');
    const list = await t.http.get(`${API}/devices?limit=500`).set(bearer(fresh));
    expect((list.body.items as Body[]).map((d) => d.assetTag)).toEqual([kmDevice.tag]);

    // The move is in the audit log.
    const events = await t.rows<{ details: string }>("select details from audit_events where action = 'user.updated' and entity_id = ? order by id", String(u.id));
    expect(events.map((e) => JSON.parse(e.details) as Body).at(-1)).toEqual({ changes: { site: 'kimmirut' } });
  });

  it('a moved trainee takes devices in under the new site and its prefix', async () => {
    const u = await userAt(t, 'nuka', 'trainee', 'iqaluit');
    const before = await intake(t, u.token);
    expect(before.tag).toMatch(TAG('IQ'));
    expect(before.site).toBe('iqaluit');
    expect((await patch(u.id, { site: 'kimmirut' })).status).toBe(200);
    const after = await intake(t, await t.login('nuka', USER_PASSWORD));
    expect(after.tag).toMatch(TAG('KM'));
    expect(after.site).toBe('kimmirut');
    // The earlier device stays where it was taken in.
    const d = await t.http.get(`${API}/devices/${before.tag}`).set(bearer(admin));
    expect(d.body.device.site).toBe('iqaluit');
  });
});

/**
 * Two sites, each with a user of every viewing role, a donation, two devices
 * (one sanitized, one awaiting recycling) and a shipment. Built once: the
 * tests below read it (the scans add scan rows, which no list shows).
 */
describe('who sees what', () => {
  const SITES = ['iqaluit', 'kimmirut'] as const;
  type SiteCode = (typeof SITES)[number];
  const siteName: Record<SiteCode, string> = { iqaluit: 'Iqaluit', kimmirut: 'Kimmirut' };
  interface SiteRecords {
    devices: Array<{ tag: string; serial: string; drive: string; make: string; model: string }>;
    donation: number;
    shipment: number;
  }
  let t: TestApp;
  const users = new Map<string, User>();
  const records = {} as Record<SiteCode, SiteRecords>;
  const viewer = (role: Role, site: SiteCode): User => users.get(`${role}@${site}`)!;

  beforeAll(async () => {
    t = await createTestApp();
    await addSite(t, KIMMIRUT);
    for (const site of SITES) {
      for (const role of VIEWERS) {
        users.set(`${role}@${site}`, role === 'admin' && site === 'iqaluit' ? { id: 1, username: 'admin', token: await t.token('admin') } : await userAt(t, `${role}-${site}`, role, site));
      }
    }
    const rid = await recycler(t);
    for (const site of SITES) {
      const trainee = viewer('trainee', site).token;
      const don = await donation(t, trainee, `Donor at ${siteName[site]}`);
      expect(don.site).toBe(site);
      const devices: SiteRecords['devices'] = [];
      for (const [i, model] of [`Sanitized ${site}`, `Salvage ${site}`].entries()) {
        const make = `Make-${site}`;
        const d = await intake(t, trainee, { make, model, ...(i === 0 ? { donationId: don.id } : {}) });
        expect(d.site).toBe(site);
        await sanitize(t, trainee, d.tag, d.drive);
        if (i === 1) await gradeD(t, trainee, d.tag);
        devices.push({ ...d, make, model });
      }
      const s = await shipment(t, viewer('coordinator', site).token, rid);
      expect(s.site).toBe(site);
      records[site] = { devices, donation: don.id, shipment: s.id };
    }
  });
  afterAll(async () => t?.close());

  const get = (url: string, token: string) => t.http.get(`${API}${url}`).set(bearer(token));
  const sees = (role: Role, at: SiteCode, of: SiteCode) => seesEverySite(role) || at === of;
  /** The records' site codes a viewer sees, in site order. */
  const visibleSites = (role: Role, at: SiteCode): SiteCode[] => SITES.filter((s) => sees(role, at, s));
  const tagsOf = (sites: readonly SiteCode[]) => sites.flatMap((s) => records[s].devices.map((d) => d.tag));

  /** A 404 for another site's record reads as the 404 for a record that does not exist (the reference in the detail and the request's own id aside). */
  function expectSameAsMissing(res: Response, missing: Response, ref: string, missingRef: string, label: string): void {
    const norm = (r: Response, x: string) => {
      // `instance` names the request (urn:request:…), which differs between any two.
      const rest: Body = { ...(r.body as Body) };
      delete rest.instance;
      return { ...rest, detail: String(rest.detail).replaceAll(x, '<ref>') };
    };
    expect(res.status, label).toBe(missing.status);
    expect(res.headers['content-type'], label).toBe(missing.headers['content-type']);
    expect(Object.keys(res.body as Body).sort(), label).toEqual(Object.keys(missing.body as Body).sort());
    expect(norm(res, ref), label).toEqual(norm(missing, missingRef));
  }

  it('GET /devices/:tag (by tag and by serial) and its history: their own site for trainees, coordinators and staff, every site for admins and program officers; 404 as for no device otherwise', async () => {
    for (const site of SITES) {
      for (const role of VIEWERS) {
        const { token } = viewer(role, site);
        for (const of of SITES) {
          for (const d of records[of].devices) {
            const label = `${role}@${site} reading ${d.tag} of ${of}`;
            const byTag = await get(`/devices/${d.tag}`, token);
            const bySerial = await get(`/devices/${encodeURIComponent(d.serial)}`, token);
            const history = await get(`/devices/${d.tag}/history`, token);
            if (sees(role, site, of)) {
              expect(byTag.status, label).toBe(200);
              expect(byTag.body.device, label).toMatchObject({ assetTag: d.tag, site: of, make: d.make, model: d.model });
              expect(bySerial.status, label).toBe(200);
              expect(bySerial.body.device.assetTag, label).toBe(d.tag);
              expect(history.status, label).toBe(200);
              expect(history.body.assetTag).toBe(d.tag);
              expect(history.body.events[0].action, label).toBe('device.intake');
            } else {
              expectProblem(byTag, 404, 'devices.not_found', label);
              expect(byTag.text, label).not.toContain(d.make);
              expect(byTag.text, label).not.toContain(d.model);
              const missingTag = formatTag(d.tag.slice(0, 2), 999_999);
              expectSameAsMissing(byTag, await get(`/devices/${missingTag}`, token), d.tag, missingTag, label);
              expectProblem(bySerial, 404, 'devices.not_found', `${label} by serial`);
              expectSameAsMissing(bySerial, await get('/devices/NO-SUCH-SERIAL-1', token), d.serial, 'NO-SUCH-SERIAL-1', `${label} by serial`);
              expectProblem(history, 404, 'devices.not_found', `${label} history`);
              expect(history.text, label).not.toContain('device.intake');
            }
          }
        }
      }
    }
  });

  it("a device's label and certificate: 404 devices.not_found for another site's device, never 403", async () => {
    for (const site of SITES) {
      for (const role of VIEWERS) {
        const { token } = viewer(role, site);
        for (const of of SITES) {
          const d = records[of].devices[0]!;
          const label = `${role}@${site}: ${d.tag} of ${of}`;
          const cert = await get(`/devices/${d.tag}/certificate.pdf`, token);
          if (sees(role, site, of)) {
            expect(cert.status, label).toBe(200);
            expect(cert.headers['content-type'], label).toMatch(/^application\/pdf/);
          } else {
            expectProblem(cert, 404, 'devices.not_found', `${label} certificate`);
          }
          // Labels are printed at the bench (trainees, coordinators, admins); staff and program officers print none anywhere.
          const zpl = await get(`/devices/${d.tag}/label?template=zebra-2x1&format=zpl`, token);
          if (role === 'staff' || role === 'program') expectProblem(zpl, 403, 'auth.forbidden', `${label} label`);
          else if (sees(role, site, of)) {
            expect(zpl.status, label).toBe(200);
            expect(zpl.text, label).toContain(d.tag);
          } else {
            expectProblem(zpl, 404, 'devices.not_found', `${label} label`);
            expect(zpl.text, label).not.toContain(d.model);
          }
        }
      }
    }
  });

  it("POST /labels with another site's tag is 404 devices.not_found and prints nothing of it", async () => {
    for (const site of SITES) {
      for (const role of ['trainee', 'coordinator'] as const) {
        const { token } = viewer(role, site);
        for (const of of SITES) {
          const d = records[of].devices[0]!;
          const label = `${role}@${site}: ${d.tag} of ${of}`;
          const res = await t.http.post(`${API}/labels`).set(bearer(token)).send({ template: 'zebra-2x1', format: 'zpl', assetTags: [d.tag] });
          if (site === of) {
            expect(res.status, label).toBe(201);
            expect(res.text, label).toContain(d.model);
          } else {
            expectProblem(res, 404, 'devices.not_found', label);
            expect(res.text, label).not.toContain(d.model);
          }
        }
      }
    }
  });

  it('GET /devices lists their own site for limited roles (naming another site lists nothing), every site for admins and program officers; site= names one', async () => {
    for (const site of SITES) {
      for (const role of VIEWERS) {
        const { token } = viewer(role, site);
        const list = async (query: string) => {
          const res = await get(`/devices?limit=500${query}`, token);
          expect(res.status, `${role}@${site} ${query} ${JSON.stringify(res.body)}`).toBe(200);
          const items = res.body.items as Array<{ assetTag: string; site: string }>;
          for (const d of items) expect(d.site, `${role}@${site}`).toBe(d.assetTag.startsWith('KM-') ? 'kimmirut' : 'iqaluit');
          return items.map((d) => d.assetTag);
        };
        const label = `${role}@${site}`;
        expect(await list(''), label).toEqual(tagsOf(visibleSites(role, site)));
        expect(await list('&site=all'), label).toEqual(tagsOf(visibleSites(role, site)));
        for (const named of SITES) expect(await list(`&site=${named}`), `${label} site=${named}`).toEqual(sees(role, site, named) ? tagsOf([named]) : []);
        // The site filter composes with the others.
        expect(await list('&status=awaiting_recycling'), label).toEqual(visibleSites(role, site).map((s) => records[s].devices[1]!.tag));
        expectInvalid(await get('/devices?site=arviat', token), 'querystring.site', `${label} unknown`);
        expectInvalid(await get('/devices?site=KM', token), 'querystring.site', `${label} malformed`);
      }
    }
  });

  it("the CSV export (GET /devices?format=csv) is scoped as the list; another site's rows never appear", async () => {
    for (const site of SITES) {
      for (const role of VIEWERS) {
        const { token } = viewer(role, site);
        const label = `${role}@${site}`;
        if (role === 'trainee') {
          expectProblem(await get('/devices?format=csv', token), 403, 'auth.forbidden', label);
          continue;
        }
        const csv = async (query: string) => {
          const res = await get(`/devices?format=csv${query}`, token);
          expect(res.status, `${label} ${query}`).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/csv/);
          return { tags: csvTags(res.text), text: res.text };
        };
        const all = await csv('');
        expect(all.tags, label).toEqual(tagsOf(visibleSites(role, site)));
        for (const s of SITES) if (!sees(role, site, s)) expect(all.text, label).not.toContain(`Make-${s}`);
        expect((await csv('&site=all')).tags, label).toEqual(tagsOf(visibleSites(role, site)));
        for (const named of SITES) expect((await csv(`&site=${named}`)).tags, `${label} site=${named}`).toEqual(sees(role, site, named) ? tagsOf([named]) : []);
        expectInvalid(await get('/devices?format=csv&site=arviat', token), 'querystring.site', `${label} unknown`);
      }
    }
  });

  it("donations: GET /donations/:id, its certificate and asset list are 404 donations.not_found at another site; GET /donations is scoped with site=", async () => {
    for (const site of SITES) {
      for (const role of VIEWERS) {
        const { token } = viewer(role, site);
        for (const of of SITES) {
          const id = records[of].donation;
          const label = `${role}@${site}: donation ${id} of ${of}`;
          const one = await get(`/donations/${id}`, token);
          const assetList = await get(`/donations/${id}/asset-list`, token);
          const cert = await get(`/donations/${id}/certificate.pdf`, token);
          if (sees(role, site, of)) {
            expect(one.status, label).toBe(200);
            expect(one.body.donation, label).toMatchObject({ id, site: of, donorName: `Donor at ${siteName[of]}`, deviceCount: 1 });
            expect(assetList.status, label).toBe(200);
            expect(cert.status, label).toBe(200);
          } else {
            expectProblem(one, 404, 'donations.not_found', label);
            expect(one.text, label).not.toContain('Donor at');
            expectSameAsMissing(one, await get('/donations/999999', token), String(id), '999999', label);
            expectProblem(assetList, 404, 'donations.not_found', `${label} asset list`);
            expectProblem(cert, 404, 'donations.not_found', `${label} certificate`);
          }
        }
        const list = async (query: string) => {
          const res = await get(`/donations?limit=500${query}`, token);
          expect(res.status).toBe(200);
          return (res.body.items as Array<{ id: number; site: string }>).map((d) => `${d.id}@${d.site}`);
        };
        const expected = (sites: readonly SiteCode[]) => sites.map((s) => `${records[s].donation}@${s}`);
        const label = `${role}@${site}`;
        expect(await list(''), label).toEqual(expected(visibleSites(role, site)));
        expect(await list('&site=all'), label).toEqual(expected(visibleSites(role, site)));
        for (const named of SITES) expect(await list(`&site=${named}`), `${label} site=${named}`).toEqual(sees(role, site, named) ? expected([named]) : []);
        expectInvalid(await get('/donations?site=arviat', token), 'querystring.site', `${label} unknown`);
      }
    }
  });

  it('shipments: GET /shipments/:id and its manifest are 404 shipments.not_found at another site; GET /shipments is scoped with site=', async () => {
    for (const site of SITES) {
      for (const role of VIEWERS) {
        const { token } = viewer(role, site);
        const label = `${role}@${site}`;
        if (role === 'trainee') {
          // Shipments are the office's: trainees read none, at any site.
          expectProblem(await get('/shipments', token), 403, 'auth.forbidden', label);
          expectProblem(await get(`/shipments/${records[site].shipment}`, token), 403, 'auth.forbidden', label);
          continue;
        }
        for (const of of SITES) {
          const id = records[of].shipment;
          const one = await get(`/shipments/${id}`, token);
          const manifest = await get(`/shipments/${id}/manifest.pdf`, token);
          if (sees(role, site, of)) {
            expect(one.status, `${label} shipment of ${of}`).toBe(200);
            expect(one.body.shipment).toMatchObject({ id, site: of, status: 'open' });
            expect(manifest.status, `${label} manifest of ${of}`).toBe(200);
          } else {
            expectProblem(one, 404, 'shipments.not_found', `${label} shipment of ${of}`);
            expectSameAsMissing(one, await get('/shipments/999999', token), String(id), '999999', `${label} shipment of ${of}`);
            expectProblem(manifest, 404, 'shipments.not_found', `${label} manifest of ${of}`);
          }
        }
        const list = async (query: string) => {
          const res = await get(`/shipments${query}`, token);
          expect(res.status).toBe(200);
          return (res.body.items as Array<{ id: number; site: string }>).map((s) => `${s.id}@${s.site}`);
        };
        const expected = (sites: readonly SiteCode[]) => sites.map((s) => `${records[s].shipment}@${s}`);
        expect(await list(''), label).toEqual(expected(visibleSites(role, site)));
        expect(await list('?site=all'), label).toEqual(expected(visibleSites(role, site)));
        expect(await list('?status=open'), label).toEqual(expected(visibleSites(role, site)));
        for (const named of SITES) expect(await list(`?site=${named}`), `${label} site=${named}`).toEqual(sees(role, site, named) ? expected([named]) : []);
        expectInvalid(await get('/shipments?site=arviat', token), 'querystring.site', `${label} unknown`);
      }
    }
  });

  it("a scan of another site's device is recorded and answered 404 scans.other_site naming only the holding site; admins scan any site's", async () => {
    const deviceId = async (tag: string) => Number((await t.row<{ id: number | string }>('select id from devices where asset_tag = ?', tag))!.id);
    for (const site of SITES) {
      for (const role of ['trainee', 'coordinator', 'staff', 'admin'] as const) {
        const u = viewer(role, site);
        for (const of of SITES) {
          const d = records[of].devices[0]!;
          for (const code of [d.tag, d.serial, `https://ledger.example/d/${d.tag}`]) {
            const label = `${role}@${site} scanning ${code} of ${of}`;
            const before = await t.count('scans');
            const res = await t.http.post(`${API}/scans`).set(bearer(u.token)).send({ code, station: `bench-${site}` });
            expect(await t.count('scans'), label).toBe(before + 1);
            const row = await t.row<{ device_id: number | string | null; user_id: number | string; code: string }>('select device_id, user_id, code from scans order by id desc limit 1');
            expect({ device: Number(row!.device_id), user: Number(row!.user_id), code: row!.code }, label).toEqual({ device: await deviceId(d.tag), user: u.id, code });
            if (sees(role, site, of)) {
              expect(res.status, `${label} ${JSON.stringify(res.body)}`).toBe(200);
              expect(res.body.device, label).toMatchObject({ assetTag: d.tag, site: of });
            } else {
              expectProblem(res, 404, 'scans.other_site', label);
              expect(res.body.heldBy, label).toBe(siteName[of]);
              expect(res.body.scanId, label).toEqual(expect.any(Number));
              expect(res.body, label).not.toHaveProperty('device');
              expect(res.body, label).not.toHaveProperty('allowedActions');
              for (const secret of [d.make, d.model, d.drive, 'sanitized', 'Donor at']) expect(res.text, `${label}: ${secret}`).not.toContain(secret);
              if (code === d.serial) expect(res.text, label).not.toContain(d.tag);
            }
          }
        }
      }
    }
    // Program officers read; they record no scans.
    for (const site of SITES) expectProblem(await t.http.post(`${API}/scans`).set(bearer(viewer('program', site).token)).send({ code: records[site].devices[0]!.tag }), 403, 'auth.forbidden');
  });

  it("acting on another site's device is 404 devices.not_found and changes nothing", async () => {
    for (const site of SITES) {
      for (const role of ['trainee', 'coordinator'] as const) {
        const { token } = viewer(role, site);
        for (const of of SITES.filter((s) => s !== site)) {
          const d = records[of].devices[0]!;
          const label = `${role}@${site} on ${d.tag} of ${of}`;
          const events = await t.count('audit_events');
          expectProblem(await t.http.patch(`${API}/devices/${d.tag}`).set(bearer(token)).set('if-match', '*').send({ notes: 'moved' }), 404, 'devices.not_found', `${label} edit`);
          expectProblem(await t.http.post(`${API}/devices/${d.tag}/grade`).set(bearer(token)).send({ grade: 'A' }), 404, 'devices.not_found', `${label} grade`);
          expectProblem(await t.http.post(`${API}/devices/${d.tag}/sanitizations`).set(bearer(token)).send(wipeBody(d.drive)), 404, 'devices.not_found', `${label} wipe`);
          expect(await t.count('audit_events'), label).toBe(events);
          // Nor can an intake name another site's donation.
          expectProblem(await t.http.post(`${API}/devices`).set(bearer(token)).send(laptop({ donationId: records[of].donation })), 404, 'donations.not_found', `${label} donation`);
        }
      }
    }
  });

  it("GET /scans/unknown: a site's people see the unknown codes their site scanned; admins and program officers every site's, or one with site=", async () => {
    const code = (site: SiteCode) => `UNKNOWN-STICKER-${site.toUpperCase()}`;
    for (const site of SITES) {
      const res = await t.http.post(`${API}/scans`).set(bearer(viewer('trainee', site).token)).send({ code: code(site), station: `bench-${site}` });
      expectProblem(res, 404, 'scans.unknown_code');
    }
    const codes = async (token: string, query = '') => {
      const res = await get(`/scans/unknown?limit=500${query}`, token);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.items as Array<{ code: string; stations: string[] }>).filter((x) => x.code.startsWith('UNKNOWN-STICKER-')).map((x) => x.code).sort();
    };
    for (const site of SITES) {
      for (const role of VIEWERS) {
        const token = viewer(role, site).token;
        expect(await codes(token), `${role}@${site}`).toEqual(visibleSites(role, site).map(code).sort());
        for (const other of SITES) expect(await codes(token, `&site=${other}`), `${role}@${site} site=${other}`).toEqual(sees(role, site, other) ? [code(other)] : []);
      }
    }
    expectProblem(await get('/scans/unknown?site=nowhere', viewer('admin', 'iqaluit').token), 400, 'request.invalid');
  });

  it('the program role reads every site and writes nothing: 403 auth.forbidden on every write', async () => {
    const counts = async () => Promise.all(['devices', 'donations', 'shipments', 'recyclers', 'scans', 'sites', 'users', 'audit_events', 'sanitization_records'].map((table) => t.count(table)));
    const before = await counts();
    for (const site of SITES) {
      const { token } = viewer('program', site);
      const d = records[site].devices[0]!;
      const writes: Array<[string, () => Promise<Response>]> = [
        ['POST /donations', async () => t.http.post(`${API}/donations`).set(bearer(token)).send({ donorName: 'Donor', donorType: 'business', receivedAt: '2026-02-27' })],
        ['POST /devices', async () => t.http.post(`${API}/devices`).set(bearer(token)).send(laptop())],
        ['PATCH /devices/:tag', async () => t.http.patch(`${API}/devices/${d.tag}`).set(bearer(token)).set('if-match', '*').send({ notes: 'x' })],
        ['POST /devices/:tag/sanitizations', async () => t.http.post(`${API}/devices/${d.tag}/sanitizations`).set(bearer(token)).send(wipeBody(d.drive))],
        ['POST /devices/:tag/grade', async () => t.http.post(`${API}/devices/${d.tag}/grade`).set(bearer(token)).send({ grade: 'A' })],
        ['POST /scans', async () => t.http.post(`${API}/scans`).set(bearer(token)).send({ code: d.tag })],
        ['POST /asset-tags/reserve', async () => t.http.post(`${API}/asset-tags/reserve`).set(bearer(token)).send({ count: 1 })],
        ['POST /recyclers', async () => t.http.post(`${API}/recyclers`).set(bearer(token)).send({ name: 'Program Recycling', certification: 'R2' })],
        ['POST /shipments', async () => t.http.post(`${API}/shipments`).set(bearer(token)).send({ recyclerId: 1, mode: 'sealift' })],
        ['POST /shipments/:id/devices', async () => t.http.post(`${API}/shipments/${records[site].shipment}/devices`).set(bearer(token)).send({ assetTag: records[site].devices[1]!.tag })],
        ['POST /sites', async () => t.http.post(`${API}/sites`).set(bearer(token)).send({ ...ARVIAT })],
        ['POST /users', async () => t.http.post(`${API}/users`).set(bearer(token)).send({ username: 'x-program', displayName: 'X', role: 'admin', password: USER_PASSWORD })],
      ];
      for (const [name, write] of writes) expectProblem(await write(), 403, 'auth.forbidden', `program@${site} ${name}`);
      // …while reading every site.
      expect(((await get('/devices?limit=500', token)).body.items as Body[]).length).toBe(tagsOf(SITES).length);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('tags and shipments per site', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await addSite(t, KIMMIRUT);
    await addSite(t, ARVIAT);
  });
  afterEach(async () => t.close());

  it("new devices take the acting user's site and its prefix; tags stay unique across sites", async () => {
    const byPrefix: Record<string, string[]> = { IQ: [], KM: [], ARV: [] };
    const actors: Array<[string, string, string]> = [['iqaluit', 'IQ', await t.token('trainee')]];
    for (const [code, prefix] of [['kimmirut', 'KM'], ['arviat', 'ARV']] as const) {
      for (const role of ['trainee', 'coordinator', 'admin'] as const) actors.push([code, prefix, (await userAt(t, `${role}-${code}`, role, code)).token]);
    }
    for (let round = 0; round < 2; round++) {
      for (const [code, prefix, token] of actors) {
        const d = await intake(t, token);
        expect(d.tag, `${code} ${d.tag}`).toMatch(TAG(prefix));
        expect(d.site).toBe(code);
        byPrefix[prefix]!.push(d.tag);
      }
    }
    // Each site counts its own tags from 1; the first site's admin makes the first site's tags.
    expect(byPrefix.KM).toEqual(Array.from({ length: 6 }, (_, i) => formatTag('KM', i + 1)));
    expect(byPrefix.ARV).toEqual(Array.from({ length: 6 }, (_, i) => formatTag('ARV', i + 1)));
    expect(byPrefix.IQ).toEqual([formatTag('IQ', 1), formatTag('IQ', 2)]);
    const admin = await intake(t, await t.token('admin'));
    expect(admin.tag).toBe(formatTag('IQ', 3));
    expect(admin.site).toBe('iqaluit');

    const all = await t.http.get(`${API}/devices?limit=500`).set(bearer(await t.token('admin')));
    const tags = (all.body.items as Body[]).map((d) => d.assetTag as string);
    expect(tags.length).toBe(15);
    expect(new Set(tags).size).toBe(15);
  });

  it("reserved tags carry the reserving site's prefix, and another site cannot take a device in under them", async () => {
    const km = await userAt(t, 'coordinator-km', 'coordinator', 'kimmirut');
    const reserved = await t.http.post(`${API}/asset-tags/reserve`).set(bearer(km.token)).send({ count: 3 });
    expect(reserved.status, JSON.stringify(reserved.body)).toBe(201);
    const tags = reserved.body.tags as string[];
    expect(tags).toEqual([1, 2, 3].map((n) => formatTag('KM', n)));

    const iq = await t.http.post(`${API}/devices`).set(bearer(await t.token('trainee'))).send(laptop({ assetTag: tags[0] }));
    expectProblem(iq, 409, 'asset_tags.not_reserved');
    const kmIntake = await t.http.post(`${API}/devices`).set(bearer(km.token)).send(laptop({ assetTag: tags[0] }));
    expect(kmIntake.status, JSON.stringify(kmIntake.body)).toBe(201);
    expect(kmIntake.body.device).toMatchObject({ assetTag: tags[0], site: 'kimmirut' });
    // The next tag the site makes follows its reservations.
    expect((await intake(t, km.token)).tag).toBe(formatTag('KM', 4));
  });

  it('a shipment leaves from one site: another site\'s device is 409 shipments.other_site for an admin, 404 for those who do not see it', async () => {
    const rid = await recycler(t);
    const kmTrainee = await userAt(t, 'trainee-km', 'trainee', 'kimmirut');
    const kmCoordinator = await userAt(t, 'coordinator-km', 'coordinator', 'kimmirut');
    const admin = await t.token('admin');
    const salvage = async (token: string) => {
      const d = await intake(t, token);
      await sanitize(t, token, d.tag, d.drive);
      await gradeD(t, token, d.tag);
      return d;
    };
    const kmDevice = await salvage(kmTrainee.token);
    const iqDevice = await salvage(await t.token('trainee'));

    const iqShipment = await shipment(t, admin, rid);
    expect(iqShipment.site).toBe('iqaluit');
    const kmShipment = await shipment(t, kmCoordinator.token, rid);
    expect(kmShipment.site).toBe('kimmirut');
    const add = (id: number, tag: string, token: string) => t.http.post(`${API}/shipments/${id}/devices`).set(bearer(token)).send({ assetTag: tag });

    const refused = await add(iqShipment.id, kmDevice.tag, admin);
    expectProblem(refused, 409, 'shipments.other_site');
    expect(refused.body.assetTag).toBe(kmDevice.tag);
    expectProblem(await add(kmShipment.id, iqDevice.tag, admin), 409, 'shipments.other_site');
    // A coordinator of the first site does not see the device, nor Kimmirut's one the shipment.
    expectProblem(await add(iqShipment.id, kmDevice.tag, await t.token('coordinator')), 404, 'devices.not_found');
    expectProblem(await add(iqShipment.id, kmDevice.tag, kmCoordinator.token), 404, 'shipments.not_found');

    for (const id of [iqShipment.id, kmShipment.id]) {
      const s = await t.http.get(`${API}/shipments/${id}`).set(bearer(admin));
      expect(s.body.shipment.devices).toEqual([]);
    }
    // Each site's device goes on its own site's shipment, whoever sees both.
    const ok = await add(kmShipment.id, kmDevice.tag, admin);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.shipment).toMatchObject({ site: 'kimmirut', devices: [{ assetTag: kmDevice.tag }] });
    expect((await add(iqShipment.id, iqDevice.tag, await t.token('coordinator'))).status).toBe(201);
    // The manifest prints its site's name.
    const manifest = await t.http.get(`${API}/shipments/${kmShipment.id}/manifest.pdf`).set(bearer(kmCoordinator.token));
    expect(manifest.status).toBe(200);
  });
});

/**
 * The second-person check of a wipe (docs/domain.md §2) acts on the wiped
 * device: a site sees and checks its own devices' wipes only (§8). Every
 * passing wipe is drawn here (random() = 0), so each site has one pending.
 */
describe('second-person checks per site', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ random: () => 0 });
    await addSite(t, KIMMIRUT);
  });
  afterEach(async () => t.close());

  it("another site's pending checks are not listed, and checking one is 404 verifications.not_found that changes nothing", async () => {
    const iqTrainee = await t.token('trainee');
    const kmTrainee = await userAt(t, 'trainee-km', 'trainee', 'kimmirut');
    const kmCoordinator = await userAt(t, 'coordinator-km', 'coordinator', 'kimmirut');
    const kmStaff = await userAt(t, 'staff-km', 'staff', 'kimmirut');
    const iq = await intake(t, iqTrainee);
    await sanitize(t, iqTrainee, iq.tag, iq.drive);
    const km = await intake(t, kmTrainee.token);
    await sanitize(t, kmTrainee.token, km.tag, km.drive);

    const pending = async (token: string) => {
      const res = await t.http.get(`${API}/sanitization-verifications?status=pending&limit=500`).set(bearer(token));
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ id: number; record: { assetTag: string } }>).map((v) => ({ id: v.id, tag: v.record.assetTag }));
    };
    const all = await pending(await t.token('admin'));
    expect(all.map((v) => v.tag)).toEqual([iq.tag, km.tag]);
    const iqCheck = all[0]!.id;
    const kmCheck = all[1]!.id;
    for (const token of [kmCoordinator.token, kmStaff.token, kmTrainee.token]) expect((await pending(token)).map((v) => v.tag)).toEqual([km.tag]);
    expect((await pending(await t.token('coordinator'))).map((v) => v.tag)).toEqual([iq.tag]);

    const events = await t.count('audit_events');
    const refused = await t.http.post(`${API}/sanitization-verifications/${iqCheck}`).set(bearer(kmCoordinator.token)).send({ result: 'failed' });
    expectProblem(refused, 404, 'verifications.not_found');
    expect(await t.count('audit_events')).toBe(events);
    const device = await t.http.get(`${API}/devices/${iq.tag}`).set(bearer(iqTrainee));
    expect(device.body.device).toMatchObject({ status: 'sanitized', sanitized: true });
    expect((await pending(await t.token('admin'))).map((v) => v.id)).toEqual([iqCheck, kmCheck]);

    // Their own site's check goes through.
    const own = await t.http.post(`${API}/sanitization-verifications/${kmCheck}`).set(bearer(kmCoordinator.token)).send({ result: 'passed' });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.verification).toMatchObject({ id: kmCheck, status: 'passed' });
  });
});

/**
 * Random sequences of intakes, donations and moves of users between three
 * sites. Afterwards every viewer (each limited role at each site, admin and
 * program) lists exactly the devices and donations of the sites they see:
 * each record at the site of the user who took it in, when they did; no
 * duplicates, nothing missing; and site= names each site's part.
 */
describe('lists after any sequence of intakes, donations and moves', () => {
  type Cmd = { kind: 'intake'; actor: number } | { kind: 'donation'; actor: number } | { kind: 'move'; actor: number; to: number };
  const SITE_CODES = ['iqaluit', 'kimmirut', 'arviat'] as const;
  const PREFIXES = ['IQ', 'KM', 'ARV'] as const;
  /** The actors: a trainee, a coordinator and a staff member starting at each site, and the first site's admin (index 9). */
  const ACTORS: Array<{ role: Role; start: number }> = [
    ...SITE_CODES.flatMap((_, site) => LIMITED.map((role) => ({ role, start: site }))),
    { role: 'admin', start: 0 },
  ];
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('intake' as const), actor: fc.integer({ min: 0, max: ACTORS.length - 1 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('donation' as const), actor: fc.integer({ min: 0, max: ACTORS.length - 1 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), actor: fc.integer({ min: 0, max: ACTORS.length - 2 }), to: fc.integer({ min: 0, max: 2 }) }) },
  );

  it('every viewer lists exactly the records of the sites they see', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 14 }), async (cmds) => {
        const t = await createTestApp();
        try {
          await addSite(t, KIMMIRUT);
          await addSite(t, ARVIAT);
          const admin = await t.token('admin');
          const actors = await Promise.all(
            ACTORS.map(async (a, i) => (a.role === 'admin' ? { ...a, id: 1, username: 'admin', token: admin, site: 0 } : { ...a, ...(await userAt(t, `u${i}-${a.role}`, a.role, SITE_CODES[a.start]!)), site: a.start })),
          );
          const program = await userAt(t, 'officer', 'program', 'kimmirut');
          const devicesAt: string[][] = [[], [], []];
          const donationsAt: number[][] = [[], [], []];
          /** Every record in the order it was made: the lists' default order. */
          const made = { devices: [] as string[], donations: [] as number[] };

          for (const c of cmds) {
            const a = actors[c.actor]!;
            if (c.kind === 'move') {
              const res = await t.http.patch(`${API}/users/${a.id}`).set(bearer(admin)).send({ site: SITE_CODES[c.to] });
              expect(res.status).toBe(200);
              expect(res.body.user.site).toBe(SITE_CODES[c.to]);
              const old = await t.http.get(`${API}/me`).set(bearer(a.token));
              expect(old.status).toBe(c.to === a.site ? 200 : 401);
              a.site = c.to;
              a.token = await t.login(a.username, USER_PASSWORD);
            } else if (c.kind === 'donation') {
              const d = await donation(t, a.token, `Donor ${c.actor}`);
              expect(d.site).toBe(SITE_CODES[a.site]);
              donationsAt[a.site]!.push(d.id);
              made.donations.push(d.id);
            } else {
              const res = await t.http.post(`${API}/devices`).set(bearer(a.token)).send(laptop());
              if (a.role === 'staff') {
                // Staff take nothing in (docs/domain.md §4), at any site.
                expectProblem(res, 403, 'auth.forbidden');
                continue;
              }
              expect(res.status, JSON.stringify(res.body)).toBe(201);
              expect(res.body.device.site).toBe(SITE_CODES[a.site]);
              expect(res.body.device.assetTag).toBe(formatTag(PREFIXES[a.site]!, devicesAt[a.site]!.length + 1));
              devicesAt[a.site]!.push(res.body.device.assetTag as string);
              made.devices.push(res.body.device.assetTag as string);
            }
          }

          const union = (sites: number[]) => ({ devices: sites.flatMap((s) => devicesAt[s]!), donations: sites.flatMap((s) => donationsAt[s]!) });
          const listed = async (token: string, query = '') => {
            const devices = await t.http.get(`${API}/devices?limit=500${query}`).set(bearer(token));
            const donations = await t.http.get(`${API}/donations?limit=500${query}`).set(bearer(token));
            expect(devices.status).toBe(200);
            expect(donations.status).toBe(200);
            return {
              devices: (devices.body.items as Array<{ assetTag: string }>).map((d) => d.assetTag),
              donations: (donations.body.items as Array<{ id: number }>).map((d) => d.id),
            };
          };
          const asSets = (x: { devices: string[]; donations: number[] }) => ({ devices: sorted(x.devices), donations: sorted(x.donations.map(String)) });

          // Limited viewers: whoever is at each site now (moved ones included) lists exactly that site's records, naming no site, their own or all.
          for (const a of actors.filter((x) => x.role !== 'admin')) {
            const own = asSets(union([a.site]));
            for (const query of ['', '&site=all', `&site=${SITE_CODES[a.site]}`]) {
              const got = await listed(a.token, query);
              expect(new Set(got.devices).size).toBe(got.devices.length);
              expect(asSets(got), `${a.username} at ${SITE_CODES[a.site]} ${query}`).toEqual(own);
            }
            const elsewhere = (a.site + 1) % 3;
            expect(await listed(a.token, `&site=${SITE_CODES[elsewhere]}`)).toEqual({ devices: [], donations: [] });
          }
          // Admins and program officers: the union, once each, in intake order; and each site's part by name.
          for (const token of [admin, program.token]) {
            const got = await listed(token);
            expect(got).toEqual(made);
            expect(asSets(got)).toEqual(asSets(union([0, 1, 2])));
            for (const [s, code] of SITE_CODES.entries()) expect(asSets(await listed(token, `&site=${code}`)), code).toEqual(asSets(union([s])));
          }
          // And the database agrees: each device's site is its tag's prefix's.
          const rows = await t.rows<{ tag: string; code: string; prefix: string }>('select d.asset_tag as tag, s.code as code, s.asset_tag_prefix as prefix from devices d join sites s on s.id = d.site_id');
          for (const r of rows) expect(r.tag.split('-')[0], r.tag).toBe(r.prefix);
          expect(rows.length).toBe(union([0, 1, 2]).devices.length);
        } finally {
          await t.close();
        }
      }),
      { numRuns: TEST_ENGINE === 'postgres' ? 5 : 12, seed: 20260302 },
    );
  });
});
