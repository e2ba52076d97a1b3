import type { Locale } from '../../core/i18n.js';
import { autoincrementHighWater, readTransaction, type Db, type Executor } from '../../core/db.js';
import { renderAnchorPage } from './anchor.pdf.js';
import { GENESIS_HASH, chainHash, iterateEvents, lastEvent } from '../audit-log/audit.repository.js';
import { CREATED_BY, RECORD_TABLES, currentRecordHashes, isRecordTable, recordIdsAfter, type RecordTable } from './record-hashes.js';

export const BREAK_REASONS = [
  'hash_mismatch',
  'prev_hash_mismatch',
  'id_gap',
  'truncated',
  'anchor_missing',
  'anchor_mismatch',
  'record_mismatch',
  'record_missing',
  'record_unaccounted',
] as const;
export type BreakReason = (typeof BREAK_REASONS)[number];

/** An event id and its hash, kept outside the database (anchors.ts, a printed page) to prove the chain still holds it. */
export interface Anchor {
  id: number;
  hash: string;
}

export type VerifyResult =
  | { ok: true; events: number; head: Anchor }
  | { ok: false; events: number; brokenAt: { id: number; reason: BreakReason }; reason: BreakReason; record?: { table: RecordTable; id: number } };

const broken = (events: number, id: number, reason: BreakReason, record?: { table: RecordTable; id: number }): VerifyResult => ({
  ok: false,
  events,
  brokenAt: { id, reason },
  reason,
  ...(record ? { record } : {}),
});

export function createAuditService(deps: { db: Db }) {
  const { db } = deps;

  /**
   * Recomputes the whole chain, then checks the anchors given, then re-reads
   * every record the chain names and compares it with the latest event that
   * names it; reports the first thing that does not fit. Reads one snapshot
   * (a read transaction), so that a writer in another process (the CLI
   * beside the live service) cannot make a record look changed.
   */
  function verify(options: { anchors?: readonly Anchor[] } = {}): Promise<VerifyResult> {
    return readTransaction(db, (tx) => verifyIn(tx, options));
  }

  async function verifyIn(tx: Executor, options: { anchors?: readonly Anchor[] }): Promise<VerifyResult> {
    let prev = GENESIS_HASH;
    let count = 0;
    const anchors = new Map((options.anchors ?? []).map((a) => [a.id, a.hash]));
    let anchorBreak: VerifyResult | null = null;
    // table -> record id -> the latest event naming it and the hash it gave.
    const latest = new Map<RecordTable, Map<number, { eventId: number; sha256: string }>>(RECORD_TABLES.map((t) => [t, new Map()]));
    // table -> the lowest id of a row created by an event that names it: rows from before records were hashed are below it.
    const firstCreated = new Map<RecordTable, number>();
    let unknownRecord: VerifyResult | null = null;

    for await (const e of iterateEvents(tx)) {
      if (e.id !== count + 1) return broken(count, e.id, 'id_gap');
      if (e.prevHash !== prev) return broken(count, e.id, 'prev_hash_mismatch');
      if (chainHash(prev, e) !== e.hash) return broken(count, e.id, 'hash_mismatch');
      const anchored = anchors.get(e.id);
      if (anchored !== undefined && anchored !== e.hash && anchorBreak === null) anchorBreak = broken(count + 1, e.id, 'anchor_mismatch');
      if (e.records !== null) {
        for (const ref of JSON.parse(e.records) as Array<{ table: unknown; id: number; sha256: string }>) {
          // Only a service that wrote a table it no longer knows could get here: the event's hash covers the list.
          if (!isRecordTable(ref.table)) unknownRecord ??= broken(count + 1, e.id, 'record_mismatch');
          else {
            latest.get(ref.table)!.set(ref.id, { eventId: e.id, sha256: ref.sha256 });
            if (e.action === CREATED_BY[ref.table] && !firstCreated.has(ref.table)) firstCreated.set(ref.table, ref.id);
          }
        }
      }
      prev = e.hash;
      count += 1;
    }
    // Events cut from the end leave no gap; the id counter still remembers them (unless it was fixed too: anchors).
    if ((await autoincrementHighWater(db, 'audit_events')) > count) return broken(count, count + 1, 'truncated');
    const missing = [...anchors.keys()].filter((id) => id > count).sort((a, b) => a - b)[0];
    if (missing !== undefined) return broken(count, missing, 'anchor_missing');
    if (anchorBreak) return anchorBreak;
    if (unknownRecord) return unknownRecord;

    const recordBreak = await checkRecords(tx, latest, firstCreated, count);
    if (recordBreak) return recordBreak;
    return { ok: true, events: count, head: { id: count, hash: prev } };
  }

  /** The earliest event (by id) whose record no longer matches, then any row no event accounts for. */
  async function checkRecords(
    tx: Executor,
    latest: Map<RecordTable, Map<number, { eventId: number; sha256: string }>>,
    firstCreated: Map<RecordTable, number>,
    count: number,
  ): Promise<VerifyResult | null> {
    let first: { eventId: number; reason: BreakReason; table: RecordTable; id: number } | null = null;
    for (const table of RECORD_TABLES) {
      const named = latest.get(table)!;
      if (named.size === 0) continue;
      const ids = [...named.keys()].sort((a, b) => a - b);
      const current = await currentRecordHashes(tx, table, ids);
      for (const id of ids) {
        const { eventId, sha256 } = named.get(id)!;
        if (first !== null && eventId >= first.eventId) continue;
        const now = current.get(id);
        if (now === undefined) first = { eventId, reason: 'record_missing', table, id };
        else if (now !== sha256) first = { eventId, reason: 'record_mismatch', table, id };
      }
    }
    if (first) return broken(count, first.eventId, first.reason, { table: first.table, id: first.id });

    // A row slipped in with no event behind it. Ids only grow: every row newer than the first one an
    // event created under the chain was created by an event that names it; older rows predate record hashes.
    for (const table of RECORD_TABLES) {
      const named = latest.get(table)!;
      const oldest = firstCreated.get(table);
      if (oldest === undefined) continue;
      const stray = (await recordIdsAfter(tx, table, oldest)).find((id) => !named.has(id));
      if (stray !== undefined) return broken(count, count + 1, 'record_unaccounted', { table, id: stray });
    }
    return null;
  }

  return {
    verify,

    /**
     * A page for the paper logbook: the head's id, hash and time with a QR
     * code of `<id>:<hash>`. Dated with the head event's own time, so the same
     * chain always prints the same bytes.
     */
    async anchorPage(locale?: Locale): Promise<Buffer> {
      const result = await verify();
      const head = await lastEvent(db);
      return renderAnchorPage({
        id: head?.id ?? 0,
        hash: head?.hash ?? GENESIS_HASH,
        at: head?.at ?? new Date(0).toISOString(),
        verified: result.ok ? null : { id: result.brokenAt.id, reason: result.reason },
      }, locale);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
