/**
 * Certificates of data sanitization (docs/domain.md §5, NIST SP 800-88 Appendix G
 * fields per drive): the text as poppler extracts it, the QR code as zbar
 * decodes it, and determinism of the bytes for the same data and clock.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatTag } from '../../src/modules/asset-tags/asset-tag.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, USER_PASSWORD, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';

const API = '/api/v1';
const ORG = 'Nunavut Digital Skills Society';
const ORG_ADDRESS = 'PO Box 1234, Iqaluit NU X0A 0H0';
const DONOR = 'ᐃᖃᓗᐃᑦ Housing Office';
const TECHNICIAN = 'Aputi Kilabuk';
const VERIFIER = 'Malaya Akulukjuk';

let tmp: string;
let fileNo = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'certificates-test-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function pdfFile(pdf: Buffer): string {
  const file = path.join(tmp, `cert-${++fileNo}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}

/** pdftotext output with runs of white space made single spaces. */
const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-enc', 'UTF-8', pdfFile(pdf), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');

/** The QR codes zbar finds on page 1 (rasterized at 150 dpi: the code is 30 mm wide). */
function qrCodes(pdf: Buffer): string[] {
  const prefix = path.join(tmp, `page-${++fileNo}`);
  execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', pdfFile(pdf), prefix]);
  const out = spawnSync('zbarimg', ['-q', `${prefix}.png`], { encoding: 'utf8' });
  if (out.error) throw out.error;
  return out.stdout
    .split('\n')
    .filter((l) => l.startsWith('QR-Code:'))
    .map((l) => l.slice('QR-Code:'.length));
}

/** The hash printed on the certificate. */
const printedSha = (text: string) => /SHA-256 of the certificate data: ([0-9a-f]{64})/.exec(text)?.[1];

/** The text from one "Media: … serial X" heading to the next drive or device. */
function driveBlock(text: string, serial: string): string {
  const start = text.indexOf(`serial ${serial}`);
  expect(start, `drive ${serial} on the certificate`).toBeGreaterThan(-1);
  const mediaStart = text.lastIndexOf('Media:', start);
  const rest = text.slice(start);
  const ends = [rest.indexOf('Media:'), rest.search(/[A-Z]{2,4}-\d{6}-[0-9A-Z] — /), rest.indexOf('Signature of the person responsible')].filter((i) => i > 0);
  return text.slice(mediaStart, start + Math.min(...ends, rest.length));
}

interface World {
  t: TestApp;
  technician: string;
  verifier: string;
  donationId: number;
  tagA: string;
  tagB: string;
  tagC: string;
  tagOther: string;
}

const wipe = (storageSerial: string, overrides: Record<string, unknown> = {}) => ({
  storageSerial,
  method: 'clear',
  technique: 'overwrite',
  tool: 'nwipe',
  toolVersion: '0.37',
  verification: 'full',
  result: 'passed',
  ...overrides,
});

/**
 * A donation of three laptops: A with two wiped drives, B whose only drive
 * has a failed wipe, C with no drive registered yet; and a laptop of no donation.
 */
