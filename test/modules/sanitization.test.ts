import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/core/db.js';
import type { Device } from '../../src/modules/devices/devices.schemas.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, rawSql, type TestApp } from '../helpers.js';

const API = '/api/v1';
const START = '2026-03-02T15:00:00.000Z';
const HOUR = 3_600_000;

type Body = Record<string, unknown>;

function wipe(storageSerial: string, overrides: Body = {}): Body {
  return {
    storageSerial,
    method: 'purge',
    technique: 'crypto_erase',
    tool: 'nwipe',
    toolVersion: '0.37',
    verification: 'full',
    result: 'passed',
    ...overrides,
  };
}

async function intake(h: TestApp, token: string, body: Body = laptop()) {
  const res = await h.http.post(`${API}/devices`).set(bearer(token)).send(body);
  expect(res.status).toBe(201);
  const device = res.body.device;
  return { tag: device.assetTag as string, drives: (device.storage as Array<{ serialNumber: string }>).map((d) => d.serialNumber), device };
}

async function historyOf(h: TestApp, tag: string) {
  const res = await h.http.get(`${API}/devices/${tag}/history`).set(bearer(await h.token('admin')));
  expect(res.status).toBe(200);
  return res.body.events as Array<{ action: string; fromStatus: string | null; toStatus: string | null; details: Body }>;
}

async function getDevice(h: TestApp, tag: string, role: Role = 'trainee') {
  const res = await h.http.get(`${API}/devices/${tag}`).set(bearer(await h.token(role)));
  expect(res.status).toBe(200);
  return res.body.device as Device;
}

async function recordCount(db: Db, tag?: string): Promise<number> {
  const row =
    tag === undefined
      ? await rawSql(db).row<{ n: number | string }>('select count(*) as n from sanitization_records')
      : await rawSql(db).row<{ n: number | string }>('select count(*) as n from sanitization_records r join devices d on d.id = r.device_id where d.asset_tag = ?', tag);
  return Number(row!.n);
}

