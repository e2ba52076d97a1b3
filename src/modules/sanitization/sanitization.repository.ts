import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { selectRow, type Executor } from '../../core/db.js';
import { devices } from '../devices/devices.table.js';
import { users } from '../users/users.table.js';
import { samplingTally, sanitizationRecords, sanitizationVerifications, type DRAW_REASONS } from './sanitization.table.js';

export type RecordRow = typeof sanitizationRecords.$inferSelect;

export async function insertRecord(tx: Executor, row: typeof sanitizationRecords.$inferInsert): Promise<RecordRow> {
  return (await tx.insert(sanitizationRecords).values(row).returning())[0]!;
}

export type DrawReason = (typeof DRAW_REASONS)[number];

export async function insertVerification(tx: Executor, recordId: number, at: string, reason: DrawReason): Promise<number> {
  return (await tx.insert(sanitizationVerifications).values({ recordId, status: 'pending', drawnAt: at, reason }).returning({ id: sanitizationVerifications.id }))[0]!.id;
}

/** The highest sanitization record id so far: what a failed check voids through. */
export async function highestRecordId(tx: Executor): Promise<number> {
  return (await selectRow<{ id: number | null }>(tx, sql`select max(id) as id from sanitization_records`))?.id ?? 0;
}

/**
 * True when the drive failed a second-person check and no record of it made
 * since has been drawn: its next passing record must be (docs/domain.md §2). The
 * record being drawn for is excluded by id.
 */
export async function driveOwesDraw(tx: Executor, driveId: number, exceptRecordId: number): Promise<boolean> {
  const row = await selectRow<{ owes: number }>(tx, sql`
    with f as (select max(v.voids_through_record_id) as through from sanitization_verifications v
               join sanitization_records r on r.id = v.record_id where r.drive_id = ${driveId} and v.status = 'failed')
    select case when (select through from f) is null then 0
                when exists (select 1 from sanitization_records r join sanitization_verifications v on v.record_id = r.id
                             where r.drive_id = ${driveId} and r.id > (select through from f) and r.id <> ${exceptRecordId}) then 0
                else 1 end as owes`);
  return row?.owes === 1;
}

/** After a failed check of one of a technician's wipes, this many of their next passing logical wipes are drawn (docs/domain.md §2). */
export const TECHNICIAN_FOLLOW_UP = 10;

/**
 * True when one of the technician's wipes failed a check and fewer than
 * TECHNICIAN_FOLLOW_UP passing logical wipes of theirs came after it (the
 * record being drawn for excluded by id).
 */
export async function technicianOwesDraw(tx: Executor, technicianId: number, exceptRecordId: number): Promise<boolean> {
  // Failed checks are few: start from them (CROSS JOIN keeps that order in SQLite), never from every record of
  // the technician; and stop counting at the tenth wipe after the latest one.
  const row = await selectRow<{ owes: number }>(tx, sql`
    with f as (select max(v.voids_through_record_id) as through from sanitization_verifications v cross join sanitization_records r
               where v.status = 'failed' and r.id = v.record_id and r.technician_id = ${technicianId})
    select case when (select through from f) is null then 0
                when (select count(*) from (select 1 from sanitization_records r where r.id > (select through from f)
                      and r.technician_id = ${technicianId} and r.id <> ${exceptRecordId} and r.result = 'passed' and r.method in ('clear', 'purge')
                      limit ${TECHNICIAN_FOLLOW_UP}) as after_failure) < ${TECHNICIAN_FOLLOW_UP} then 1
                else 0 end as owes`);
  return row?.owes === 1;
}

/** Passing logical sanitizations (clear or purge) so far, and how many were drawn for verification. */
export async function samplingCounts(db: Executor): Promise<{ logical: number; drawn: number }> {
  const row = (await db.select().from(samplingTally).where(eq(samplingTally.id, 1)))[0];
  return { logical: row?.logicalPassed ?? 0, drawn: row?.drawn ?? 0 };
}

/** Counts one more passing logical record (and whether it was drawn); call in the record's transaction. */
export async function tallySample(tx: Executor, drawn: boolean): Promise<void> {
  await tx.update(samplingTally)
    .set({ logicalPassed: sql`${samplingTally.logicalPassed} + 1`, drawn: sql`${samplingTally.drawn} + ${drawn ? 1 : 0}` })
    .where(eq(samplingTally.id, 1));
}

export interface RecordView extends RecordRow {
  assetTag: string;
  technicianUsername: string;
  verificationId: number | null;
}

async function recordViews(db: Executor, where: SQL | undefined, after = 0, limit = 1000): Promise<RecordView[]> {
  return (await db
    .select({
      record: sanitizationRecords,
      assetTag: devices.assetTag,
      technicianUsername: users.username,
      verificationId: sanitizationVerifications.id,
    })
    .from(sanitizationRecords)
    .innerJoin(devices, eq(devices.id, sanitizationRecords.deviceId))
    .innerJoin(users, eq(users.id, sanitizationRecords.technicianId))
    .leftJoin(sanitizationVerifications, eq(sanitizationVerifications.recordId, sanitizationRecords.id))
    .where(and(gt(sanitizationRecords.id, after), where))
    .orderBy(asc(sanitizationRecords.id))
    .limit(limit))
    .map((r) => ({ ...r.record, assetTag: r.assetTag, technicianUsername: r.technicianUsername, verificationId: r.verificationId }));
}

export async function findRecordView(db: Executor, id: number): Promise<RecordView | undefined> {
  return (await recordViews(db, eq(sanitizationRecords.id, id), 0, 1))[0];
}

