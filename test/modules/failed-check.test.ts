/**
 * docs/domain.md §2 (the paragraph after the transitions), invariants 1 and 7: a failed
 * second-person check undoes the wipe it checked, in every status a device can
 * be in, and no document claims more than the records then hold.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { binary } from '../support/documents.js';
import { bearer, createTestApp, laptop, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;

let t: TestApp;
afterEach(async () => t?.close());

/** random = 0 draws every passing logical wipe; 0.99 draws only what the rules force. */
async function setUp(random: number) {
  t = await createTestApp({ random: () => random });
  const wiper = await t.createUser('wiper', 'trainee');
  const checker = await t.createUser('checker', 'trainee');
  const as = async (role: Role) => bearer(await t.token(role));
  const intake = async (body: Body = laptop()) => {
    const res = await t.http.post(`${API}/devices`).set(bearer(wiper.token)).send(body);
    expect(res.status).toBe(201);
    return { tag: res.body.device.assetTag as string, drives: (res.body.device.storage as Array<{ serialNumber: string }>).map((d) => d.serialNumber) };
  };
  const wipe = async (tag: string, serial: string, token = wiper.token, overrides: Body = {}) => {
    const res = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(token)).send(wipeBody(serial, overrides));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { sanitization: { id: number; verificationId: number | null }; device: Body };
  };
  const verify = async (id: number, result: 'passed' | 'failed', token = checker.token) => {
    const res = await t.http.post(`${API}/sanitization-verifications/${id}`).set(bearer(token)).send({ result });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.verification as Body;
  };
  const device = async (tag: string) => {
    const res = await t.http.get(`${API}/devices/${tag}`).set(await as('coordinator'));
    expect(res.status).toBe(200);
    return res.body.device as { status: string; flags: string[]; allowedActions: string[]; version: number; storage: Array<{ serialNumber: string; sanitizationState: string; verification: string | null }> };
  };
  const history = async (tag: string) => {
    const res = await t.http.get(`${API}/devices/${tag}/history`).set(await as('admin'));
    return res.body.events as Array<{ action: string; fromStatus: string | null; toStatus: string | null; details: Body }>;
  };
  /** A device whose only drive was wiped (and drawn), in the status the test needs. */
  const wiped = async () => {
    const d = await intake();
    const w = await wipe(d.tag, d.drives[0]!);
    expect(w.sanitization.verificationId).not.toBeNull();
    return { ...d, verificationId: w.sanitization.verificationId!, recordId: w.sanitization.id };
  };
  const post = async (p: string, body: Body, role: Role = 'coordinator') => t.http.post(`${API}${p}`).set(await as(role)).send(body);
  const participant = async () => {
    const res = await post('/participants', { community: 'Arviat', consent: { given: true, language: 'en' } });
    expect(res.status).toBe(201);
    return res.body.participant.code as string;
  };
  return { wiper, checker, as, intake, wipe, verify, device, history, wiped, post, participant };
}

const pdfText = (pdf: Buffer) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'failed-check-')), 'doc.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
};

