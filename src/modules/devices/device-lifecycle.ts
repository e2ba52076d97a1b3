/**
 * The device lifecycle of docs/domain.md §2 as plain data and functions, with no I/O.
 * Services ask it whether an action is allowed; responses use it to list the
 * caller's allowedActions. Who may take an action is the permission map's
 * answer for the action's permission, the same one its route declares.
 */
import { can, rolesFor, type Permission, type Role } from '../auth/permissions.js';

export const DEVICE_STATUSES = [
  'received',
  'sanitized',
  'in_repair',
  'ready',
  'issued',
  'awaiting_recycling',
  /** Moving between two sites of the program (docs/domain.md §8). */
  'in_transit',
  'recycled',
  'written_off',
] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export const DEVICE_ACTIONS = [
  'update',
  'register_storage',
  'sanitize',
  'confirm_no_storage',
  'open_repair',
  'complete_repair',
  'grade',
  'issue',
  'return',
  'recycle',
  'ship',
  'write_off',
  'transfer',
  'cancel_transfer',
] as const;
export type DeviceAction = (typeof DEVICE_ACTIONS)[number];

const NOT_GONE: readonly DeviceStatus[] = ['received', 'sanitized', 'in_repair', 'ready', 'issued', 'awaiting_recycling'];

interface Rule {
  from: readonly DeviceStatus[];
  /** The status after the action; null where the status stays (or depends on the outcome). */
  to: DeviceStatus | null;
  permission: Permission;
  /** The permission's roles, from the map. */
  roles: readonly Role[];
}

function rule(from: readonly DeviceStatus[], to: DeviceStatus | null, permission: Permission): Rule {
  return { from, to, permission, roles: rolesFor(permission) };
}

/** Who may do what from which status. Anything not listed is refused (409 devices.invalid_transition). */
export const TRANSITIONS: Readonly<Record<DeviceAction, Rule>> = {
  // Metadata edits never change the status; they are closed once the device has left custody.
  update: rule(NOT_GONE, null, 'devices:update'),
  // A drive found after intake sends a sanitized or ready device back to received (docs/domain.md §2).
  register_storage: rule(['received', 'sanitized', 'in_repair', 'ready', 'awaiting_recycling'], null, 'devices:register-storage'),
  // received -> sanitized once the last drive passes. Records may also be added
  // in repair (a drive found late), while awaiting recycling (drives destroyed
  // before shipping) and as corrections; those keep the status.
  sanitize: rule(['received', 'sanitized', 'in_repair', 'ready', 'awaiting_recycling'], null, 'devices:sanitize'),
  // received -> sanitized. Also while awaiting recycling (status kept), like wipe records: a device
  // designated straight from received can then be shipped (docs/domain.md §2 invariant 2).
  confirm_no_storage: rule(['received', 'awaiting_recycling'], null, 'devices:sanitize'),
  open_repair: rule(['sanitized', 'ready'], 'in_repair', 'devices:repair'),
  // Back to sanitized; to received instead when a drive registered during the repair has not passed yet.
  complete_repair: rule(['in_repair'], null, 'devices:repair'),
  // Grading a ready device again is a regrade: A/B/C keep it ready, D sends it to awaiting_recycling.
  grade: rule(['sanitized', 'ready'], null, 'devices:grade'),
  issue: rule(['ready'], 'issued', 'devices:issue'),
  return: rule(['issued'], 'received', 'devices:return'),
  recycle: rule(['received', 'sanitized', 'in_repair', 'ready'], 'awaiting_recycling', 'devices:recycle'),
  ship: rule(['awaiting_recycling'], 'recycled', 'shipments:ship'),
  write_off: rule([...NOT_GONE, 'in_transit'], 'written_off', 'devices:write-off'),
  // To another site (docs/domain.md §8), sanitized only. Receipt is the destination's, not an action of the holder's.
  transfer: rule(['sanitized', 'ready', 'awaiting_recycling'], 'in_transit', 'devices:transfer'),
  // The sender calls it back before receipt: the status it left with.
  cancel_transfer: rule(['in_transit'], null, 'devices:transfer'),
};

export interface LifecycleFacts {
  status: DeviceStatus;
  /**
   * True when every registered drive has a passing record in the current
   * custody cycle that no failed second-person check voided, or no storage
   * was confirmed (docs/domain.md §2 invariant 1).
   */
  sanitized: boolean;
  driveCount: number;
  /** True when a second-person check failed on a drive that has not passed since (docs/domain.md §2). */
  failedCheck?: boolean | undefined;
  /** The drives that keep the device from counting as sanitized, and why: what a refusal names. */
  drivesAtFault?: ReadonlyArray<{ serialNumber: string; sanitizationState: string }> | undefined;
}

export const DEVICE_FLAGS = ['recall'] as const;
export type DeviceFlag = (typeof DEVICE_FLAGS)[number];

/**
 * recall: the device is with a participant, but a second-person check failed
 * on one of its drives after it left; it must come back and be wiped again.
 */
export function deviceFlags(facts: LifecycleFacts): DeviceFlag[] {
  return facts.status === 'issued' && facts.failedCheck ? ['recall'] : [];
}

export type Refusal = 'devices.invalid_transition' | 'devices.not_sanitized';

/** Whether the action may start from this status at all, before any other fact about the device is asked. */
export function statusAllows(action: DeviceAction, status: DeviceStatus): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** Why an action is refused, or null when it is allowed. Role checks are separate (see allowedActions). */
export function refusal(action: DeviceAction, facts: LifecycleFacts): Refusal | null {
  if (!statusAllows(action, facts.status)) return 'devices.invalid_transition';
  // docs/domain.md §2 invariant 1: no issue without a passing record for every drive in this custody cycle.
  if (action === 'issue' && !facts.sanitized) return 'devices.not_sanitized';
  // A device in repair with a drive registered late cannot be graded until that drive passes.
  if (action === 'grade' && !facts.sanitized) return 'devices.not_sanitized';
  // docs/domain.md §2 invariant 2: nothing leaves for recycling unless sanitized or holding no storage.
  if (action === 'ship' && !facts.sanitized) return 'devices.not_sanitized';
  // Nothing travels between sites with data on it: a box can go astray.
  if (action === 'transfer' && !facts.sanitized) return 'devices.not_sanitized';
  if (action === 'confirm_no_storage' && facts.driveCount > 0) return 'devices.invalid_transition';
  // With no drive registered there is nothing to record a wipe for.
  if (action === 'sanitize' && facts.driveCount === 0) return 'devices.invalid_transition';
  return null;
}

export function roleMayDo(role: Role, action: DeviceAction): boolean {
  return can(role, TRANSITIONS[action].permission);
}

/**
 * The actions the given role can take on a device now, in a stable order.
 * They depend on the role, the status, whether the device counts as
 * sanitized and whether it has drives (see refusal): worked out once for
 * each combination (every device answer carries them), and copied out.
 */
export function allowedActions(role: Role, facts: LifecycleFacts): DeviceAction[] {
  const key = `${role} ${facts.status} ${facts.sanitized} ${facts.driveCount > 0}`;
  let actions = allowedByCase.get(key);
  if (!actions) {
    actions = DEVICE_ACTIONS.filter((a) => roleMayDo(role, a) && refusal(a, facts) === null);
    allowedByCase.set(key, actions);
  }
  return actions.slice();
}
const allowedByCase = new Map<string, DeviceAction[]>();
