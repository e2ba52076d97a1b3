import type { SQL, SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../core/db.js';
import type { Role } from '../auth/permissions.js';
import { allowedActions, deviceFlags, type LifecycleFacts } from './device-lifecycle.js';
import { prepareDeviceStateLookups, type DeviceRow, type DriveRow } from './devices.repository.js';
import type { Device } from './devices.schemas.js';

/**
 * pending: no record in this custody cycle; passed: a passing record that a
 * failed check has not voided; failed_check: passing records, all voided by a
 * failed second-person check; failed: records, none passing.
 */
export type DriveSanitizationState = 'pending' | 'passed' | 'failed' | 'failed_check';

export interface DriveState {
  state: DriveSanitizationState;
  /** The passing record that makes the drive count as sanitized, if any. */
  passedRecordId: number | null;
  lastRecordAt: string | null;
  /** The second-person check of that record (or, when a check failed, of the record it failed). */
  verification: 'pending' | 'passed' | 'failed' | null;
}

/**
 * The sanitization state of each drive of a device in one custody cycle. The
 * sanitization module computes it (sanitization/drive-state.ts) and the
 * composition root passes it in: sanitization depends on devices, not the reverse.
 */
export type DriveStatesOf = (deviceId: number, custodyCycle: number) => Promise<Map<number, DriveState>>;

/** The same for a page of devices at once, by device id (a device without records is absent). */
export type DriveStatesOfPage = (page: ReadonlyArray<{ id: number; custodyCycle: number }>) => Promise<Map<number, Map<number, DriveState>>>;

/**
 * The records that decide a device's drive states as one column of the
 * device's own lookup, and their fold: the sanitization module builds both
 * (sanitization/drive-state.ts), so that it alone says which records count,
 * and the composition root passes them in. With it a device, its drives and
 * their states are one statement.
 */
export interface DriveStatesColumn {
  /** A scalar subquery correlated on the device's id and custody cycle. */
  select: (deviceId: SQLWrapper, custodyCycle: SQLWrapper) => SQL<Array<Record<string, unknown>>>;
  fold: (facts: Array<Record<string, unknown>>) => Map<number, DriveState>;
}

export interface DeviceState {
  row: DeviceRow;
  drives: DriveRow[];
  states: Map<number, DriveState>;
  facts: LifecycleFacts;
}

const PENDING: DriveState = { state: 'pending', passedRecordId: null, lastRecordAt: null, verification: null };

/**
 * Everything the lifecycle needs to know about a device: its drives and
 * whether each passed sanitization in the current custody cycle
 * (docs/domain.md §2 invariant 1). No drives counts as sanitized only once
 * confirmed. Given drives and states (a page of devices read at once), it
 * uses them; otherwise it reads both in one statement.
 */
export type DeviceStateLoader = (row: DeviceRow, drives?: DriveRow[], states?: Map<number, DriveState>) => Promise<DeviceState>;

export interface DeviceStateReads {
  loadState: DeviceStateLoader;
  /** A device by asset tag with its state, in one statement. */
  byTag: (tag: string) => Promise<DeviceState | undefined>;
  /** A device by manufacturer serial (any case, any spacing) with its state, in one statement. */
  bySerial: (serial: string) => Promise<DeviceState | undefined>;
}

function stateOf(row: DeviceRow, ds: DriveRow[], states: Map<number, DriveState>): DeviceState {
  const sanitized = ds.length === 0 ? row.noStorageConfirmed : ds.every((d) => states.get(d.id)?.state === 'passed');
  const failedCheck = ds.some((d) => states.get(d.id)?.state === 'failed_check');
  const drivesAtFault = ds.map((d) => ({ serialNumber: d.serialNumber, sanitizationState: (states.get(d.id) ?? PENDING).state })).filter((d) => d.sanitizationState !== 'passed');
  return { row, drives: ds, states, facts: { status: row.status, sanitized, driveCount: ds.length, failedCheck, drivesAtFault } };
}

/**
 * Built once per database: prepared statements, which also run inside a write
 * transaction (one connection), so the state read there includes its writes.
 */
export function createDeviceStateReads(db: Db, records: DriveStatesColumn): DeviceStateReads {
  const lookups = prepareDeviceStateLookups(db, records.select);
  const found = (f: { row: DeviceRow; drives: DriveRow[]; extra: Array<Record<string, unknown>> } | undefined) =>
    f && stateOf(f.row, f.drives, records.fold(f.extra));
  return {
    loadState: async (row, drives, preloaded) => {
      if (drives && preloaded) return stateOf(row, drives, preloaded);
      const read = await lookups.byId(row.id, row.custodyCycle);
      return stateOf(row, read?.drives ?? [], read ? records.fold(read.extra) : new Map<number, DriveState>());
    },
    byTag: async (tag) => found(await lookups.byTag(tag)),
    bySerial: async (serial) => found(await lookups.bySerial(serial)),
  };
}

/** `site`: the code of the site that holds the device (docs/domain.md §8). */
export function toDevice(state: DeviceState, role: Role, site: string): Device {
  const { row, drives, states, facts } = state;
  return {
    assetTag: row.assetTag,
    site,
    category: row.category,
    make: row.make,
    model: row.model,
    serialNumber: row.serialNumber,
    status: row.status,
    flags: deviceFlags(facts),
    grade: row.grade,
    gradedAt: row.gradedAt,
    weightGrams: row.weightGrams,
    weightSource: row.weightSource,
    specs: row.specs,
    donationId: row.donationId,
    location: row.location,
    notes: row.notes,
    storage: drives.map((d) => {
      const s = states.get(d.id) ?? PENDING;
      return {
        serialNumber: d.serialNumber,
        kind: d.kind,
        capacityGb: d.capacityGb,
        model: d.model,
        registeredAt: d.registeredAt,
        sanitizationState: s.state,
        lastSanitizationAt: s.lastRecordAt,
        verification: s.verification,
      };
    }),
    noStorageConfirmed: row.noStorageConfirmed,
    sanitized: facts.sanitized,
    custodyCycle: row.custodyCycle,
    allowedActions: allowedActions(role, facts),
    version: row.version,
    statusChangedAt: row.statusChangedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
