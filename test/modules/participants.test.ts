import type { Response as Res } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, type TestApp, wipeBody } from '../helpers.js';
import { tableNames } from '../support/db-state.js';

const API = '/api/v1';
const START = '2026-03-02T15:00:00.000Z';
const MINUTE = 60_000;
type Body = Record<string, unknown>;

interface AccessEntry {
  at: string;
  by: string;
  action: string;
  purpose: string;
}

/** The rows of migration 0006; 0019 adds the other 18 municipalities of Nunavut (test/core/migration-upgrade.test.ts). */
const SEEDED = [
  { name: 'Arviat', syllabics: 'ᐊᕐᕕᐊᑦ', altName: null },
  { name: 'Chesterfield Inlet', syllabics: 'ᐃᒡᓗᓕᒑᕐᔪᒃ', altName: 'Igluligaarjuk' },
  { name: 'Gjoa Haven', syllabics: 'ᐅᖅᓱᖅᑑᖅ', altName: 'Uqsuqtuuq' },
  { name: 'Iqaluit', syllabics: 'ᐃᖃᓗᐃᑦ', altName: null },
  { name: 'Kimmirut', syllabics: 'ᑭᒻᒥᕈᑦ', altName: null },
  { name: 'Kugaaruk', syllabics: 'ᑰᒑᕐᔪᒃ', altName: null },
  { name: 'Kugluktuk', syllabics: 'ᖁᕐᓗᖅᑐᖅ', altName: 'Qurluqtuq' },
];

const participantBody = (overrides: Body = {}): Body => ({
  community: 'Iqaluit',
  program: 'Digital literacy',
  cohort: '2026-spring',
  displayName: 'Test Participant',
  contact: '867-555-0100',
  consent: { given: true, language: 'iu' },
  ...overrides,
});

const wipe = (storageSerial: string) => wipeBody(storageSerial);

