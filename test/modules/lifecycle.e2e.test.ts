import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp, wipeBody } from '../helpers.js';

const wipe = (storageSerial: string, result: 'passed' | 'failed') => wipeBody(storageSerial, { result });

describe('a laptop with two drives, from intake to recycling designation', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it('follows the lifecycle, and history and the audit chain hold at every step', async () => {
    const trainee = await t.token('trainee');
    const coordinator = await t.token('coordinator');
    const admin = await t.token('admin');
    const http = t.http;

    const steps: Array<{ action: string; status: string }> = [];
    async function expectStep(tag: string, action: string, status: string) {
      steps.push({ action, status });
      const history = await http.get(`/api/v1/devices/${tag}/history`).set(bearer(trainee));
      expect(history.status).toBe(200);
      expect(history.body.events.map((e: { action: string }) => e.action)).toEqual(steps.map((s) => s.action));
      const last = history.body.events.at(-1);
      expect(last.toStatus).toBe(status);
      const verify = await http.get('/api/v1/audit/verify').set(bearer(admin));
      expect(verify.body.ok).toBe(true);
    }

    const intake = await http
      .post('/api/v1/devices')
      .set(bearer(trainee))
      .send({
        category: 'laptop',
        make: 'Dell',
        model: 'Latitude 5490',
        serialNumber: 'DL-5490-77',
        storage: [
          { serialNumber: 'HDD-AAA', kind: 'hdd', capacityGb: 500 },
          { serialNumber: 'NVME-BBB', kind: 'nvme', capacityGb: 256 },
        ],
      });
    expect(intake.status).toBe(201);
    const tag = intake.body.device.assetTag as string;
    await expectStep(tag, 'device.intake', 'received');

    // Grading before sanitization is refused and writes nothing.
    const early = await http.post(`/api/v1/devices/${tag}/grade`).set(bearer(trainee)).send({ grade: 'A' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('devices.invalid_transition');
    expect(early.body.currentStatus).toBe('received');
    expect(early.body.action).toBe('grade');

    const failed = await http.post(`/api/v1/devices/${tag}/sanitizations`).set(bearer(trainee)).send(wipe('HDD-AAA', 'failed'));
    expect(failed.status).toBe(201);
    expect(failed.body.device.status).toBe('received');
    expect(failed.body.device.storage.map((d: { sanitizationState: string }) => d.sanitizationState)).toEqual(['failed', 'pending']);
    await expectStep(tag, 'device.sanitization_recorded', 'received');

    const first = await http.post(`/api/v1/devices/${tag}/sanitizations`).set(bearer(trainee)).send(wipe('hdd-aaa', 'passed'));
    expect(first.status).toBe(201);
    expect(first.body.device.status).toBe('received');
    expect(first.body.sanitization).toMatchObject({ storageSerial: 'HDD-AAA', standard: 'NIST SP 800-88 Rev. 2', result: 'passed' });
    await expectStep(tag, 'device.sanitization_recorded', 'received');

    const second = await http.post(`/api/v1/devices/${tag}/sanitizations`).set(bearer(trainee)).send(wipe('NVME-BBB', 'passed'));
    expect(second.status).toBe(201);
    expect(second.body.device.status).toBe('sanitized');
    expect(second.body.device.sanitized).toBe(true);
    await expectStep(tag, 'device.sanitization_recorded', 'sanitized');

    const repair = await http
      .post(`/api/v1/devices/${tag}/repairs`)
      .set(bearer(trainee))
      .send({ description: 'Replace cracked keyboard', minutes: 20 });
    expect(repair.status).toBe(201);
    expect(repair.body.device.status).toBe('in_repair');
    await expectStep(tag, 'device.repair_opened', 'in_repair');

    const done = await http
      .post(`/api/v1/devices/${tag}/repairs/${repair.body.repair.id}/complete`)
      .set(bearer(trainee))
      .send({ outcome: 'fixed', minutes: 15, partsUsed: [{ name: 'keyboard', quantity: 1 }] });
    expect(done.status).toBe(200);
    expect(done.body.repair).toMatchObject({ outcome: 'fixed', minutes: 35 });
    expect(done.body.device.status).toBe('sanitized');
    await expectStep(tag, 'device.repair_completed', 'sanitized');

    const graded = await http
      .post(`/api/v1/devices/${tag}/grade`)
      .set(bearer(trainee))
      .send({ grade: 'B', checklist: { powersOn: true, batteryHealthPercent: 71 }, specs: { cpu: 'i5-8350U', ramGb: 8, storageGb: 256, os: 'Linux Mint 22' } });
    expect(graded.status).toBe(201);
    expect(graded.body.device.status).toBe('ready');
    expect(graded.body.device.specs).toMatchObject({ cpu: 'i5-8350U', ramGb: 8 });
    await expectStep(tag, 'device.graded', 'ready');

    // Trainees cannot designate for recycling; coordinators can.
    const refused = await http.post(`/api/v1/devices/${tag}/recycle`).set(bearer(trainee)).send({ reason: 'battery swollen' });
    expect(refused.status).toBe(403);
    const recycled = await http.post(`/api/v1/devices/${tag}/recycle`).set(bearer(coordinator)).send({ reason: 'battery swollen' });
    expect(recycled.status).toBe(200);
    expect(recycled.body.device.status).toBe('awaiting_recycling');
    await expectStep(tag, 'device.designated_for_recycling', 'awaiting_recycling');
  });
});
