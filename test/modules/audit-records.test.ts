/**
 * The audit chain covers the records, and anchors kept outside the database
 * cover the chain (docs/domain.md §2 invariant 3, §4 GET /audit/verify). Every attack
 * here is made the way an attacker with the database file (or the database
 * server) would: straight through SQL, lifting the append-only triggers first.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { appendAnchor, readAnchors } from '../../src/modules/audit/anchors.js';
import { chainHash } from '../../src/modules/audit-log/audit.repository.js';
import { currentRecordHashes, type RecordTable } from '../../src/modules/audit/record-hashes.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, TEST_ENGINE, wipeBody, type TestApp, type TestAppOptions } from '../helpers.js';
import { binary } from '../support/documents.js';
import { createTestDatabase } from '../support/pg.js';

const API = '/api/v1';
type Body = Record<string, unknown>;

interface EventRow {
  id: number;
  entity_type: string;
  entity_id: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  actor_user_id: number | null;
  at: string;
  details: string;
  records: string | null;
  prev_hash: string;
  hash: string;
}
interface Ref {
  table: RecordTable;
  id: number;
  sha256: string;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-records-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What the scenario below leaves behind, by id. */
interface Story {
  tag: string;
  deviceId: number;
  code: string;
  failedRecordId: number;
  passedRecordId: number;
  verificationId: number;
  gradingId: number;
  issuanceId: number;
  repairId: number;
  shipmentId: number;
}

/** A fresh app per test; `database` gives it a database of the test's own (and drops it after). */
function harness(database?: () => Promise<{ options: TestAppOptions; drop?: () => Promise<void> }>) {
  const h = { t: undefined as unknown as TestApp };
  let drop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const own = database ? await database() : { options: {} };
    drop = own.drop;
    h.t = await createTestApp(own.options);
  });
  afterEach(async () => {
    await h.t.close();
    await drop?.();
  });
  return h;
}

const as = async (t: TestApp, role: Role) => bearer(await t.token(role));

async function post(t: TestApp, url: string, body: Body, role: Role = 'trainee') {
  const res = await t.http
    .post(`${API}${url}`)
    .set(await as(t, role))
    .send(body);
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body as Body & Record<string, Record<string, unknown>>;
}

async function verify(t: TestApp, anchor?: string) {
  const res = await t.http.get(`${API}/audit/verify${anchor === undefined ? '' : `?anchor=${anchor}`}`).set(await as(t, 'admin'));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { ok: boolean; events: number; head?: { id: number; hash: string }; brokenAt?: { id: number; reason: string }; reason?: string; record?: { table: string; id: number } };
}

/**
 * One device through most of its life (a failed wipe, a passing one checked by
 * a second person, a grade, an issue to a participant and a return with
 * notes), a second one repaired, and a third on a recycling shipment with a
 * bulk line.
 */
