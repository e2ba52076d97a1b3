import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEVICE_ACTIONS, type DeviceAction } from '../../src/modules/devices/device-lifecycle.js';
import type { Device } from '../../src/modules/devices/devices.schemas.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { WORKSHOP_ROLES, bearer, createTestApp, laptop, type TestApp, wipeBody } from '../helpers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;


/** A tag that is valid (right check character) and that no device in these tests carries (docs/domain.md §3 example). */
const UNUSED_VALID_TAG = 'IQ-000123-R';

describe('repairs, grading, recycling and write-off', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const tok = (role: Role) => t.token(role);
  const post = async (path: string, body: Body, role: Role = 'trainee', headers: Record<string, string> = {}) =>
    t.http.post(`${API}${path}`).set(bearer(await tok(role))).set(headers).send(body);

  async function history(tag: string) {
    const res = await t.http.get(`${API}/devices/${tag}/history`).set(bearer(await tok('staff')));
    expect(res.status).toBe(200);
    return res.body.events as Array<{ action: string; fromStatus: string | null; toStatus: string | null; details: Body }>;
  }
  async function device(tag: string, role: Role = 'trainee') {
    const res = await t.http.get(`${API}/devices/${tag}`).set(bearer(await tok(role)));
    expect(res.status).toBe(200);
    return res.body.device as Device;
  }

  async function received(body: Body = laptop()) {
    const res = await post('/devices', body);
    expect(res.status).toBe(201);
    return { tag: res.body.device.assetTag as string, drive: res.body.device.storage[0]?.serialNumber as string };
  }
  async function sanitized() {
    const d = await received();
    const res = await post(`/devices/${d.tag}/sanitizations`, wipeBody(d.drive));
    expect(res.body.device.status).toBe('sanitized');
    return d;
  }
  async function inRepair() {
    const d = await sanitized();
    const res = await post(`/devices/${d.tag}/repairs`, { description: 'Replace hinge' });
    expect(res.status).toBe(201);
    return { ...d, repairId: res.body.repair.id as number };
  }
  async function ready() {
    const d = await sanitized();
    const res = await post(`/devices/${d.tag}/grade`, { grade: 'B' });
    expect(res.body.device.status).toBe('ready');
    return d;
  }

  describe('repairs', () => {
    it('opens from sanitized and from ready (-> in_repair) and records the repair', async () => {
      const trainee = await t.createUser('tapeesa', 'trainee');
      for (const d of [await sanitized(), await ready()]) {
        const before = (await device(d.tag)).status as string;
        const res = await t.http
          .post(`${API}/devices/${d.tag}/repairs`)
          .set(bearer(trainee.token))
          .send({ description: 'Screen flickers', minutes: 5, partsUsed: [{ name: 'LCD cable', quantity: 1 }] });
        expect(res.status).toBe(201);
        expect(res.headers['etag']).toBe(`"v${res.body.device.version}"`);
        expect(res.body.device.status).toBe('in_repair');
        expect(res.body.repair).toMatchObject({
          assetTag: d.tag,
          description: 'Screen flickers',
          minutes: 5,
          partsUsed: [{ name: 'LCD cable', quantity: 1 }],
          outcome: null,
          openedBy: trainee.id,
          openedAt: t.clock.now().toISOString(),
          completedAt: null,
          completedBy: null,
        });
        expect((await history(d.tag)).at(-1)).toMatchObject({ action: 'device.repair_opened', fromStatus: before, toStatus: 'in_repair' });
      }
    });

    it('refuses to open from received with 409 devices.invalid_transition naming currentStatus and action, writing nothing', async () => {
      const d = await received();
      const res = await post(`/devices/${d.tag}/repairs`, { description: 'Fan noise' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'devices.invalid_transition', status: 409, currentStatus: 'received', action: 'open_repair' });
      expect(await history(d.tag)).toHaveLength(1);
      expect((await device(d.tag)).status).toBe('received');
      const again = await inRepair();
      const twice = await post(`/devices/${again.tag}/repairs`, { description: 'second bench visit' });
      expect(twice.status).toBe(409);
      expect(twice.body).toMatchObject({ code: 'devices.invalid_transition', currentStatus: 'in_repair', action: 'open_repair' });
    });

    it('completes back to sanitized, adds minutes up and merges parts; a second completion is 409 repairs.already_completed', async () => {
      const d = await sanitized();
      const source = await received();
      const opened = await post(`/devices/${d.tag}/repairs`, {
        description: 'Keyboard and battery',
        minutes: 20,
        partsUsed: [{ name: 'keyboard', quantity: 1, sourceAssetTag: source.tag.toLowerCase() }],
      });
      expect(opened.status).toBe(201);
      expect(opened.body.repair.partsUsed).toEqual([{ name: 'keyboard', quantity: 1, sourceAssetTag: source.tag }]);
      const id = opened.body.repair.id as number;
      const coordinator = await t.createUser('nuka', 'coordinator');
      t.clock.advance(60_000);
      const done = await t.http
        .post(`${API}/devices/${d.tag}/repairs/${id}/complete`)
        .set(bearer(coordinator.token))
        .send({ outcome: 'fixed', minutes: 15, partsUsed: [{ name: 'battery', quantity: 1 }, { name: 'screw', quantity: 4 }], notes: 'tested 1 h' });
      expect(done.status).toBe(200);
      expect(done.body.repair).toMatchObject({
        id,
        outcome: 'fixed',
        minutes: 35,
        notes: 'tested 1 h',
        completedBy: coordinator.id,
        completedAt: t.clock.now().toISOString(),
        partsUsed: [
          { name: 'keyboard', quantity: 1, sourceAssetTag: source.tag },
          { name: 'battery', quantity: 1 },
          { name: 'screw', quantity: 4 },
        ],
      });
      expect(done.body.device.status).toBe('sanitized');
      expect((await history(d.tag)).at(-1)).toMatchObject({ action: 'device.repair_completed', fromStatus: 'in_repair', toStatus: 'sanitized', details: { minutes: 15, totalMinutes: 35 } });

      const twice = await post(`/devices/${d.tag}/repairs/${id}/complete`, { outcome: 'fixed' });
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('repairs.already_completed');

      // Minutes only at completion, or only at opening.
      const open2 = await post(`/devices/${d.tag}/repairs`, { description: 'Dust' });
      const done2 = await post(`/devices/${d.tag}/repairs/${open2.body.repair.id}/complete`, { outcome: 'not_fixed', minutes: 10 });
      expect(done2.body.repair).toMatchObject({ minutes: 10, outcome: 'not_fixed', partsUsed: [] });
      const open3 = await post(`/devices/${d.tag}/repairs`, { description: 'Harvest RAM', minutes: 7 });
      const done3 = await post(`/devices/${d.tag}/repairs/${open3.body.repair.id}/complete`, { outcome: 'parts_harvested' });
      expect(done3.body.repair).toMatchObject({ minutes: 7, outcome: 'parts_harvested' });
    });

    it('an unknown repair id, or one of another device, is 404 repairs.not_found', async () => {
      const a = await inRepair();
      const b = await inRepair();
      const unknown = await post(`/devices/${a.tag}/repairs/999999/complete`, { outcome: 'fixed' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('repairs.not_found');
      const foreign = await post(`/devices/${a.tag}/repairs/${b.repairId}/complete`, { outcome: 'fixed' });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('repairs.not_found');
      expect((await device(a.tag)).status).toBe('in_repair');
      expect((await device(b.tag)).status).toBe('in_repair');
      const badOutcome = await post(`/devices/${a.tag}/repairs/${a.repairId}/complete`, { outcome: 'done' });
      expect(badOutcome.status).toBe(400);
      expect(badOutcome.body.code).toBe('request.invalid');
    });

    it('checks parts harvested from another device: existing tag kept, unknown tag 409, same device 409, mistyped tag 400', async () => {
      const donor = await received();
      const d = await sanitized();
      const wrongCheck = `${donor.tag.slice(0, -1)}${donor.tag.endsWith('0') ? '1' : '0'}`;
      const cases: Array<[string, number, string]> = [
        [UNUSED_VALID_TAG, 409, 'repairs.unknown_source_device'],
        [d.tag, 409, 'repairs.source_is_repaired_device'],
        [wrongCheck, 400, 'devices.invalid_asset_tag'],
      ];
      for (const [tag, status, code] of cases) {
        const res = await post(`/devices/${d.tag}/repairs`, { description: 'RAM swap', partsUsed: [{ name: 'RAM 8 GB', quantity: 1, sourceAssetTag: tag }] });
        expect(res.status, tag).toBe(status);
        expect(res.body.code, tag).toBe(code);
      }
      expect(await history(d.tag)).toHaveLength(2);
      expect((await device(d.tag)).status).toBe('sanitized');

      const ok = await post(`/devices/${d.tag}/repairs`, { description: 'RAM swap', partsUsed: [{ name: 'RAM 8 GB', quantity: 2, sourceAssetTag: donor.tag }] });
      expect(ok.status).toBe(201);
      expect(ok.body.repair.partsUsed).toEqual([{ name: 'RAM 8 GB', quantity: 2, sourceAssetTag: donor.tag }]);

      // The same checks apply to the parts added at completion.
      for (const [tag, status, code] of cases) {
        const res = await post(`/devices/${d.tag}/repairs/${ok.body.repair.id}/complete`, { outcome: 'fixed', partsUsed: [{ name: 'SSD', quantity: 1, sourceAssetTag: tag }] });
        expect(res.status, tag).toBe(status);
        expect(res.body.code, tag).toBe(code);
      }
      expect((await device(d.tag)).status).toBe('in_repair');
    });

    it('a drive registered while in_repair keeps in_repair; completion then returns the device to received until that drive passes', async () => {
      const d = await inRepair();
      const reg = await post(`/devices/${d.tag}/storage`, { serialNumber: 'LATE-SSD', kind: 'ssd' });
      expect(reg.status).toBe(201);
      expect(reg.body.device.status).toBe('in_repair');
      expect(reg.body.device.sanitized).toBe(false);
      expect(reg.body.device.allowedActions).not.toContain('grade');
      expect((await history(d.tag)).at(-1)).toMatchObject({ action: 'device.storage_registered', fromStatus: 'in_repair', toStatus: 'in_repair' });

      const done = await post(`/devices/${d.tag}/repairs/${d.repairId}/complete`, { outcome: 'fixed' });
      expect(done.status).toBe(200);
      expect(done.body.device.status).toBe('received');
      expect((await history(d.tag)).at(-1)).toMatchObject({ action: 'device.repair_completed', fromStatus: 'in_repair', toStatus: 'received' });

      const grade = await post(`/devices/${d.tag}/grade`, { grade: 'A' });
      expect(grade.status).toBe(409);
      const wiped = await post(`/devices/${d.tag}/sanitizations`, wipeBody('LATE-SSD'));
      expect(wiped.body.device.status).toBe('sanitized');
      const graded = await post(`/devices/${d.tag}/grade`, { grade: 'A' });
      expect(graded.status).toBe(201);
      expect(graded.body.device.status).toBe('ready');
    });

    it('a drive registered and wiped while in_repair lets the repair complete to sanitized', async () => {
      const d = await inRepair();
      await post(`/devices/${d.tag}/storage`, { serialNumber: 'LATE-HDD', kind: 'hdd' });
      const wiped = await post(`/devices/${d.tag}/sanitizations`, wipeBody('LATE-HDD', { method: 'clear', technique: 'overwrite' }));
      expect(wiped.status).toBe(201);
      expect(wiped.body.device.status).toBe('in_repair');
      const done = await post(`/devices/${d.tag}/repairs/${d.repairId}/complete`, { outcome: 'fixed' });
      expect(done.body.device.status).toBe('sanitized');
    });
  });

  describe('grading', () => {
    it('A, B and C make a device ready; D sends it to awaiting_recycling', async () => {
      const grader = await t.createUser('grader', 'trainee');
      for (const [grade, status] of [
        ['A', 'ready'],
        ['B', 'ready'],
        ['C', 'ready'],
        ['D', 'awaiting_recycling'],
      ] as const) {
        const d = await sanitized();
        const checklist = { powersOn: true, screen: true, keyboard: grade !== 'D', batteryHealthPercent: 100, charger: true, wifi: true, webcam: false, ports: true };
        const specs = { cpu: 'i5-8250U', ramGb: 8, storageGb: 256, screenInches: 14, os: 'Linux Mint 22' };
        const res = await t.http.post(`${API}/devices/${d.tag}/grade`).set(bearer(grader.token)).send({ grade, checklist, specs });
        expect(res.status, grade).toBe(201);
        expect(res.body.device.status).toBe(status);
        expect(res.body.device.specs).toEqual(specs);
        expect(res.body.grading).toMatchObject({ assetTag: d.tag, grade, checklist, specs, graderId: grader.id, gradedAt: t.clock.now().toISOString() });
        expect((await history(d.tag)).at(-1)).toMatchObject({ action: 'device.graded', fromStatus: 'sanitized', toStatus: status, details: { grade } });
      }
    });

    it('rejects an unknown checklist key, a battery over 100 % and an unknown grade with 400, writing nothing', async () => {
      const d = await sanitized();
      for (const body of [
        { grade: 'A', checklist: { powersOn: true, smell: 'fine' } },
        { grade: 'A', checklist: { batteryHealthPercent: 101 } },
        { grade: 'A', checklist: { batteryHealthPercent: -1 } },
        { grade: 'E' },
        { grade: 'A', specs: { gpu: 'none' } },
        {},
      ]) {
        const res = await post(`/devices/${d.tag}/grade`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('request.invalid');
      }
      expect(await history(d.tag)).toHaveLength(2);
      expect((await device(d.tag)).status).toBe('sanitized');
    });

    it('needs a sanitized (or ready, to regrade) device: received, in_repair and awaiting_recycling are refused with 409', async () => {
      const cases: Array<[string, { tag: string }]> = [
        ['received', await received()],
        ['in_repair', await inRepair()],
      ];
      const d = await sanitized();
      await post(`/devices/${d.tag}/grade`, { grade: 'D' });
      cases.push(['awaiting_recycling', d]);
      for (const [status, { tag }] of cases) {
        const before = await history(tag);
        const res = await post(`/devices/${tag}/grade`, { grade: 'A' });
        expect(res.status, status).toBe(409);
        expect(res.body).toMatchObject({ code: 'devices.invalid_transition', currentStatus: status, action: 'grade' });
        expect(await history(tag)).toEqual(before);
      }
    });

    it('staff cannot grade (403)', async () => {
      const d = await sanitized();
      const res = await post(`/devices/${d.tag}/grade`, { grade: 'A' }, 'staff');
      expect(res.status).toBe(403);
      expect((await device(d.tag)).status).toBe('sanitized');
    });
  });

  describe('recycling designation', () => {
    it('coordinator and admin designate from received, sanitized, in_repair and ready; trainee and staff get 403', async () => {
      const builders: Array<[string, () => Promise<{ tag: string }>]> = [
        ['received', received],
        ['sanitized', sanitized],
        ['in_repair', inRepair],
        ['ready', ready],
      ];
      for (const [status, build] of builders) {
        for (const role of ['coordinator', 'admin'] as const) {
          const { tag } = await build();
          for (const refused of ['trainee', 'staff'] as const) {
            const res = await post(`/devices/${tag}/recycle`, { reason: 'cracked chassis' }, refused);
            expect(res.status, `${refused} ${status}`).toBe(403);
            expect(res.body.code).toBe('auth.forbidden');
          }
          const before = (await history(tag)).length;
          const res = await post(`/devices/${tag}/recycle`, { reason: 'cracked chassis' }, role);
          expect(res.status, `${role} ${status}`).toBe(200);
          expect(res.body.device.status).toBe('awaiting_recycling');
          const events = await history(tag);
          expect(events).toHaveLength(before + 1);
          expect(events.at(-1)).toMatchObject({ action: 'device.designated_for_recycling', fromStatus: status, toStatus: 'awaiting_recycling', details: { reason: 'cracked chassis' } });

          const again = await post(`/devices/${tag}/recycle`, { reason: 'again' }, role);
          expect(again.status).toBe(409);
          expect(again.body).toMatchObject({ code: 'devices.invalid_transition', currentStatus: 'awaiting_recycling', action: 'recycle' });
        }
      }
    });

    it('needs a reason (400), checked after the role (trainee with no body: 403)', async () => {
      const { tag } = await received();
      for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x', extra: 1 }]) {
        const res = await post(`/devices/${tag}/recycle`, body, 'coordinator');
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('request.invalid');
      }
      const trainee = await post(`/devices/${tag}/recycle`, {}, 'trainee');
      expect(trainee.status).toBe(403);
      expect((await device(tag)).status).toBe('received');
    });
  });

  describe('write-off', () => {
    it('is admin only, needs a reason, and works from every status in custody', async () => {
      const d = await received();
      for (const role of ['trainee', 'coordinator', 'staff'] as const) {
        const res = await post(`/devices/${d.tag}/write-off`, { reason: 'stolen' }, role);
        expect(res.status, role).toBe(403);
      }
      for (const body of [{}, { reason: '' }, { reason: '  ' }]) {
        const res = await post(`/devices/${d.tag}/write-off`, body, 'admin');
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('request.invalid');
      }
      expect(await history(d.tag)).toHaveLength(1);

      const awaiting = await sanitized();
      await post(`/devices/${awaiting.tag}/grade`, { grade: 'D' });
      const cases: Array<[string, { tag: string }]> = [
        ['received', d],
        ['sanitized', await sanitized()],
        ['in_repair', await inRepair()],
        ['ready', await ready()],
        ['awaiting_recycling', awaiting],
      ];
      for (const [status, { tag }] of cases) {
        const res = await post(`/devices/${tag}/write-off`, { reason: 'lost in transit to Arviat' }, 'admin');
        expect(res.status, status).toBe(200);
        expect(res.body.device.status).toBe('written_off');
        expect(res.body.device.allowedActions).toEqual([]);
        expect((await history(tag)).at(-1)).toMatchObject({ action: 'device.written_off', fromStatus: status, toStatus: 'written_off', details: { reason: 'lost in transit to Arviat' } });
      }
    });

    it('after a write-off every action is 409 and allowedActions is empty for every role', async () => {
      const d = await inRepair();
      const off = await post(`/devices/${d.tag}/write-off`, { reason: 'stolen' }, 'admin');
      expect(off.status).toBe(200);
      const before = await history(d.tag);
      const version = (await device(d.tag)).version;

      const attempts: Array<[string, Promise<{ status: number; body: Body }>]> = [
        ['sanitize', post(`/devices/${d.tag}/sanitizations`, wipeBody(d.drive), 'admin')],
        ['no storage', post(`/devices/${d.tag}/sanitizations`, { noStorage: true }, 'admin')],
        ['storage', post(`/devices/${d.tag}/storage`, { serialNumber: 'NEW-1', kind: 'hdd' }, 'admin')],
        ['repair', post(`/devices/${d.tag}/repairs`, { description: 'x' }, 'admin')],
        ['complete', post(`/devices/${d.tag}/repairs/${d.repairId}/complete`, { outcome: 'fixed' }, 'admin')],
        ['grade', post(`/devices/${d.tag}/grade`, { grade: 'A' }, 'admin')],
        ['recycle', post(`/devices/${d.tag}/recycle`, { reason: 'x' }, 'admin')],
        ['write-off', post(`/devices/${d.tag}/write-off`, { reason: 'x' }, 'admin')],
        [
          'patch',
          t.http
            .patch(`${API}/devices/${d.tag}`)
            .set(bearer(await tok('admin')))
            .set('if-match', `"v${version}"`)
            .send({ notes: 'found it?' })
            .then((r) => r),
        ],
      ];
      for (const [label, pending] of attempts) {
        const res = await pending;
        expect(res.status, label).toBe(409);
        expect(res.body.code, label).toBe('devices.invalid_transition');
      }
      expect(await history(d.tag)).toEqual(before);
      for (const role of WORKSHOP_ROLES) {
        const dev = await device(d.tag, role);
        expect(dev.status).toBe('written_off');
        expect(dev.allowedActions, role).toEqual([]);
      }
    });
  });

  describe('allowedActions match what actually succeeds for the role', () => {
    interface Subject {
      tag: string;
      drive: string | undefined;
      repairId?: number;
    }
    const builders: Record<string, () => Promise<Subject>> = {
      received: () => received(),
      sanitized,
      in_repair: inRepair,
      ready,
      awaiting_recycling: async () => {
        const d = await sanitized();
        expect((await post(`/devices/${d.tag}/grade`, { grade: 'D' })).body.device.status).toBe('awaiting_recycling');
        return d;
      },
      written_off: async () => {
        const d = await inRepair();
        expect((await post(`/devices/${d.tag}/write-off`, { reason: 'stolen' }, 'admin')).status).toBe(200);
        return d;
      },
      // A device with no drives and no confirmation yet (sanitize has no drive to name, so it is not tried here).
      received_no_storage: () => received(laptop({ category: 'monitor', storage: [] })),
    };

    const ROUTE_ROLES: Partial<Record<DeviceAction, readonly Role[]>> = {
      update: ['trainee', 'coordinator', 'admin'],
      register_storage: ['trainee', 'coordinator', 'admin'],
      sanitize: ['trainee', 'coordinator', 'admin'],
      confirm_no_storage: ['trainee', 'coordinator', 'admin'],
      open_repair: ['trainee', 'coordinator', 'admin'],
      complete_repair: ['trainee', 'coordinator', 'admin'],
      grade: ['trainee', 'coordinator', 'admin'],
      recycle: ['coordinator', 'admin'],
      write_off: ['admin'],
    };
    let serial = 0;

    async function attempt(action: DeviceAction, s: Subject, role: Role) {
      const token = await tok(role);
      switch (action) {
        case 'update': {
          const version = (await device(s.tag)).version;
          return t.http.patch(`${API}/devices/${s.tag}`).set(bearer(token)).set('if-match', `"v${version}"`).send({ notes: `edited ${++serial}` });
        }
        case 'register_storage':
          return post(`/devices/${s.tag}/storage`, { serialNumber: `LATE-${++serial}`, kind: 'hdd' }, role);
        case 'sanitize':
          return post(`/devices/${s.tag}/sanitizations`, wipeBody(s.drive!), role);
        case 'confirm_no_storage':
          return post(`/devices/${s.tag}/sanitizations`, { noStorage: true }, role);
        case 'open_repair':
          return post(`/devices/${s.tag}/repairs`, { description: 'bench check' }, role);
        case 'complete_repair':
          return post(`/devices/${s.tag}/repairs/${s.repairId ?? 999999}/complete`, { outcome: 'fixed' }, role);
        case 'grade':
          return post(`/devices/${s.tag}/grade`, { grade: 'B' }, role);
        case 'recycle':
          return post(`/devices/${s.tag}/recycle`, { reason: 'obsolete' }, role);
        case 'write_off':
          return post(`/devices/${s.tag}/write-off`, { reason: 'lost' }, role);
        default:
          throw new Error(`no route for ${action}`);
      }
    }

    it('for every reachable status and every role', async () => {
      const routed = DEVICE_ACTIONS.filter((a) => ROUTE_ROLES[a] !== undefined);
      const SUCCESS: Partial<Record<DeviceAction, number>> = { update: 200, complete_repair: 200, recycle: 200, write_off: 200 };
      for (const [status, build] of Object.entries(builders)) {
        for (const role of WORKSHOP_ROLES) {
          let subject = await build();
          const view = await device(subject.tag, role);
          const expectedStatus = status === 'received_no_storage' ? 'received' : status;
          expect(view.status).toBe(expectedStatus);
          const allowed = view.allowedActions;
          for (const action of routed) {
            if (action === 'sanitize' && subject.drive === undefined) continue;
            const label = `${role} ${action} on ${status}`;
            const offered = allowed.includes(action);
            const before = await history(subject.tag);
            const res = await attempt(action, subject, role);
            if (offered) {
              expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(SUCCESS[action] ?? 201);
              subject = await build();
            } else {
              let refusal = 409;
              if (!ROUTE_ROLES[action]!.includes(role)) refusal = 403;
              else if (action === 'complete_repair' && subject.repairId === undefined) refusal = 404;
              expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(refusal);
              expect(await history(subject.tag), label).toEqual(before);
            }
          }
        }
      }
    });

    it('a trainee on a ready device may open a repair but not issue, recycle or write off', async () => {
      const d = await ready();
      const view = await device(d.tag, 'trainee');
      expect(view.allowedActions).toContain('open_repair');
      for (const a of ['issue', 'recycle', 'write_off', 'ship', 'return']) expect(view.allowedActions).not.toContain(a);
      expect(view.allowedActions).toContain('grade');
      expect((await post(`/devices/${d.tag}/recycle`, { reason: 'x' })).status).toBe(403);
      expect((await post(`/devices/${d.tag}/write-off`, { reason: 'x' })).status).toBe(403);
      expect((await post(`/devices/${d.tag}/repairs`, { description: 'x' })).status).toBe(201);
      // A coordinator on a ready device is offered the issue (the route itself is not built yet).
      const other = await ready();
      expect((await device(other.tag, 'coordinator')).allowedActions).toEqual(expect.arrayContaining(['issue', 'open_repair', 'recycle']));
      expect((await device(other.tag, 'staff')).allowedActions).toEqual([]);
    });

    it('a device with no drives is not offered sanitize, since no record can be made for it', async () => {
      const d = await received(laptop({ category: 'monitor', storage: [] }));
      const view = await device(d.tag, 'trainee');
      const res = await post(`/devices/${d.tag}/sanitizations`, wipeBody('ANY-SERIAL'));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('sanitizations.unknown_drive');
      expect(view.allowedActions).toContain('confirm_no_storage');
      expect(view.allowedActions).not.toContain('sanitize');
    });
  });
});
