import { createHash } from 'node:crypto';
import { asc, gt, inArray } from 'drizzle-orm';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Executor } from '../../core/db.js';
import { devices, storageDrives } from '../devices/devices.table.js';
import { gradings } from '../grading/grading.table.js';
import { issuances } from '../issuance/issuance.table.js';
import { shipmentAmendments, shipmentBulkLines, shipmentDevices, shipments } from '../recycling/recycling.table.js';
import { repairs } from '../repairs/repairs.table.js';
import { sanitizationRecords, sanitizationVerifications } from '../sanitization/sanitization.table.js';

/**
 * The records an audit event vouches for (SPEC §2 invariant 3, extended to
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
export const RECORD_TABLES = ['devices', 'sanitization_records', 'sanitization_verifications', 'repairs', 'gradings', 'issuances', 'shipments'] as const;
export type RecordTable = (typeof RECORD_TABLES)[number];

/** The event that creates a row of each table (and names it): verify accounts for every row created since the first of them. */
export const CREATED_BY: Readonly<Record<RecordTable, string>> = {
  devices: 'device.intake',
  sanitization_records: 'device.sanitization_recorded',
  sanitization_verifications: 'device.sanitization_recorded',
  repairs: 'device.repair_opened',
  gradings: 'device.graded',
  issuances: 'device.issued',
  shipments: 'shipment.created',
};

export interface RecordKey {
  table: RecordTable;
  id: number;
}
export interface RecordRef extends RecordKey {
  sha256: string;
}

type Row = Record<string, unknown>;

const DEVICE_FIELDS = [
  'id', 'assetTag', 'category', 'make', 'model', 'serialNumber', 'serialKey', 'specs', 'weightGrams', 'weightSource', 'donationId', 'location', 'notes',
  'status', 'noStorageConfirmed', 'custodyCycle', 'cycleStartedAt', 'grade', 'gradedAt', 'statusChangedAt', 'version', 'createdBy', 'createdAt', 'updatedAt',
] as const satisfies ReadonlyArray<keyof typeof devices.$inferSelect>;
const DRIVE_FIELDS = ['id', 'deviceId', 'serialNumber', 'kind', 'capacityGb', 'model', 'registeredAt', 'registeredBy'] as const satisfies ReadonlyArray<keyof typeof storageDrives.$inferSelect>;
const SANITIZATION_FIELDS = [
  'id', 'deviceId', 'driveId', 'custodyCycle', 'storageSerial', 'standard', 'method', 'technique', 'tool', 'toolVersion', 'verification', 'result',
  'startedAt', 'completedAt', 'reportSha256', 'notes', 'technicianId', 'createdAt',
] as const satisfies ReadonlyArray<keyof typeof sanitizationRecords.$inferSelect>;
const VERIFICATION_FIELDS = ['id', 'recordId', 'status', 'drawnAt', 'verifierId', 'verifiedAt', 'notes', 'reason', 'voidsThroughRecordId'] as const satisfies ReadonlyArray<
  keyof typeof sanitizationVerifications.$inferSelect
>;
const REPAIR_FIELDS = [
  'id', 'deviceId', 'description', 'partsUsed', 'minutes', 'completionMinutes', 'outcome', 'notes', 'openedBy', 'openedAt', 'completedBy', 'completedAt',
] as const satisfies ReadonlyArray<keyof typeof repairs.$inferSelect>;
const GRADING_FIELDS = ['id', 'deviceId', 'grade', 'checklist', 'specs', 'graderId', 'gradedAt'] as const satisfies ReadonlyArray<keyof typeof gradings.$inferSelect>;
/** Not return_notes: free text typed at a return may be about the participant. */
const ISSUANCE_FIELDS = [
  'id', 'deviceId', 'participantId', 'custodyCycle', 'kind', 'dueDate', 'accessories', 'agreementAccepted', 'agreementLanguage', 'overrideReason',
  'issuedBy', 'issuedAt', 'returnedAt', 'returnedBy', 'returnCondition', 'personalDataRemoved',
] as const satisfies ReadonlyArray<keyof typeof issuances.$inferSelect>;
const SHIPMENT_FIELDS = [
  'id', 'recyclerId', 'mode', 'carrier', 'containerNumber', 'sealNumber', 'billOfLading', 'status', 'createdBy', 'createdAt', 'shippedAt', 'confirmedAt',
  'certificateNumber', 'receivedAt', 'receivedWeightGrams',
] as const satisfies ReadonlyArray<keyof typeof shipments.$inferSelect>;
const SHIPMENT_DEVICE_FIELDS = ['id', 'shipmentId', 'deviceId', 'addedBy', 'addedAt'] as const satisfies ReadonlyArray<keyof typeof shipmentDevices.$inferSelect>;
const BULK_LINE_FIELDS = ['id', 'shipmentId', 'category', 'weightGrams', 'units', 'addedBy', 'addedAt'] as const satisfies ReadonlyArray<keyof typeof shipmentBulkLines.$inferSelect>;
const AMENDMENT_FIELDS = ['id', 'shipmentId', 'field', 'fromValue', 'toValue', 'reason', 'amendedBy', 'amendedAt'] as const satisfies ReadonlyArray<
  keyof typeof shipmentAmendments.$inferSelect
>;

function pick(row: object, fields: readonly string[]): Row {
  const out: Row = {};
  for (const f of fields) out[f] = (row as Row)[f] ?? null;
  return out;
}

