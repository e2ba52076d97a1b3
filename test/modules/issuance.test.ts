import type { Response as Res } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, type TestApp, wipeBody } from '../helpers.js';

const API = '/api/v1';
const START = '2026-03-02T15:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
type Body = Record<string, unknown>;

interface HistoryEvent {
  id: number;
  at: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  details: Body;
}

const NAME = 'Ataata Testname';
const CONTACT = 'ataata.testname@example.org';


function harness(env: Record<string, string> = {}) {
  const h = {} as {
    t: TestApp;
    as(role: Role): Promise<Record<string, string>>;
    count(table: string): Promise<number>;
    snapshot(tag: string): Promise<unknown>;
    readyDevice(overrides?: Body): Promise<{ tag: string; serial: string; drives: string[] }>;
    register(body?: Body): Promise<string>;
    issue(tag: string, body: Body, role?: Role): Promise<Res>;
    history(tag: string): Promise<HistoryEvent[]>;
    device(tag: string, role?: Role): Promise<Body>;
  };
  beforeEach(async () => {
    h.t = await createTestApp({ env });
  });
  afterEach(async () => h.t.close());

  h.as = async (role) => bearer(await h.t.token(role));
  h.count = (table) => h.t.count(table);
  /** Everything a refused request must leave untouched. */
  h.snapshot = async (tag) => ({
    audit: await h.count('audit_events'),
    issuances: await h.count('issuances'),
    device: await h.t.row('select status, version, custody_cycle as "custodyCycle" from devices where asset_tag = ?', tag),
  });
  h.readyDevice = async (overrides = {}) => {
    const trainee = await h.as('trainee');
    const body = laptop(overrides);
    const intake = await h.t.http.post(`${API}/devices`).set(trainee).send(body);
    expect(intake.status).toBe(201);
    const tag = intake.body.device.assetTag as string;
    const drives = (intake.body.device.storage as Array<{ serialNumber: string }>).map((d) => d.serialNumber);
    for (const d of drives) expect((await h.t.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send(wipeBody(d))).status).toBe(201);
    const graded = await h.t.http
      .post(`${API}/devices/${tag}/grade`)
      .set(trainee)
      .send({ grade: 'A', specs: { cpu: 'i5-8350U', ramGb: 8, storageGb: 256, os: 'Linux Mint 22' } });
    expect(graded.status).toBe(201);
    expect(graded.body.device.status).toBe('ready');
    return { tag, serial: body['serialNumber'] as string, drives };
  };
  h.register = async (body = {}) => {
    const res = await h.t.http
      .post(`${API}/participants`)
      .set(await h.as('coordinator'))
      .send({ community: 'Chesterfield Inlet', displayName: NAME, contact: CONTACT, consent: { given: true, language: 'iu' }, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.participant.code as string;
  };
  h.issue = async (tag, body, role = 'coordinator') => h.t.http.post(`${API}/devices/${tag}/issue`).set(await h.as(role)).send(body);
  h.history = async (tag) => {
    // Coordinators see who held the device (the participant's code); trainees and staff do not.
    const res = await h.t.http.get(`${API}/devices/${tag}/history`).set(await h.as('coordinator'));
    expect(res.status).toBe(200);
    return res.body.events as HistoryEvent[];
  };
  h.device = async (tag, role = 'coordinator') => {
    const res = await h.t.http.get(`${API}/devices/${tag}`).set(await h.as(role));
    expect(res.status).toBe(200);
    return res.body.device as Body;
  };
  return h;
}

describe('POST /devices/{tag}/issue', () => {
  const h = harness();

  it('issues a ready device as a gift: 201 {issuance, device}, status issued, history device.issued with the participant code', async () => {
    const coordinator = await h.t.createUser('coord-issuer', 'coordinator');
    const { tag } = await h.readyDevice();
    const code = await h.register();

    const res = await h.t.http
      .post(`${API}/devices/${tag}/issue`)
      .set(bearer(coordinator.token))
      .send({ participantCode: code, kind: 'gift', accessories: ['charger', 'padded bag'], agreementAccepted: true, agreementLanguage: 'iu' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['device', 'issuance']);
    expect(res.body.issuance).toEqual({
      id: expect.any(Number),
      assetTag: tag,
      make: 'Lenovo',
      model: 'ThinkPad T480',
      participantCode: code,
      community: { name: 'Chesterfield Inlet', syllabics: 'ᐃᒡᓗᓕᒑᕐᔪᒃ' },
      kind: 'gift',
      dueDate: null,
      accessories: ['charger', 'padded bag'],
      agreementAccepted: true,
      agreementLanguage: 'iu',
      overrideReason: null,
      issuedBy: coordinator.id,
      issuedAt: START,
      returnedAt: null,
      returnCondition: null,
      personalDataRemoved: null,
      daysOverdue: 0,
    });
    expect(res.body.device).toMatchObject({ assetTag: tag, status: 'issued', custodyCycle: 1 });
    expect(res.body.device.allowedActions).toContain('return');
    expect(res.body.device.allowedActions).not.toContain('issue');
    expect(res.headers['etag']).toBe(`"v${res.body.device.version as number}"`);

    const events = await h.history(tag);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ action: 'device.issued', fromStatus: 'ready', toStatus: 'issued', at: START, actor: { id: coordinator.id, username: 'coord-issuer' } });
    expect(last.details).toMatchObject({ issuanceId: res.body.issuance.id, participantCode: code, kind: 'gift', dueDate: null, accessories: ['charger', 'padded bag'] });
    expect(events.filter((e) => e.action === 'device.issued')).toHaveLength(1);

    const one = await h.t.http.get(`${API}/issuances/${res.body.issuance.id}`).set(await h.as('staff'));
    expect(one.status).toBe(200);
    expect(one.body.issuance).toEqual(res.body.issuance);

    const verify = await h.t.http.get(`${API}/audit/verify`).set(await h.as('admin'));
    expect(verify.body.ok).toBe(true);
  });

  it('issues a loan with its due date (today is allowed), also by an admin', async () => {
    const { tag } = await h.readyDevice();
    const code = await h.register();
    const res = await h.issue(tag, { participantCode: code.toLowerCase(), kind: 'loan', dueDate: '2026-06-30', agreementAccepted: true }, 'admin');
    expect(res.status).toBe(201);
    expect(res.body.issuance).toMatchObject({ participantCode: code, kind: 'loan', dueDate: '2026-06-30', accessories: [], agreementLanguage: 'en', daysOverdue: 0 });
    expect(res.body.device.status).toBe('issued');
    const last = (await h.history(tag)).at(-1)!;
    expect(last.action).toBe('device.issued');
    expect(last.details).toMatchObject({ participantCode: code, kind: 'loan', dueDate: '2026-06-30' });

    const other = await h.readyDevice();
    const today = await h.issue(other.tag, { participantCode: await h.register(), kind: 'loan', dueDate: '2026-03-02', agreementAccepted: true });
    expect(today.status).toBe(201);
    expect(today.body.issuance.dueDate).toBe('2026-03-02');
  });

  it('refuses each invalid issue with its exact status and code, writing nothing', async () => {
    const { tag } = await h.readyDevice();
    const code = await h.register();
    const received = await h.t.http.post(`${API}/devices`).set(await h.as('trainee')).send(laptop());
    expect(received.status).toBe(201);
    const receivedTag = received.body.device.assetTag as string;

    const cases: Array<{ name: string; tag: string; body: Body; status: number; code: string; field?: string; extra?: Body }> = [
      {
        name: 'device not ready (received)',
        tag: receivedTag,
        body: { participantCode: code, kind: 'gift', agreementAccepted: true },
        status: 409,
        code: 'devices.invalid_transition',
        extra: { currentStatus: 'received', action: 'issue' },
      },
      { name: 'unknown participant', tag, body: { participantCode: 'P-009999', kind: 'gift', agreementAccepted: true }, status: 404, code: 'participants.not_found' },
      { name: 'loan without dueDate', tag, body: { participantCode: code, kind: 'loan', agreementAccepted: true }, status: 400, code: 'request.invalid', field: 'body.dueDate' },
      {
        name: 'gift with dueDate',
        tag,
        body: { participantCode: code, kind: 'gift', dueDate: '2026-06-30', agreementAccepted: true },
        status: 400,
        code: 'request.invalid',
        field: 'body.dueDate',
      },
      {
        name: 'dueDate in the past',
        tag,
        body: { participantCode: code, kind: 'loan', dueDate: '2026-03-01', agreementAccepted: true },
        status: 400,
        code: 'request.invalid',
        field: 'body.dueDate',
      },
      { name: 'dueDate not a date', tag, body: { participantCode: code, kind: 'loan', dueDate: '2026-02-30', agreementAccepted: true }, status: 400, code: 'request.invalid', field: 'body.dueDate' },
      { name: 'agreementAccepted missing', tag, body: { participantCode: code, kind: 'gift' }, status: 400, code: 'request.invalid', field: 'body.agreementAccepted' },
      { name: 'agreementAccepted false', tag, body: { participantCode: code, kind: 'gift', agreementAccepted: false }, status: 400, code: 'request.invalid', field: 'body.agreementAccepted' },
      { name: 'unknown kind', tag, body: { participantCode: code, kind: 'rental', agreementAccepted: true }, status: 400, code: 'request.invalid', field: 'body.kind' },
      {
        name: 'unknown property',
        tag,
        body: { participantCode: code, kind: 'gift', agreementAccepted: true, participantName: 'x' },
        status: 400,
        code: 'request.invalid',
        field: 'body.participantName',
      },
      { name: 'unknown agreement language', tag, body: { participantCode: code, kind: 'gift', agreementAccepted: true, agreementLanguage: 'de' }, status: 400, code: 'request.invalid', field: 'body.agreementLanguage' },
    ];

    for (const c of cases) {
      const before = { ready: await h.snapshot(tag), received: await h.snapshot(receivedTag) };
      const res = await h.issue(c.tag, c.body);
      expect(res.status, c.name).toBe(c.status);
      expect(res.body.code, c.name).toBe(c.code);
      if (c.field) expect(res.body.errors.map((e: { field: string }) => e.field), c.name).toContain(c.field);
      if (c.extra) expect(res.body, c.name).toMatchObject(c.extra);
      expect({ ready: await h.snapshot(tag), received: await h.snapshot(receivedTag) }, c.name).toEqual(before);
    }
    expect(await h.count('issuances')).toBe(0);
    expect((await h.device(tag)).status).toBe('ready');
    expect((await h.history(tag)).map((e) => e.action)).toEqual(['device.intake', 'device.sanitization_recorded', 'device.graded']);
  });

  it('refuses a second device to the same participant with 409 issuance.participant_has_device unless an override reason is given, and keeps the reason', async () => {
    const first = await h.readyDevice();
    const second = await h.readyDevice();
    const code = await h.register();
    const held = await h.issue(first.tag, { participantCode: code, kind: 'gift', agreementAccepted: true });
    expect(held.status).toBe(201);

    const before = await h.snapshot(second.tag);
    const refused = await h.issue(second.tag, { participantCode: code, kind: 'loan', dueDate: '2026-05-01', agreementAccepted: true });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('issuance.participant_has_device');
    expect(refused.body.heldIssuances).toEqual([held.body.issuance.id]);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.overrideReason']);
    expect(await h.snapshot(second.tag)).toEqual(before);

    const note = 'First laptop is for the family; this one is for the course';
    const accepted = await h.issue(second.tag, { participantCode: code, kind: 'loan', dueDate: '2026-05-01', agreementAccepted: true, overrideReason: 'second_device_household', overrideNote: note });
    expect(accepted.status).toBe(201);
    expect(accepted.body.issuance.overrideReason).toBe('second_device_household');
    expect(JSON.stringify(accepted.body)).not.toContain(note);
    expect(accepted.body.device.status).toBe('issued');

    const stored = await h.t.http.get(`${API}/issuances/${accepted.body.issuance.id}`).set(await h.as('coordinator'));
    expect(stored.body.issuance.overrideReason).toBe('second_device_household');
    // The history holds the code, never the note: coordinators see the participant's code, trainees and staff not even that.
    for (const role of ['trainee', 'staff'] as const) {
      const res = await h.t.http.get(`${API}/devices/${second.tag}/history`).set(await h.as(role));
      expect(res.body.events.at(-1).details, role).not.toHaveProperty('participantCode');
      expect(res.body.events.at(-1).details, role).not.toHaveProperty('community');
    }
    const forCoordinator = await h.t.http.get(`${API}/devices/${second.tag}/history`).set(await h.as('coordinator'));
    expect(forCoordinator.body.events.at(-1).details).toMatchObject({ participantCode: code, overrideReason: 'second_device_household' });
    expect(JSON.stringify(forCoordinator.body)).not.toContain(note);
    // The note sits with the participant's personal data: coordinators read it there, and the read is logged.
    const person = await h.t.http.get(`${API}/participants/${code}`).set(await h.as('coordinator'));
    expect(person.body.participant.personalData.notes).toEqual([expect.objectContaining({ issuanceId: accepted.body.issuance.id, note })]);
    const staffView = await h.t.http.get(`${API}/participants/${code}`).set(await h.as('staff'));
    expect(JSON.stringify(staffView.body)).not.toContain(note);
  });

  it('refuses free text as an override reason, and a note without a reason code', async () => {
    const first = await h.readyDevice();
    const second = await h.readyDevice();
    const code = await h.register();
    expect((await h.issue(first.tag, { participantCode: code, kind: 'gift', agreementAccepted: true })).status).toBe(201);
    const text = await h.issue(second.tag, { participantCode: code, kind: 'gift', agreementAccepted: true, overrideReason: 'for her daughter' });
    expect(text.status).toBe(400);
    expect(text.body.errors).toEqual([expect.objectContaining({ field: 'body.overrideReason' })]);
    const noteOnly = await h.issue(second.tag, { participantCode: code, kind: 'gift', agreementAccepted: true, overrideNote: 'for her daughter' });
    expect(noteOnly.status).toBe(400);
    expect(noteOnly.body.errors).toEqual([expect.objectContaining({ field: 'body.overrideReason' })]);
  });

  it('lets exactly one of two concurrent issues of one device win; the other gets 409', async () => {
    const { tag } = await h.readyDevice();
    const a = await h.register();
    const b = await h.register();
    const coordinator = await h.as('coordinator');
    const admin = await h.as('admin');
    const results = await Promise.all([
      h.t.http.post(`${API}/devices/${tag}/issue`).set(coordinator).send({ participantCode: a, kind: 'gift', agreementAccepted: true }),
      h.t.http.post(`${API}/devices/${tag}/issue`).set(admin).send({ participantCode: b, kind: 'gift', agreementAccepted: true }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.code).toBe('devices.invalid_transition');
    const winner = results.find((r) => r.status === 201)!;
    expect(await h.count('issuances')).toBe(1);
    const issued = (await h.history(tag)).filter((e) => e.action === 'device.issued');
    expect(issued).toHaveLength(1);
    expect(issued[0]!.details['participantCode']).toBe(winner.body.issuance.participantCode);
  });

  it('gives trainees 403 on issue, return and issuances, and staff 403 on issue, return and handover, even with invalid bodies', async () => {
    const { tag } = await h.readyDevice();
    const code = await h.register();
    const issued = await h.issue(tag, { participantCode: code, kind: 'gift', agreementAccepted: true });
    expect(issued.status).toBe(201);
    const id = issued.body.issuance.id as number;
    const other = await h.readyDevice();
    const good = { participantCode: code, kind: 'gift', agreementAccepted: true, overrideReason: 'other' };

    await h.as('staff');
    const before = { a: await h.snapshot(tag), b: await h.snapshot(other.tag) };
    const attempts: Array<[Role, string, (auth: Record<string, string>) => Promise<Res>]> = [];
    for (const role of ['trainee', 'staff'] as const) {
      attempts.push(
        [role, 'issue', (auth) => h.t.http.post(`${API}/devices/${other.tag}/issue`).set(auth).send(good)],
        [role, 'issue (invalid body)', (auth) => h.t.http.post(`${API}/devices/${other.tag}/issue`).set(auth).send({ kind: 'rental' })],
        [role, 'return', (auth) => h.t.http.post(`${API}/devices/${tag}/return`).set(auth).send({ condition: 'good' })],
        [role, 'return (invalid body)', (auth) => h.t.http.post(`${API}/devices/${tag}/return`).set(auth).send({ condition: 'melted' })],
        [role, 'handover.pdf', (auth) => h.t.http.get(`${API}/issuances/${id}/handover.pdf`).set(auth)],
      );
    }
    attempts.push(
      ['trainee', 'GET /issuances', (auth) => h.t.http.get(`${API}/issuances`).set(auth)],
      ['trainee', 'GET /issuances?status=loan-overdue', (auth) => h.t.http.get(`${API}/issuances?status=loan-overdue`).set(auth)],
      ['trainee', 'GET /issuances/{id}', (auth) => h.t.http.get(`${API}/issuances/${id}`).set(auth)],
    );
    for (const [role, name, attempt] of attempts) {
      const res = await attempt(await h.as(role));
      expect(res.status, `${role} ${name}`).toBe(403);
      expect(res.body.code, `${role} ${name}`).toBe('auth.forbidden');
    }
    expect({ a: await h.snapshot(tag), b: await h.snapshot(other.tag) }).toEqual(before);

    const staffList = await h.t.http.get(`${API}/issuances`).set(await h.as('staff'));
    expect(staffList.status).toBe(200);
    expect(staffList.body.items.map((i: { id: number }) => i.id)).toEqual([id]);
  });

  it('never puts the participant’s name or contact in device responses, device lists, history or issuance views', async () => {
    const { tag, serial } = await h.readyDevice();
    const code = await h.register();
    const texts: Array<[string, string]> = [];
    const issued = await h.issue(tag, { participantCode: code, kind: 'loan', dueDate: '2026-04-01', agreementAccepted: true });
    expect(issued.status).toBe(201);
    texts.push(['issue response', issued.text]);
    for (const role of ['trainee', 'coordinator', 'staff', 'admin'] as const) {
      const auth = await h.as(role);
      for (const path of [`/devices/${tag}`, `/devices/${serial}`, `/devices/${tag}/history`, `/devices?status=issued`, `/devices?q=${tag}`]) {
        const res = await h.t.http.get(`${API}${path}`).set(auth);
        expect(res.status, `${role} ${path}`).toBe(200);
        texts.push([`${role} ${path}`, res.text]);
      }
      const scan = await h.t.http.post(`${API}/scans`).set(auth).send({ code: tag });
      expect(scan.status, `${role} scan`).toBe(200);
      texts.push([`${role} scan`, scan.text]);
    }
    for (const role of ['coordinator', 'staff'] as const) {
      const res = await h.t.http.get(`${API}/issuances?status=active`).set(await h.as(role));
      expect(res.status).toBe(200);
      texts.push([`${role} issuances`, res.text]);
    }
    const returned = await h.t.http.post(`${API}/devices/${tag}/return`).set(await h.as('coordinator')).send({ condition: 'good', personalDataRemoved: true });
    expect(returned.status).toBe(200);
    texts.push(['return response', returned.text]);
    const after = await h.t.http.get(`${API}/devices/${tag}/history`).set(await h.as('coordinator'));
    texts.push(['history after return', after.text]);
    texts.push(['audit_events table', JSON.stringify(await h.t.rows('select * from audit_events'))]);

    for (const [where, text] of texts) {
      expect(text, where).not.toContain(NAME);
      expect(text, where).not.toContain('Testname');
      expect(text, where).not.toContain(CONTACT);
    }
    // The history does name the participant, by code.
    expect(after.text).toContain(code);
  });
});

describe('docs/domain.md §2 invariant 1: no issue without a passing wipe of every drive in the current custody cycle', () => {
  const h = harness();

  it('sends a ready device with a drive registered late back to received, where it cannot be issued until that drive passes', async () => {
    const { tag } = await h.readyDevice();
    const code = await h.register();
    const late = await h.t.http.post(`${API}/devices/${tag}/storage`).set(await h.as('trainee')).send({ serialNumber: 'LATE-HDD-01', kind: 'hdd', capacityGb: 500 });
    expect(late.status).toBe(201);
    expect(late.body.device.status).toBe('received');
    expect(late.body.device.sanitized).toBe(false);
    expect((await h.device(tag)).allowedActions).not.toContain('issue');

    const before = await h.snapshot(tag);
    const refused = await h.issue(tag, { participantCode: code, kind: 'gift', agreementAccepted: true });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'devices.invalid_transition', currentStatus: 'received', action: 'issue' });
    expect(await h.snapshot(tag)).toEqual(before);
    expect(await h.count('issuances')).toBe(0);

    const wiped = await h.t.http.post(`${API}/devices/${tag}/sanitizations`).set(await h.as('trainee')).send(wipeBody('LATE-HDD-01', { method: 'clear', technique: 'overwrite' }));
    expect(wiped.status).toBe(201);
    expect(wiped.body.device.status).toBe('sanitized');
    expect((await h.t.http.post(`${API}/devices/${tag}/grade`).set(await h.as('trainee')).send({ grade: 'B' })).body.device.status).toBe('ready');
    const ok = await h.issue(tag, { participantCode: code, kind: 'gift', agreementAccepted: true });
    expect(ok.status).toBe(201);
  });

  it('after a return the device is received in a new custody cycle with pending drives, refuses old-cycle wipes, and can be reissued once wiped and graded again', async () => {
    const { tag, drives } = await h.readyDevice();
    const first = await h.register();
    const second = await h.register({ community: 'Arviat' });
    const coordinator = await h.as('coordinator');
    const trainee = await h.as('trainee');

    const loan = await h.issue(tag, { participantCode: first, kind: 'loan', dueDate: '2026-04-30', agreementAccepted: true });
    expect(loan.status).toBe(201);
    h.t.clock.advance(2 * HOUR);
    const returnedAt = h.t.clock.now().toISOString();
    const back = await h.t.http.post(`${API}/devices/${tag}/return`).set(coordinator).send({ condition: 'good', personalDataRemoved: false });
    expect(back.status).toBe(200);
    expect(back.body.device).toMatchObject({ status: 'received', custodyCycle: 2, sanitized: false });
    expect(back.body.device.storage.map((d: { sanitizationState: string }) => d.sanitizationState)).toEqual(drives.map(() => 'pending'));
    expect(back.body.device.allowedActions).not.toContain('issue');

    h.t.clock.advance(HOUR);
    // Not issuable, not gradable.
    const before = await h.snapshot(tag);
    const reissue = await h.issue(tag, { participantCode: second, kind: 'gift', agreementAccepted: true });
    expect(reissue.status).toBe(409);
    expect(reissue.body.code).toBe('devices.invalid_transition');
    const grade = await h.t.http.post(`${API}/devices/${tag}/grade`).set(trainee).send({ grade: 'A' });
    expect(grade.status).toBe(409);
    expect(await h.snapshot(tag)).toEqual(before);

    // A wipe completed before the return belongs to the earlier custody cycle.
    const stale = await h.t.http
      .post(`${API}/devices/${tag}/sanitizations`)
      .set(trainee)
      .send(wipeBody(drives[0]!, { completedAt: new Date(Date.parse(returnedAt) - MINUTE).toISOString() }));
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('sanitizations.before_custody_cycle');
    expect(await h.snapshot(tag)).toEqual(before);

    const fresh = await h.t.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send(wipeBody(drives[0]!));
    expect(fresh.status).toBe(201);
    expect(fresh.body.device.status).toBe('sanitized');
    expect(fresh.body.sanitization.custodyCycle).toBe(2);
    const regraded = await h.t.http.post(`${API}/devices/${tag}/grade`).set(trainee).send({ grade: 'B' });
    expect(regraded.status).toBe(201);
    expect(regraded.body.device.status).toBe('ready');

    const again = await h.issue(tag, { participantCode: second, kind: 'gift', agreementAccepted: true });
    expect(again.status).toBe(201);
    expect(again.body.device).toMatchObject({ status: 'issued', custodyCycle: 2 });
    expect(await h.count('issuances')).toBe(2);

    expect((await h.history(tag)).map((e) => [e.action, e.toStatus, e.details['participantCode'] ?? null])).toEqual([
      ['device.intake', 'received', null],
      ['device.sanitization_recorded', 'sanitized', null],
      ['device.graded', 'ready', null],
      ['device.issued', 'issued', first],
      ['device.returned', 'received', first],
      ['device.sanitization_recorded', 'sanitized', null],
      ['device.graded', 'ready', null],
      ['device.issued', 'issued', second],
    ]);
    const verify = await h.t.http.get(`${API}/audit/verify`).set(await h.as('admin'));
    expect(verify.body.ok).toBe(true);
  });
});

describe('POST /devices/{tag}/return', () => {
  const h = harness();

  it('takes a device back: 200 {device} received, the issuance gets returnedAt, condition and personal-data confirmation, history device.returned', async () => {
    const { tag } = await h.readyDevice();
    const code = await h.register();
    const issued = await h.issue(tag, { participantCode: code, kind: 'loan', dueDate: '2026-05-15', accessories: ['charger'], agreementAccepted: true });
    expect(issued.status).toBe(201);
    h.t.clock.advance(3 * HOUR);

    const res = await h.t.http
      .post(`${API}/devices/${tag}/return`)
      .set(await h.as('admin'))
      .send({ condition: 'fair', personalDataRemoved: true, notes: 'Scratch on the lid' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['device']);
    expect(res.body.device).toMatchObject({ assetTag: tag, status: 'received', custodyCycle: 2, sanitized: false });
    expect(res.headers['etag']).toBe(`"v${res.body.device.version as number}"`);

    const issuance = await h.t.http.get(`${API}/issuances/${issued.body.issuance.id}`).set(await h.as('coordinator'));
    expect(issuance.status).toBe(200);
    expect(issuance.body.issuance).toMatchObject({
      returnedAt: '2026-03-02T18:00:00.000Z',
      returnCondition: 'fair',
      personalDataRemoved: true,
      daysOverdue: 0,
    });

    const last = (await h.history(tag)).at(-1)!;
    expect(last).toMatchObject({ action: 'device.returned', fromStatus: 'issued', toStatus: 'received', at: '2026-03-02T18:00:00.000Z' });
    expect(last.details).toMatchObject({ issuanceId: issued.body.issuance.id, participantCode: code, condition: 'fair', personalDataRemoved: true });
  });

  it('refuses to return a device that is not issued with 409 devices.invalid_transition, writing nothing', async () => {
    const { tag } = await h.readyDevice();
    const coordinator = await h.as('coordinator');
    let before = await h.snapshot(tag);
    const notIssued = await h.t.http.post(`${API}/devices/${tag}/return`).set(coordinator).send({ condition: 'good' });
    expect(notIssued.status).toBe(409);
    expect(notIssued.body).toMatchObject({ code: 'devices.invalid_transition', currentStatus: 'ready', action: 'return' });
    expect(await h.snapshot(tag)).toEqual(before);

    // Returned once: a second return is refused too.
    const code = await h.register();
    expect((await h.issue(tag, { participantCode: code, kind: 'gift', agreementAccepted: true })).status).toBe(201);
    expect((await h.t.http.post(`${API}/devices/${tag}/return`).set(coordinator).send({})).status).toBe(200);
    before = await h.snapshot(tag);
    const twice = await h.t.http.post(`${API}/devices/${tag}/return`).set(coordinator).send({ condition: 'good' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'devices.invalid_transition', currentStatus: 'received' });
    expect(await h.snapshot(tag)).toEqual(before);

    const badCondition = await h.t.http.post(`${API}/devices/${tag}/return`).set(coordinator).send({ condition: 'melted' });
    expect(badCondition.status).toBe(400);
    expect(badCondition.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.condition']);
  });
});

describe('GET /issuances', () => {
  // Long sessions: these tests move the clock days ahead.
  const h = harness({ SESSION_TTL_HOURS: '2160' });

  it('lists open loans past their due date for status=loan-overdue, with daysOverdue; active and returned filter too', async () => {
    const devices = [await h.readyDevice(), await h.readyDevice(), await h.readyDevice(), await h.readyDevice()];
    const [overdueCode, returnedCode, giftCode, laterCode] = [await h.register(), await h.register(), await h.register(), await h.register()];
    const overdue = await h.issue(devices[0]!.tag, { participantCode: overdueCode, kind: 'loan', dueDate: '2026-03-10', agreementAccepted: true });
    const returned = await h.issue(devices[1]!.tag, { participantCode: returnedCode, kind: 'loan', dueDate: '2026-03-05', agreementAccepted: true });
    const gift = await h.issue(devices[2]!.tag, { participantCode: giftCode, kind: 'gift', agreementAccepted: true });
    const later = await h.issue(devices[3]!.tag, { participantCode: laterCode, kind: 'loan', dueDate: '2026-04-30', agreementAccepted: true });
    for (const r of [overdue, returned, gift, later]) expect(r.status).toBe(201);
    const id = (r: Res) => r.body.issuance.id as number;

    const list = async (query: string, role: Role = 'coordinator') => {
      const res = await h.t.http.get(`${API}/issuances${query}`).set(await h.as(role));
      expect(res.status, query).toBe(200);
      return res.body.items as Array<{ id: number; daysOverdue: number; kind: string; returnedAt: string | null }>;
    };

    expect(await list('?status=loan-overdue')).toEqual([]);

    h.t.clock.set('2026-03-04T12:00:00.000Z');
    expect((await h.t.http.post(`${API}/devices/${devices[1]!.tag}/return`).set(await h.as('coordinator')).send({ condition: 'good' })).status).toBe(200);

    // On the due date itself a loan is not overdue yet.
    h.t.clock.set('2026-03-10T23:30:00.000Z');
    expect(await list('?status=loan-overdue')).toEqual([]);

    h.t.clock.set('2026-03-11T08:00:00.000Z');
    const dayAfter = await list('?status=loan-overdue');
    expect(dayAfter.map((i) => [i.id, i.daysOverdue])).toEqual([[id(overdue), 1]]);

    h.t.clock.set('2026-03-15T12:00:00.000Z');
    const five = await list('?status=loan-overdue', 'staff');
    expect(five).toHaveLength(1);
    expect(five[0]).toMatchObject({ id: id(overdue), kind: 'loan', dueDate: '2026-03-10', returnedAt: null, daysOverdue: 5, participantCode: overdueCode, assetTag: devices[0]!.tag });

    expect((await list('?status=active')).map((i) => i.id)).toEqual([id(overdue), id(gift), id(later)]);
    expect((await list('?status=returned')).map((i) => i.id)).toEqual([id(returned)]);
    const all = await list('');
    expect(all.map((i) => i.id)).toEqual([id(overdue), id(returned), id(gift), id(later)]);
    // daysOverdue is 0 for everything but the open overdue loan.
    expect(all.map((i) => i.daysOverdue)).toEqual([5, 0, 0, 0]);

    // Paging keeps the filter.
    const page1 = await h.t.http.get(`${API}/issuances?status=active&limit=2`).set(await h.as('admin'));
    expect(page1.body.items.map((i: { id: number }) => i.id)).toEqual([id(overdue), id(gift)]);
    const page2 = await h.t.http.get(`${API}/issuances?status=active&limit=2&cursor=${encodeURIComponent(page1.body.nextCursor as string)}`).set(await h.as('admin'));
    expect(page2.body.items.map((i: { id: number }) => i.id)).toEqual([id(later)]);
    expect(page2.body.nextCursor).toBeNull();

    // Once the overdue loan comes back, it leaves the list.
    expect((await h.t.http.post(`${API}/devices/${devices[0]!.tag}/return`).set(await h.as('coordinator')).send({ condition: 'poor' })).status).toBe(200);
    expect(await list('?status=loan-overdue')).toEqual([]);
  });

  it('lists one participant’s issuances for participant=<code> (any case, with a status too), each with the device’s make and model', async () => {
    const devices = [await h.readyDevice(), await h.readyDevice({ make: 'Dell', model: 'Latitude 5490' }), await h.readyDevice()];
    const [mine, other] = [await h.register(), await h.register()];
    const first = await h.issue(devices[0]!.tag, { participantCode: mine, kind: 'loan', dueDate: '2026-05-31', agreementAccepted: true });
    const theirs = await h.issue(devices[2]!.tag, { participantCode: other, kind: 'gift', agreementAccepted: true });
    expect((await h.t.http.post(`${API}/devices/${devices[0]!.tag}/return`).set(await h.as('coordinator')).send({ condition: 'good' })).status).toBe(200);
    const second = await h.issue(devices[1]!.tag, { participantCode: mine, kind: 'gift', agreementAccepted: true });
    for (const r of [first, theirs, second]) expect(r.status).toBe(201);
    expect(second.body.issuance).toMatchObject({ make: 'Dell', model: 'Latitude 5490' });

    const list = async (query: string) => {
      const res = await h.t.http.get(`${API}/issuances${query}`).set(await h.as('staff'));
      expect(res.status, query).toBe(200);
      return res.body.items as Array<{ id: number; participantCode: string; make: string; model: string }>;
    };
    const mineAll = await list(`?participant=${mine.toLowerCase()}`);
    expect(mineAll.map((i) => i.id)).toEqual([first.body.issuance.id, second.body.issuance.id]);
    expect(mineAll.map((i) => `${i.make} ${i.model}`)).toEqual(['Lenovo ThinkPad T480', 'Dell Latitude 5490']);
    expect((await list(`?participant=${mine}&status=active`)).map((i) => i.id)).toEqual([second.body.issuance.id]);
    expect((await list(`?participant=${other}`)).map((i) => i.participantCode)).toEqual([other]);
    expect(await list('?participant=P-999999')).toEqual([]);
    const tooLong = await h.t.http.get(`${API}/issuances?participant=${'P'.repeat(21)}`).set(await h.as('staff'));
    expect(tooLong.status).toBe(400);
  });

  it('refuses an unknown status filter with 400, and an unknown issuance with 404 issuance.not_found', async () => {
    const bad = await h.t.http.get(`${API}/issuances?status=lost`).set(await h.as('coordinator'));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('request.invalid');
    const missing = await h.t.http.get(`${API}/issuances/424242`).set(await h.as('coordinator'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('issuance.not_found');
  });
});
