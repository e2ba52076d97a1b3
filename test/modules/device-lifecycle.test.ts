import { describe, expect, it } from 'vitest';
import {
  DEVICE_ACTIONS,
  DEVICE_STATUSES,
  TRANSITIONS,
  allowedActions,
  refusal,
  roleMayDo,
  type DeviceAction,
  type DeviceStatus,
  type LifecycleFacts,
} from '../../src/modules/devices/device-lifecycle.js';
import type { Role } from '../../src/modules/users/users.table.js';

const ROLES: readonly Role[] = ['trainee', 'coordinator', 'staff', 'admin'];
const LIFECYCLE: readonly Role[] = ['trainee', 'coordinator', 'admin'];
const COORDINATION: readonly Role[] = ['coordinator', 'admin'];
const GONE: readonly DeviceStatus[] = ['recycled', 'written_off'];
const IN_CUSTODY: readonly DeviceStatus[] = ['received', 'sanitized', 'in_repair', 'ready', 'issued', 'awaiting_recycling', 'in_transit'];

/**
 * docs/domain.md §2, transcribed by hand. `from` is exact where the transition table
 * lists it; `fromIncludes`/`fromExcludes` where the rules only fix part of it.
 * `to` lists the acceptable values; null means "stays or depends on the outcome"
 * (grade A/B/C -> ready, D -> awaiting_recycling; sanitize -> sanitized only when the last drive passes).
 */
type Expectation = {
  roles: readonly Role[];
  to: ReadonlyArray<DeviceStatus | null>;
} & ({ from: readonly DeviceStatus[] } | { fromIncludes: readonly DeviceStatus[]; fromExcludes: readonly DeviceStatus[] });

const SPEC: Record<DeviceAction, Expectation> = {
  // Metadata edits (PATCH /devices/{tag}): never a status change, closed once the device left custody.
  update: { fromIncludes: ['received', 'sanitized', 'in_repair', 'ready', 'awaiting_recycling'], fromExcludes: GONE, to: [null], roles: LIFECYCLE },
  // "drive registered after intake: sanitized, ready -> received"; in_repair keeps its status.
  register_storage: { fromIncludes: ['received', 'sanitized', 'in_repair', 'ready'], fromExcludes: ['issued', ...GONE], to: [null], roles: LIFECYCLE },
  // received -> sanitized when the last drive passes; also allowed awaiting_recycling and in_repair (a late drive).
  sanitize: { fromIncludes: ['received', 'in_repair', 'awaiting_recycling'], fromExcludes: ['issued', ...GONE], to: [null], roles: LIFECYCLE },
  // received -> sanitized; also while awaiting recycling (status kept), like wipe records, so a drive-less device can be shipped.
  confirm_no_storage: { fromIncludes: ['received', 'awaiting_recycling'], fromExcludes: ['sanitized', 'ready', 'issued', ...GONE], to: ['sanitized', null], roles: LIFECYCLE },
  open_repair: { from: ['sanitized', 'ready'], to: ['in_repair'], roles: LIFECYCLE },
  // in_repair -> sanitized; an implementation may make it outcome-dependent (a late drive not yet passed).
  complete_repair: { from: ['in_repair'], to: ['sanitized', null], roles: LIFECYCLE },
  grade: { from: ['sanitized', 'ready'], to: [null], roles: LIFECYCLE },
  issue: { from: ['ready'], to: ['issued'], roles: COORDINATION },
  return: { from: ['issued'], to: ['received'], roles: COORDINATION },
  recycle: { from: ['received', 'sanitized', 'in_repair', 'ready'], to: ['awaiting_recycling'], roles: COORDINATION },
  ship: { from: ['awaiting_recycling'], to: ['recycled'], roles: ['coordinator', 'staff', 'admin'] },
  write_off: { from: IN_CUSTODY, to: ['written_off'], roles: ['admin'] },
  // docs/domain.md §8: sanitized, ready or awaiting recycling leave for another site; the sender may call one back.
  transfer: { from: ['sanitized', 'ready', 'awaiting_recycling'], to: ['in_transit'], roles: COORDINATION },
  cancel_transfer: { from: ['in_transit'], to: [null], roles: COORDINATION },
};

const sorted = <T extends string>(xs: readonly T[]) => [...xs].sort();
const facts = (status: DeviceStatus, sanitized: boolean, driveCount: number): LifecycleFacts => ({ status, sanitized, driveCount });