describe('POST /devices/{tag}/sanitizations', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const sanitize = async (tag: string, body: Body, role: Role = 'trainee') =>
    t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(await t.token(role))).send(body);

  it('records one drive: the stored fields, the default standard, the technician and the custody cycle', async () => {
    const trainee = await t.createUser('amaruq', 'trainee');
    const { tag, drives } = await intake(t, trainee.token);
    t.clock.advance(HOUR);
    const completedAt = new Date(Date.parse(START) + 30 * 60_000).toISOString();
    const startedAt = new Date(Date.parse(START) + 10 * 60_000).toISOString();
    const sha = 'AB'.repeat(32);
    const res = await t.http
      .post(`${API}/devices/${tag}/sanitizations`)
      .set(bearer(trainee.token))
      .send(wipe(drives[0]!.toLowerCase(), { startedAt, completedAt, reportSha256: sha, notes: 'three passes' }));
    expect(res.status).toBe(201);
    expect(res.headers['etag']).toBe(`"v${res.body.device.version}"`);
    const rec = res.body.sanitization;
    expect(rec).toMatchObject({
      assetTag: tag,
      storageSerial: drives[0],
      custodyCycle: 1,
      standard: 'NIST SP 800-88 Rev. 2',
      method: 'purge',
      technique: 'crypto_erase',
      tool: 'nwipe',
      toolVersion: '0.37',
      verification: 'full',
      result: 'passed',
      startedAt,
      completedAt,
      reportSha256: sha.toLowerCase(),
      notes: 'three passes',
      technician: { id: trainee.id, username: 'amaruq' },
      createdAt: new Date(Date.parse(START) + HOUR).toISOString(),
    });
    expect(typeof rec.id).toBe('number');
    expect(res.body.device.status).toBe('sanitized');
    expect(res.body.device.storage[0]).toMatchObject({ serialNumber: drives[0], sanitizationState: 'passed', lastSanitizationAt: completedAt });

    // An explicit standard is kept as given; completedAt defaults to now.
    const other = await intake(t, trainee.token);
    const custom = await sanitize(other.tag, wipe(other.drives[0]!, { standard: 'IEEE 2883-2022' }));
    expect(custom.status).toBe(201);
    expect(custom.body.sanitization.standard).toBe('IEEE 2883-2022');
    expect(custom.body.sanitization.completedAt).toBe(t.clock.now().toISOString());
    expect(custom.body.sanitization.startedAt).toBeNull();
    expect(custom.body.sanitization.reportSha256).toBeNull();
  });

  it('refuses a serial that is not registered on the device with 409 sanitizations.unknown_drive and writes nothing', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    const other = await intake(t, await t.token('trainee'));
    const before = await historyOf(t, tag);
    // A drive of another device is not a drive of this one.
    for (const serial of ['NOT-A-DRIVE', other.drives[0]!]) {
      const res = await sanitize(tag, wipe(serial));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('sanitizations.unknown_drive');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.registeredDrives).toEqual(drives);
    }
    expect(await historyOf(t, tag)).toEqual(before);
    expect(await recordCount(t.db)).toBe(0);
    const device = await getDevice(t, tag);
    expect(device.status).toBe('received');
    expect(device.version).toBe(1);
    expect(device.storage[0]!.sanitizationState).toBe('pending');
  });

  it('rejects unknown body properties and bad values with 400 request.invalid', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    for (const body of [
      wipe(drives[0]!, { operator: 'someone' }),
      wipe(drives[0]!, { result: 'ok' }),
      wipe(drives[0]!, { method: 'wipe' }),
      wipe(drives[0]!, { verification: 'quick' }),
      { noStorage: false },
    ]) {
      const res = await sanitize(tag, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('request.invalid');
    }
    expect(await recordCount(t.db)).toBe(0);
  });

  it('{ "noStorage": true } sanitizes a device with no drives, and is refused with 409 on a device with drives', async () => {
    const trainee = await t.token('trainee');
    const empty = await intake(t, trainee, laptop({ category: 'monitor', storage: [] }));
    expect(empty.device.sanitized).toBe(false);
    expect(empty.device.allowedActions).toContain('confirm_no_storage');
    const ok = await sanitize(empty.tag, { noStorage: true, notes: 'monitor, no storage' });
    expect(ok.status).toBe(201);
    expect(ok.body.sanitization).toBeNull();
    expect(ok.body.device).toMatchObject({ status: 'sanitized', sanitized: true, noStorageConfirmed: true, storage: [] });
    const events = await historyOf(t, empty.tag);
    expect(events.at(-1)).toMatchObject({ action: 'device.no_storage_confirmed', fromStatus: 'received', toStatus: 'sanitized' });
    // A second confirmation is not a transition any more.
    const again = await sanitize(empty.tag, { noStorage: true });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('devices.invalid_transition');

    const withDrive = await intake(t, trainee);
    const refused = await sanitize(withDrive.tag, { noStorage: true });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('devices.invalid_transition');
    const device = await getDevice(t, withDrive.tag);
    expect(device).toMatchObject({ status: 'received', sanitized: false, noStorageConfirmed: false, version: 1 });
    expect(await historyOf(t, withDrive.tag)).toHaveLength(1);
  });

  it('checks the times: completedAt in the future 400, startedAt after completedAt 400, completedAt before intake 409', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    const now = Date.parse(START);
    const iso = (ms: number) => new Date(ms).toISOString();

    const future = await sanitize(tag, wipe(drives[0]!, { completedAt: iso(now + HOUR) }));
    expect(future.status).toBe(400);
    expect(future.body.code).toBe('request.invalid');
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'body.completedAt' })]);

    const reversed = await sanitize(tag, wipe(drives[0]!, { startedAt: iso(now), completedAt: iso(now - 60_000) }));
    expect(reversed.status).toBe(400);
    expect(reversed.body.code).toBe('request.invalid');
    expect(reversed.body.errors).toEqual([expect.objectContaining({ field: 'body.startedAt' })]);

    const early = await sanitize(tag, wipe(drives[0]!, { completedAt: iso(now - 60_000) }));
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('sanitizations.before_custody_cycle');

    const notADate = await sanitize(tag, wipe(drives[0]!, { completedAt: 'yesterday' }));
    expect(notADate.status).toBe(400);
    expect(notADate.body.code).toBe('request.invalid');

    expect(await recordCount(t.db)).toBe(0);
    expect(await historyOf(t, tag)).toHaveLength(1);

    // Started before intake but completed after it is fine (the wipe was already running).
    t.clock.advance(HOUR);
    const ok = await sanitize(tag, wipe(drives[0]!, { startedAt: iso(now - 60_000), completedAt: iso(now + 30 * 60_000) }));
    expect(ok.status).toBe(201);
  });

  it('reportSha256 must be 64 hexadecimal characters', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    for (const bad of ['abc', 'g'.repeat(64), 'a'.repeat(63), 'a'.repeat(65)]) {
      const res = await sanitize(tag, wipe(drives[0]!, { reportSha256: bad }));
      expect(res.status, bad).toBe(400);
      expect(res.body.code).toBe('request.invalid');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.reportSha256' })]);
    }
    const good = await sanitize(tag, wipe(drives[0]!, { reportSha256: '0123456789abcdef'.repeat(4) }));
    expect(good.status).toBe(201);
    expect(good.body.sanitization.reportSha256).toBe('0123456789abcdef'.repeat(4));
  });

  it('a device becomes sanitized only when every registered drive has a passing record; a failed record leaves the drive failed', async () => {
    const { tag } = await intake(t, await t.token('trainee'), laptop({
      storage: [
        { serialNumber: 'HDD-1', kind: 'hdd' },
        { serialNumber: 'SSD-2', kind: 'ssd' },
        { serialNumber: 'EMMC-3', kind: 'emmc' },
      ],
    }));
    const states = (device: { storage: Array<{ sanitizationState: string }> }) => device.storage.map((d) => d.sanitizationState);

    const f1 = await sanitize(tag, wipe('HDD-1', { result: 'failed' }));
    expect(f1.status).toBe(201);
    expect(f1.body.sanitization.result).toBe('failed');
    expect(f1.body.device.status).toBe('received');
    expect(states(f1.body.device)).toEqual(['failed', 'pending', 'pending']);

    const p2 = await sanitize(tag, wipe('SSD-2'));
    expect(p2.body.device.status).toBe('received');
    expect(p2.body.device.sanitized).toBe(false);
    expect(states(p2.body.device)).toEqual(['failed', 'passed', 'pending']);

    const p3 = await sanitize(tag, wipe('EMMC-3', { method: 'destroy', technique: 'shred' }));
    expect(p3.body.device.status).toBe('received');
    expect(states(p3.body.device)).toEqual(['failed', 'passed', 'passed']);
    expect(p3.body.device.allowedActions).not.toContain('grade');

    const f2 = await sanitize(tag, wipe('HDD-1', { result: 'failed' }));
    expect(f2.body.device.status).toBe('received');
    expect(states(f2.body.device)).toEqual(['failed', 'passed', 'passed']);

    const p1 = await sanitize(tag, wipe('HDD-1', { method: 'clear', technique: 'overwrite' }));
    expect(p1.body.device.status).toBe('sanitized');
    expect(p1.body.device.sanitized).toBe(true);
    expect(states(p1.body.device)).toEqual(['passed', 'passed', 'passed']);

    const events = await historyOf(t, tag);
    expect(events.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['device.intake', null, 'received'],
      ['device.sanitization_recorded', 'received', 'received'],
      ['device.sanitization_recorded', 'received', 'received'],
      ['device.sanitization_recorded', 'received', 'received'],
      ['device.sanitization_recorded', 'received', 'received'],
      ['device.sanitization_recorded', 'received', 'sanitized'],
    ]);
    expect(events.map((e) => e.details['result'])).toEqual([undefined, 'failed', 'passed', 'passed', 'failed', 'passed']);
    expect(await recordCount(t.db, tag)).toBe(5);
  });

  it('a failed re-wipe after a pass keeps the drive passed: any passing record in the cycle counts (docs/domain.md §2)', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    expect((await sanitize(tag, wipe(drives[0]!))).body.device.status).toBe('sanitized');
    t.clock.advance(60_000);
    const again = await sanitize(tag, wipe(drives[0]!, { result: 'failed' }));
    expect(again.status).toBe(201);
    expect(again.body.device.status).toBe('sanitized');
    expect(again.body.device.sanitized).toBe(true);
    expect(again.body.device.storage[0]).toMatchObject({ sanitizationState: 'passed', lastSanitizationAt: t.clock.now().toISOString() });
    expect(await recordCount(t.db, tag)).toBe(2);
  });

  it('records are append-only: raw UPDATE and DELETE on sanitization_records throw', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    const res = await sanitize(tag, wipe(drives[0]!, { result: 'failed' }));
    expect(res.status).toBe(201);
    const id = res.body.sanitization.id as number;
    await expect(t.exec("update sanitization_records set result = 'passed' where id = ?", id)).rejects.toThrow(/sanitization_records is append-only/);
    await expect(t.exec('delete from sanitization_records where id = ?', id)).rejects.toThrow(/sanitization_records is append-only/);
    const row = await t.row<{ result: string }>('select result from sanitization_records where id = ?', id);
    expect(row?.result).toBe('failed');
    expect(await recordCount(t.db)).toBe(1);
    expect((await getDevice(t, tag)).storage[0]!.sanitizationState).toBe('failed');
  });

  it('staff cannot record sanitizations (403, before body validation); anonymous is 401', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    const staff = await sanitize(tag, wipe(drives[0]!), 'staff');
    expect(staff.status).toBe(403);
    expect(staff.body.code).toBe('auth.forbidden');
    const staffBadBody = await sanitize(tag, { nonsense: true }, 'staff');
    expect(staffBadBody.status).toBe(403);
    const anon = await t.http.post(`${API}/devices/${tag}/sanitizations`).send(wipe(drives[0]!));
    expect(anon.status).toBe(401);
    for (const role of ['coordinator', 'admin'] as const) {
      const res = await sanitize(tag, wipe(drives[0]!), role);
      expect(res.status, role).toBe(201);
    }
    expect(await recordCount(t.db)).toBe(2);
  });
});