export type VerificationRow = typeof sanitizationVerifications.$inferSelect & { verifierUsername: string | null };

export async function findVerification(db: Executor, id: number): Promise<VerificationRow | undefined> {
  const row = (await db
    .select({ v: sanitizationVerifications, verifierUsername: users.username })
    .from(sanitizationVerifications)
    .leftJoin(users, eq(users.id, sanitizationVerifications.verifierId))
    .where(eq(sanitizationVerifications.id, id)))[0];
  return row ? { ...row.v, verifierUsername: row.verifierUsername } : undefined;
}

/** The checks of one site's devices (every site's for null), oldest first. */
export async function listVerifications(db: Executor, status: VerificationRow['status'] | undefined, after: number, limit: number, siteId: number | null): Promise<VerificationRow[]> {
  const ofSite =
    siteId === null
      ? undefined
      : inArray(sanitizationVerifications.recordId, db.select({ id: sanitizationRecords.id }).from(sanitizationRecords).innerJoin(devices, eq(devices.id, sanitizationRecords.deviceId)).where(eq(devices.siteId, siteId)));
  return (await db
    .select({ v: sanitizationVerifications, verifierUsername: users.username })
    .from(sanitizationVerifications)
    .leftJoin(users, eq(users.id, sanitizationVerifications.verifierId))
    .where(and(gt(sanitizationVerifications.id, after), status ? eq(sanitizationVerifications.status, status) : undefined, ofSite))
    .orderBy(asc(sanitizationVerifications.id))
    .limit(limit))
    .map((r) => ({ ...r.v, verifierUsername: r.verifierUsername }));
}

/** Completes a pending verification; returns false when it was no longer pending (a concurrent verifier won). */
export async function completeVerification(
  tx: Executor,
  id: number,
  patch: { status: 'passed' | 'failed'; verifierId: number; verifiedAt: string; notes: string | null; voidsThroughRecordId: number | null },
): Promise<boolean> {
  const changed = await tx
    .update(sanitizationVerifications)
    .set(patch)
    .where(and(eq(sanitizationVerifications.id, id), eq(sanitizationVerifications.status, 'pending')))
    .returning({ id: sanitizationVerifications.id });
  return changed.length === 1;
}

export interface CertificateRecord {
  driveId: number;
  id: number;
  standard: string;
  method: RecordRow['method'];
  technique: RecordRow['technique'];
  tool: string;
  toolVersion: string | null;
  verification: RecordRow['verification'];
  result: RecordRow['result'];
  completedAt: string;
  reportSha256: string | null;
  technician: string;
  verificationStatus: 'pending' | 'passed' | 'failed' | null;
  verifier: string | null;
  verifiedAt: string | null;
  voidsThroughRecordId: number | null;
}

/** The failed second-person checks of a device's records, in any custody cycle: what they void (drive-state.ts). */
export async function failedChecksOf(db: Executor, deviceId: number): Promise<Array<{ driveId: number; id: number; custodyCycle: number; voidsThrough: number | null; verifiedAt: string | null; verifier: string | null }>> {
  return db
    .select({
      driveId: sanitizationRecords.driveId,
      id: sanitizationRecords.id,
      custodyCycle: sanitizationRecords.custodyCycle,
      voidsThrough: sanitizationVerifications.voidsThroughRecordId,
      verifiedAt: sanitizationVerifications.verifiedAt,
      verifier: users.displayName,
    })
    .from(sanitizationVerifications)
    .innerJoin(sanitizationRecords, eq(sanitizationRecords.id, sanitizationVerifications.recordId))
    .leftJoin(users, eq(users.id, sanitizationVerifications.verifierId))
    .where(and(eq(sanitizationRecords.deviceId, deviceId), eq(sanitizationVerifications.status, 'failed')))
    .orderBy(asc(sanitizationRecords.id));
}

/** Every record of a device in one custody cycle, oldest first, with who did and who checked it. */
export async function certificateRecords(db: Executor, deviceId: number, custodyCycle: number): Promise<CertificateRecord[]> {
  return db
    .select({
      driveId: sanitizationRecords.driveId,
      id: sanitizationRecords.id,
      standard: sanitizationRecords.standard,
      method: sanitizationRecords.method,
      technique: sanitizationRecords.technique,
      tool: sanitizationRecords.tool,
      toolVersion: sanitizationRecords.toolVersion,
      verification: sanitizationRecords.verification,
      result: sanitizationRecords.result,
      completedAt: sanitizationRecords.completedAt,
      reportSha256: sanitizationRecords.reportSha256,
      technician: users.displayName,
      verificationStatus: sanitizationVerifications.status,
      // The verifier's name by a subquery, not a second join of users under an alias: the same SQL on both engines.
      verifier: sql<string | null>`(select v.display_name from users v where v.id = ${sanitizationVerifications.verifierId})`,
      verifiedAt: sanitizationVerifications.verifiedAt,
      voidsThroughRecordId: sanitizationVerifications.voidsThroughRecordId,
    })
    .from(sanitizationRecords)
    .innerJoin(users, eq(users.id, sanitizationRecords.technicianId))
    .leftJoin(sanitizationVerifications, eq(sanitizationVerifications.recordId, sanitizationRecords.id))
    .where(and(eq(sanitizationRecords.deviceId, deviceId), eq(sanitizationRecords.custodyCycle, custodyCycle)))
    .orderBy(asc(sanitizationRecords.id));
}