async function story(t: TestApp): Promise<Story> {
  const intake = await post(t, '/devices', laptop());
  const tag = intake['device']!['assetTag'] as string;
  const drive = (intake['device']!['storage'] as Array<{ serialNumber: string }>)[0]!.serialNumber;
  const failed = await post(t, `/devices/${tag}/sanitizations`, wipeBody(drive, { result: 'failed' }));
  const passed = await post(t, `/devices/${tag}/sanitizations`, wipeBody(drive));
  const verificationId = passed['sanitization']!['verificationId'] as number;
  expect(verificationId, 'the first passing wipe is always drawn').toBeGreaterThan(0);
  await post(t, `/sanitization-verifications/${verificationId}`, { result: 'passed', notes: 'spot-checked three sectors' }, 'coordinator');
  const graded = await post(t, `/devices/${tag}/grade`, { grade: 'B' });
  const participant = await post(
    t,
    '/participants',
    { community: 'Chesterfield Inlet', displayName: 'Test Person', contact: '867-555-0100', consent: { given: true, language: 'iu' } },
    'coordinator',
  );
  const code = participant['participant']!['code'] as string;
  const issued = await post(t, `/devices/${tag}/issue`, { participantCode: code, kind: 'gift', agreementAccepted: true }, 'coordinator');
  await post(t, `/devices/${tag}/return`, { condition: 'good', personalDataRemoved: true, notes: 'returned by a cousin' }, 'coordinator');

  const second = await post(t, '/devices', laptop());
  const tag2 = second['device']!['assetTag'] as string;
  await post(t, `/devices/${tag2}/sanitizations`, wipeBody((second['device']!['storage'] as Array<{ serialNumber: string }>)[0]!.serialNumber));
  const repair = await post(t, `/devices/${tag2}/repairs`, { description: 'fan replaced', minutes: 20 });
  const repairId = repair['repair']!['id'] as number;
  await post(t, `/devices/${tag2}/repairs/${repairId}/complete`, { outcome: 'fixed', minutes: 5 });

  const third = await post(t, '/devices', laptop());
  const tag3 = third['device']!['assetTag'] as string;
  await post(t, `/devices/${tag3}/sanitizations`, wipeBody((third['device']!['storage'] as Array<{ serialNumber: string }>)[0]!.serialNumber, { method: 'destroy', technique: 'shred' }));
  await post(t, `/devices/${tag3}/grade`, { grade: 'D' });
  const recycler = await post(t, '/recyclers', { name: 'Southern E-Cycle', certification: 'R2' }, 'coordinator');
  const shipment = await post(t, '/shipments', { recyclerId: recycler['recycler']!['id'], mode: 'sealift' }, 'coordinator');
  const shipmentId = shipment['shipment']!['id'] as number;
  await post(t, `/shipments/${shipmentId}/devices`, { assetTag: tag3 }, 'coordinator');
  await post(t, `/shipments/${shipmentId}/bulk-lines`, { category: 'cables', weightGrams: 4200, units: 30 }, 'coordinator');

  return {
    tag,
    deviceId: (await t.row<{ id: number }>('select id from devices where asset_tag = ?', tag))!.id,
    code,
    failedRecordId: failed['sanitization']!['id'] as number,
    passedRecordId: passed['sanitization']!['id'] as number,
    verificationId,
    gradingId: graded['grading']!['id'] as number,
    issuanceId: issued['issuance']!['id'] as number,
    repairId,
    shipmentId,
  };
}

const events = (t: TestApp) => t.rows<EventRow>('select * from audit_events order by id');
const refs = (e: EventRow): Ref[] => (e.records === null ? [] : (JSON.parse(e.records) as Ref[]));
const namedBy = async (t: TestApp, table: RecordTable, id: number) => (await events(t)).filter((e) => refs(e).some((r) => r.table === table && r.id === id));
const sql = (t: TestApp, statement: string, ...params: unknown[]) => t.exec(statement, ...params);

/** As an attacker would: every trigger on the table goes first. */
const dropTriggers = (t: TestApp, table: string) => t.dropGuards(table);

/** The attacker's full rewrite: every event from `fromId` on re-hashed with the service's own chain function. */
async function rechain(t: TestApp, fromId: number): Promise<void> {
  await dropTriggers(t, 'audit_events');
  const all = await events(t);
  let prev = all.find((e) => e.id === fromId - 1)?.hash ?? '0'.repeat(64);
  for (const e of all.filter((x) => x.id >= fromId)) {
    const hash = chainHash(prev, {
      id: e.id,
      entityType: e.entity_type,
      entityId: e.entity_id,
      action: e.action,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      actorUserId: e.actor_user_id,
      at: e.at,
      details: e.details,
      records: e.records,
    });
    await sql(t, 'update audit_events set prev_hash = ?, hash = ? where id = ?', prev, hash, e.id);
    prev = hash;
  }
}