describe('a failed second-person check', () => {
  it('sends a sanitized device back to received in one history event; the drive shows failed_check and must be wiped again', async () => {
    const s = await setUp(0);
    const d = await s.wiped();
    expect((await s.device(d.tag)).status).toBe('sanitized');
    const before = await s.history(d.tag);

    await s.verify(d.verificationId, 'failed');
    const after = await s.device(d.tag);
    expect(after.status).toBe('received');
    expect(after.storage[0]).toMatchObject({ sanitizationState: 'failed_check', verification: 'failed' });
    expect(after.allowedActions).not.toContain('grade');
    const events = await s.history(d.tag);
    expect(events).toHaveLength(before.length + 1);
    expect(events.at(-1)).toMatchObject({ action: 'device.sanitization_verified', fromStatus: 'sanitized', toStatus: 'received', details: { result: 'failed' } });

    const graded = await s.post(`/devices/${d.tag}/grade`, { grade: 'A' }, 'trainee');
    expect(graded.status).toBe(409);

    // The drive's next passing wipe is drawn, and says why; once it passes, the device is sanitized again.
    const again = await s.wipe(d.tag, d.drives[0]!, s.checker.token);
    expect(again.device['status']).toBe('sanitized');
    const queue = await t.http.get(`${API}/sanitization-verifications?status=pending`).set(await s.as('trainee'));
    expect(queue.body.items.find((v: Body) => v['id'] === again.sanitization.verificationId)).toMatchObject({ reason: 'drive_failed_check' });
  });

  it('sends a ready device back to received, keeps the record (append-only), and it cannot be issued', async () => {
    const s = await setUp(0);
    const d = await s.wiped();
    expect((await s.post(`/devices/${d.tag}/grade`, { grade: 'A' }, 'trainee')).status).toBe(201);
    await s.verify(d.verificationId, 'failed');
    expect((await s.device(d.tag)).status).toBe('received');
    const records = await t.rows('select result from sanitization_records r join devices d on d.id = r.device_id where d.asset_tag = ?', d.tag);
    expect(records).toEqual([{ result: 'passed' }]);
    // Wiped again but while the device is back at received: issue is refused by status first.
    const code = await s.participant();
    const issue = await s.post(`/devices/${d.tag}/issue`, { participantCode: code, kind: 'gift', agreementAccepted: true });
    expect(issue.status).toBe(409);
  });

  it('keeps an in_repair device in repair but it can be neither graded after completion nor counted as sanitized until the drive passes', async () => {
    const s = await setUp(0);
    const d = await s.wiped();
    const opened = await s.post(`/devices/${d.tag}/repairs`, { description: 'keyboard' }, 'trainee');
    expect(opened.status).toBe(201);
    await s.verify(d.verificationId, 'failed');
    expect((await s.device(d.tag)).status).toBe('in_repair');
    const done = await s.post(`/devices/${d.tag}/repairs/${opened.body.repair.id}/complete`, { outcome: 'fixed' }, 'trainee');
    expect(done.status).toBe(200);
    expect(done.body.device.status).toBe('received');
  });

  it('keeps an awaiting_recycling device where it is, but it cannot go on a shipment until the drive passes again', async () => {
    const s = await setUp(0);
    const d = await s.wiped();
    expect((await s.post(`/devices/${d.tag}/recycle`, { reason: 'old' })).status).toBe(200);
    await s.verify(d.verificationId, 'failed');
    expect((await s.device(d.tag)).status).toBe('awaiting_recycling');
    const recycler = await s.post('/recyclers', { name: 'Southern Recycling', certification: 'R2' });
    const shipment = await s.post('/shipments', { recyclerId: recycler.body.recycler.id, mode: 'sealift' });
    const add = await s.post(`/shipments/${shipment.body.shipment.id}/devices`, { assetTag: d.tag });
    expect(add.status).toBe(409);
    expect(add.body.code).toBe('shipments.device_not_sanitized');
    expect(add.body.drives).toEqual([{ serialNumber: d.drives[0], sanitizationState: 'failed_check' }]);
    expect(add.body.detail).toContain(`${d.drives[0]} (its second-person check failed; wipe it again)`);
    // Destroying the drive is a passing record after the failure: it counts, and is itself drawn.
    const shred = await s.wipe(d.tag, d.drives[0]!, s.checker.token, { method: 'destroy', technique: 'shred', verification: 'none' });
    expect(shred.sanitization.verificationId).not.toBeNull();
    expect((await s.post(`/shipments/${shipment.body.shipment.id}/devices`, { assetTag: d.tag })).status).toBe(201);
  });

  it('flags an issued device for recall until it is returned; the handover form then no longer states erasure', async () => {
    const s = await setUp(0);
    const d = await s.wiped();
    expect((await s.post(`/devices/${d.tag}/grade`, { grade: 'B' }, 'trainee')).status).toBe(201);
    const code = await s.participant();
    const issued = await s.post(`/devices/${d.tag}/issue`, { participantCode: code, kind: 'loan', dueDate: '2026-06-01', agreementAccepted: true });
    expect(issued.status).toBe(201);
    const handover = async () =>
      pdfText((await t.http.get(`${API}/issuances/${issued.body.issuance.id}/handover.pdf`).set(await s.as('coordinator')).buffer(true).parse(binary)).body as Buffer);
    expect(await handover()).toContain('All data of earlier owners was erased');
    expect((await s.device(d.tag)).flags).toEqual([]);

    await s.verify(d.verificationId, 'failed');
    const flagged = await s.device(d.tag);
    expect(flagged).toMatchObject({ status: 'issued', flags: ['recall'] });
    const list = await t.http.get(`${API}/devices?flag=recall`).set(await s.as('staff'));
    expect(list.body.items.map((x: Body) => x['assetTag'])).toEqual([d.tag]);
    const text = await handover();
    expect(text).not.toContain('All data of earlier owners was erased');
    expect(text).toContain('may not be fully erased');

    const returned = await s.post(`/devices/${d.tag}/return`, { condition: 'good' });
    expect(returned.status).toBe(200);
    expect(returned.body.device).toMatchObject({ status: 'received', flags: [], grade: null });
    expect((await t.http.get(`${API}/devices?flag=recall`).set(await s.as('staff'))).body.items).toEqual([]);
  });

  it('voids every earlier passing record of the drive, not only the one it checked', async () => {
    const s = await setUp(0.99);
    const d = await s.intake();
    const first = await s.wipe(d.tag, d.drives[0]!); // the first logical wipe is always drawn (top-up)
    const second = await s.wipe(d.tag, d.drives[0]!);
    expect(second.sanitization.verificationId).toBeNull();
    await s.verify(first.sanitization.verificationId!, 'failed');
    const after = await s.device(d.tag);
    expect(after.status).toBe('received');
    expect(after.storage[0]!.sanitizationState).toBe('failed_check');
  });

  it("draws the technician's next 10 passing logical wipes and then stops; another technician's are not affected", async () => {
    const s = await setUp(0.99);
    const other = await t.createUser('other-wiper', 'trainee');
    const d = await s.intake(laptop({ storage: Array.from({ length: 16 }, (_, i) => ({ serialNumber: `DR-${i}`, kind: 'ssd' })) }));
    const first = await s.wipe(d.tag, 'DR-0');
    await s.verify(first.sanitization.verificationId!, 'failed');
    const reasons: Array<string | null> = [];
    const queue = async () => (await t.http.get(`${API}/sanitization-verifications?limit=500`).set(await s.as('trainee'))).body.items as Array<{ reason: string | null; record: { id: number } }>;
    // Another technician's wipe right after the failure is not forced (only the top-up may draw it).
    const theirs = await s.wipe(d.tag, 'DR-15', other.token);
    for (let i = 1; i <= 11; i++) {
      const w = await s.wipe(d.tag, `DR-${i}`);
      const drawn = (await queue()).find((v) => v.record.id === w.sanitization.id);
      reasons.push(drawn?.reason ?? null);
    }
    expect(reasons.slice(0, 10)).toEqual(Array(10).fill('technician_failed_check'));
    expect(reasons[10]).not.toBe('technician_failed_check');
    const theirDraw = (await queue()).find((v) => v.record.id === theirs.sanitization.id);
    expect(theirDraw?.reason ?? null).not.toBe('technician_failed_check');
  });

  it('a passed check changes no status but is one history event', async () => {
    const s = await setUp(0);
    const d = await s.wiped();
    const before = await s.device(d.tag);
    await s.verify(d.verificationId, 'passed');
    const after = await s.device(d.tag);
    expect(after.status).toBe('sanitized');
    expect(after.version).toBe(before.version + 1);
    expect((await s.history(d.tag)).at(-1)).toMatchObject({ action: 'device.sanitization_verified', fromStatus: 'sanitized', toStatus: 'sanitized' });
  });
});

