import type { Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import type { RecordKey } from '../audit-log/records.js';
import type { Actor } from '../users/users.service.js';
import { refusal, roleMayDo, type DeviceAction, type DeviceStatus, type LifecycleFacts, type Refusal } from './device-lifecycle.js';
import { updateDeviceAtVersion, type DeviceRow } from './devices.repository.js';
import { deviceRecords } from './devices.records.js';

/** Why a drive does not count as sanitized, in the words a refusal uses. */
const DRIVE_FAULT: Record<string, string> = {
  pending: 'no sanitization record in this custody cycle',
  failed: 'its sanitization failed',
  failed_check: 'its second-person check failed; wipe it again',
};

/**
 * What keeps a device from counting as sanitized, for a refusal to name
 * (docs/domain.md §2 invariant 1: "naming the drives at fault"): a sentence and the list.
 */
export function drivesAtFault(assetTag: string, facts: LifecycleFacts): { detail: string; drives: ReadonlyArray<{ serialNumber: string; sanitizationState: string }> } {
  const drives = facts.drivesAtFault ?? [];
  const detail =
    drives.length > 0
      ? `${assetTag} has drives without a valid passing sanitization record in this custody cycle: ${drives.map((d) => `${d.serialNumber} (${DRIVE_FAULT[d.sanitizationState] ?? d.sanitizationState})`).join(', ')}.`
      : `${assetTag} has no drive registered and was not confirmed to hold no storage.`;
  return { detail, drives };
}

/** Names a lifecycle refusal more precisely for one request, or leaves it as it is (undefined). */
export type RefusalExplainer = (why: Refusal, device: DeviceRow, facts: LifecycleFacts) => AppError | undefined;

/**
 * Refuses an action the lifecycle does not allow, naming the status and the
 * action (docs/domain.md §2): a stale version first, then the role, then the lifecycle.
 */
export function assertAllowed(actor: Actor, action: DeviceAction, device: DeviceRow, facts: LifecycleFacts, expectedVersion?: number, explain?: RefusalExplainer): void {
  if (expectedVersion !== undefined && expectedVersion !== device.version) {
    throw new AppError('devices.version_mismatch', `The device is at version ${device.version}; read it again.`, {
      extra: { currentVersion: device.version },
    });
  }
  if (!roleMayDo(actor.role, action)) throw new AppError('auth.forbidden', `Your role cannot ${action.replace(/_/g, ' ')}.`);
  const why = refusal(action, facts);
  const explained = why === null ? undefined : explain?.(why, device, facts);
  if (explained) throw explained;
  if (why === 'devices.not_sanitized') {
    const { detail, drives } = drivesAtFault(device.assetTag, facts);
    throw new AppError('devices.not_sanitized', `Cannot ${action.replace(/_/g, ' ')}: ${detail}`, { extra: { currentStatus: device.status, action, drives } });
  }
  if (why) {
    throw new AppError('devices.invalid_transition', `Cannot ${action.replace(/_/g, ' ')} a device that is ${device.status}.`, {
      extra: { currentStatus: device.status, action },
    });
  }
}

export interface DeviceChange {
  device: DeviceRow;
  actor: Actor;
  /** History action name, `entity.verb` (e.g. device.graded). */
  event: string;
  toStatus?: DeviceStatus | undefined;
  patch?: Partial<DeviceRow> | undefined;
  details: Record<string, unknown>;
  /** Other records this change creates or changes (a sanitization record, a repair…): hashed into the event with the device. */
  records?: readonly RecordKey[] | undefined;
  at: string;
}

/**
 * Applies one change to a device inside the caller's write transaction: a
 * compare-and-set on the version (so a concurrent change makes this one fail
 * with 409) and exactly one history event (docs/domain.md §2 invariant 3).
 */
export async function applyDeviceChange(tx: Executor, change: DeviceChange): Promise<DeviceRow> {
  const { device, toStatus, at } = change;
  const statusChanges = toStatus !== undefined && toStatus !== device.status;
  const row = await updateDeviceAtVersion(tx, device.id, device.version, {
    ...change.patch,
    ...(statusChanges ? { status: toStatus, statusChangedAt: at } : {}),
    updatedAt: at,
  });
  if (!row) {
    throw new AppError('devices.invalid_transition', `${device.assetTag} changed while this request ran; read it again.`, {
      extra: { currentStatus: device.status },
    });
  }
  await appendAuditEvent(tx, {
    entityType: 'device',
    entityId: device.assetTag,
    action: change.event,
    fromStatus: device.status,
    toStatus: row.status,
    actorUserId: change.actor.id,
    at,
    details: change.details,
    records: [{ source: deviceRecords, id: device.id }, ...(change.records ?? [])],
  });
  return row;
}
