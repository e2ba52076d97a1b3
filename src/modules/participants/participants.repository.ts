import { and, asc, eq, gt, like, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { users } from '../users/users.table.js';
import { communities, participantNotes, participantPersonalData, participants, personalDataAccessLog } from './participants.table.js';

export type CommunityRow = typeof communities.$inferSelect;
export type ParticipantRow = typeof participants.$inferSelect & { communityName: string; communitySyllabics: string | null };

export async function listCommunities(db: Executor): Promise<CommunityRow[]> {
  return db.select().from(communities).where(eq(communities.active, true)).orderBy(asc(communities.name));
}

export async function insertCommunity(tx: Executor, row: typeof communities.$inferInsert): Promise<CommunityRow> {
  return (await tx.insert(communities).values(row).returning())[0]!;
}

/** A community by its name, other name or syllabics, ignoring case. */
export async function findCommunity(db: Executor, name: string): Promise<CommunityRow | undefined> {
  const n = name.trim().toLowerCase();
  return (await db
    .select()
    .from(communities)
    .where(and(eq(communities.active, true), sql`(lower(${communities.name}) = ${n} or lower(${communities.altName}) = ${n} or ${communities.syllabics} = ${name.trim()})`)))[0];
}

const participantColumns = {
  id: participants.id,
  code: participants.code,
  communityId: participants.communityId,
  program: participants.program,
  cohort: participants.cohort,
  consentGiven: participants.consentGiven,
  consentLanguage: participants.consentLanguage,
  consentDate: participants.consentDate,
  consentRecordedBy: participants.consentRecordedBy,
  personalDataErasedAt: participants.personalDataErasedAt,
  createdAt: participants.createdAt,
  communityName: communities.name,
  communitySyllabics: communities.syllabics,
};

export async function insertParticipant(tx: Executor, row: Omit<typeof participants.$inferInsert, 'code'>): Promise<number> {
  // The code is made from the id, in the same transaction: P-000001, P-000002, …
  const id = (await tx.insert(participants).values({ ...row, code: `pending-${Date.now()}-${Math.random()}` }).returning({ id: participants.id }))[0]!.id;
  await tx.update(participants).set({ code: `P-${String(id).padStart(6, '0')}` }).where(eq(participants.id, id));
  return id;
}

export async function findParticipantByCode(db: Executor, code: string): Promise<ParticipantRow | undefined> {
  return (await db
    .select(participantColumns)
    .from(participants)
    .innerJoin(communities, eq(communities.id, participants.communityId))
    .where(eq(participants.code, code.trim().toUpperCase())))[0];
}

/** `codePrefix` holds only letters, digits and hyphens (the query schema says so), so it needs no LIKE escaping. */
export async function listParticipants(db: Executor, filter: { communityId: number | undefined; codePrefix: string | undefined }, afterId: number, limit: number): Promise<ParticipantRow[]> {
  return db
    .select(participantColumns)
    .from(participants)
    .innerJoin(communities, eq(communities.id, participants.communityId))
    .where(
      and(
        gt(participants.id, afterId),
        filter.communityId === undefined ? undefined : eq(participants.communityId, filter.communityId),
        filter.codePrefix === undefined ? undefined : like(participants.code, `${filter.codePrefix}%`),
      ),
    )
    .orderBy(asc(participants.id))
    .limit(limit);
}

export async function upsertPersonalData(tx: Executor, participantId: number, data: { displayName: string | null; contact: string | null }, at: string): Promise<void> {
  await tx.insert(participantPersonalData)
    .values({ participantId, ...data, updatedAt: at })
    .onConflictDoUpdate({ target: participantPersonalData.participantId, set: { ...data, updatedAt: at } });
}

export async function readPersonalData(db: Executor, participantId: number): Promise<{ displayName: string | null; contact: string | null } | undefined> {
  return (await db
    .select({ displayName: participantPersonalData.displayName, contact: participantPersonalData.contact })
    .from(participantPersonalData)
    .where(eq(participantPersonalData.participantId, participantId)))[0];
}

export async function insertParticipantNote(tx: Executor, row: typeof participantNotes.$inferInsert): Promise<void> {
  await tx.insert(participantNotes).values(row);
}

export async function notesOf(db: Executor, participantId: number): Promise<Array<{ issuanceId: number | null; note: string; at: string; by: string }>> {
  return db
    .select({ issuanceId: participantNotes.issuanceId, note: participantNotes.note, at: participantNotes.createdAt, by: users.username })
    .from(participantNotes)
    .innerJoin(users, eq(users.id, participantNotes.createdBy))
    .where(eq(participantNotes.participantId, participantId))
    .orderBy(asc(participantNotes.id));
}

/**
 * Removes the name, contact and notes, and blanks the free-text purposes of
 * the access log (who, when and what stay: the participant may still ask who
 * read their data).
 */
export async function erasePersonalData(tx: Executor, participantId: number, at: string): Promise<void> {
  await tx.delete(participantPersonalData).where(eq(participantPersonalData.participantId, participantId));
  await tx.delete(participantNotes).where(eq(participantNotes.participantId, participantId));
  await tx.update(personalDataAccessLog).set({ purpose: ERASED_PURPOSE }).where(eq(personalDataAccessLog.participantId, participantId));
  await tx.update(participants).set({ personalDataErasedAt: at }).where(eq(participants.id, participantId));
}

/** What an access log entry's purpose reads after the participant's data was erased. */
export const ERASED_PURPOSE = '(erased with the personal data)';

export async function logAccess(tx: Executor, row: typeof personalDataAccessLog.$inferInsert): Promise<void> {
  await tx.insert(personalDataAccessLog).values(row);
}

export async function accessLogOf(db: Executor, participantId: number): Promise<Array<{ at: string; by: string; action: string; purpose: string }>> {
  return db
    .select({ at: personalDataAccessLog.at, by: users.username, action: personalDataAccessLog.action, purpose: personalDataAccessLog.purpose })
    .from(personalDataAccessLog)
    .innerJoin(users, eq(users.id, personalDataAccessLog.userId))
    .where(eq(personalDataAccessLog.participantId, participantId))
    .orderBy(asc(personalDataAccessLog.id));
}