describe('the audit chain covers the records', () => {
  const h = harness();

  it('names, in each event that creates or changes a record, the record and its SHA-256; an untouched history verifies with its head', async () => {
    const s = await story(h.t);
    const all = await events(h.t);
    const res = await verify(h.t);
    expect(res).toEqual({ ok: true, events: all.length, head: { id: all.at(-1)!.id, hash: all.at(-1)!.hash } });

    const actionsNaming = async (table: RecordTable, id: number) => (await namedBy(h.t, table, id)).map((e) => e.action);
    expect(await actionsNaming('sanitization_records', s.failedRecordId)).toEqual(['device.sanitization_recorded']);
    expect(await actionsNaming('sanitization_verifications', s.verificationId)).toEqual(['device.sanitization_recorded', 'device.sanitization_verified']);
    expect(await actionsNaming('gradings', s.gradingId)).toEqual(['device.graded']);
    expect(await actionsNaming('issuances', s.issuanceId)).toEqual(['device.issued', 'device.returned']);
    expect(await actionsNaming('repairs', s.repairId)).toEqual(['device.repair_opened', 'device.repair_completed']);
    expect(await actionsNaming('shipments', s.shipmentId)).toEqual(['shipment.created', 'shipment.device_added', 'shipment.bulk_line_added']);
    // The device itself on every change of it.
    const deviceId = (await h.t.row<{ id: number }>('select id from devices where asset_tag = ?', s.tag))!.id;
    const deviceEvents = all.filter((e) => e.entity_type === 'device' && e.entity_id === s.tag);
    expect(deviceEvents.length).toBeGreaterThanOrEqual(7);
    for (const e of deviceEvents) expect(refs(e).find((r) => r.table === 'devices')?.id, e.action).toBe(deviceId);
    for (const e of all) for (const r of refs(e)) expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the sanitization record whose result was changed from failed to passed', async () => {
    const s = await story(h.t);
    const [recorded] = await namedBy(h.t, 'sanitization_records', s.failedRecordId);
    await dropTriggers(h.t, 'sanitization_records');
    await sql(h.t, "update sanitization_records set result = 'passed' where id = ?", s.failedRecordId);

    const res = await verify(h.t);
    expect(res).toMatchObject({
      ok: false,
      brokenAt: { id: recorded!.id, reason: 'record_mismatch' },
      reason: 'record_mismatch',
      record: { table: 'sanitization_records', id: s.failedRecordId },
    });
    expect(res.head).toBeUndefined();
  });

  it.each<[string, RecordTable, (s: Story) => number, (t: TestApp, s: Story) => Promise<void>]>([
    ['a completed second-person check turned to failed', 'sanitization_verifications', (s) => s.verificationId, (t, s) => sql(t, "update sanitization_verifications set status = 'failed' where id = ?", s.verificationId)],
    ['a grade raised', 'gradings', (s) => s.gradingId, (t, s) => sql(t, "update gradings set grade = 'A' where id = ?", s.gradingId)],
    ['a return condition changed', 'issuances', (s) => s.issuanceId, (t, s) => sql(t, "update issuances set return_condition = 'damaged' where id = ?", s.issuanceId)],
    ['a repair outcome changed', 'repairs', (s) => s.repairId, (t, s) => sql(t, "update repairs set outcome = 'parts_harvested' where id = ?", s.repairId)],
    ['a bulk line lightened', 'shipments', (s) => s.shipmentId, (t, s) => sql(t, 'update shipment_bulk_lines set weight_grams = 42000 where shipment_id = ?', s.shipmentId)],
    [
      'a bulk line slipped into a shipment',
      'shipments',
      (s) => s.shipmentId,
      (t, s) => sql(t, "insert into shipment_bulk_lines (shipment_id, category, weight_grams, units, added_by, added_at) values (?, 'batteries', 900, 2, 1, '2026-03-02T15:00:00.000Z')", s.shipmentId),
    ],
    ['a device set to ready', 'devices', (s) => s.deviceId, (t, s) => sql(t, "update devices set status = 'ready' where id = ?", s.deviceId)],
    ['a drive serial rewritten', 'devices', (s) => s.deviceId, (t, s) => sql(t, "update storage_drives set serial_number = 'FORGED' where device_id = (select id from devices where asset_tag = ?)", s.tag)],
  ])('names the latest event of a record changed behind its back: %s', async (_label, table, idOf, tamper) => {
    const s = await story(h.t);
    const id = idOf(s);
    const latest = (await namedBy(h.t, table, id)).at(-1)!;
    for (const t of ['sanitization_records', 'sanitization_verifications', 'gradings', 'issuances', 'repairs', 'shipments', 'shipment_bulk_lines', 'devices', 'storage_drives']) await dropTriggers(h.t, t);
    await tamper(h.t, s);
    const res = await verify(h.t);
    expect(res).toMatchObject({ ok: false, brokenAt: { id: latest.id, reason: 'record_mismatch' }, reason: 'record_mismatch', record: { table, id } });
  });

  it('reports a named record that was deleted as record_missing, and a record no event accounts for as record_unaccounted', async () => {
    const s = await story(h.t);
    await dropTriggers(h.t, 'sanitization_records');
    // A forged passing record, a copy of the failed one: no event ever named it.
    await sql(
      h.t,
      "insert into sanitization_records (device_id, drive_id, custody_cycle, storage_serial, standard, method, technique, tool, tool_version, verification, result, started_at, completed_at, report_sha256, notes, technician_id, created_at) select device_id, drive_id, custody_cycle, storage_serial, standard, method, technique, tool, tool_version, verification, 'passed', started_at, completed_at, report_sha256, notes, technician_id, created_at from sanitization_records where id = ?",
      s.failedRecordId,
    );
    const forged = (await h.t.row<{ id: number }>('select max(id) as id from sanitization_records'))!.id;
    const unaccounted = await verify(h.t);
    expect(unaccounted).toMatchObject({ ok: false, reason: 'record_unaccounted', record: { table: 'sanitization_records', id: forged } });

    await sql(h.t, 'delete from sanitization_records where id = ?', forged);
    expect((await verify(h.t)).ok).toBe(true);
    await sql(h.t, 'delete from sanitization_records where id = ?', s.failedRecordId);
    const [recorded] = await namedBy(h.t, 'sanitization_records', s.failedRecordId);
    expect(await verify(h.t)).toMatchObject({ ok: false, brokenAt: { id: recorded!.id, reason: 'record_missing' }, record: { table: 'sanitization_records', id: s.failedRecordId } });
  });

  it('accepts rows from before records were hashed (an upgraded database), but not a row added since without an event', async () => {
    const legacy = async (serial: string) =>
      (await h.t.row<{ id: number }>(
        "insert into devices (site_id, asset_tag, category, make, model, serial_number, serial_key, specs, weight_grams, weight_source, status, cycle_started_at, status_changed_at, created_by, created_at, updated_at) values (1, ?, 'laptop', 'Dell', 'E7450', ?, ?, '{}', 1600, 'measured', 'received', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 1, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z') returning id",
        `IQ-LEGACY-${serial}`,
        serial,
        serial,
      ))!.id;
    const [old1, old2] = [await legacy('OLD-1'), await legacy('OLD-2')];
    expect(Number(old2)).toBe(Number(old1) + 1);
    await post(h.t, '/devices', laptop());
    // An old device changed through the service is named from then on; the other stays unnamed, and that is fine.
    const etag = (await h.t.http.get(`${API}/devices/OLD-1`).set(await as(h.t, 'trainee'))).headers['etag'] as string;
    const patched = await h.t.http.patch(`${API}/devices/OLD-1`).set(await as(h.t, 'trainee')).set('if-match', etag).send({ location: 'Shelf C' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await namedBy(h.t, 'devices', Number(old1))).map((e) => e.action)).toEqual(['device.updated']);
    expect(await namedBy(h.t, 'devices', Number(old2))).toEqual([]);
    expect((await verify(h.t)).ok).toBe(true);

    const forged = Number(await legacy('FORGED-1'));
    expect(await verify(h.t)).toMatchObject({ ok: false, reason: 'record_unaccounted', record: { table: 'devices', id: forged } });
  });

  it('leaves free text about a participant out: return notes changed and personal data erased, the chain still verifies', async () => {
    const s = await story(h.t);
    await sql(h.t, "update issuances set return_notes = '(erased)' where id = ?", s.issuanceId);
    expect((await verify(h.t)).ok).toBe(true);

    const erased = await h.t.http.delete(`${API}/participants/${s.code}/personal-data`).set(await as(h.t, 'coordinator'));
    expect(erased.status).toBe(204);
    const after = await verify(h.t);
    expect(after).toMatchObject({ ok: true, head: { id: (await events(h.t)).at(-1)!.id } });
  });
});

