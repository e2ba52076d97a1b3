import { and, asc, eq, gt, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { devices } from '../devices/devices.table.js';
import { communities, participants } from '../participants/participants.table.js';
import { siteAt } from '../transfers/site-history.js';
import { issuances } from './issuance.table.js';

export type IssuanceRow = typeof issuances.$inferSelect;
/**
 * `siteId`: the site that held the device when it was issued (docs/domain.md §8). An issued device does not move, so
 * while it is out that is also where it is; after it is returned and moved, its past issuances stay with that site.
 */
export type IssuanceView = IssuanceRow & { assetTag: string; make: string; model: string; siteId: number; participantCode: string; communityName: string; communitySyllabics: string | null };

export async function insertIssuance(tx: Executor, row: typeof issuances.$inferInsert): Promise<IssuanceRow> {
  return (await tx.insert(issuances).values(row).returning())[0]!;
}

export async function openIssuanceOfDevice(db: Executor, deviceId: number): Promise<IssuanceRow | undefined> {
  return (await db.select().from(issuances).where(and(eq(issuances.deviceId, deviceId), isNull(issuances.returnedAt))))[0];
}

export async function openIssuancesOfParticipant(db: Executor, participantId: number): Promise<IssuanceRow[]> {
  return db.select().from(issuances).where(and(eq(issuances.participantId, participantId), isNull(issuances.returnedAt)));
}

export async function markReturned(tx: Executor, id: number, patch: Partial<IssuanceRow>): Promise<IssuanceRow | undefined> {
  return (await tx.update(issuances).set(patch).where(and(eq(issuances.id, id), isNull(issuances.returnedAt))).returning())[0];
}

/** Free text typed at a participant's returns may be about them: it goes with their personal data. */
export async function eraseReturnNotesOf(tx: Executor, participantId: number): Promise<void> {
  await tx.update(issuances).set({ returnNotes: null }).where(and(eq(issuances.participantId, participantId), isNotNull(issuances.returnNotes)));
}

/** The site holding the issuance's device when it was issued. */
const issuingSite = sql<number>`${siteAt('devices', 'issuances.issued_at')}`.mapWith(Number);

const viewColumns = {
  issuance: issuances,
  assetTag: devices.assetTag,
  make: devices.make,
  model: devices.model,
  siteId: issuingSite,
  participantCode: participants.code,
  communityName: communities.name,
  communitySyllabics: communities.syllabics,
};

async function views(db: Executor, where: SQL | undefined, afterId: number, limit: number): Promise<IssuanceView[]> {
  return (await db
    .select(viewColumns)
    .from(issuances)
    .innerJoin(devices, eq(devices.id, issuances.deviceId))
    .innerJoin(participants, eq(participants.id, issuances.participantId))
    .innerJoin(communities, eq(communities.id, participants.communityId))
    .where(and(gt(issuances.id, afterId), where))
    .orderBy(asc(issuances.id))
    .limit(limit))
    .map((r) => ({ ...r.issuance, assetTag: r.assetTag, make: r.make, model: r.model, siteId: r.siteId, participantCode: r.participantCode, communityName: r.communityName, communitySyllabics: r.communitySyllabics }));
}

export async function findIssuanceView(db: Executor, id: number): Promise<IssuanceView | undefined> {
  return (await views(db, eq(issuances.id, id), 0, 1))[0];
}

export function issuancesOfParticipant(db: Executor, participantId: number): Promise<IssuanceView[]> {
  return views(db, eq(issuances.participantId, participantId), 0, 10_000);
}

export type IssuanceFilter = 'active' | 'returned' | 'loan-overdue' | undefined;

/** One site's issuances (issued while it held the device; every site's for null). */
export function listIssuances(db: Executor, filter: IssuanceFilter, participantCode: string | undefined, today: string, afterId: number, limit: number, siteId: number | null): Promise<IssuanceView[]> {
  const byStatus =
    filter === 'active'
      ? isNull(issuances.returnedAt)
      : filter === 'returned'
        ? isNotNull(issuances.returnedAt)
        : filter === 'loan-overdue'
          ? and(isNull(issuances.returnedAt), eq(issuances.kind, 'loan'), lt(issuances.dueDate, today))
          : undefined;
  return views(db, and(byStatus, participantCode === undefined ? undefined : eq(participants.code, participantCode), siteId === null ? undefined : eq(issuingSite, siteId)), afterId, limit);
}

