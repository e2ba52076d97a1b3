/**
 * The device lookup of the scan path and the device page reads a device, its
 * drives and their sanitization states in one statement
 * (createDeviceStateReads, with sanitization's driveStatesColumn). It must
 * answer exactly what the three reads it replaced answered: the device row,
 * its drives (prepareDrivesOfPage) and prepareDriveStates' fold, with the same value
 * types, on SQLite and on PostgreSQL, and inside a write transaction it must
 * see that transaction's own writes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTransaction, type Db } from '../../src/core/db.js';
import { createDeviceStateReads, type DeviceStateReads } from '../../src/modules/devices/device-view.js';
import { findDeviceByTag, insertDrives, prepareDrivesOfPage } from '../../src/modules/devices/devices.repository.js';
import { driveStatesColumn, prepareDriveStates } from '../../src/modules/sanitization/drive-state.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { bearer, createTestApp, laptop, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;

/** What the lookup replaced: the device by tag, its drives, and their records folded, three statements. */
async function threeReads(db: Db, tag: string) {
  const row = await findDeviceByTag(db, tag);
  if (!row) return undefined;
  const drives = await prepareDrivesOfPage(db)([row.id]);
  return { row, drives, states: await prepareDriveStates(db)(row.id, row.custodyCycle) };
}

const ENGINES = ['sqlite', 'postgres'] as const;