describe('anchors kept outside the database', () => {
  const h = harness();

  it('proves that the chain still holds an event with its hash: an anchor that fits is ok, a malformed one is 400', async () => {
    await story(h.t);
    const head = (await verify(h.t)).head!;
    expect(await verify(h.t, `${head.id}:${head.hash}`)).toEqual({ ok: true, events: head.id, head });
    const early = (await events(h.t))[2]!;
    expect((await verify(h.t, `${early.id}:${early.hash}`)).ok).toBe(true);
    for (const bad of ['12', `0:${head.hash}`, `${head.id}:${head.hash.toUpperCase()}`, `${head.id}:${head.hash.slice(1)}`, `x:${head.hash}`]) {
      const res = await h.t.http.get(`${API}/audit/verify`).query({ anchor: bad }).set(await as(h.t, 'admin'));
      expect([bad, res.status, res.body.code]).toEqual([bad, 400, 'request.invalid']);
    }
  });

  it('detects the last event deleted with the id high-water mark fixed, which the chain alone cannot see', async () => {
    const s = await story(h.t);
    const anchor = (await verify(h.t)).head!;
    await dropTriggers(h.t, 'audit_events');
    await sql(h.t, 'delete from audit_events where id = ?', anchor.id);
    // SQLite's AUTOINCREMENT mark, or PostgreSQL's sequence (which the check does not read: the highest id stands in for it).
    if (TEST_ENGINE === 'postgres') await h.t.row("select setval(pg_get_serial_sequence('audit_events', 'id'), ?)", anchor.id - 1);
    else await sql(h.t, "update sqlite_sequence set seq = ? where name = 'audit_events'", anchor.id - 1);
    // The record the deleted event named (the bulk line) goes too, so nothing points at the cut.
    await sql(h.t, 'delete from shipment_bulk_lines where shipment_id = ?', s.shipmentId);

    expect((await verify(h.t)).ok).toBe(true);
    expect(await verify(h.t, `${anchor.id}:${anchor.hash}`)).toMatchObject({ ok: false, brokenAt: { id: anchor.id, reason: 'anchor_missing' }, reason: 'anchor_missing' });
  });

  it('detects a history re-chained with the service’s own functions after a record and its event were edited', async () => {
    const s = await story(h.t);
    const anchor = (await verify(h.t)).head!;
    const [recorded] = await namedBy(h.t, 'sanitization_records', s.failedRecordId);
    await dropTriggers(h.t, 'sanitization_records');
    await dropTriggers(h.t, 'audit_events');
    await sql(h.t, "update sanitization_records set result = 'passed' where id = ?", s.failedRecordId);
    const details = { ...(JSON.parse(recorded!.details) as Body), result: 'passed' };
    const rehashed = await Promise.all(refs(recorded!).map(async (r) => ({ ...r, sha256: (await currentRecordHashes(h.t.db, r.table, [r.id])).get(r.id)! })));
    await sql(h.t, 'update audit_events set details = ?, records = ? where id = ?', JSON.stringify(details), JSON.stringify(rehashed), recorded!.id);
    expect((await verify(h.t)).ok).toBe(false);
    await rechain(h.t, recorded!.id);

    expect((await verify(h.t)).ok, 'the database alone cannot tell').toBe(true);
    expect(await verify(h.t, `${anchor.id}:${anchor.hash}`)).toMatchObject({ ok: false, brokenAt: { id: anchor.id, reason: 'anchor_mismatch' }, reason: 'anchor_mismatch' });
    // An anchor from before the edit still fits: it proves the prefix it names, no more.
    const before = (await events(h.t)).find((e) => e.id === recorded!.id - 1)!;
    expect((await verify(h.t, `${before.id}:${before.hash}`)).ok).toBe(true);
  });
});

