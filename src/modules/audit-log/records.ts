import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Executor } from '../../core/db.js';
import { mapInOrder } from '../../core/in-order.js';

/**
 * The records an audit event vouches for (docs/domain.md §2 invariant 3, extended to
 * the records themselves): each event that creates or changes one carries the
 * SHA-256 of its canonical operational form, and /audit/verify re-reads the
 * record and compares it with the latest event that names it.
 *
 * Each module that owns such a table says how to read its canonical form (a
 * RecordSource in its x.records.ts); the audit log only hashes what a source
 * reads, so it imports no module above it.
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

export type RecordForm = Record<string, unknown>;

/** How the module that owns a record table reads it: canonical forms by id (one query per table, two to four for aggregates), and ids above a bound. */
export interface RecordSource {
  table: RecordTable;
  read(db: Executor, ids: number[]): Promise<Map<number, RecordForm>>;
  /** Ids of the table's rows above `afterId`, oldest first: rows the chain should account for. */
  idsAfter(db: Executor, afterId: number): Promise<number[]>;
}

/** A record an event creates or changes, with the source that reads it. */
export interface RecordKey {
  source: RecordSource;
  id: number;
}
export interface RecordRef {
  table: RecordTable;
  id: number;
  sha256: string;
}

export function pick(row: object, fields: readonly string[]): RecordForm {
  const out: RecordForm = {};
  for (const f of fields) out[f] = (row as RecordForm)[f] ?? null;
  return out;
}

export function groupBy<R extends object>(rows: readonly R[], key: (r: R) => number): Map<number, R[]> {
  const out = new Map<number, R[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
}

export const byId = (rows: ReadonlyArray<{ id: number }>, fields: readonly string[]) => new Map(rows.map((r) => [r.id, pick(r, fields)]));

export const isRecordTable = (name: unknown): name is RecordTable => typeof name === 'string' && (RECORD_TABLES as readonly string[]).includes(name);

/** The table name is hashed too, so a hash cannot be moved to another table's row of the same id. */
function digest(table: RecordTable, form: RecordForm): string {
  return createHash('sha256').update(canonicalJson({ table, record: form })).digest('hex');
}

/** Well under SQLite's bound-parameter limit, and large enough that 100k records take a few hundred queries. */
const CHUNK = 500;

/** The current hash of each record that still exists; ids it lacks are records that are gone. */
export async function currentHashes(db: Executor, source: RecordSource, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const [id, form] of await source.read(db, ids.slice(i, i + CHUNK))) out.set(id, digest(source.table, form));
  }
  return out;
}

/** Hashes the records an event names, as they stand in the caller's transaction; a record that does not exist is a bug. */
export function hashRecords(tx: Executor, keys: readonly RecordKey[]): Promise<RecordRef[]> {
  return mapInOrder(keys, async ({ source, id }) => {
    const sha256 = (await currentHashes(tx, source, [id])).get(id);
    if (sha256 === undefined) throw new Error(`audit: ${source.table} ${id} does not exist`);
    return { table: source.table, id, sha256 };
  });
}