describe('POST /devices/{tag}/storage (a drive found after intake)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const register = async (tag: string, body: Body, role: Role = 'trainee') =>
    t.http.post(`${API}/devices/${tag}/storage`).set(bearer(await t.token(role))).send(body);
  const sanitize = async (tag: string, body: Body) => t.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(await t.token('trainee'))).send(body);

  it('sends a sanitized device back to received until the new drive passes', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    expect((await sanitize(tag, wipe(drives[0]!))).body.device.status).toBe('sanitized');

    const res = await register(tag, { serialNumber: 'LATE-HDD-9', kind: 'hdd', capacityGb: 500, model: 'WD Blue' });
    expect(res.status).toBe(201);
    expect(res.headers['etag']).toBe(`"v${res.body.device.version}"`);
    expect(res.body.device.status).toBe('received');
    expect(res.body.device.sanitized).toBe(false);
    expect(res.body.device.storage.map((d: { serialNumber: string; sanitizationState: string }) => [d.serialNumber, d.sanitizationState])).toEqual([
      [drives[0], 'passed'],
      ['LATE-HDD-9', 'pending'],
    ]);
    expect(res.body.device.storage[1]).toMatchObject({ kind: 'hdd', capacityGb: 500, model: 'WD Blue' });
    expect((await historyOf(t, tag)).at(-1)).toMatchObject({ action: 'device.storage_registered', fromStatus: 'sanitized', toStatus: 'received' });

    // Cannot be graded while the new drive is pending.
    const grade = await t.http.post(`${API}/devices/${tag}/grade`).set(bearer(await t.token('trainee'))).send({ grade: 'A' });
    expect(grade.status).toBe(409);

    const failed = await sanitize(tag, wipe('LATE-HDD-9', { result: 'failed' }));
    expect(failed.body.device.status).toBe('received');
    const passed = await sanitize(tag, wipe('late-hdd-9'));
    expect(passed.status).toBe(201);
    expect(passed.body.sanitization.storageSerial).toBe('LATE-HDD-9');
    expect(passed.body.device.status).toBe('sanitized');
  });

  it('sends a ready device back to received, and a no-storage device loses its confirmation', async () => {
    const trainee = await t.token('trainee');
    const { tag, drives } = await intake(t, trainee);
    await sanitize(tag, wipe(drives[0]!));
    const graded = await t.http.post(`${API}/devices/${tag}/grade`).set(bearer(trainee)).send({ grade: 'A' });
    expect(graded.body.device.status).toBe('ready');
    const res = await register(tag, { serialNumber: 'M2-LATE', kind: 'nvme' });
    expect(res.status).toBe(201);
    expect(res.body.device.status).toBe('received');

    const empty = await intake(t, trainee, laptop({ storage: [] }));
    expect((await sanitize(empty.tag, { noStorage: true })).body.device.status).toBe('sanitized');
    const found = await register(empty.tag, { serialNumber: 'HIDDEN-SSD', kind: 'ssd' });
    expect(found.status).toBe(201);
    expect(found.body.device).toMatchObject({ status: 'received', sanitized: false, noStorageConfirmed: false });
  });

  it('refuses a drive already registered on the device (any case) with 409 devices.duplicate_drive and writes nothing', async () => {
    const { tag, drives } = await intake(t, await t.token('trainee'));
    const before = await historyOf(t, tag);
    for (const serial of [drives[0]!, drives[0]!.toLowerCase()]) {
      const res = await register(tag, { serialNumber: serial, kind: 'ssd' });
      expect(res.status, serial).toBe(409);
      expect(res.body.code).toBe('devices.duplicate_drive');
    }
    expect(await historyOf(t, tag)).toEqual(before);
    expect((await getDevice(t, tag)).storage).toHaveLength(1);
  });

  it('treats drive serials that differ only in spaces as the same drive, as intake does', async () => {
    const trainee = await t.token('trainee');
    const twice = await t.http
      .post(`${API}/devices`)
      .set(bearer(trainee))
      .send(laptop({ storage: [{ serialNumber: 'WD-123 456', kind: 'hdd' }, { serialNumber: 'WD-123456', kind: 'hdd' }] }));
    expect(twice.status).toBe(400);
    const { tag } = await intake(t, trainee, laptop({ storage: [{ serialNumber: 'WD-123 456', kind: 'hdd' }] }));
    const res = await register(tag, { serialNumber: 'wd-123456', kind: 'hdd' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('devices.duplicate_drive');
    expect((await getDevice(t, tag)).storage).toHaveLength(1);
    // A wipe names the drive the same forgiving way.
    const wiped = await sanitize(tag, wipe('wd-123456'));
    expect(wiped.status).toBe(201);
    expect(wiped.body.sanitization.storageSerial).toBe('WD-123 456');
    expect(wiped.body.device.status).toBe('sanitized');
  });

  it('staff cannot register drives (403); bad bodies are 400', async () => {
    const { tag } = await intake(t, await t.token('trainee'));
    const staff = await register(tag, { serialNumber: 'X-1', kind: 'hdd' }, 'staff');
    expect(staff.status).toBe(403);
    expect(staff.body.code).toBe('auth.forbidden');
    for (const body of [{ serialNumber: 'X-1', kind: 'floppy' }, { kind: 'hdd' }, { serialNumber: 'X-1', kind: 'hdd', extra: 1 }]) {
      const res = await register(tag, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('request.invalid');
    }
    expect((await getDevice(t, tag)).storage).toHaveLength(1);
  });
});

describe('R2 second-person verification sample', () => {
  let h: TestApp | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function pending(hh: TestApp) {
    const res = await hh.http.get(`${API}/sanitization-verifications?status=pending&limit=500`).set(bearer(await hh.token('trainee')));
    expect(res.status).toBe(200);
    return res.body.items as Array<{ id: number; status: string; reason: string | null; record: { id: number; method: string; result: string; assetTag: string } }>;
  }

  it('with random always 0.99, at least ceil(5 % of N) passing logical records are pending after N records (N = 1 … 40)', async () => {
    h = await createTestApp({ random: () => 0.99 });
    const trainee = await h.token('trainee');
    const drives = Array.from({ length: 20 }, (_, i) => ({ serialNumber: `D${String(i).padStart(2, '0')}`, kind: 'hdd' }));
    const a = await intake(h, trainee, laptop({ storage: drives }));
    const b = await intake(h, trainee, laptop({ storage: drives }));
    const serials = [...a.drives.map((s) => [a.tag, s] as const), ...b.drives.map((s) => [b.tag, s] as const)];
    const recordIds: number[] = [];
    const drawnByResponse: number[] = [];
    let n = 0;
    for (const [tag, serial] of serials) {
      n += 1;
      const method = n % 2 === 0 ? 'clear' : 'purge';
      const technique = n % 2 === 0 ? 'overwrite' : 'secure_erase';
      const res = await h.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(trainee)).send(wipe(serial, { method, technique }));
      expect(res.status).toBe(201);
      recordIds.push(res.body.sanitization.id as number);
      if (res.body.sanitization.verificationId !== null) drawnByResponse.push(res.body.sanitization.id as number);
      const items = await pending(h);
      expect(items.length, `after ${n} records`).toBeGreaterThanOrEqual(Math.ceil(0.05 * n));
      for (const item of items) {
        expect(recordIds).toContain(item.record.id);
        expect(item.record.result).toBe('passed');
        expect(['clear', 'purge']).toContain(item.record.method);
        // Random never fires here: every draw is a top-up, and the queue says so.
        expect(item.reason).toBe('top_up');
      }
      if ([1, 20, 21, 40].includes(n)) {
        // The records say which were drawn, and the queue agrees.
        expect(items.map((i) => i.record.id), `N=${n}`).toEqual(drawnByResponse);
        expect(drawnByResponse.length, `N=${n}`).toBeGreaterThanOrEqual(Math.ceil(0.05 * n));
      }
    }
    // Both devices still became sanitized: pending verifications never hold a status back.
    expect((await getDevice(h, a.tag)).status).toBe('sanitized');
    expect((await getDevice(h, b.tag)).status).toBe('sanitized');
  });

  it('with random always 0.0, every passing clear/purge record is drawn; destroy and failed records never are', async () => {
    h = await createTestApp({ random: () => 0 });
    const trainee = await h.token('trainee');
    const { tag } = await intake(h, trainee, laptop({
      storage: ['A', 'B', 'C', 'D', 'E', 'F'].map((s) => ({ serialNumber: `DRV-${s}`, kind: 'hdd' })),
    }));
    const post = async (body: Body) => {
      const res = await h!.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(trainee)).send(body);
      expect(res.status).toBe(201);
      return res.body.sanitization as { id: number; verificationId: number | null };
    };
    const logical = [
      await post(wipe('DRV-A', { method: 'clear', technique: 'overwrite' })),
      await post(wipe('DRV-B', { method: 'purge', technique: 'sanitize_command' })),
      await post(wipe('DRV-C', { method: 'purge', technique: 'secure_erase' })),
    ];
    const others = [
      await post(wipe('DRV-D', { method: 'destroy', technique: 'shred' })),
      await post(wipe('DRV-E', { method: 'destroy', technique: 'drill' })),
      await post(wipe('DRV-F', { method: 'clear', technique: 'overwrite', result: 'failed' })),
      await post(wipe('DRV-F', { method: 'purge', technique: 'crypto_erase', result: 'failed' })),
    ];
    for (const rec of logical) expect(rec.verificationId).not.toBeNull();
    for (const rec of others) expect(rec.verificationId).toBeNull();
    const items = await pending(h);
    expect(items.map((i) => i.record.id).sort((x, y) => x - y)).toEqual(logical.map((r) => r.id).sort((x, y) => x - y));
    expect(items.map((i) => i.id).sort((x, y) => x - y)).toEqual(logical.map((r) => r.verificationId!).sort((x, y) => x - y));
    for (const item of items) expect(item).toMatchObject({ status: 'pending', verifier: null, verifiedAt: null, record: { assetTag: tag } });
  });

  it('a verification must be by another person: same technician 409, another user 200, twice 409, unknown 404', async () => {
    h = await createTestApp({ random: () => 0 });
    const wiper = await h.createUser('wiper', 'trainee');
    const checker = await h.createUser('checker', 'coordinator');
    const second = await h.createUser('second', 'trainee');
    const { tag, drives } = await intake(h, wiper.token);
    const rec = await h.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(wiper.token)).send(wipe(drives[0]!));
    expect(rec.status).toBe(201);
    const vid = rec.body.sanitization.verificationId as number;
    expect(vid).toEqual(expect.any(Number));
    expect(rec.body.device.storage[0].verification).toBe('pending');
    const historyBefore = await historyOf(h, tag);

    const own = await h.http.post(`${API}/sanitization-verifications/${vid}`).set(bearer(wiper.token)).send({ result: 'passed' });
    expect(own.status).toBe(409);
    expect(own.body.code).toBe('verifications.same_person');
    expect(await historyOf(h, tag)).toEqual(historyBefore);

    const staff = await h.http.post(`${API}/sanitization-verifications/${vid}`).set(bearer(await h.token('staff'))).send({ result: 'passed' });
    expect(staff.status).toBe(403);

    h.clock.advance(HOUR);
    const ok = await h.http.post(`${API}/sanitization-verifications/${vid}`).set(bearer(checker.token)).send({ result: 'passed', notes: 'spot-checked 3 sectors' });
    expect(ok.status).toBe(200);
    expect(ok.body.verification).toMatchObject({
      id: vid,
      status: 'passed',
      verifier: { id: checker.id, username: 'checker' },
      verifiedAt: new Date(Date.parse(START) + HOUR).toISOString(),
      notes: 'spot-checked 3 sectors',
      record: { id: rec.body.sanitization.id, assetTag: tag, technician: { id: wiper.id, username: 'wiper' } },
    });
    const events = await historyOf(h, tag);
    expect(events).toHaveLength(historyBefore.length + 1);
    expect(events.at(-1)).toMatchObject({ action: 'device.sanitization_verified', fromStatus: 'sanitized', toStatus: 'sanitized' });

    const twice = await h.http.post(`${API}/sanitization-verifications/${vid}`).set(bearer(second.token)).send({ result: 'failed' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('verifications.already_done');

    const unknown = await h.http.post(`${API}/sanitization-verifications/999999`).set(bearer(checker.token)).send({ result: 'passed' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('verifications.not_found');

    const listPassed = await h.http.get(`${API}/sanitization-verifications?status=passed`).set(bearer(await h.token('staff')));
    expect(listPassed.status).toBe(200);
    expect(listPassed.body.items.map((i: { id: number }) => i.id)).toEqual([vid]);
    expect(await pending(h)).toEqual([]);
    const device = await getDevice(h, tag);
    expect(device.storage[0]!.verification).toBe('passed');
    expect(device.status).toBe('sanitized');
  });

  it('a pending verification never blocks a status change: the device still goes to sanitized and can be graded', async () => {
    h = await createTestApp({ random: () => 0 });
    const trainee = await h.token('trainee');
    const { tag, drives } = await intake(h, trainee);
    const rec = await h.http.post(`${API}/devices/${tag}/sanitizations`).set(bearer(trainee)).send(wipe(drives[0]!));
    expect(rec.body.sanitization.verificationId).not.toBeNull();
    expect(rec.body.device.status).toBe('sanitized');
    expect(rec.body.device.allowedActions).toContain('grade');
    const graded = await h.http.post(`${API}/devices/${tag}/grade`).set(bearer(trainee)).send({ grade: 'B' });
    expect(graded.status).toBe(201);
    expect(graded.body.device.status).toBe('ready');
    expect(graded.body.device.storage[0].verification).toBe('pending');
    expect((await pending(h)).map((i) => i.record.assetTag)).toEqual([tag]);
  });
});
