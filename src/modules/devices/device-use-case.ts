import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db, type Tx } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { parseTag } from '../asset-tags/asset-tag.js';
import type { Actor } from '../users/users.service.js';
import type { Role } from '../auth/permissions.js';
import { sees, type SiteViewer } from '../sites/site-scope.js';
import { assertAllowed, type RefusalExplainer } from './device-change.js';
import type { DeviceAction } from './device-lifecycle.js';
import { createDeviceStateReads, toDevice, type DeviceState, type DeviceStateLoader, type DriveStatesColumn, type DriveStatesOf, type DriveStatesOfPage } from './device-view.js';
import { prepareDeviceLookups, type DeviceRow } from './devices.repository.js';
import type { Device } from './devices.schemas.js';

/**
 * Whether a viewer sees a device: one of its own site's, or any for admins and
 * program officers (docs/domain.md §8).
 */
export function seesDevice(viewer: SiteViewer, device: Pick<DeviceRow, 'siteId'>): boolean {
  return sees(viewer, device.siteId);
}

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
export function createDeviceUseCase(deps: {
  db: Db;
  clock: Clock;
  driveStates: DriveStatesOf;
  driveStatesOfPage: DriveStatesOfPage;
  driveStatesColumn: DriveStatesColumn;
  /** The code of a site by id (sites.service.ts codeOf): answers name the device's site. */
  siteCode: (siteId: number) => Promise<string>;
}) {
  const { db, clock } = deps;
  // Prepared on the one connection, so that inside a write transaction they read its writes.
  const reads = createDeviceStateReads(db, deps.driveStatesColumn);
  const loadState: DeviceStateLoader = reads.loadState;
  const lookups = prepareDeviceLookups(db);

  /**
   * A device (or what `by` reads with it) by asset tag (any case) or by
   * manufacturer serial, as the viewer may see it: another site's device is
   * answered as no device at all (docs/domain.md §8).
   */
  async function resolveWith<T>(
    ref: string,
    viewer: SiteViewer,
    by: { byTag: (tag: string) => Promise<T | undefined>; bySerial: (serial: string) => Promise<T | undefined> },
    rowOf: (found: T) => DeviceRow,
  ): Promise<T> {
    const visible = (found: T | undefined): T | undefined => (found !== undefined && seesDevice(viewer, rowOf(found)) ? found : undefined);
    const parsed = parseTag(ref);
    if (parsed.kind === 'valid') {
      const found = visible(await by.byTag(parsed.tag));
      if (found) return found;
      throw new AppError('devices.not_found', `No device carries the tag ${parsed.tag}.`);
    }
    const bySerial = visible(await by.bySerial(ref));
    if (bySerial) return bySerial;
    if (parsed.kind === 'bad_check') {
      throw new AppError('devices.invalid_asset_tag', `${parsed.tag} has a wrong check character: the tag was probably mistyped.`);
    }
    throw new AppError('devices.not_found', `No device with tag or serial number "${ref}".`);
  }

  /** A device the viewer sees, by asset tag (any case) or by manufacturer serial. */
  const resolve = (ref: string, viewer: SiteViewer): Promise<DeviceRow> => resolveWith(ref, viewer, lookups, (row) => row);
  /** The same device with its drives and their states, in one statement. */
  const resolveState = (ref: string, viewer: SiteViewer): Promise<DeviceState> => resolveWith(ref, viewer, reads, (state) => state.row);

  const view = async (row: DeviceRow, role: Role): Promise<Device> => toDevice(await loadState(row), role, await deps.siteCode(row.siteId));
  /** A device and its state as a role sees it. */
  const viewState = async (state: DeviceState, role: Role): Promise<Device> => toDevice(state, role, await deps.siteCode(state.row.siteId));

  /** The transaction and the reads every use case on one device starts with; checks are the caller's. */
  function inDeviceTransaction<T>(actor: Actor, ref: string, fn: (scope: DeviceScope) => Promise<T>): Promise<T> {
    const now = clock.now();
    const at = now.toISOString();
    return writeTransaction(db, async (tx) => {
      const state = await resolveState(ref, actor);
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

  return { resolve, resolveState, findState, seesDevice, viewState, siteCode: deps.siteCode, loadState, driveStates, driveStatesOfPage, view, inDeviceTransaction, withDeviceAction };
}

export type DeviceUseCase = ReturnType<typeof createDeviceUseCase>;
