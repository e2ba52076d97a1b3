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
 * This file gathers each module's record source (x.records.ts) for
 * verification; audit-log/records.ts says why the field lists are frozen and
 * which records are aggregates.
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
export function currentRecordHashes(db: Executor, table: RecordTable, ids: readonly number[]): Promise<Map<number, string>> {
  return currentHashes(db, SOURCES[table], ids);
}

/** Ids of a table's rows above `afterId`, oldest first: rows the chain should account for. */
export function recordIdsAfter(db: Executor, table: RecordTable, afterId: number): Promise<number[]> {
  return SOURCES[table].idsAfter(db, afterId);
}