describe('GET /audit/anchor.pdf', () => {
  const h = harness();

  it('prints the head id, hash and time with a QR code of <id>:<hash> that decodes, the same bytes each time, for admins only', async () => {
    await story(h.t);
    // Users are created (and their events written) before the head is read.
    for (const role of ['trainee', 'coordinator', 'staff'] as const) await h.t.token(role);
    const head = (await verify(h.t)).head!;
    const get = async (role: Role) =>
      h.t.http
        .get(`${API}/audit/anchor.pdf`)
        .set(await as(h.t, role))
        .buffer(true)
        .parse(binary);
    for (const role of ['trainee', 'coordinator', 'staff'] as const) expect([role, (await get(role)).status]).toEqual([role, 403]);
    const first = await get('admin');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    const pdf = first.body as Buffer;
    h.t.clock.advance(60_000);
    expect(Buffer.compare(pdf, (await get('admin')).body as Buffer), 'deterministic').toBe(0);

    const file = path.join(tmp, 'anchor.pdf');
    fs.writeFileSync(file, pdf);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain(`Event: ${head.id}`);
    expect(text.replace(/\s+/g, '')).toContain(head.hash);
    expect(text).toContain((await events(h.t)).at(-1)!.at);
    expect(text).toContain('The chain verified');
    spawnSync('pdftoppm', ['-r', '200', '-png', '-singlefile', file, path.join(tmp, 'anchor')]);
    const decoded = spawnSync('zbarimg', ['-q', path.join(tmp, 'anchor.png')], { encoding: 'utf8' });
    expect(decoded.stdout.trim()).toBe(`QR-Code:${head.id}:${head.hash}`);
  });
});

