import { createHash } from 'node:crypto';
import { asc, desc, gt } from 'drizzle-orm';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Executor } from '../../core/db.js';
import { auditEvents } from './audit.table.js';
import { hashRecords, type RecordKey } from './records.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface NewAuditEvent {
  entityType: 'device' | 'user' | 'donation' | 'asset_tag' | 'participant' | 'community' | 'recycler' | 'shipment' | 'translation' | 'site' | 'transfer';
  entityId: string;
  action: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  actorUserId: number | null;
  at: string;
  details: Record<string, unknown>;
  /** The records this event creates or changes: each is re-read in the transaction and hashed into the event. */
  records?: readonly RecordKey[] | undefined;
}

export type AuditEventRow = typeof auditEvents.$inferSelect;

/** The bytes that the hash covers: every field of the event except the hashes themselves. */
export function canonicalEvent(e: Omit<AuditEventRow, 'prevHash' | 'hash'>): string {
  return canonicalJson({
    id: e.id,
    entityType: e.entityType,
    entityId: e.entityId,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    actorUserId: e.actorUserId,
    at: e.at,
    details: e.details,
    // Absent, not null, when the event names no record: events written before records were hashed keep their bytes.
    records: e.records ?? undefined,
  });
}

export function chainHash(prevHash: string, e: Omit<AuditEventRow, 'prevHash' | 'hash'>): string {
  return createHash('sha256').update(prevHash).update(canonicalEvent(e)).digest('hex');
}

/**
 * Appends one event to the chain. Must run inside the write transaction of the
 * change it records (the IMMEDIATE lock makes reading the head and appending atomic).
 */
export async function appendAuditEvent(tx: Executor, event: NewAuditEvent): Promise<AuditEventRow> {
  const head = (await tx.select({ id: auditEvents.id, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];
  const prevHash = head?.hash ?? GENESIS_HASH;
  const base = {
    id: (head?.id ?? 0) + 1,
    entityType: event.entityType,
    entityId: event.entityId,
    action: event.action,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    actorUserId: event.actorUserId,
    at: event.at,
    details: canonicalJson(event.details),
    records: event.records && event.records.length > 0 ? canonicalJson(await hashRecords(tx, event.records)) : null,
  };
  const row = { ...base, prevHash, hash: chainHash(prevHash, base) };
  await tx.insert(auditEvents).values(row);
  return row;
}

/** The last event written, whether or not the chain up to it verifies. */
export async function lastEvent(db: Executor): Promise<AuditEventRow | undefined> {
  return (await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];
}

/** Reads the chain in pages, oldest first. */
export async function* iterateEvents(db: Executor, pageSize = 1000): AsyncGenerator<AuditEventRow> {
  let after = 0;
  for (;;) {
    const page = await db.select().from(auditEvents).where(gt(auditEvents.id, after)).orderBy(asc(auditEvents.id)).limit(pageSize);
    if (page.length === 0) return;
    yield* page;
    after = page[page.length - 1]!.id;
  }
}
