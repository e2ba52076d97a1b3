import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEVICE_STATUSES, allowedActions, refusal } from '../../src/modules/devices/device-lifecycle.js';
import type { Device } from '../../src/modules/devices/devices.schemas.js';
import type { Role } from '../../src/modules/users/users.table.js';
import type { Response as Res } from 'supertest';
import { TEST_ENGINE, WORKSHOP_ROLES, bearer, createTestApp, laptop, type TestApp, wipeBody } from '../helpers.js';
import { dropTrigger } from '../support/triggers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;


interface HistoryEvent {
  id: number;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  details: Body;
}

describe('docs/domain.md §2 invariants', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const post = async (path: string, body: Body, role: Role = 'trainee', headers: Record<string, string> = {}): Promise<Res> =>
    t.http.post(`${API}${path}`).set(bearer(await t.token(role))).set(headers).send(body);
  async function history(tag: string): Promise<HistoryEvent[]> {
    const res = await t.http.get(`${API}/devices/${tag}/history`).set(bearer(await t.token('trainee')));
    expect(res.status).toBe(200);
    return res.body.events as HistoryEvent[];
  }
  async function device(tag: string, role: Role = 'trainee') {
    const res = await t.http.get(`${API}/devices/${tag}`).set(bearer(await t.token(role)));
    expect(res.status).toBe(200);
    return { ...(res.body.device as Device), etag: res.headers['etag'] as string };
  }
  async function auditVerify() {
    const res = await t.http.get(`${API}/audit/verify`).set(bearer(await t.token('admin')));
    expect(res.status).toBe(200);
    return res.body as { ok: boolean; events: number; head?: { id: number; hash: string }; brokenAt?: { id: number; reason: string }; record?: { table: string; id: number } };
  }
  async function intake(body: Body = laptop()) {
    const res = await post('/devices', body);
    expect(res.status).toBe(201);
    return { tag: res.body.device.assetTag as string, drives: (res.body.device.storage as Array<{ serialNumber: string }>).map((d) => d.serialNumber) };
  }
  const recordCount = async (tag: string) =>
    Number((await t.row<{ n: number | string }>('select count(*) as n from sanitization_records r join devices d on d.id = r.device_id where d.asset_tag = ?', tag))!.n);

  describe('1. never issued without a passing sanitization of every drive in the current custody cycle', () => {
    it('the lifecycle refuses issue with devices.not_sanitized whenever the drives did not all pass, and lists it for no role', () => {
      expect(refusal('issue', { status: 'ready', sanitized: false, driveCount: 1 })).toBe('devices.not_sanitized');
      expect(refusal('issue', { status: 'ready', sanitized: false, driveCount: 0 })).toBe('devices.not_sanitized');
      expect(refusal('issue', { status: 'ready', sanitized: true, driveCount: 2 })).toBeNull();
      for (const status of DEVICE_STATUSES) {
        for (const driveCount of [0, 1, 3]) {
          expect(refusal('issue', { status, sanitized: false, driveCount }), status).not.toBeNull();
          for (const role of WORKSHOP_ROLES) expect(allowedActions(role, { status, sanitized: false, driveCount }), `${role} ${status}`).not.toContain('issue');
        }
        if (status !== 'ready') expect(refusal('issue', { status, sanitized: true, driveCount: 1 }), status).toBe('devices.invalid_transition');
      }
      // Only coordinators and admins may issue a ready, sanitized device.
      for (const role of WORKSHOP_ROLES) {
        const offered = allowedActions(role, { status: 'ready', sanitized: true, driveCount: 1 }).includes('issue');
        expect(offered, role).toBe(role === 'coordinator' || role === 'admin');
      }
    });

    it('through the API, issue is never offered while a drive has not passed in this cycle', async () => {
      const { tag, drives } = await intake(laptop({
        storage: [
          { serialNumber: 'A-1', kind: 'hdd' },
          { serialNumber: 'B-2', kind: 'ssd' },
        ],
      }));
      const noIssue = async (label: string) => {
        for (const role of ['coordinator', 'admin'] as const) {
          const d = await device(tag, role);
          expect(d.allowedActions, `${label} (${role})`).not.toContain('issue');
        }
      };
      await noIssue('received');
      await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!));
      await noIssue('one drive passed');
      await post(`/devices/${tag}/sanitizations`, wipeBody(drives[1]!, { result: 'failed' }));
      await noIssue('one drive failed');
      const ok = await post(`/devices/${tag}/sanitizations`, wipeBody(drives[1]!));
      expect(ok.body.device.status).toBe('sanitized');
      const graded = await post(`/devices/${tag}/grade`, { grade: 'A' });
      expect(graded.body.device.status).toBe('ready');
      // Positive control: now it is offered to a coordinator.
      expect((await device(tag, 'coordinator')).allowedActions).toContain('issue');
      expect((await device(tag, 'trainee')).allowedActions).not.toContain('issue');

      // A late drive on a ready device takes issue away again.
      const late = await post(`/devices/${tag}/storage`, { serialNumber: 'C-3', kind: 'nvme' });
      expect(late.body.device.status).toBe('received');
      await noIssue('late drive');

      // Records from an earlier custody cycle do not count: simulate a return by moving the device to a new cycle.
      const other = await intake();
      await post(`/devices/${other.tag}/sanitizations`, wipeBody(other.drives[0]!));
      await post(`/devices/${other.tag}/grade`, { grade: 'B' });
      expect((await device(other.tag, 'coordinator')).allowedActions).toContain('issue');
      await t.exec('update devices set custody_cycle = custody_cycle + 1 where asset_tag = ?', other.tag);
      const moved = await device(other.tag, 'coordinator');
      expect(moved.status).toBe('ready');
      expect(moved.sanitized).toBe(false);
      expect(moved.storage[0]!.sanitizationState).toBe('pending');
      expect(moved.allowedActions).not.toContain('issue');
    });
  });

  describe('3. every status change writes exactly one history event; the chain verifies and detects tampering', () => {
    it('counts events around each action of a mixed sequence; refused actions write none', async () => {
      const { tag, drives } = await intake(laptop({
        storage: [
          { serialNumber: 'HDD-1', kind: 'hdd' },
          { serialNumber: 'SSD-2', kind: 'ssd' },
        ],
      }));
      const donor = await intake();
      let repairId = 0;
      // chainEvents: events the whole audit chain gains (a harvested part also writes one on its donor).
      const steps: Array<{ label: string; run: () => Promise<Res>; ok: boolean; chainEvents?: number }> = [
        { label: 'grade too early', run: () => post(`/devices/${tag}/grade`, { grade: 'A' }), ok: false },
        { label: 'unknown drive', run: () => post(`/devices/${tag}/sanitizations`, wipeBody('NOPE')), ok: false },
        { label: 'failed wipe', run: () => post(`/devices/${tag}/sanitizations`, wipeBody('HDD-1', { result: 'failed' })), ok: true },
        { label: 'impossible pair', run: () => post(`/devices/${tag}/sanitizations`, wipeBody('HDD-1', { method: 'destroy', technique: 'overwrite' })), ok: false },
        { label: 'wipe 1', run: () => post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!)), ok: true },
        { label: 'repair too early', run: () => post(`/devices/${tag}/repairs`, { description: 'x' }), ok: false },
        { label: 'wipe 2', run: () => post(`/devices/${tag}/sanitizations`, wipeBody(drives[1]!, { method: 'destroy', technique: 'shred' })), ok: true },
        { label: 'trainee recycle', run: () => post(`/devices/${tag}/recycle`, { reason: 'x' }), ok: false },
        {
          label: 'open repair',
          run: async () => {
            const res = await post(`/devices/${tag}/repairs`, { description: 'hinge', partsUsed: [{ name: 'hinge', quantity: 1, sourceAssetTag: donor.tag }] });
            repairId = res.body.repair?.id as number;
            return res;
          },
          ok: true,
          chainEvents: 2,
        },
        { label: 'late drive in repair', run: () => post(`/devices/${tag}/storage`, { serialNumber: 'LATE-3', kind: 'hdd' }), ok: true },
        { label: 'duplicate drive', run: () => post(`/devices/${tag}/storage`, { serialNumber: 'late-3', kind: 'hdd' }), ok: false },
        { label: 'complete repair', run: () => post(`/devices/${tag}/repairs/${repairId}/complete`, { outcome: 'fixed', minutes: 30 }), ok: true },
        { label: 'complete twice', run: () => post(`/devices/${tag}/repairs/${repairId}/complete`, { outcome: 'fixed' }), ok: false },
        { label: 'wipe late drive', run: () => post(`/devices/${tag}/sanitizations`, wipeBody('LATE-3')), ok: true },
        { label: 'bad checklist', run: () => post(`/devices/${tag}/grade`, { grade: 'A', checklist: { batteryHealthPercent: 140 } }), ok: false },
        { label: 'grade', run: () => post(`/devices/${tag}/grade`, { grade: 'C' }), ok: true },
        { label: 'contradicting checklist', run: () => post(`/devices/${tag}/grade`, { grade: 'B', checklist: { powersOn: false } }), ok: false },
        { label: 'regrade', run: () => post(`/devices/${tag}/grade`, { grade: 'B', checklist: { powersOn: true, screen: true } }), ok: true },
        { label: 'coordinator write-off', run: () => post(`/devices/${tag}/write-off`, { reason: 'x' }, 'coordinator'), ok: false },
        { label: 'recycle', run: () => post(`/devices/${tag}/recycle`, { reason: 'fleet retired' }, 'coordinator'), ok: true },
        { label: 'write-off', run: () => post(`/devices/${tag}/write-off`, { reason: 'lost in sealift' }, 'admin'), ok: true },
        { label: 'after write-off', run: () => post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!)), ok: false },
      ];
      // Make every user before counting: user creation writes events too.
      for (const role of WORKSHOP_ROLES) await t.token(role);

      for (const step of steps) {
        const before = await history(tag);
        const statusBefore = (await device(tag)).status as string;
        const chainBefore = (await auditVerify()).events;
        const res = await step.run();
        const after = await history(tag);
        const chainAfter = await auditVerify();
        expect(chainAfter.ok, step.label).toBe(true);
        if (step.ok) {
          expect(res.status, `${step.label}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(200);
          expect(res.status, step.label).toBeLessThan(300);
          expect(after, step.label).toHaveLength(before.length + 1);
          expect(after.slice(0, before.length), step.label).toEqual(before);
          const statusAfter = res.body.device.status as string;
          expect(after.at(-1), step.label).toMatchObject({ fromStatus: statusBefore, toStatus: statusAfter });
          expect(chainAfter.events, step.label).toBe(chainBefore + (step.chainEvents ?? 1));
        } else {
          expect([400, 403, 404, 409], `${step.label}: ${res.status}`).toContain(res.status);
          expect(after, step.label).toEqual(before);
          expect(chainAfter.events, step.label).toBe(chainBefore);
          expect((await device(tag)).status, step.label).toBe(statusBefore);
        }
      }
      const statuses = (await history(tag)).filter((e) => e.fromStatus !== e.toStatus).map((e) => e.toStatus);
      expect(statuses).toEqual(['received', 'sanitized', 'in_repair', 'received', 'sanitized', 'ready', 'awaiting_recycling', 'written_off']);
    });

    it('history rows cannot be changed, and a sanitization event tampered with after dropping the triggers is reported with brokenAt.id', async () => {
      const { tag, drives } = await intake();
      await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!, { result: 'failed' }));
      await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!));
      await post(`/devices/${tag}/grade`, { grade: 'B' });
      const good = await auditVerify();
      expect(good.ok).toBe(true);
      expect(good.head?.hash).toMatch(/^[0-9a-f]{64}$/);

      const failedEvent = (await history(tag)).find((e) => e.action === 'device.sanitization_recorded' && e.details['result'] === 'failed');
      expect(failedEvent).toBeDefined();
      const forged = JSON.stringify({ ...failedEvent!.details, result: 'passed' });
      await expect(t.exec('update audit_events set details = ? where id = ?', forged, failedEvent!.id)).rejects.toThrow(/audit_events is append-only/);
      await expect(t.exec('delete from audit_events where id = ?', failedEvent!.id)).rejects.toThrow(/audit_events is append-only/);
      expect((await auditVerify()).ok).toBe(true);

      await dropTrigger(t, 'audit_events', 'audit_events_no_update');
      await t.exec('update audit_events set details = ? where id = ?', forged, failedEvent!.id);
      const broken = await auditVerify();
      expect(broken.ok).toBe(false);
      expect(broken.brokenAt).toEqual({ id: failedEvent!.id, reason: 'hash_mismatch' });
      expect(broken.events).toBe(failedEvent!.id - 1);
    });

    it('a deleted sanitization event (triggers dropped) is reported as a gap in the chain', async () => {
      const { tag, drives } = await intake();
      await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!));
      await post(`/devices/${tag}/repairs`, { description: 'fan' });
      const wiped = (await history(tag)).find((e) => e.action === 'device.sanitization_recorded')!;
      await dropTrigger(t, 'audit_events', 'audit_events_no_delete');
      await t.exec('delete from audit_events where id = ?', wiped.id);
      const broken = await auditVerify();
      expect(broken.ok).toBe(false);
      expect(broken.brokenAt).toEqual({ id: wiped.id + 1, reason: 'id_gap' });
    });
  });

  it('3. a sanitization event cut from the end of the chain (triggers dropped) is reported: truncated, or on PostgreSQL through the device it changed', async () => {
    const { tag, drives } = await intake();
    await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!));
    const [intakeEvent, last] = (await history(tag)).slice(-2);
    expect([intakeEvent!.action, last!.action]).toEqual(['device.intake', 'device.sanitization_recorded']);
    const before = await auditVerify();
    expect(before).toMatchObject({ ok: true, events: last!.id });
    await dropTrigger(t, 'audit_events', 'audit_events_no_delete');
    await t.exec('delete from audit_events where id = ?', last!.id);
    const broken = await auditVerify();
    expect(broken.ok).toBe(false);
    if (TEST_ENGINE === 'postgres') {
      // No AUTOINCREMENT mark there (docs/postgresql.md): the device the cut event changed no longer matches the intake, its latest event left.
      expect(broken).toMatchObject({ brokenAt: { id: intakeEvent!.id, reason: 'record_mismatch' }, record: { table: 'devices' } });
    } else {
      expect(broken.brokenAt).toEqual({ id: last!.id, reason: 'truncated' });
    }
  });

  describe('4. two concurrent actions on one device: exactly one wins', () => {
    it('two grade D at once: one 201, the other 409 (awaiting_recycling cannot be graded), and one history event', async () => {
      for (let round = 0; round < 5; round++) {
        const { tag, drives } = await intake();
        await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!));
        const before = (await history(tag)).length;
        const results = await Promise.all([post(`/devices/${tag}/grade`, { grade: 'D' }), post(`/devices/${tag}/grade`, { grade: 'D' }, 'coordinator')]);
        const statuses = results.map((r) => r.status).sort();
        expect(statuses, `round ${round}`).toEqual([201, 409]);
        const loser = results.find((r) => r.status === 409)!;
        expect(loser.body.code).toBe('devices.invalid_transition');
        const winner = results.find((r) => r.status === 201)!;
        expect((await history(tag)).length).toBe(before + 1);
        expect((await device(tag)).status).toBe(winner.body.device.status);
      }
    });

    it('open repair and grade at once with the same If-Match: one wins, the other gets 412', async () => {
      for (let round = 0; round < 5; round++) {
        const { tag, drives } = await intake();
        await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!));
        const { etag } = await device(tag);
        const before = (await history(tag)).length;
        const results = await Promise.all([
          post(`/devices/${tag}/repairs`, { description: 'keyboard' }, 'trainee', { 'if-match': etag }),
          post(`/devices/${tag}/grade`, { grade: 'B' }, 'coordinator', { 'if-match': etag }),
        ]);
        const statuses = results.map((r) => r.status).sort();
        expect(statuses, `round ${round}`).toEqual([201, 412]);
        expect(results.find((r) => r.status === 412)!.body.code).toBe('devices.version_mismatch');
        expect((await history(tag)).length).toBe(before + 1);
      }
    });

    it('two repairs opened at once, and two recycle designations at once: one wins, the other 409', async () => {
      const a = await intake();
      await post(`/devices/${a.tag}/sanitizations`, wipeBody(a.drives[0]!));
      const repairs = await Promise.all([post(`/devices/${a.tag}/repairs`, { description: 'one' }), post(`/devices/${a.tag}/repairs`, { description: 'two' }, 'admin')]);
      expect(repairs.map((r) => r.status).sort()).toEqual([201, 409]);
      const openRepairs = await t.row<{ n: number | string }>('select count(*) as n from repairs r join devices d on d.id = r.device_id where d.asset_tag = ?', a.tag);
      expect(Number(openRepairs!.n)).toBe(1);

      const b = await intake();
      const recycles = await Promise.all([post(`/devices/${b.tag}/recycle`, { reason: 'x' }, 'coordinator'), post(`/devices/${b.tag}/recycle`, { reason: 'y' }, 'admin')]);
      expect(recycles.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await history(b.tag)).length).toBe(2);
    });

    it('a stale If-Match ("v1" when the device is at v3) on a lifecycle POST is 412 devices.version_mismatch and writes nothing', async () => {
      const { tag, drives } = await intake();
      await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!, { result: 'failed' }));
      await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!));
      const current = await device(tag);
      expect(current.version).toBe(3);
      expect(current.etag).toBe('"v3"');
      const before = await history(tag);
      const records = await recordCount(tag);

      const stale: Array<[string, Body, Role]> = [
        ['/grade', { grade: 'A' }, 'trainee'],
        ['/repairs', { description: 'x' }, 'trainee'],
        ['/sanitizations', wipeBody(drives[0]!), 'trainee'],
        ['/storage', { serialNumber: 'LATE', kind: 'hdd' }, 'trainee'],
        ['/recycle', { reason: 'x' }, 'coordinator'],
        ['/write-off', { reason: 'x' }, 'admin'],
      ];
      for (const [path, body, role] of stale) {
        const res = await post(`/devices/${tag}${path}`, body, role, { 'if-match': '"v1"' });
        expect(res.status, path).toBe(412);
        expect(res.body.code, path).toBe('devices.version_mismatch');
        expect(res.body.currentVersion, path).toBe(3);
      }
      expect(await history(tag)).toEqual(before);
      expect(await recordCount(tag)).toBe(records);
      const after = await device(tag);
      expect(after.version).toBe(3);
      expect(after.status).toBe('sanitized');

      // A weak tag never matches in If-Match (RFC 9110 strong comparison); the current strong ETag goes through.
      const weak = await post(`/devices/${tag}/grade`, { grade: 'A' }, 'trainee', { 'if-match': 'W/"v3"' });
      expect(weak.status).toBe(412);
      const ok = await post(`/devices/${tag}/grade`, { grade: 'A' }, 'trainee', { 'if-match': current.etag });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.headers['etag']).toBe('"v4"');
    });
  });

  describe('5. a retried request with the same Idempotency-Key never applies twice', () => {
    it('a retried sanitization replays the stored response and creates exactly one record', async () => {
      const { tag, drives } = await intake(laptop({
        storage: [
          { serialNumber: 'A-1', kind: 'hdd' },
          { serialNumber: 'B-2', kind: 'hdd' },
        ],
      }));
      const body = wipeBody(drives[0]!);
      const first = await post(`/devices/${tag}/sanitizations`, body, 'trainee', { 'idempotency-key': 'wipe-A-1' });
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const historyAfterFirst = await history(tag);

      for (let i = 0; i < 3; i++) {
        const replay = await post(`/devices/${tag}/sanitizations`, body, 'trainee', { 'idempotency-key': 'wipe-A-1' });
        expect(replay.status).toBe(201);
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.body).toEqual(first.body);
        expect(replay.headers['etag']).toBe(first.headers['etag']);
      }
      expect(await history(tag)).toEqual(historyAfterFirst);
      expect(historyAfterFirst.filter((e) => e.action === 'device.sanitization_recorded')).toHaveLength(1);
      expect(await recordCount(tag)).toBe(1);
      const records = await t.rows<{ storage_serial: string }>('select storage_serial from sanitization_records');
      expect(records).toEqual([{ storage_serial: 'A-1' }]);

      // The same key with a different body is 422 and applies nothing.
      const reused = await post(`/devices/${tag}/sanitizations`, wipeBody(drives[1]!), 'trainee', { 'idempotency-key': 'wipe-A-1' });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('idempotency.key_reused');
      expect(await recordCount(tag)).toBe(1);
      expect(await history(tag)).toEqual(historyAfterFirst);

      // A new key is a new attempt.
      const second = await post(`/devices/${tag}/sanitizations`, wipeBody(drives[1]!), 'trainee', { 'idempotency-key': 'wipe-B-2' });
      expect(second.status).toBe(201);
      expect(second.body.device.status).toBe('sanitized');
      expect(await recordCount(tag)).toBe(2);
    });

    it('two concurrent requests with the same key apply once (the other is replayed or 409 idempotency.in_progress)', async () => {
      const { tag, drives } = await intake();
      const body = wipeBody(drives[0]!);
      const results = await Promise.all([
        post(`/devices/${tag}/sanitizations`, body, 'trainee', { 'idempotency-key': 'race-1' }),
        post(`/devices/${tag}/sanitizations`, body, 'trainee', { 'idempotency-key': 'race-1' }),
      ]);
      const originals = results.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
      expect(originals).toHaveLength(1);
      const other = results.find((r) => r !== originals[0])!;
      if (other.status === 409) expect(other.body.code).toBe('idempotency.in_progress');
      else {
        expect(other.status).toBe(201);
        expect(other.headers['idempotent-replayed']).toBe('true');
        expect(other.body).toEqual(originals[0]!.body);
      }
      expect(await recordCount(tag)).toBe(1);
      expect((await history(tag)).filter((e) => e.action === 'device.sanitization_recorded')).toHaveLength(1);
    });

    it('a retried lifecycle action (grade) replays instead of answering 409', async () => {
      const { tag, drives } = await intake();
      await post(`/devices/${tag}/sanitizations`, wipeBody(drives[0]!));
      const first = await post(`/devices/${tag}/grade`, { grade: 'B' }, 'trainee', { 'idempotency-key': 'grade-1' });
      expect(first.status).toBe(201);
      const replay = await post(`/devices/${tag}/grade`, { grade: 'B' }, 'trainee', { 'idempotency-key': 'grade-1' });
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect((await history(tag)).filter((e) => e.action === 'device.graded')).toHaveLength(1);
      expect(await t.count('gradings')).toBe(1);
    });
  });
});