describe('documents never claim more than the records hold (invariant 7)', () => {
  it('refuses a device certificate with 409 certificates.not_sanitized while a drive failed its check, naming the drive', async () => {
    const s = await setUp(0);
    const d = await s.wiped();
    const cert = async () => t.http.get(`${API}/devices/${d.tag}/certificate.pdf`).set(await s.as('staff')).buffer(true).parse(binary);
    expect((await cert()).status).toBe(200);
    await s.verify(d.verificationId, 'failed');
    const refused = await cert();
    expect(refused.status).toBe(409);
    const problem = JSON.parse((refused.body as Buffer).toString('utf8')) as Body;
    expect(problem['code']).toBe('certificates.not_sanitized');
    expect(problem['detail']).toContain(d.drives[0]!);
  });

  it('a donation certificate shows a drive that failed its check as NOT ERASED and says what is missing', async () => {
    const s = await setUp(0);
    const donation = await s.post('/donations', { donorName: 'Hamlet office', donorType: 'government', receivedAt: '2026-03-01' }, 'trainee');
    const good = await s.intake(laptop({ donationId: donation.body.donation.id }));
    const goodWipe = await s.wipe(good.tag, good.drives[0]!);
    await s.verify(goodWipe.sanitization.verificationId!, 'passed');
    const bad = await s.intake(laptop({ donationId: donation.body.donation.id }));
    const badWipe = await s.wipe(bad.tag, bad.drives[0]!);
    await s.verify(badWipe.sanitization.verificationId!, 'failed');
    const res = await t.http.get(`${API}/donations/${donation.body.donation.id}/certificate.pdf`).set(await s.as('staff')).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const text = pdfText(res.body as Buffer);
    const badBlock = text.slice(text.indexOf(bad.drives[0]!));
    expect(badBlock).toMatch(/NOT ERASED: second-person check failed/);
    expect(badBlock).toMatch(/FAILED \(the record does not count\)/);
    const goodBlock = text.slice(text.indexOf(good.drives[0]!), text.indexOf(bad.tag));
    expect(goodBlock).not.toContain('NOT ERASED');
  });
});