/** Every combination of facts a device can present. */
const ALL_FACTS: LifecycleFacts[] = DEVICE_STATUSES.flatMap((s) => [facts(s, true, 0), facts(s, true, 2), facts(s, false, 0), facts(s, false, 2)]);

describe('device lifecycle: the transition table', () => {
  it('has exactly the docs/domain.md §2 statuses', () => {
    expect(sorted(DEVICE_STATUSES)).toEqual(sorted(['received', 'sanitized', 'in_repair', 'ready', 'issued', 'awaiting_recycling', 'in_transit', 'recycled', 'written_off']));
  });

  it('has a rule for every action, and this test has an expectation for every action', () => {
    expect(sorted(Object.keys(TRANSITIONS))).toEqual(sorted(DEVICE_ACTIONS));
    expect(sorted(Object.keys(SPEC))).toEqual(sorted(DEVICE_ACTIONS));
  });

  it.each(DEVICE_ACTIONS.map((a) => [a] as const))('%s: from, to and roles match docs/domain.md §2', (action) => {
    const rule = TRANSITIONS[action];
    const spec = SPEC[action];
    expect(sorted(rule.roles)).toEqual(sorted(spec.roles));
    expect(spec.to).toContain(rule.to);
    if ('from' in spec) {
      expect(sorted(rule.from)).toEqual(sorted(spec.from));
    } else {
      for (const s of spec.fromIncludes) expect(rule.from, `${action} from ${s}`).toContain(s);
      for (const s of spec.fromExcludes) expect(rule.from, `${action} from ${s}`).not.toContain(s);
    }
    for (const s of GONE) expect(rule.from, `${action} from ${s}`).not.toContain(s);
  });

  it('roleMayDo follows the documented roles for every role and action', () => {
    for (const action of DEVICE_ACTIONS) {
      for (const role of ROLES) expect([action, role, roleMayDo(role, action)]).toEqual([action, role, SPEC[action].roles.includes(role)]);
    }
  });
});

describe('device lifecycle: refusal', () => {
  it.each(DEVICE_ACTIONS.map((a) => [a] as const))('%s is refused as an invalid transition from recycled and written_off', (action) => {
    for (const status of GONE) {
      for (const f of [facts(status, true, 0), facts(status, true, 1), facts(status, false, 1)]) {
        expect(refusal(action, f)).toBe('devices.invalid_transition');
      }
    }
  });

  it('refuses issue from ready unless sanitized (invariant 1)', () => {
    expect(refusal('issue', facts('ready', true, 1))).toBeNull();
    expect(refusal('issue', facts('ready', true, 0))).toBeNull();
    expect(refusal('issue', facts('ready', false, 1))).toBe('devices.not_sanitized');
    expect(refusal('issue', facts('ready', false, 0))).toBe('devices.not_sanitized');
  });

  it.each(DEVICE_STATUSES.filter((s) => s !== 'ready').map((s) => [s] as const))('refuses issue from %s as an invalid transition, sanitized or not', (status) => {
    expect(refusal('issue', facts(status, true, 1))).toBe('devices.invalid_transition');
    expect(refusal('issue', facts(status, false, 1))).toBe('devices.invalid_transition');
  });

  it('allows exactly the documented from-statuses for a sanitized device (exact rows of the table)', () => {
    for (const action of DEVICE_ACTIONS) {
      const spec = SPEC[action];
      if (!('from' in spec)) continue;
      const driveCount = action === 'confirm_no_storage' ? 0 : 1;
      for (const status of DEVICE_STATUSES) {
        const expected = spec.from.includes(status) ? null : 'devices.invalid_transition';
        expect([action, status, refusal(action, facts(status, true, driveCount))]).toEqual([action, status, expected]);
      }
    }
  });

  it('confirms "no storage" only on a received device without drives', () => {
    expect(refusal('confirm_no_storage', facts('received', false, 0))).toBeNull();
    expect(refusal('confirm_no_storage', facts('received', false, 1))).toBe('devices.invalid_transition');
    expect(refusal('confirm_no_storage', facts('sanitized', true, 0))).toBe('devices.invalid_transition');
  });

  it('refuses grading until every drive passed (a drive found during repair)', () => {
    expect(refusal('grade', facts('sanitized', true, 2))).toBeNull();
    expect(refusal('grade', facts('sanitized', false, 2))).toBe('devices.not_sanitized');
    expect(refusal('grade', facts('in_repair', true, 2))).toBe('devices.invalid_transition');
  });

  it('lets the late drive of a device in repair be sanitized', () => {
    expect(refusal('sanitize', facts('in_repair', false, 2))).toBeNull();
    expect(refusal('register_storage', facts('in_repair', false, 1))).toBeNull();
  });

  it('allows sanitization records on a device awaiting recycling, and none on an issued device', () => {
    expect(refusal('sanitize', facts('awaiting_recycling', false, 1))).toBeNull();
    expect(refusal('sanitize', facts('issued', false, 1))).toBe('devices.invalid_transition');
    expect(refusal('register_storage', facts('issued', false, 1))).toBe('devices.invalid_transition');
  });

  it('lets write-off happen from every status in custody, sanitized or not', () => {
    for (const status of IN_CUSTODY) {
      expect([status, refusal('write_off', facts(status, false, 1))]).toEqual([status, null]);
      expect([status, refusal('write_off', facts(status, true, 0))]).toEqual([status, null]);
    }
  });
});