async function buildWorld(): Promise<World> {
  const t = await createTestApp({ env: { ORGANIZATION_NAME: ORG, ORGANIZATION_ADDRESS: ORG_ADDRESS } });
  const admin = await t.token('admin');
  async function user(username: string, displayName: string, role: Role): Promise<string> {
    const res = await t.http.post(`${API}/users`).set(bearer(admin)).send({ username, displayName, role, password: USER_PASSWORD });
    expect(res.status).toBe(201);
    return t.login(username, USER_PASSWORD);
  }
  const technician = await user('aputi', TECHNICIAN, 'trainee');
  const verifier = await user('malaya', VERIFIER, 'coordinator');

  const donation = await t.http.post(`${API}/donations`).set(bearer(technician)).send({ donorName: DONOR, donorType: 'government', receivedAt: '2026-02-20' });
  expect(donation.status).toBe(201);
  const donationId = donation.body.donation.id as number;

  const intake = async (body: Record<string, unknown>) => {
    const res = await t.http.post(`${API}/devices`).set(bearer(technician)).send(body);
    expect(res.status).toBe(201);
    return res.body.device.assetTag as string;
  };
  const tagA = await intake(
    laptop({
      donationId,
      make: 'Dell',
      model: 'Latitude 5490',
      serialNumber: 'DL5490-CERT-A',
      storage: [
        { serialNumber: 'WD-WX41A8C', kind: 'hdd', capacityGb: 500, model: 'WDC WD5000LPLX' },
        { serialNumber: 'S4EVNX0N', kind: 'nvme', capacityGb: 256, model: 'Samsung PM981' },
      ],
    }),
  );
  const tagB = await intake(laptop({ donationId, make: 'HP', model: 'ProBook 640', serialNumber: 'HP640-CERT-B', storage: [{ serialNumber: 'KIOXIA-PEND-7', kind: 'ssd', capacityGb: 128 }] }));
  const tagC = await intake(laptop({ donationId, make: 'Acer', model: 'TravelMate', serialNumber: 'ACER-CERT-C', storage: [] }));
  const tagOther = await intake(laptop({ make: 'Asus', model: 'Vivobook', serialNumber: 'ASUS-NOT-DONATED' }));

  const record = async (tag: string, body: Record<string, unknown>) => {
    const res = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(technician)).send(body);
    expect(res.status).toBe(201);
  };
  await record(tagA, wipe('WD-WX41A8C'));
  await record(tagA, wipe('S4EVNX0N', { method: 'purge', technique: 'sanitize_command', tool: 'nvme-cli', toolVersion: '2.8', verification: 'sample' }));
  await record(tagB, wipe('KIOXIA-PEND-7', { tool: 'ShredBox', toolVersion: '1.2', result: 'failed' }));
  return { t, technician, verifier, donationId, tagA, tagB, tagC, tagOther };
}