function groupBy<R extends object>(rows: readonly R[], key: (r: R) => number): Map<number, R[]> {
  const out = new Map<number, R[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
}

/** Reads the canonical forms of some records of one table, by id: one query per table (two to four for aggregates). */
type Reader = (db: Executor, ids: number[]) => Map<number, Row>;

const byId = (rows: ReadonlyArray<{ id: number }>, fields: readonly string[]) => new Map(rows.map((r) => [r.id, pick(r, fields)]));

const READERS: Record<RecordTable, Reader> = {
  devices: (db, ids) => {
    const drives = groupBy(db.select().from(storageDrives).where(inArray(storageDrives.deviceId, ids)).orderBy(asc(storageDrives.id)).all(), (d) => d.deviceId);
    const rows = db.select().from(devices).where(inArray(devices.id, ids)).all();
    return new Map(rows.map((r) => [r.id, { ...pick(r, DEVICE_FIELDS), drives: (drives.get(r.id) ?? []).map((d) => pick(d, DRIVE_FIELDS)) }]));
  },
  sanitization_records: (db, ids) => byId(db.select().from(sanitizationRecords).where(inArray(sanitizationRecords.id, ids)).all(), SANITIZATION_FIELDS),
  sanitization_verifications: (db, ids) => byId(db.select().from(sanitizationVerifications).where(inArray(sanitizationVerifications.id, ids)).all(), VERIFICATION_FIELDS),
  repairs: (db, ids) => byId(db.select().from(repairs).where(inArray(repairs.id, ids)).all(), REPAIR_FIELDS),
  gradings: (db, ids) => byId(db.select().from(gradings).where(inArray(gradings.id, ids)).all(), GRADING_FIELDS),
  issuances: (db, ids) => byId(db.select().from(issuances).where(inArray(issuances.id, ids)).all(), ISSUANCE_FIELDS),
  shipments: (db, ids) => {
    const lines = groupBy(db.select().from(shipmentDevices).where(inArray(shipmentDevices.shipmentId, ids)).orderBy(asc(shipmentDevices.id)).all(), (l) => l.shipmentId);
    const bulk = groupBy(db.select().from(shipmentBulkLines).where(inArray(shipmentBulkLines.shipmentId, ids)).orderBy(asc(shipmentBulkLines.id)).all(), (l) => l.shipmentId);
    const amendments = groupBy(db.select().from(shipmentAmendments).where(inArray(shipmentAmendments.shipmentId, ids)).orderBy(asc(shipmentAmendments.id)).all(), (a) => a.shipmentId);
    const rows = db.select().from(shipments).where(inArray(shipments.id, ids)).all();
    return new Map(
      rows.map((r) => [
        r.id,
        {
          ...pick(r, SHIPMENT_FIELDS),
          devices: (lines.get(r.id) ?? []).map((l) => pick(l, SHIPMENT_DEVICE_FIELDS)),
          bulkLines: (bulk.get(r.id) ?? []).map((l) => pick(l, BULK_LINE_FIELDS)),
          amendments: (amendments.get(r.id) ?? []).map((a) => pick(a, AMENDMENT_FIELDS)),
        },
      ]),
    );
  },
};

const ID_COLUMNS = {
  devices: devices.id,
  sanitization_records: sanitizationRecords.id,
  sanitization_verifications: sanitizationVerifications.id,
  repairs: repairs.id,
  gradings: gradings.id,
  issuances: issuances.id,
  shipments: shipments.id,
} as const;
const TABLES = {
  devices,
  sanitization_records: sanitizationRecords,
  sanitization_verifications: sanitizationVerifications,
  repairs,
  gradings,
  issuances,
  shipments,
} as const;

export const isRecordTable = (name: unknown): name is RecordTable => typeof name === 'string' && (RECORD_TABLES as readonly string[]).includes(name);

/** The table name is hashed too, so a hash cannot be moved to another table's row of the same id. */
function digest(table: RecordTable, form: Row): string {
  return createHash('sha256').update(canonicalJson({ table, record: form })).digest('hex');
}

/** Well under SQLite's bound-parameter limit, and large enough that 100k records take a few hundred queries. */
const CHUNK = 500;

/** The current hash of each record that still exists; ids it lacks are records that are gone. */
export function currentRecordHashes(db: Executor, table: RecordTable, ids: readonly number[]): Map<number, string> {
  const out = new Map<number, string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const [id, form] of READERS[table](db, ids.slice(i, i + CHUNK))) out.set(id, digest(table, form));
  }
  return out;
}

/** Hashes the records an event names, as they stand in the caller's transaction; a record that does not exist is a bug. */
export function hashRecords(tx: Executor, keys: readonly RecordKey[]): RecordRef[] {
  return keys.map(({ table, id }) => {
    const sha256 = currentRecordHashes(tx, table, [id]).get(id);
    if (sha256 === undefined) throw new Error(`audit: ${table} ${id} does not exist`);
    return { table, id, sha256 };
  });
}

/** Ids of a table's rows above `afterId`, oldest first: rows the chain should account for. */
export function recordIdsAfter(db: Executor, table: RecordTable, afterId: number): number[] {
  const id = ID_COLUMNS[table];
  return db
    .select({ id })
    .from(TABLES[table])
    .where(gt(id, afterId))
    .orderBy(asc(id))
    .all()
    .map((r) => r.id);
}
