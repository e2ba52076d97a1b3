import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/auth/permissions.js';
import { ADMIN_PASSWORD, bearer, createTestApp, laptop, USER_PASSWORD, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
const FIXTURES = path.join(import.meta.dirname, '../fixtures/wipe-reports');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const NWIPE_LOG = 'nwipe-0.42.format-strings.txt';
/** Before the built nwipe log's wipes (2026-02-27, 09:12 in Iqaluit): devices come in then. */
const BEFORE_NWIPE = '2026-02-27T13:00:00.000Z';
const AFTER_NWIPE = '2026-03-02T15:00:00.000Z';

type Body = Record<string, unknown>;
const CONTENT = { text: 'text/plain', json: 'application/json', pdf: 'application/pdf' } as const;

async function intake(t: TestApp, drives: Array<{ serialNumber: string; kind: string }>, role: Role = 'trainee'): Promise<string> {
  const res = await t.http
    .post(`${API}/devices`)
    .set(bearer(await fresh(t, role)))
    .send(laptop({ storage: drives.map((d) => ({ ...d, capacityGb: 500 })) }));
  expect(res.status).toBe(201);
  return res.body.device.assetTag as string;
}

/** Every role's user made while the admin's first session is fresh. */
async function ready(t: TestApp): Promise<TestApp> {
  for (const role of ['trainee', 'coordinator', 'staff', 'admin'] as const) await t.token(role);
  return t;
}

/** A token signed in now: the tests move the clock by days, past a session's life. */
async function fresh(t: TestApp, role: Role): Promise<string> {
  await t.token(role);
  return role === 'admin' ? t.login('admin', ADMIN_PASSWORD) : t.login(`test-${role}`, USER_PASSWORD);
}

async function post(t: TestApp, bytes: Buffer, kind: keyof typeof CONTENT, query: Record<string, string> = {}, role: Role = 'trainee') {
  return t.http
    .post(`${API}/wipe-reports`)
    .query(query)
    .set(bearer(await fresh(t, role)))
    .set('content-type', CONTENT[kind])
    .serialize((b: unknown) => b as string) // the bytes as they are, not JSON-encoded by the client
    .send(bytes);
}

/** The three drives of the built nwipe log on two laptops; the NVMe drive's serial is longer than nwipe keeps. */
async function nwipeSetup(t: TestApp) {
  t.clock.set(BEFORE_NWIPE);
  const a = await intake(t, [
    { serialNumber: 'ZN15TA6Y', kind: 'hdd' },
    { serialNumber: 'WD-WX11A80W7430', kind: 'hdd' },
  ]);
  const b = await intake(t, [{ serialNumber: 'S4EWNX0R123456789012AB', kind: 'nvme' }]);
  t.clock.set(AFTER_NWIPE);
  return { a, b };
}

async function device(t: TestApp, tag: string) {
  const res = await t.http.get(`${API}/devices/${tag}`).set(bearer(await fresh(t, 'admin')));
  expect(res.status).toBe(200);
  return res.body.device as { status: string; storage: Array<{ serialNumber: string; sanitizationState: string }> };
}

describe('POST /wipe-reports', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('a dry run answers what would be recorded and records nothing', async () => {
    t = await ready(await createTestApp());
    const { a, b } = await nwipeSetup(t);
    const before = { records: await t.count('sanitization_records'), audit: await t.count('audit_events') };
    const res = await post(t, fixture(NWIPE_LOG), 'text', { dryRun: 'true' });
    expect(res.status).toBe(200);
    expect(res.body.report).toMatchObject({ id: null, format: 'nwipe_log', tool: 'nwipe', toolVersion: '0.42' });
    expect(res.body.drives.map((d: Body) => [d.serial, d.outcome, d.assetTag, d.result])).toEqual([
      ['ZN15TA6Y', 'recorded', a, 'passed'],
      ['WD-WX11A80W7430', 'recorded', a, 'failed'],
      ['S4EWNX0R123456789012', 'recorded', b, 'passed'],
    ]);
    expect(res.body.drives[0].sanitizationId).toBeUndefined();
    expect(await t.count('sanitization_records')).toBe(before.records);
    expect(await t.count('audit_events')).toBe(before.audit);
    expect(await t.count('wipe_reports')).toBe(0);
  });

  it('records each drive through the sanitization service, keeps the report, and importing the same bytes again changes nothing', async () => {
    t = await ready(await createTestApp());
    const { a, b } = await nwipeSetup(t);
    const bytes = fixture(NWIPE_LOG);
    const res = await post(t, bytes, 'text');
    expect(res.status).toBe(201);
    const sha = res.body.report.sha256 as string;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const [sda, sdb, nvme] = res.body.drives as Body[];
    expect(sda).toMatchObject({
      outcome: 'recorded',
      assetTag: a,
      method: 'clear',
      technique: 'overwrite',
      verification: 'full',
      result: 'passed',
      startedAt: '2026-02-27T14:13:10.000Z',
      completedAt: '2026-02-27T16:12:08.000Z',
    });
    // The tool reports the drive failed: that is recorded as a failed attempt.
    expect(sdb).toMatchObject({ outcome: 'recorded', result: 'failed' });
    // The cut serial matched the one registered drive it starts, with a warning naming both.
    expect(nvme).toMatchObject({ outcome: 'recorded', assetTag: b });
    expect(res.body.warnings.join('\n')).toMatch(/S4EWNX0R123456789012: the tool cut this serial .* S4EWNX0R123456789012AB on /);

    const rows = await t.rows('select storage_serial, tool, tool_version, report_sha256, result from sanitization_records order by id');
    expect(rows).toEqual([
      { storage_serial: 'ZN15TA6Y', tool: 'nwipe', tool_version: '0.42', report_sha256: sha, result: 'passed' },
      { storage_serial: 'WD-WX11A80W7430', tool: 'nwipe', tool_version: '0.42', report_sha256: sha, result: 'failed' },
      { storage_serial: 'S4EWNX0R123456789012AB', tool: 'nwipe', tool_version: '0.42', report_sha256: sha, result: 'passed' },
    ]);
    // The same history as a typed record.
    const history = await t.http.get(`${API}/devices/${a}/history`).set(bearer(await fresh(t, 'admin')));
    expect(history.body.events.filter((e: Body) => e.action === 'device.sanitization_recorded')).toHaveLength(2);
    expect((await device(t, b)).status).toBe('sanitized');
    expect((await device(t, a)).status).toBe('received');

    const again = await post(t, bytes, 'text');
    expect(again.status).toBe(200);
    expect(again.body.report.id).toBe(res.body.report.id);
    expect(again.body.drives.map((d: Body) => d.outcome)).toEqual(['already_recorded', 'already_recorded', 'already_recorded']);
    expect(await t.count('sanitization_records')).toBe(3);
    expect(await t.count('wipe_reports')).toBe(1);

    const got = await t.http.get(`${API}/wipe-reports/${res.body.report.id}`).set(bearer(await fresh(t, 'staff')));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    const raw = await t.http
      .get(`${API}/wipe-reports/${res.body.report.id}/raw`)
      .set(bearer(await fresh(t, 'staff')))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toMatch(/^text\/plain/);
    expect(Buffer.compare(raw.body as Buffer, bytes)).toBe(0);
  });

  it('an ambiguous cut serial, a serial on two devices, an unregistered drive and a device out of custody are not recorded', async () => {
    t = await ready(await createTestApp());
    t.clock.set(BEFORE_NWIPE);
    // Two registered drives start like the cut NVMe serial.
    await intake(t, [{ serialNumber: 'S4EWNX0R123456789012AB', kind: 'nvme' }]);
    await intake(t, [{ serialNumber: 'S4EWNX0R123456789012CD', kind: 'nvme' }]);
    // The same serial on two devices in custody.
    await intake(t, [{ serialNumber: 'ZN15TA6Y', kind: 'hdd' }]);
    await intake(t, [{ serialNumber: 'zn15 ta6y', kind: 'hdd' }]);
    t.clock.set(AFTER_NWIPE);
    const res = await post(t, fixture(NWIPE_LOG), 'text');
    expect(res.status).toBe(201);
    expect(res.body.drives.map((d: Body) => [d.serial, d.outcome])).toEqual([
      ['ZN15TA6Y', 'ambiguous'],
      ['WD-WX11A80W7430', 'unmatched'],
      ['S4EWNX0R123456789012', 'ambiguous'],
    ]);
    expect(res.body.warnings.join('\n')).toMatch(/2 registered drives start so/);
    expect(await t.count('sanitization_records')).toBe(0);
  });

  it('a drive registered on a device that has left custody is unmatched, with a warning naming the device', async () => {
    t = await ready(await createTestApp({ now: '2019-09-01T12:00:00.000Z' }));
    const tag = await intake(t, [{ serialNumber: 'WD-WX11A80W7430', kind: 'hdd' }]);
    const off = await t.http.post(`${API}/devices/${tag}/write-off`).set(bearer(await fresh(t, 'admin'))).send({ reason: 'stolen' });
    expect(off.status).toBe(200);
    t.clock.set('2019-09-20T12:00:00.000Z');
    const res = await post(t, fixture('workbench-11.example_wb11.json'), 'json');
    expect(res.status).toBe(201);
    expect(res.body.drives).toMatchObject([{ serial: 'WD-WX11A80W7430', outcome: 'unmatched' }]);
    expect(res.body.warnings.join('\n')).toMatch(new RegExp(`registered on ${tag} \\(written_off\\)`));
    expect(await t.count('sanitization_records')).toBe(0);
  });

  it('Workbench snapshots: an EraseBasic is a clear by overwrite; an erasure of severity Error a failed attempt', async () => {
    t = await ready(await createTestApp({ now: '2018-07-01T12:00:00.000Z' }));
    const tag = await intake(t, [
      { serialNumber: 'E2024242CV86HJ', kind: 'hdd' },
      { serialNumber: 'WD-WX11A80W7430', kind: 'hdd' },
    ]);
    t.clock.set('2019-11-01T12:00:00.000Z');
    const res = await post(t, fixture('workbench-11.complete.export.snapshot.json'), 'json');
    expect(res.status).toBe(201);
    expect(res.body.report).toMatchObject({ format: 'workbench_snapshot', tool: 'Workbench', toolVersion: '11.0b11' });
    expect(res.body.drives.map((d: Body) => [d.serial, d.outcome, d.result, d.verification])).toEqual([
      ['E2024242CV86HJ', 'recorded', 'passed', 'none'],
      ['WD-WX11A80W7430', 'recorded', 'failed', 'none'],
      ['WD-WX11A80W7430', 'recorded', 'passed', 'full'],
    ]);
    expect((await device(t, tag)).status).toBe('sanitized');
  });

  it('a wipe that predates the device coming into custody refuses the whole report and writes nothing', async () => {
    t = await ready(await createTestApp({ now: AFTER_NWIPE }));
    await intake(t, [{ serialNumber: 'ZN15TA6Y', kind: 'hdd' }]);
    t.clock.set('2026-03-03T12:00:00.000Z');
    const res = await post(t, fixture(NWIPE_LOG), 'text');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('sanitizations.before_custody_cycle');
    expect(await t.count('sanitization_records')).toBe(0);
    expect(await t.count('wipe_reports')).toBe(0);
  });

  it('an nwipe PDF certificate is matched by its file name and kept as evidence; it records no wipe', async () => {
    t = await ready(await createTestApp({ now: BEFORE_NWIPE }));
    const tag = await intake(t, [{ serialNumber: 'ZN15TA6Y', kind: 'hdd' }]);
    t.clock.set(AFTER_NWIPE);
    const pdf = await drawPdf();
    const filename = 'nwipe_report_2026-02-27-11-12-08_Model_ST1000DM003-1SB102_Serial_ZN15TA6Y_device_sda.pdf';
    const res = await post(t, pdf, 'pdf', { filename });
    expect(res.status).toBe(201);
    expect(res.body.drives).toEqual([{ serial: 'ZN15TA6Y', model: 'ST1000DM003-1SB102', outcome: 'kept', assetTag: tag }]);
    expect(await t.count('sanitization_records')).toBe(0);
    const raw = await t.http.get(`${API}/wipe-reports/${res.body.report.id}/raw`).set(bearer(await fresh(t, 'trainee')));
    expect(raw.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(raw.body as Buffer, pdf)).toBe(0);
  });

  it('roles: trainees, coordinators and admins import; staff may not; without a token 401', async () => {
    t = await ready(await createTestApp());
    const bytes = fixture('workbench-script.snapshot.json');
    for (const role of ['trainee', 'coordinator', 'admin'] as const) {
      const res = await post(t, bytes, 'json', { dryRun: 'true' }, role);
      expect(res.status).toBe(200);
      expect(res.body.report.format).toBe('workbench_script');
    }
    expect((await post(t, bytes, 'json', {}, 'staff')).status).toBe(403);
    const anonymous = await t.http.post(`${API}/wipe-reports`).set('content-type', 'application/json').send(bytes.toString('utf8'));
    expect(anonymous.status).toBe(401);
    expect(await t.count('wipe_reports')).toBe(0);
  });

  it('the certificate of data sanitization names the report and its hash for each drive that came from one', async () => {
    t = await ready(await createTestApp());
    const { b } = await nwipeSetup(t);
    const res = await post(t, fixture(NWIPE_LOG), 'text');
    expect(res.status).toBe(201);
    const pdf = await t.http.get(`${API}/devices/${b}/certificate.pdf`).set(bearer(await fresh(t, 'trainee')));
    expect(pdf.status).toBe(200);
    const text = pdfText(pdf.body as Buffer).replace(/\s+/g, ' ');
    expect(text).toContain(`wipe report ${res.body.report.id as number}`);
    expect(text).toContain(res.body.report.sha256 as string);
  });

  it('a typed record and an import of the same drive are two records; the device state follows both', async () => {
    t = await ready(await createTestApp());
    const { a } = await nwipeSetup(t);
    const typed = await t.http
      .post(`${API}/devices/${a}/sanitizations`)
      .set(bearer(await fresh(t, 'trainee')))
      .send(wipeBody('WD-WX11A80W7430', { method: 'clear', technique: 'overwrite', completedAt: '2026-03-01T12:00:00.000Z' }));
    expect(typed.status).toBe(201);
    expect((await device(t, a)).status).toBe('received');
    const res = await post(t, fixture(NWIPE_LOG), 'text');
    expect(res.status).toBe(201);
    // The typed pass came after the failed attempt the log reports; the log's pass of the other drive completes the device.
    expect((await device(t, a)).status).toBe('sanitized');
  });
});

function drawPdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text('nwipe report');
    doc.end();
  });
}

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wipe-cert-'));
  try {
    const file = path.join(dir, 'c.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