describe('device lifecycle: allowedActions per role', () => {
  it('is exactly the actions the role may do and that are not refused, in DEVICE_ACTIONS order', () => {
    for (const role of ROLES) {
      for (const f of ALL_FACTS) {
        const expected = DEVICE_ACTIONS.filter((a) => SPEC[a].roles.includes(role) && refusal(a, f) === null);
        expect([role, f, allowedActions(role, f)]).toEqual([role, f, expected]);
      }
    }
  });

  it('offers nothing to anyone on a recycled or written-off device', () => {
    for (const role of ROLES) {
      for (const status of GONE) {
        expect(allowedActions(role, facts(status, true, 0))).toEqual([]);
        expect(allowedActions(role, facts(status, false, 2))).toEqual([]);
      }
    }
  });

  it('gives staff no lifecycle action but ship, and ship only while awaiting recycling and sanitized (invariant 2)', () => {
    for (const f of ALL_FACTS) {
      expect([f.status, f.sanitized, allowedActions('staff', f)]).toEqual([f.status, f.sanitized, f.status === 'awaiting_recycling' && f.sanitized ? ['ship'] : []]);
    }
  });

  it('gives write_off to admin only, on every device still in custody', () => {
    for (const f of ALL_FACTS) {
      for (const role of ROLES) {
        const expected = role === 'admin' && IN_CUSTODY.includes(f.status);
        expect([role, f.status, allowedActions(role, f).includes('write_off')]).toEqual([role, f.status, expected]);
      }
    }
  });

  it('never gives a trainee issue, return, recycle, ship or write_off', () => {
    for (const f of ALL_FACTS) {
      const got = allowedActions('trainee', f);
      for (const a of ['issue', 'return', 'recycle', 'ship', 'write_off'] as const) expect(got).not.toContain(a);
    }
  });

  it('lists the expected actions for typical devices', () => {
    // Just taken in, one drive not yet wiped.
    expect(allowedActions('trainee', facts('received', false, 1))).toEqual(['update', 'register_storage', 'sanitize']);
    expect(allowedActions('coordinator', facts('received', false, 1))).toEqual(['update', 'register_storage', 'sanitize', 'recycle']);
    // Taken in with no storage: the trainee can confirm it.
    expect(allowedActions('trainee', facts('received', false, 0))).toContain('confirm_no_storage');
    // Sanitized: grade or repair.
    const sanitized = allowedActions('trainee', facts('sanitized', true, 1));
    expect(sanitized).toEqual(expect.arrayContaining(['grade', 'open_repair']));
    expect(sanitized).not.toContain('issue');
    // Ready and wiped: a coordinator can issue; a trainee cannot.
    expect(allowedActions('coordinator', facts('ready', true, 1))).toEqual(expect.arrayContaining(['issue', 'open_repair', 'recycle']));
    expect(allowedActions('trainee', facts('ready', true, 1))).not.toContain('issue');
    // Ready but a drive is pending: no issue for anyone.
    for (const role of ROLES) expect(allowedActions(role, facts('ready', false, 1))).not.toContain('issue');
    // Issued: only return (and write-off for admin) among lifecycle moves.
    expect(allowedActions('admin', facts('issued', true, 1))).toEqual(expect.arrayContaining(['return', 'write_off']));
    expect(allowedActions('coordinator', facts('issued', true, 1))).toContain('return');
    expect(allowedActions('coordinator', facts('issued', true, 1))).not.toContain('grade');
    // Awaiting recycling: coordinators and staff ship.
    expect(allowedActions('coordinator', facts('awaiting_recycling', true, 1))).toContain('ship');
    expect(allowedActions('trainee', facts('awaiting_recycling', true, 1))).not.toContain('ship');
  });
});
