import type { Executor } from '../../core/db.js';
import { currentHashes, type RecordSource, type RecordTable } from '../audit-log/records.js';
import { deviceRecords } from '../devices/devices.records.js';
import { gradingRecords } from '../grading/grading.records.js';
import { issuanceRecords } from '../issuance/issuance.records.js';
import { shipmentRecords } from '../recycling/recycling.records.js';
import { repairRecords } from '../repairs/repairs.records.js';
import { sanitizationRecordRecords, sanitizationVerificationRecords } from '../sanitization/sanitization.records.js';

export { CREATED_BY, RECORD_TABLES, isRecordTable, type RecordTable } from '../audit-log/records.js';

/**
 * The records an audit event vouches for (docs/domain.md §2 invariant 3, extended to
 * the records themselves): each event that creates or changes one carries the
 * SHA-256 of its canonical operational form, and /audit/verify re-reads the
 * record and compares it with the latest event that names it.
 *
 * The field lists are frozen: a hash written today must match the same row
 * read tomorrow, so a column added later joins a list only under a new table
 * key. They hold operational fields only, never personal data or free text
 * typed about a participant (issuances.return_notes), so that erasing a
 * participant's personal data never breaks the chain. Device notes are about
 * the machine and change only through PATCH, which writes an event: they are
 * covered.
 *
 * Two records are aggregates, hashed with the rows that hang off them and
 * that no event names on their own: a device with its storage drives, and a
 * shipment with its device lines, bulk lines and amendments. A line slipped
 * into a shipment, or a drive removed from a device, changes that hash.
 */
const SOURCES: Readonly<Record<RecordTable, RecordSource>> = {
  devices: deviceRecords,
  sanitization_records: sanitizationRecordRecords,
  sanitization_verifications: sanitizationVerificationRecords,
  repairs: repairRecords,
  gradings: gradingRecords,
  issuances: issuanceRecords,
  shipments: shipmentRecords,
};

/** The current hash of each record that still exists; ids it lacks are records that are gone. */
export function currentRecordHashes(db: Executor, table: RecordTable, ids: readonly number[]): Map<number, string> {
  return currentHashes(db, SOURCES[table], ids);
}

/** Ids of a table's rows above `afterId`, oldest first: rows the chain should account for. */
export function recordIdsAfter(db: Executor, table: RecordTable, afterId: number): number[] {
  return SOURCES[table].idsAfter(db, afterId);
}
