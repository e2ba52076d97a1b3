import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db, type Tx } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { parseTag } from '../asset-tags/asset-tag.js';
import type { Actor } from '../users/users.service.js';
import type { Role } from '../auth/permissions.js';
import { assertAllowed, type RefusalExplainer } from './device-change.js';
import type { DeviceAction } from './device-lifecycle.js';
import { createDeviceStateReads, toDevice, type DeviceState, type DeviceStateLoader, type DriveStatesColumn, type DriveStatesOf, type DriveStatesOfPage } from './device-view.js';
import { prepareDeviceLookups, type DeviceRow } from './devices.repository.js';
import type { Device } from './devices.schemas.js';

/** What a use case on one device works with: the device and its state, read in the transaction it writes in. */
export interface DeviceScope {
  tx: Tx;
  device: DeviceRow;
  /** Its drives and lifecycle facts as the transaction began. */
  state: DeviceState;
  /** The one clock reading of the use case. */
  now: Date;
  at: string;
  /** The state again, after writes of this transaction that change it (a record, a drive). */
  reload: (row: DeviceRow) => Promise<DeviceState>;
  /** The device as the actor sees it: what the use case answers. */
  view: (row: DeviceRow) => Promise<Device>;
}

/**
 * The one shape of a use case on a device (docs/domain.md §2): one clock reading, one
 * write transaction, the device resolved and its state loaded inside it, the
 * action checked against the lifecycle, the change applied, the device
 * answered as the actor sees it. Built once per database (prepared statements).
 *
 * It is also where use cases meet the data layer: every read and the
 * transaction are awaited, so the same use case runs on either engine.
 */
export function createDeviceUseCase(deps: { db: Db; clock: Clock; driveStates: DriveStatesOf; driveStatesOfPage: DriveStatesOfPage; driveStatesColumn: DriveStatesColumn }) {
  const { db, clock } = deps;
  // Prepared on the one connection, so that inside a write transaction they read its writes.
  const reads = createDeviceStateReads(db, deps.driveStatesColumn);
  const loadState: DeviceStateLoader = reads.loadState;
  const lookups = prepareDeviceLookups(db);

  /** A device (or what `by` reads with it) by asset tag (any case) or by manufacturer serial. */
  async function resolveWith<T>(ref: string, by: { byTag: (tag: string) => Promise<T | undefined>; bySerial: (serial: string) => Promise<T | undefined> }): Promise<T> {
    const parsed = parseTag(ref);
    if (parsed.kind === 'valid') {
      const found = await by.byTag(parsed.tag);
      if (found) return found;
      throw new AppError('devices.not_found', `No device carries the tag ${parsed.tag}.`);
    }
    const bySerial = await by.bySerial(ref);
    if (bySerial) return bySerial;
    if (parsed.kind === 'bad_check') {
      throw new AppError('devices.invalid_asset_tag', `${parsed.tag} has a wrong check character: the tag was probably mistyped.`);
    }
    throw new AppError('devices.not_found', `No device with tag or serial number "${ref}".`);
  }

  /** A device by asset tag (any case) or by manufacturer serial. */
  const resolve = (ref: string): Promise<DeviceRow> => resolveWith(ref, lookups);
  /** The same device with its drives and their states, in one statement. */
  const resolveState = (ref: string): Promise<DeviceState> => resolveWith(ref, reads);

  const view = async (row: DeviceRow, role: Role): Promise<Device> => toDevice(await loadState(row), role);

  /** The transaction and the reads every use case on one device starts with; checks are the caller's. */
  function inDeviceTransaction<T>(actor: Actor, ref: string, fn: (scope: DeviceScope) => Promise<T>): Promise<T> {
    const now = clock.now();
    const at = now.toISOString();
    return writeTransaction(db, async (tx) => {
      const state = await resolveState(ref);
      const device = state.row;
      return fn({ tx, device, state, now, at, reload: (row) => loadState(row), view: (row) => view(row, actor.role) });
    });
  }

  /**
   * A lifecycle action on one device: refused (412, 403, 409) before `fn`
   * runs when the version the caller read is stale, the role may not, or the
   * lifecycle does not allow it now; `explain` may name a refusal more
   * precisely for the request.
   */
  function withDeviceAction<T>(actor: Actor, ref: string, action: DeviceAction, expectedVersion: number | undefined, fn: (scope: DeviceScope) => Promise<T>, explain?: RefusalExplainer): Promise<T> {
    return inDeviceTransaction(actor, ref, (scope) => {
      assertAllowed(actor, action, scope.device, scope.state.facts, expectedVersion, explain);
      return fn(scope);
    });
  }

  /** The drive-state fold the loader uses, for documents that print each drive's state in a past custody cycle. */
  const driveStates: DriveStatesOf = deps.driveStates;
  /** The fold for a page of devices in one read (lists). */
  const driveStatesOfPage: DriveStatesOfPage = deps.driveStatesOfPage;

  /** A device with its state by tag or by serial, one statement each, for a caller that decides itself what a code is (a scan). */
  const findState = { byTag: reads.byTag, bySerial: reads.bySerial };

  return { resolve, resolveState, findState, loadState, driveStates, driveStatesOfPage, view, inDeviceTransaction, withDeviceAction };
}

export type DeviceUseCase = ReturnType<typeof createDeviceUseCase>;