describe.each(ENGINES)('the one-statement device lookup on %s', (engine) => {
  let t: TestApp;
  let server: TestDatabase | undefined;
  let reads: DeviceStateReads;
  let serial = 0;
  /** What the random histories reached, so that the property is known to have covered it. */
  const reached = { laterCycle: false, failedCheck: false, passed: false };

  beforeAll(async () => {
    if (engine === 'postgres') server = await createTestDatabase('rl_lookup');
    // random = 0: every passing wipe is drawn for a second-person check.
    t = await createTestApp({ random: () => 0, ...(server ? { postgresUrl: server.url } : {}) });
    reads = createDeviceStateReads(t.db, driveStatesColumn(t.db));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await server?.drop();
  });

  const as = async (role: Role) => bearer(await t.token(role));
  const post = async (path: string, body: Body, role: Role = 'coordinator') => t.http.post(`${API}${path}`).set(await as(role)).send(body);

  /** Both reads of one device agree, by tag, by serial and for the row the caller holds, and the HTTP answer is built from them. */
  async function expectSameAsThreeReads(tag: string) {
    const old = await threeReads(t.db, tag);
    expect(old).toBeDefined();
    const byTag = await reads.byTag(tag);
    expect(byTag?.row).toStrictEqual(old!.row);
    expect(byTag?.drives).toStrictEqual(old!.drives);
    expect(byTag?.states).toStrictEqual(old!.states);
    // A scanner's serial: lower case, spaced.
    const bySerial = await reads.bySerial(` ${old!.row.serialNumber.toLowerCase()} `);
    expect(bySerial).toStrictEqual(byTag);
    const loaded = await reads.loadState(old!.row);
    expect(loaded).toStrictEqual(byTag);
    if (old!.row.custodyCycle > 1 && old!.drives.length > 0) reached.laterCycle = true;
    for (const s of old!.states.values()) {
      if (s.state === 'failed_check') reached.failedCheck = true;
      if (s.state === 'passed') reached.passed = true;
    }
    return byTag!;
  }

  it('answers the same rows, with the same types, for devices with no, one and several drives', async () => {
    const none = await post('/devices', laptop({ category: 'tablet', serialNumber: `NONE-${engine}`, storage: [] }), 'trainee');
    const one = await post('/devices', laptop({ serialNumber: `ONE-${engine}`, specs: { cpu: 'i5-8350U', ramGb: 8 } }), 'trainee');
    const several = await post(
      '/devices',
      laptop({
        serialNumber: `SEV-${engine}`,
        storage: [
          { serialNumber: `SEV-${engine}-A`, kind: 'nvme', capacityGb: 512, model: 'PM981' },
          { serialNumber: `SEV-${engine}-B`, kind: 'hdd' },
          { serialNumber: `SEV-${engine}-C`, kind: 'ssd', capacityGb: 64 },
        ],
      }),
      'trainee',
    );
    for (const res of [none, one, several]) expect(res.status, JSON.stringify(res.body)).toBe(201);
    const noneState = await expectSameAsThreeReads(none.body.device.assetTag as string);
    expect(noneState.drives).toEqual([]);
    expect(noneState.states.size).toBe(0);
    expect(noneState.facts).toMatchObject({ sanitized: false, driveCount: 0 });

    const oneState = await expectSameAsThreeReads(one.body.device.assetTag as string);
    expect(oneState.row.specs).toEqual({ cpu: 'i5-8350U', ramGb: 8 });
    expect(typeof oneState.row.noStorageConfirmed).toBe('boolean');

    const tag = several.body.device.assetTag as string;
    const seeded = await expectSameAsThreeReads(tag);
    expect(seeded.drives.map((d) => [d.serialNumber, d.kind, d.capacityGb, d.model])).toEqual([
      [`SEV-${engine}-A`, 'nvme', 512, 'PM981'],
      [`SEV-${engine}-B`, 'hdd', null, null],
      [`SEV-${engine}-C`, 'ssd', 64, null],
    ]);
    for (const d of seeded.drives) {
      expect([typeof d.id, typeof d.deviceId, typeof d.registeredBy, typeof d.registeredAt]).toEqual(['number', 'number', 'number', 'string']);
      expect(d.deviceId).toBe(seeded.row.id);
    }

    // A failed wipe, a passing one, a passing one voided by a failed check.
    expect((await post(`/devices/${tag}/sanitizations`, wipeBody(`SEV-${engine}-A`, { result: 'failed' }), 'trainee')).status).toBe(201);
    expect((await post(`/devices/${tag}/sanitizations`, wipeBody(`SEV-${engine}-B`), 'trainee')).status).toBe(201);
    const voided = await post(`/devices/${tag}/sanitizations`, wipeBody(`SEV-${engine}-C`), 'trainee');
    expect(voided.status, JSON.stringify(voided.body)).toBe(201);
    expect((await post(`/sanitization-verifications/${voided.body.sanitization.verificationId}`, { result: 'failed' }, 'coordinator')).status).toBe(200);
    const wiped = await expectSameAsThreeReads(tag);
    expect(wiped.drives.map((d) => wiped.states.get(d.id)?.state)).toEqual(['failed', 'passed', 'failed_check']);
    const b = wiped.states.get(wiped.drives[1]!.id)!;
    expect([typeof b.passedRecordId, typeof b.lastRecordAt, b.verification]).toEqual(['number', 'string', 'pending']);

    const page = await t.http.get(`${API}/devices/${tag}`).set(await as('staff'));
    expect(page.status).toBe(200);
    expect(page.body.device.storage.map((d: Body) => d['sanitizationState'])).toEqual(['failed', 'passed', 'failed_check']);
  });

  it('answers nothing for a tag or serial no device has', async () => {
    expect(await reads.byTag('ZZ-NOPE')).toBeUndefined();
    expect(await reads.bySerial('NO-SUCH-SERIAL')).toBeUndefined();
    expect((await t.http.get(`${API}/devices/NO-SUCH-SERIAL`).set(await as('staff'))).status).toBe(404);
  });

  it("inside a write transaction reads the transaction's own writes, and nothing of them once it rolled back", async () => {
    const res = await post('/devices', laptop({ serialNumber: `TX-${engine}` }), 'trainee');
    const tag = res.body.device.assetTag as string;
    const before = await expectSameAsThreeReads(tag);
    const rollback = new Error('roll back');
    await expect(
      writeTransaction(t.db, async () => {
        await insertDrives(t.db, [{ deviceId: before.row.id, serialNumber: `TX-${engine}-2`, kind: 'hdd', registeredAt: before.row.createdAt, registeredBy: before.row.createdBy }]);
        const inside = await reads.byTag(tag);
        expect(inside?.drives.map((d) => d.serialNumber)).toEqual([before.drives[0]!.serialNumber, `TX-${engine}-2`]);
        expect((await reads.loadState(before.row)).drives).toHaveLength(2);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect((await reads.byTag(tag))?.drives).toStrictEqual(before.drives);
  });

  /** One step of a device's history, driven through the API; a step the lifecycle refuses now changes nothing, which is fine. */
  type Step =
    | { kind: 'wipe'; dev: number; drive: number; result: 'passed' | 'failed' }
    | { kind: 'verify'; which: number; result: 'passed' | 'failed' }
    | { kind: 'addDrive'; dev: number }
    | { kind: 'noStorage'; dev: number }
    | { kind: 'cycle'; dev: number };
  const dev = fc.nat({ max: 2 });
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('wipe' as const), dev, drive: fc.nat({ max: 3 }), result: fc.constantFrom<'passed' | 'failed'>('passed', 'passed', 'failed') }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('verify' as const), which: fc.nat({ max: 9 }), result: fc.constantFrom<'passed' | 'failed'>('passed', 'failed') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('addDrive' as const), dev }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('noStorage' as const), dev }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('cycle' as const), dev }) },
  );

  it('agrees with the three reads after every step of random histories: wipes, checks that void, late drives, custody cycles', async () => {
    const participant = (await post('/participants', { community: 'Arviat', consent: { given: true, language: 'en' } })).body.participant.code as string;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: engine === 'postgres' ? 10 : 14 }), async (steps) => {
        // Three fresh devices: no drive, one, two.
        const devices: Array<{ tag: string; drives: string[] }> = [];
        for (const n of [0, 1, 2]) {
          const drives = Array.from({ length: n }, (_, i) => `H${++serial}-${i}`);
          const res = await post('/devices', laptop({ storage: drives.map((s) => ({ serialNumber: s, kind: 'ssd', capacityGb: 128 })) }), 'trainee');
          expect(res.status).toBe(201);
          devices.push({ tag: res.body.device.assetTag as string, drives });
        }
        const checks: number[] = [];
        for (const step of steps) {
          if (step.kind === 'verify') {
            const id = checks[step.which % Math.max(1, checks.length)];
            if (id !== undefined) await post(`/sanitization-verifications/${id}`, { result: step.result }, 'coordinator');
          } else {
            const d = devices[step.dev]!;
            if (step.kind === 'wipe' && d.drives.length > 0) {
              const res = await post(`/devices/${d.tag}/sanitizations`, wipeBody(d.drives[step.drive % d.drives.length]!, { result: step.result }), 'trainee');
              if (res.status === 201 && res.body.sanitization.verificationId) checks.push(res.body.sanitization.verificationId as number);
            } else if (step.kind === 'addDrive') {
              const s = `L${++serial}`;
              if ((await post(`/devices/${d.tag}/storage`, { serialNumber: s, kind: 'hdd' })).status < 300) d.drives.push(s);
            } else if (step.kind === 'noStorage') {
              await post(`/devices/${d.tag}/sanitizations`, { noStorage: true }, 'trainee');
            } else if (step.kind === 'cycle') {
              // Graded, issued on loan and returned: the device starts a new custody cycle if the lifecycle let each step through.
              await post(`/devices/${d.tag}/grade`, { grade: 'B' }, 'trainee');
              await post(`/devices/${d.tag}/issue`, { participantCode: participant, kind: 'loan', dueDate: '2026-06-01', agreementAccepted: true });
              await post(`/devices/${d.tag}/return`, { condition: 'good' });
            }
          }
          for (const { tag } of devices) await expectSameAsThreeReads(tag);
        }
      }),
      {
        numRuns: engine === 'postgres' ? 8 : 25,
        // A history that surely crosses a custody cycle: the check of the first cycle's wipe fails after the second cycle's wipe.
        examples: [
          [
            [
              { kind: 'wipe', dev: 1, drive: 0, result: 'passed' },
              { kind: 'cycle', dev: 1 },
              { kind: 'wipe', dev: 1, drive: 0, result: 'passed' },
              { kind: 'wipe', dev: 2, drive: 1, result: 'passed' },
              { kind: 'verify', which: 0, result: 'failed' },
              { kind: 'verify', which: 2, result: 'passed' },
              { kind: 'noStorage', dev: 0 },
            ],
          ],
        ],
      },
    );
    expect(reached).toEqual({ laterCycle: true, failedCheck: true, passed: true });
  }, 600_000);
});