describe('participants', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const as = async (role: Role) => bearer(await t.token(role));
  const logCount = () => t.count('personal_data_access_log');

  async function register(body: Body = participantBody(), role: Role = 'coordinator'): Promise<string> {
    const res = await t.http.post(`${API}/participants`).set(await as(role)).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.participant.code as string;
  }

  async function readyDevice(): Promise<string> {
    const trainee = await as('trainee');
    const intake = await t.http.post(`${API}/devices`).set(trainee).send(laptop());
    expect(intake.status).toBe(201);
    const tag = intake.body.device.assetTag as string;
    for (const d of intake.body.device.storage as Array<{ serialNumber: string }>) {
      expect((await t.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send(wipe(d.serialNumber))).status).toBe(201);
    }
    const graded = await t.http.post(`${API}/devices/${tag}/grade`).set(trainee).send({ grade: 'A' });
    expect(graded.status).toBe(201);
    expect(graded.body.device.status).toBe('ready');
    return tag;
  }

  async function exportOf(code: string, role: Role = 'coordinator', query = ''): Promise<Res> {
    const res = await t.http.get(`${API}/participants/${code}/export${query}`).set(await as(role));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res;
  }

  describe('registration', () => {
    it('returns generated codes P-000001, P-000002… to coordinators and admins, with consent and personal data', async () => {
      const first = await t.http.post(`${API}/participants`).set(await as('coordinator')).send(participantBody());
      expect(first.status).toBe(201);
      expect(first.body.participant).toEqual({
        code: 'P-000001',
        community: { name: 'Iqaluit', syllabics: 'ᐃᖃᓗᐃᑦ' },
        program: 'Digital literacy',
        cohort: '2026-spring',
        consent: { given: true, language: 'iu', date: '2026-03-02' },
        personalDataErased: false,
        personalData: { displayName: 'Test Participant', contact: '867-555-0100', notes: [] },
        createdAt: START,
      });

      const second = await t.http
        .post(`${API}/participants`)
        .set(await as('admin'))
        .send({ community: 'Arviat', consent: { given: true, language: 'en', date: '2026-02-27' } });
      expect(second.status).toBe(201);
      expect(second.body.participant.code).toBe('P-000002');
      expect(second.body.participant.consent).toEqual({ given: true, language: 'en', date: '2026-02-27' });
      expect(second.body.participant.program).toBeNull();

      expect(await register()).toBe('P-000003');
      expect(await t.count('participants')).toBe(3);
    });

    it.each([
      ['iqaluit', 'Iqaluit', 'ᐃᖃᓗᐃᑦ'],
      ['  KUGLUKTUK  ', 'Kugluktuk', 'ᖁᕐᓗᖅᑐᖅ'],
      ['Qurluqtuq', 'Kugluktuk', 'ᖁᕐᓗᖅᑐᖅ'],
      ['qurluqtuq', 'Kugluktuk', 'ᖁᕐᓗᖅᑐᖅ'],
      ['ᑰᒑᕐᔪᒃ', 'Kugaaruk', 'ᑰᒑᕐᔪᒃ'],
      ['Igluligaarjuk', 'Chesterfield Inlet', 'ᐃᒡᓗᓕᒑᕐᔪᒃ'],
      ['ᐅᖅᓱᖅᑑᖅ', 'Gjoa Haven', 'ᐅᖅᓱᖅᑑᖅ'],
      ['gjoa haven', 'Gjoa Haven', 'ᐅᖅᓱᖅᑑᖅ'],
    ])('accepts the community %j as %s', async (given, name, syllabics) => {
      const res = await t.http.post(`${API}/participants`).set(await as('coordinator')).send(participantBody({ community: given }));
      expect(res.status).toBe(201);
      expect(res.body.participant.community).toEqual({ name, syllabics });
    });

    it('refuses an unknown community with 400 participants.unknown_community and writes nothing', async () => {
      const coordinator = await as('coordinator');
      const auditBefore = await t.count('audit_events');
      const res = await t.http.post(`${API}/participants`).set(coordinator).send(participantBody({ community: 'Atlantis' }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('participants.unknown_community');
      expect(res.body.errors).toEqual([{ field: 'body.community', message: expect.any(String) }]);
      expect(await t.count('participants')).toBe(0);
      expect(await t.count('participant_personal_data')).toBe(0);
      expect(await t.count('audit_events')).toBe(auditBefore);
    });

    it('refuses registration without consent, naming body.consent.given, and burns no code', async () => {
      const coordinator = await as('coordinator');
      const noConsent = await t.http.post(`${API}/participants`).set(coordinator).send({ community: 'Iqaluit', displayName: 'No Consent' });
      expect(noConsent.status).toBe(400);
      expect(noConsent.body.code).toBe('request.invalid');
      expect(noConsent.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.consent']);

      for (const consent of [{ language: 'iu' }, { given: false, language: 'iu' }, { given: 'yes', language: 'en' }]) {
        const res = await t.http.post(`${API}/participants`).set(coordinator).send(participantBody({ consent }));
        expect(res.status, JSON.stringify(consent)).toBe(400);
        expect(res.body.code).toBe('request.invalid');
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.consent.given']);
      }
      expect(await t.count('participants')).toBe(0);
      expect(await t.count('participant_personal_data')).toBe(0);
      expect(await logCount()).toBe(0);
      expect(await register()).toBe('P-000001');
    });

    it('rejects unknown body properties instead of dropping them', async () => {
      const res = await t.http.post(`${API}/participants`).set(await as('coordinator')).send(participantBody({ name: 'Extra' }));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('request.invalid');
      expect(res.body.errors).toEqual([{ field: 'body.name', message: 'unknown property' }]);
      expect(await t.count('participants')).toBe(0);
    });

    it('stores and returns a display name and contact written in syllabics intact', async () => {
      const name = 'ᐊᓂᑦᓯᐊᖅ ᖃᓪᓗᓈᖅ';
      const contact = 'ᐃᖃᓗᐃᑦ ᑎᑎᖅᑲᒃᑯᕕᒃ 1234';
      const code = await register(participantBody({ displayName: name, contact, community: 'ᐃᖃᓗᐃᑦ' }));
      const read = await t.http.get(`${API}/participants/${code}`).set(await as('coordinator'));
      expect(read.status).toBe(200);
      expect(read.body.participant.personalData).toEqual({ displayName: name, contact, notes: [] });
      const row = await t.row('select display_name as "displayName", contact from participant_personal_data');
      expect(row).toEqual({ displayName: name, contact });
    });
  });

  describe('communities', () => {
    it('lists the 25 seeded communities of Nunavut with their syllabic names to coordinators, staff and admins', async () => {
      for (const role of ['coordinator', 'staff', 'admin'] as const) {
        const res = await t.http.get(`${API}/communities`).set(await as(role));
        expect(res.status, role).toBe(200);
        const items = res.body.items.map(({ name, syllabics, altName }: Body) => ({ name, syllabics, altName }));
        expect(items).toHaveLength(25);
        expect(items).toEqual(expect.arrayContaining([...SEEDED, { name: 'Kinngait', syllabics: 'ᑭᙵᐃᑦ', altName: 'Cape Dorset' }]));
        for (const c of res.body.items) expect(c.id).toEqual(expect.any(Number));
      }
    });

    it('lets only admins add a community; a duplicate name is 409 communities.name_taken', async () => {
      const body = { name: 'Ottawa', altName: 'Bytown' };
      for (const role of ['coordinator', 'staff', 'trainee'] as const) {
        const res = await t.http.post(`${API}/communities`).set(await as(role)).send(body);
        expect(res.status, role).toBe(403);
        expect(res.body.code).toBe('auth.forbidden');
      }
      expect(await t.count('communities')).toBe(25);

      const added = await t.http.post(`${API}/communities`).set(await as('admin')).send(body);
      expect(added.status).toBe(201);
      expect(added.body.community).toEqual({ id: expect.any(Number), syllabics: null, ...body });
      expect(await t.count('communities')).toBe(26);

      for (const name of ['Ottawa', 'Pangnirtung']) {
        const dup = await t.http.post(`${API}/communities`).set(await as('admin')).send({ name });
        expect(dup.status, name).toBe(409);
        expect(dup.body.code).toBe('communities.name_taken');
      }
      expect(await t.count('communities')).toBe(26);

      // The new community can be used by its other name right away; a seeded one by its syllabics.
      const res = await t.http.post(`${API}/participants`).set(await as('coordinator')).send(participantBody({ community: 'bytown' }));
      expect(res.status).toBe(201);
      expect(res.body.participant.community).toEqual({ name: 'Ottawa', syllabics: null });
      const bySyllabics = await t.http.post(`${API}/participants`).set(await as('coordinator')).send(participantBody({ community: 'ᐸᖕᓂᖅᑑᖅ' }));
      expect(bySyllabics.status).toBe(201);
      expect(bySyllabics.body.participant.community).toEqual({ name: 'Pangnirtung', syllabics: 'ᐸᖕᓂᖅᑑᖅ' });
    });

    it('treats a name differing only in case as a duplicate, since lookups ignore case', async () => {
      const dup = await t.http.post(`${API}/communities`).set(await as('admin')).send({ name: 'IQALUIT' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('communities.name_taken');
      expect(await t.count('communities')).toBe(25);
    });
  });

  describe('who may see what', () => {
    it('gives a trainee 403 on every participant route, even with an invalid body', async () => {
      const code = await register();
      const trainee = await as('trainee');
      const attempts: Array<[string, () => Promise<Res>]> = [
        ['GET /communities', () => t.http.get(`${API}/communities`).set(trainee)],
        ['POST /communities', () => t.http.post(`${API}/communities`).set(trainee).send({ name: 'Iglulik' })],
        ['POST /communities (invalid)', () => t.http.post(`${API}/communities`).set(trainee).send({ bogus: 1 })],
        ['POST /participants', () => t.http.post(`${API}/participants`).set(trainee).send(participantBody())],
        ['POST /participants (invalid)', () => t.http.post(`${API}/participants`).set(trainee).send({ nonsense: true })],
        ['POST /participants (empty)', () => t.http.post(`${API}/participants`).set(trainee).send({})],
        ['GET /participants', () => t.http.get(`${API}/participants`).set(trainee)],
        ['GET /participants?limit=9999', () => t.http.get(`${API}/participants?limit=9999`).set(trainee)],
        ['GET /participants/{code}', () => t.http.get(`${API}/participants/${code}`).set(trainee)],
        ['GET /participants/{unknown}', () => t.http.get(`${API}/participants/P-999999`).set(trainee)],
        ['GET export', () => t.http.get(`${API}/participants/${code}/export`).set(trainee)],
        ['DELETE personal-data', () => t.http.delete(`${API}/participants/${code}/personal-data`).set(trainee)],
      ];
      const before = { log: await logCount(), audit: await t.count('audit_events'), people: await t.count('participants') };
      for (const [name, attempt] of attempts) {
        const res = await attempt();
        expect(res.status, name).toBe(403);
        expect(res.body.code, name).toBe('auth.forbidden');
        expect(JSON.stringify(res.body), name).not.toContain('Test Participant');
      }
      expect({ log: await logCount(), audit: await t.count('audit_events'), people: await t.count('participants') }).toEqual(before);
      expect(await t.count('participant_personal_data')).toBe(1);
    });

    it('answers 401 without a token', async () => {
      const code = await register();
      const res = await t.http.get(`${API}/participants/${code}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('auth.unauthenticated');
    });

    it('shows staff the code and community but never personal data, and logs no staff read', async () => {
      const code = await register();
      const staff = await as('staff');
      const before = await logCount();

      const one = await t.http.get(`${API}/participants/${code}`).set(staff);
      expect(one.status).toBe(200);
      expect(one.body.participant).toMatchObject({ code, community: { name: 'Iqaluit', syllabics: 'ᐃᖃᓗᐃᑦ' }, personalDataErased: false });
      expect(Object.keys(one.body.participant)).not.toContain('personalData');
      expect(one.text).not.toContain('Test Participant');
      expect(one.text).not.toContain('867-555-0100');

      const withPurpose = await t.http.get(`${API}/participants/${code}?purpose=funder%20report`).set(staff);
      expect(withPurpose.status).toBe(200);
      expect(Object.keys(withPurpose.body.participant)).not.toContain('personalData');

      const list = await t.http.get(`${API}/participants`).set(staff);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0].code).toBe(code);
      expect(list.body.items[0]).not.toHaveProperty('personalData');
      expect(list.text).not.toContain('Test Participant');

      expect(await logCount()).toBe(before);

      for (const [name, attempt] of [
        ['export', () => t.http.get(`${API}/participants/${code}/export`).set(staff)],
        ['erase', () => t.http.delete(`${API}/participants/${code}/personal-data`).set(staff)],
        ['create', () => t.http.post(`${API}/participants`).set(staff).send(participantBody())],
        ['create (invalid)', () => t.http.post(`${API}/participants`).set(staff).send({ x: 1 })],
      ] as Array<[string, () => Promise<Res>]>) {
        const res = await attempt();
        expect(res.status, name).toBe(403);
        expect(res.body.code, name).toBe('auth.forbidden');
        expect(res.text, name).not.toContain('Test Participant');
      }
      expect(await logCount()).toBe(before);
      expect(await t.count('participants')).toBe(1);
      expect(await t.count('participant_personal_data')).toBe(1);
    });

    it('never lists personal data, even to coordinators and admins, and a listing is not logged', async () => {
      await register();
      await register(participantBody({ community: 'Arviat', displayName: 'Second Person', contact: 'second@example.org' }));
      const before = await logCount();
      for (const role of ['coordinator', 'admin'] as const) {
        const list = await t.http.get(`${API}/participants`).set(await as(role));
        expect(list.status).toBe(200);
        expect(list.body.items.map((p: { code: string }) => p.code)).toEqual(['P-000001', 'P-000002']);
        for (const p of list.body.items) expect(p).not.toHaveProperty('personalData');
        expect(list.text).not.toContain('Test Participant');
        expect(list.text).not.toContain('Second Person');
      }
      const arviat = await t.http.get(`${API}/participants?community=${encodeURIComponent('ᐊᕐᕕᐊᑦ')}`).set(await as('staff'));
      expect(arviat.status).toBe(200);
      expect(arviat.body.items.map((p: { code: string }) => p.code)).toEqual(['P-000002']);
      expect(await logCount()).toBe(before);
    });

    it('finds participants by code (exact or prefix, any case) alone or with a community, and refuses a code filter that is not code-shaped', async () => {
      for (let i = 0; i < 11; i++) await register(participantBody({ community: i % 2 === 0 ? 'Iqaluit' : 'Arviat' }));
      const codes = async (query: string) => {
        const res = await t.http.get(`${API}/participants?${query}`).set(await as('staff'));
        expect(res.status, query).toBe(200);
        return res.body.items.map((p: { code: string }) => p.code) as string[];
      };
      expect(await codes('code=P-000007')).toEqual(['P-000007']);
      expect(await codes('code=%20p-000007%20')).toEqual(['P-000007']);
      expect(await codes('code=P-00001')).toEqual(['P-000010', 'P-000011']);
      expect(await codes('code=P-00001&community=Arviat')).toEqual(['P-000010']);
      expect(await codes('code=P-000404')).toEqual([]);
      // Paging keeps the filter.
      const first = await t.http.get(`${API}/participants?code=P-0000&limit=4`).set(await as('staff'));
      expect(first.body.items.map((p: { code: string }) => p.code)).toEqual(['P-000001', 'P-000002', 'P-000003', 'P-000004']);
      const next = await t.http.get(`${API}/participants?code=P-0000&limit=4&cursor=${encodeURIComponent(first.body.nextCursor as string)}`).set(await as('staff'));
      expect(next.body.items.map((p: { code: string }) => p.code)).toEqual(['P-000005', 'P-000006', 'P-000007', 'P-000008']);
      // A LIKE wildcard is not a code: refused, not matched against everything.
      for (const bad of ['P-%', 'P_0', '']) {
        const res = await t.http.get(`${API}/participants?code=${encodeURIComponent(bad)}`).set(await as('staff'));
        expect(res.status, bad).toBe(400);
        expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))]).toEqual(['querystring.code']);
      }
    });

    it('gives coordinators and admins the personal data; an unknown code is 404 participants.not_found', async () => {
      const code = await register();
      for (const role of ['coordinator', 'admin'] as const) {
        const res = await t.http.get(`${API}/participants/${code.toLowerCase()}`).set(await as(role));
        expect(res.status).toBe(200);
        expect(res.body.participant.code).toBe(code);
        expect(res.body.participant.personalData).toEqual({ displayName: 'Test Participant', contact: '867-555-0100', notes: [] });
      }
      const missing = await t.http.get(`${API}/participants/P-000404`).set(await as('coordinator'));
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('participants.not_found');
    });
  });

  describe('access log', () => {
    it('grows by one entry per coordinator or admin read, none per staff read, and the export lists it with the export itself', async () => {
      const coordinatorUser = await t.createUser('coord-amy', 'coordinator');
      const code = await register(participantBody(), 'admin');
      const log = () => t.count('personal_data_access_log');
      expect(await log()).toBe(1);

      t.clock.advance(MINUTE);
      expect((await t.http.get(`${API}/participants/${code}`).set(bearer(coordinatorUser.token))).status).toBe(200);
      expect(await log()).toBe(2);

      t.clock.advance(MINUTE);
      expect((await t.http.get(`${API}/participants/${code}?purpose=${encodeURIComponent('check contact before loan')}`).set(await as('admin'))).status).toBe(200);
      expect(await log()).toBe(3);

      t.clock.advance(MINUTE);
      expect((await t.http.get(`${API}/participants/${code}`).set(await as('staff'))).status).toBe(200);
      expect((await t.http.get(`${API}/participants`).set(await as('coordinator'))).status).toBe(200);
      expect(await log()).toBe(3);

      t.clock.advance(MINUTE);
      const exported = await exportOf(code, 'coordinator', `?purpose=${encodeURIComponent('participant asked for a copy')}`);
      expect(await log()).toBe(4);
      const at = (minutes: number) => new Date(Date.parse(START) + minutes * MINUTE).toISOString();
      expect(exported.body.accessLog as AccessEntry[]).toEqual([
        { at: at(0), by: 'admin', action: 'created', purpose: 'registration' },
        { at: at(1), by: 'coord-amy', action: 'read', purpose: expect.any(String) },
        { at: at(2), by: 'admin', action: 'read', purpose: 'check contact before loan' },
        { at: at(4), by: 'test-coordinator', action: 'exported', purpose: 'participant asked for a copy' },
      ]);
      expect(exported.body.exportedAt).toBe(at(4));

      // A second export lists the first one and itself.
      t.clock.advance(MINUTE);
      const again = await exportOf(code, 'admin');
      expect((again.body.accessLog as AccessEntry[]).map((e) => [e.by, e.action])).toEqual([
        ['admin', 'created'],
        ['coord-amy', 'read'],
        ['admin', 'read'],
        ['test-coordinator', 'exported'],
        ['admin', 'exported'],
      ]);
      expect(await log()).toBe(5);
    });
  });

  describe('export and erasure', () => {
    it('exports personal data, consent, issuances and returns with asset tags', async () => {
      const code = await register(participantBody({ consent: { given: true, language: 'fr', date: '2026-02-20' } }));
      const coordinator = await as('coordinator');
      const loanTag = await readyDevice();
      const giftTag = await readyDevice();

      const loan = await t.http
        .post(`${API}/devices/${loanTag}/issue`)
        .set(coordinator)
        .send({ participantCode: code, kind: 'loan', dueDate: '2026-06-30', accessories: ['charger'], agreementAccepted: true, agreementLanguage: 'fr' });
      expect(loan.status).toBe(201);
      t.clock.advance(60 * MINUTE);
      const returned = await t.http.post(`${API}/devices/${loanTag}/return`).set(coordinator).send({ condition: 'fair', personalDataRemoved: true });
      expect(returned.status).toBe(200);
      t.clock.advance(MINUTE);
      const gift = await t.http
        .post(`${API}/devices/${giftTag}/issue`)
        .set(coordinator)
        .send({ participantCode: code, kind: 'gift', accessories: ['charger', 'mouse'], agreementAccepted: true });
      expect(gift.status).toBe(201);

      const res = await exportOf(code);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.participant).toMatchObject({
        code,
        community: { name: 'Iqaluit', syllabics: 'ᐃᖃᓗᐃᑦ' },
        program: 'Digital literacy',
        cohort: '2026-spring',
        consent: { given: true, language: 'fr', date: '2026-02-20' },
        personalDataErased: false,
        personalData: { displayName: 'Test Participant', contact: '867-555-0100', notes: [] },
      });
      expect(res.body.issuances).toEqual([
        {
          id: loan.body.issuance.id,
          assetTag: loanTag,
          kind: 'loan',
          dueDate: '2026-06-30',
          accessories: ['charger'],
          agreementLanguage: 'fr',
          issuedAt: START,
          returnedAt: '2026-03-02T16:00:00.000Z',
          returnCondition: 'fair',
        },
        {
          id: gift.body.issuance.id,
          assetTag: giftTag,
          kind: 'gift',
          dueDate: null,
          accessories: ['charger', 'mouse'],
          agreementLanguage: 'en',
          issuedAt: '2026-03-02T16:01:00.000Z',
          returnedAt: null,
          returnCondition: null,
        },
      ]);
      expect((res.body.accessLog as AccessEntry[]).map((e) => e.action)).toEqual(['created', 'exported']);
    });

    it('erases name and contact (204) but keeps the code, custody history and audit chain; issuing to the participant is then 409', async () => {
      const name = 'ᓯᐊᕐᕆ Erasable';
      const contact = 'erase-me@example.org';
      const code = await register(participantBody({ displayName: name, contact }));
      const coordinator = await as('coordinator');
      const tag = await readyDevice();
      expect(
        (await t.http.post(`${API}/devices/${tag}/issue`).set(coordinator).send({ participantCode: code, kind: 'loan', dueDate: '2026-04-01', agreementAccepted: true })).status,
      ).toBe(201);
      expect((await t.http.post(`${API}/devices/${tag}/return`).set(coordinator).send({ condition: 'good' })).status).toBe(200);

      t.clock.advance(MINUTE);
      const erased = await t.http.delete(`${API}/participants/${code}/personal-data`).set(coordinator);
      expect(erased.status).toBe(204);
      expect(erased.text).toBe('');

      const row = await t.row('select * from participant_personal_data where participant_id = (select id from participants where code = ?)', code);
      expect(row).toBeUndefined();
      expect(await t.count('participant_personal_data')).toBe(0);
      expect(await t.count('participants')).toBe(1);

      const read = await t.http.get(`${API}/participants/${code}`).set(coordinator);
      expect(read.status).toBe(200);
      expect(read.body.participant).toMatchObject({ code, personalDataErased: true, personalData: null, community: { name: 'Iqaluit' } });

      const exported = await exportOf(code, 'admin');
      expect(exported.body.participant.personalData).toBeNull();
      expect(exported.body.participant.personalDataErased).toBe(true);
      expect(exported.text).not.toContain(name);
      expect(exported.text).not.toContain('Erasable');
      expect(exported.text).not.toContain(contact);
      expect(exported.body.issuances).toHaveLength(1);
      expect(exported.body.issuances[0].assetTag).toBe(tag);
      expect((exported.body.accessLog as AccessEntry[]).map((e) => e.action)).toEqual(['created', 'erased', 'exported']);

      const history = await t.http.get(`${API}/devices/${tag}/history`).set(coordinator);
      expect(history.status).toBe(200);
      const custody = (history.body.events as Array<{ action: string; details: Body }>).filter((e) => e.action === 'device.issued' || e.action === 'device.returned');
      expect(custody.map((e) => [e.action, e.details['participantCode']])).toEqual([
        ['device.issued', code],
        ['device.returned', code],
      ]);

      const verify = await t.http.get(`${API}/audit/verify`).set(await as('admin'));
      expect(verify.status).toBe(200);
      expect(verify.body.ok).toBe(true);

      const another = await readyDevice();
      const issuancesBefore = await t.count('issuances');
      const auditBefore = await t.count('audit_events');
      const refused = await t.http
        .post(`${API}/devices/${another}/issue`)
        .set(coordinator)
        .send({ participantCode: code, kind: 'gift', agreementAccepted: true });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('participants.personal_data_erased');
      expect(await t.count('issuances')).toBe(issuancesBefore);
      expect(await t.count('audit_events')).toBe(auditBefore);
      const still = await t.http.get(`${API}/devices/${another}`).set(coordinator);
      expect(still.body.device.status).toBe('ready');
    });

    it('after erasure the name and contact are nowhere in the database, not even in a stored Idempotency-Key response', async () => {
      const name = 'Unforgotten Name';
      const contact = 'unforgotten@example.org';
      const coordinator = await as('coordinator');
      const created = await t.http
        .post(`${API}/participants`)
        .set(coordinator)
        .set('idempotency-key', 'register-unforgotten')
        .send(participantBody({ displayName: name, contact }));
      expect(created.status).toBe(201);
      const code = created.body.participant.code as string;

      expect((await t.http.delete(`${API}/participants/${code}/personal-data`).set(coordinator)).status).toBe(204);

      const tables = await tableNames(t);
      expect(tables).toContain('participant_personal_data');
      const holders: string[] = [];
      for (const table of tables) {
        const rows = await t.rows(`select * from "${table}"`);
        const text = JSON.stringify(rows);
        if (text.includes(name) || text.includes(contact)) holders.push(table);
      }
      expect(holders).toEqual([]);

      // A retry of the registration must not hand the erased data back either.
      const replay = await t.http
        .post(`${API}/participants`)
        .set(coordinator)
        .set('idempotency-key', 'register-unforgotten')
        .send(participantBody({ displayName: name, contact }));
      expect(replay.text).not.toContain(contact);
    });

    it('still takes back a device from a participant erased while holding it; the history and issuance keep the code', async () => {
      const code = await register();
      const coordinator = await as('coordinator');
      const tag = await readyDevice();
      const loan = await t.http
        .post(`${API}/devices/${tag}/issue`)
        .set(coordinator)
        .send({ participantCode: code, kind: 'loan', dueDate: '2026-04-01', agreementAccepted: true });
      expect(loan.status).toBe(201);
      expect((await t.http.delete(`${API}/participants/${code}/personal-data`).set(await as('admin'))).status).toBe(204);

      const back = await t.http.post(`${API}/devices/${tag}/return`).set(coordinator).send({ condition: 'good', personalDataRemoved: true });
      expect(back.status).toBe(200);
      expect(back.body.device.status).toBe('received');
      const issuance = await t.http.get(`${API}/issuances/${loan.body.issuance.id}`).set(await as('staff'));
      expect(issuance.body.issuance).toMatchObject({ participantCode: code, returnCondition: 'good', personalDataRemoved: true });
      const staffView = await t.http.get(`${API}/participants/${code}`).set(await as('staff'));
      expect(staffView.body.participant).toMatchObject({ code, personalDataErased: true });
      expect(staffView.body.participant).not.toHaveProperty('personalData');
      const history = await t.http.get(`${API}/devices/${tag}/history`).set(coordinator);
      expect(history.body.events.at(-1)).toMatchObject({ action: 'device.returned', details: { participantCode: code } });
    });

    it('answers 404 participants.not_found when erasing or exporting an unknown participant', async () => {
      const coordinator = await as('coordinator');
      const erase = await t.http.delete(`${API}/participants/P-000777/personal-data`).set(coordinator);
      expect(erase.status).toBe(404);
      expect(erase.body.code).toBe('participants.not_found');
      const exp = await t.http.get(`${API}/participants/P-000777/export`).set(coordinator);
      expect(exp.status).toBe(404);
      expect(exp.body.code).toBe('participants.not_found');
    });
  });
});
