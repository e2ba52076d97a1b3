/**
 * What other modules may read of devices directly: a device by tag or serial
 * and its drives, without a use case around the read. Writes go through
 * device-change.ts and the use cases (device-use-case.ts); the rest of
 * devices.repository.ts is this module's own.
 */
import type { Executor } from '../../core/db.js';
import { findDeviceByTag, listDevices, type DeviceRow } from './devices.repository.js';

export type { DeviceRow, DriveRow } from './devices.repository.js';

/** The key a serial number is matched by: without spaces, in capitals. */
export { serialKey } from './devices.repository.js';

/**
 * Prepared statements for the hot paths (a sheet of 300 labels), built once
 * by the caller: a device row by tag, by serial. Prepared on the one
 * connection, so inside a write transaction they read its writes. A device
 * with its drives and their states is the device use case's (findState).
 */
export { prepareDeviceLookups } from './devices.repository.js';

/** A device by asset tag, read with the caller's executor: inside its write transaction, the row cannot move before its change is written. */
export function deviceByTag(tx: Executor, tag: string): Promise<DeviceRow | undefined> {
  return findDeviceByTag(tx, tag);
}

/** Every device of one donation, oldest first. */
export function devicesOfDonation(db: Executor, donationId: number): Promise<DeviceRow[]> {
  return listDevices(db, { donationId }, null, 100_000);
}