describe('npm run audit:verify', () => {
  let database: Record<string, string> = {};
  let n = 0;
  // A database the script can open beside the app, one per test: a file (in the folder removed after all), or a PostgreSQL database.
  const h = harness(async () => {
    n += 1;
    if (TEST_ENGINE === 'postgres') {
      const server = await createTestDatabase('rl_audit');
      database = { DATABASE_URL: server.url };
      return { options: { postgresUrl: server.url }, drop: () => server.drop() };
    }
    const dbPath = path.join(tmp, `verify-${n}.db`);
    database = { DATABASE_PATH: dbPath };
    return { options: { dbPath } };
  });

  const anchorsPath = () => path.join(tmp, 'configured-anchors.log');
  // Asynchronous, so that the runs that do not depend on each other start together (each starts tsx).
  const run = (...args: string[]) =>
    new Promise<{ status: number | null; result: Body | null; stderr: string }>((resolve, reject) => {
      const child = spawn(path.resolve('node_modules/.bin/tsx'), ['scripts/audit-verify.ts', ...args], {
        env: { ...process.env, ...database, AUDIT_ANCHORS_PATH: anchorsPath(), LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, result: stdout.trim() === '' ? null : (JSON.parse(stdout) as Body), stderr }));
    });

  it('exits 0 for an anchor the chain holds, 1 for one it does not, 2 for a malformed one', async () => {
    const intake = await post(h.t, '/devices', laptop());
    expect(intake['device']).toBeDefined();
    const head = (await verify(h.t)).head!;
    const good = `${head.id}:${head.hash}`;
    const bad = `${head.id}:${'0'.repeat(64)}`;

    const [ok, mismatch, malformed] = await Promise.all([run('--anchor', good), run('--anchor', bad), run('--anchor', 'not-an-anchor')]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.result).toMatchObject({ ok: true, anchors: 1, head });
    expect(mismatch.status, mismatch.stderr).toBe(1);
    expect(mismatch.result).toMatchObject({ ok: false, reason: 'anchor_mismatch', brokenAt: { id: head.id } });
    expect(malformed.status).toBe(2);
  });

  it('exits 0 when every anchor of an anchors file holds, 1 when one is missing', async () => {
    await post(h.t, '/devices', laptop());
    const head = (await verify(h.t)).head!;
    const file = path.join(tmp, `anchors-${n}.log`);
    appendAnchor(file, { id: 1, hash: (await events(h.t))[0]!.hash }, new Date('2026-03-01T00:00:00Z'));
    appendAnchor(file, head, new Date('2026-03-02T00:00:00Z'));
    expect(await run('--anchors-file', file)).toMatchObject({ status: 0, result: { ok: true, anchors: 2 } });
    appendAnchor(file, { id: head.id + 5, hash: head.hash }, new Date('2026-03-03T00:00:00Z'));
    expect(await run('--anchors-file', file)).toMatchObject({ status: 1, result: { ok: false, reason: 'anchor_missing', brokenAt: { id: head.id + 5 } } });
  });

  it('npm run backup appends the verified head of its copy to AUDIT_ANCHORS_PATH', async () => {
    await post(h.t, '/devices', laptop());
    const head = (await verify(h.t)).head!;
    const out = spawnSync(path.resolve('node_modules/.bin/tsx'), ['scripts/backup.ts', path.join(tmp, `backup-${n}.${TEST_ENGINE === 'postgres' ? 'dump' : 'db'}`)], {
      encoding: 'utf8',
      env: { ...process.env, ...database, AUDIT_ANCHORS_PATH: anchorsPath(), LOG_LEVEL: 'silent' },
    });
    expect(out.status, out.stderr).toBe(0);
    expect(readAnchors(anchorsPath())).toEqual([head]);
    expect(await run('--anchors-file', anchorsPath())).toMatchObject({ status: 0, result: { ok: true, anchors: 1 } });
    fs.rmSync(anchorsPath());
  });

  it('appends the head to AUDIT_ANCHORS_PATH with --append-anchor, only when the chain verifies', async () => {
    await post(h.t, '/devices', laptop());
    const head = (await verify(h.t)).head!;
    expect(await run('--append-anchor')).toMatchObject({ status: 0, result: { ok: true, anchorAppendedTo: anchorsPath() } });
    expect(readAnchors(anchorsPath())).toEqual([head]);
    expect(fs.readFileSync(anchorsPath(), 'utf8')).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ${head.id}:${head.hash}\\n$`));

    expect(await run('--append-anchor', '--anchor', `${head.id}:${'f'.repeat(64)}`)).toMatchObject({ status: 1, result: { ok: false } });
    expect(readAnchors(anchorsPath())).toEqual([head]);
  });
});

describe('anchors file and configuration', () => {
  it('appends `<time> <id>:<hash>` lines and reads every anchor back, refusing a damaged line', () => {
    const file = path.join(tmp, 'sub', 'anchors.log');
    const a = { id: 7, hash: 'a'.repeat(64) };
    const b = { id: 9, hash: 'b'.repeat(64) };
    appendAnchor(file, a, new Date('2026-03-02T10:00:00Z'));
    appendAnchor(file, b, new Date('2026-03-02T11:00:00Z'));
    expect(fs.readFileSync(file, 'utf8')).toBe(`2026-03-02T10:00:00.000Z 7:${a.hash}\n2026-03-02T11:00:00.000Z 9:${b.hash}\n`);
    fs.appendFileSync(file, `\n# copied from the logbook\n${b.id}:${b.hash}\n`);
    expect(readAnchors(file)).toEqual([a, b, b]);
    fs.appendFileSync(file, 'garbage\n');
    expect(() => readAnchors(file)).toThrow(/anchors\.log:6/);
  });

  it('keeps the anchors beside the database by default, never in the database file itself', () => {
    expect(loadConfig({ DATABASE_PATH: '/srv/refurb/refurb.db' }).auditAnchorsPath).toBe('/srv/refurb/audit-anchors.log');
    expect(loadConfig({ AUDIT_ANCHORS_PATH: '/mnt/usb/anchors.log' }).auditAnchorsPath).toBe('/mnt/usb/anchors.log');
    expect(() => loadConfig({ DATABASE_PATH: './data/x.db', AUDIT_ANCHORS_PATH: 'data/x.db' })).toThrow(/AUDIT_ANCHORS_PATH/);
  });
});