describe('certificates of data sanitization', () => {
  let w: World;
  beforeEach(async () => {
    w = await buildWorld();
  });
  afterEach(async () => w.t.close());

  const get = (url: string, token: string | null) => {
    const req = w.t.http.get(`${API}${url}`);
    return (token ? req.set(bearer(token)) : req).buffer(true).parse(binary);
  };
  const deviceCert = (tag: string, token: string | null = w.technician) => get(`/devices/${tag}/certificate.pdf`, token);
  const donationCert = (id: number, token: string | null = w.technician) => get(`/donations/${id}/certificate.pdf`, token);

  it('a device certificate lists, per drive, media, method, technique, tool and version, verification, result, technician and organisation', async () => {
    const res = await deviceCert(w.tagA);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="certificate-${w.tagA}.pdf"`);
    const text = pdfText(res.body as Buffer);

    expect(text).toContain(ORG);
    expect(text).toContain(ORG_ADDRESS);
    expect(text).toContain('Certificate of Data Sanitization');
    expect(text).toContain(`CDS-${w.tagA}-C1`);
    expect(text).toContain('NIST SP 800-88');
    expect(text).toContain(DONOR);
    expect(text).toContain('serial DL5490-CERT-A');
    expect(text).toContain(`property number ${w.tagA}`);

    const hdd = driveBlock(text, 'WD-WX41A8C');
    expect(hdd).toContain('HDD');
    expect(hdd).toContain('WDC WD5000LPLX');
    expect(hdd).toContain('500 GB');
    expect(hdd).toMatch(/Method Clear — overwrite/);
    expect(hdd).toContain('Tool nwipe 0.37');
    expect(hdd).toContain('Verification full; tool result PASSED');
    expect(hdd).toContain('2026-03-02');
    expect(hdd).toContain(`${TECHNICIAN}, technician, ${ORG}`);
    expect(hdd).not.toContain('nvme-cli');

    const nvme = driveBlock(text, 'S4EVNX0N');
    expect(nvme).toContain('NVME');
    expect(nvme).toContain('Samsung PM981');
    expect(nvme).toMatch(/Method Purge — sanitize command/);
    expect(nvme).toContain('Tool nvme-cli 2.8');
    expect(nvme).toContain('Verification sample; tool result PASSED');
    expect(nvme).toContain(`${TECHNICIAN}, technician, ${ORG}`);
    expect(nvme).not.toContain('nwipe');

    // The fonts are embedded (syllabics would otherwise come out as garbage).
    const fonts = execFileSync('pdffonts', [pdfFile(res.body as Buffer)], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line.split(/\s+/).at(-5), line).toBe('yes');
  });

  it('a donation certificate covers every device of the donation; a drive without a passing record is NOT ERASED, failed wipes are not shown', async () => {
    const res = await donationCert(w.donationId);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pdfText(res.body as Buffer);
    expect(text).toContain(`CDS-D${w.donationId}`);
    expect(text).toContain(DONOR);
    expect(text).toContain(ORG);
    for (const tag of [w.tagA, w.tagB, w.tagC]) expect(text).toContain(`property number ${tag}`);
    expect(text).not.toContain(w.tagOther);

    expect(driveBlock(text, 'WD-WX41A8C')).toContain('result PASSED');
    expect(driveBlock(text, 'S4EVNX0N')).toContain('result PASSED');
    const pending = driveBlock(text, 'KIOXIA-PEND-7');
    expect(pending).toContain('NOT ERASED: every sanitization attempt in this custody cycle failed');
    expect(pending).not.toContain('PASSED');
    expect(text).not.toContain('ShredBox');
    // C has no drive registered: pending inspection, not "clean".
    const c = text.slice(text.indexOf(`property number ${w.tagC}`));
    expect(c).toMatch(/^property number [^ ]+ Media destination [^]*?PENDING/);
    expect(text.match(/PASSED/g)).toHaveLength(2);
  });

  it('the QR code decodes to the certificate id and the SHA-256 printed on it', async () => {
    const dev = await deviceCert(w.tagA);
    expect(dev.status).toBe(200);
    const devSha = printedSha(pdfText(dev.body as Buffer));
    expect(devSha).toMatch(/^[0-9a-f]{64}$/);
    expect(qrCodes(dev.body as Buffer)).toEqual([`CDS-${w.tagA}-C1 sha256:${devSha}`]);

    const don = await donationCert(w.donationId);
    expect(don.status).toBe(200);
    const donSha = printedSha(pdfText(don.body as Buffer));
    expect(donSha).toMatch(/^[0-9a-f]{64}$/);
    expect(donSha).not.toBe(devSha);
    const [qr] = qrCodes(don.body as Buffer);
    expect(qr).toMatch(/^CDS-\S+ sha256:[0-9a-f]{64}$/);
    expect(qr).toBe(`CDS-D${w.donationId} sha256:${donSha}`);
  });

  it('the same data and clock give the same bytes; a new record changes the hash, and only on certificates it belongs to', async () => {
    const a1 = await deviceCert(w.tagA);
    const a2 = await deviceCert(w.tagA);
    expect(a1.status).toBe(200);
    expect(Buffer.compare(a1.body as Buffer, a2.body as Buffer)).toBe(0);
    const d1 = await donationCert(w.donationId);
    const d2 = await donationCert(w.donationId);
    expect(Buffer.compare(d1.body as Buffer, d2.body as Buffer)).toBe(0);
    // The injected clock is the document's date.
    const info = execFileSync('pdfinfo', ['-isodates', pdfFile(d1.body as Buffer)], { encoding: 'utf8' });
    expect(info).toMatch(/CreationDate:\s+2026-03-02T15:00:00(Z|\+00)/);

    // B's drive gets a passing record: the donation's data change, A's do not.
    w.t.clock.advance(60_000);
    const rec = await w.t.http.post(`${API}/devices/${w.tagB}/sanitizations`).set(bearer(w.technician)).send(wipe('KIOXIA-PEND-7', { tool: 'nwipe', toolVersion: '0.38' }));
    expect(rec.status).toBe(201);
    w.t.clock.set('2026-03-02T15:00:00.000Z');

    const d3 = await donationCert(w.donationId);
    const before = pdfText(d1.body as Buffer);
    const after = pdfText(d3.body as Buffer);
    expect(printedSha(after)).toMatch(/^[0-9a-f]{64}$/);
    expect(printedSha(after)).not.toBe(printedSha(before));
    expect(qrCodes(d3.body as Buffer)).toEqual([`CDS-D${w.donationId} sha256:${printedSha(after)}`]);
    const b = driveBlock(after, 'KIOXIA-PEND-7');
    expect(b).toContain('Tool nwipe 0.38');
    expect(b).toContain('result PASSED');
    expect(b).not.toContain('PENDING');

    const a3 = await deviceCert(w.tagA);
    expect(Buffer.compare(a3.body as Buffer, a1.body as Buffer)).toBe(0);
  });

  it('a verification completed by a second user shows the verifier by name on the certificate', async () => {
    // At least one of A's wipes is in the sample: the first logical wipe always is (it may never fall under 5 %).
    const pending = await w.t.http.get(`${API}/sanitization-verifications?status=pending&limit=500`).set(bearer(w.verifier));
    expect(pending.status).toBe(200);
    const item = (pending.body.items as Array<{ id: number; record: { assetTag: string; storageSerial: string } }>).find((i) => i.record.assetTag === w.tagA);
    expect(item).toBeDefined();
    const serial = item!.record.storageSerial;
    const otherSerial = serial === 'WD-WX41A8C' ? 'S4EVNX0N' : 'WD-WX41A8C';

    const before = await deviceCert(w.tagA);
    const beforeText = pdfText(before.body as Buffer);
    expect(driveBlock(beforeText, serial)).toContain('Second-person validation Drawn for verification: pending');
    expect(beforeText).not.toContain(VERIFIER);

    // Eleven hours on (sessions last twelve): the next day in UTC.
    w.t.clock.set('2026-03-03T02:00:00.000Z');
    const done = await w.t.http.post(`${API}/sanitization-verifications/${item!.id}`).set(bearer(w.verifier)).send({ result: 'passed' });
    expect(done.status).toBe(200);

    const after = await deviceCert(w.tagA);
    const text = pdfText(after.body as Buffer);
    const block = driveBlock(text, serial);
    expect(block).toContain(`Second-person validation ${VERIFIER}, 2026-03-03: passed`);
    expect(block).toContain(`${TECHNICIAN}, technician`);
    expect(driveBlock(text, otherSerial)).not.toContain(VERIFIER);
    expect(printedSha(text)).not.toBe(printedSha(beforeText));
  });

  it('roles and unknowns: staff may read certificates, anonymous 401; unknown device or donation 404', async () => {
    const staff = await w.t.token('staff');
    const dev = await deviceCert(w.tagA, staff);
    expect(dev.status).toBe(200);
    expect(dev.headers['content-type']).toBe('application/pdf');
    const don = await donationCert(w.donationId, staff);
    expect(don.status).toBe(200);
    expect(don.headers['content-type']).toBe('application/pdf');

    const anonDev = await deviceCert(w.tagA, null);
    expect(anonDev.status).toBe(401);
    expect(JSON.parse((anonDev.body as Buffer).toString('utf8')).code).toBe('auth.unauthenticated');
    const anonDon = await donationCert(w.donationId, null);
    expect(anonDon.status).toBe(401);

    const noDevice = await deviceCert(formatTag('IQ', 999_980));
    expect(noDevice.status).toBe(404);
    expect(JSON.parse((noDevice.body as Buffer).toString('utf8')).code).toBe('devices.not_found');
    const noDonation = await donationCert(w.donationId + 1000);
    expect(noDonation.status).toBe(404);
    expect(JSON.parse((noDonation.body as Buffer).toString('utf8')).code).toBe('donations.not_found');
  });
});
