import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Executor } from '../../core/db.js';
import { devices } from '../devices/devices.table.js';
import { users } from '../users/users.table.js';
import { samplingTally, sanitizationRecords, sanitizationVerifications } from './sanitization.table.js';

export type RecordRow = typeof sanitizationRecords.$inferSelect;

export function insertRecord(tx: Executor, row: typeof sanitizationRecords.$inferInsert): RecordRow {
  return tx.insert(sanitizationRecords).values(row).returning().get();
}

export function insertVerification(tx: Executor, recordId: number, at: string): number {
  return tx.insert(sanitizationVerifications).values({ recordId, status: 'pending', drawnAt: at }).returning({ id: sanitizationVerifications.id }).get().id;
}

/** Passing logical sanitizations (clear or purge) so far, and how many were drawn for verification. */
export function samplingCounts(db: Executor): { logical: number; drawn: number } {
  const row = db.select().from(samplingTally).where(eq(samplingTally.id, 1)).get();
  return { logical: row?.logicalPassed ?? 0, drawn: row?.drawn ?? 0 };
}

/** Counts one more passing logical record (and whether it was drawn); call in the record's transaction. */
export function tallySample(tx: Executor, drawn: boolean): void {
  tx.update(samplingTally)
    .set({ logicalPassed: sql`${samplingTally.logicalPassed} + 1`, drawn: sql`${samplingTally.drawn} + ${drawn ? 1 : 0}` })
    .where(eq(samplingTally.id, 1))
    .run();
}

export interface RecordView extends RecordRow {
  assetTag: string;
  technicianUsername: string;
  verificationId: number | null;
}

function recordViews(db: Executor, where: SQL | undefined, after = 0, limit = 1000): RecordView[] {
  return db
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
    .limit(limit)
    .all()
    .map((r) => ({ ...r.record, assetTag: r.assetTag, technicianUsername: r.technicianUsername, verificationId: r.verificationId }));
}

export function findRecordView(db: Executor, id: number): RecordView | undefined {
  return recordViews(db, eq(sanitizationRecords.id, id), 0, 1)[0];
}

export function recordsOfDevice(db: Executor, deviceId: number): RecordView[] {
  return recordViews(db, eq(sanitizationRecords.deviceId, deviceId));
}

export type VerificationRow = typeof sanitizationVerifications.$inferSelect & { verifierUsername: string | null };

export function findVerification(db: Executor, id: number): VerificationRow | undefined {
  const row = db
    .select({ v: sanitizationVerifications, verifierUsername: users.username })
    .from(sanitizationVerifications)
    .leftJoin(users, eq(users.id, sanitizationVerifications.verifierId))
    .where(eq(sanitizationVerifications.id, id))
    .get();
  return row ? { ...row.v, verifierUsername: row.verifierUsername } : undefined;
}

export function listVerifications(db: Executor, status: VerificationRow['status'] | undefined, after: number, limit: number): VerificationRow[] {
  return db
    .select({ v: sanitizationVerifications, verifierUsername: users.username })
    .from(sanitizationVerifications)
    .leftJoin(users, eq(users.id, sanitizationVerifications.verifierId))
    .where(and(gt(sanitizationVerifications.id, after), status ? eq(sanitizationVerifications.status, status) : undefined))
    .orderBy(asc(sanitizationVerifications.id))
    .limit(limit)
    .all()
    .map((r) => ({ ...r.v, verifierUsername: r.verifierUsername }));
}

/** Completes a pending verification; returns false when it was no longer pending (a concurrent verifier won). */
export function completeVerification(
  tx: Executor,
  id: number,
  patch: { status: 'passed' | 'failed'; verifierId: number; verifiedAt: string; notes: string | null },
): boolean {
  return (
    tx
      .update(sanitizationVerifications)
      .set(patch)
      .where(and(eq(sanitizationVerifications.id, id), eq(sanitizationVerifications.status, 'pending')))
      .run().changes === 1
  );
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
}

/** The latest passing record of each drive of a device in one custody cycle, with who did and who checked it. */
export function certificateRecords(db: Executor, deviceId: number, custodyCycle: number): Map<number, CertificateRecord> {
  const verifier = alias(users, 'verifier');
  const rows = db
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
      verifier: verifier.displayName,
      verifiedAt: sanitizationVerifications.verifiedAt,
    })
    .from(sanitizationRecords)
    .innerJoin(users, eq(users.id, sanitizationRecords.technicianId))
    .leftJoin(sanitizationVerifications, eq(sanitizationVerifications.recordId, sanitizationRecords.id))
    .leftJoin(verifier, eq(verifier.id, sanitizationVerifications.verifierId))
    .where(and(eq(sanitizationRecords.deviceId, deviceId), eq(sanitizationRecords.custodyCycle, custodyCycle), eq(sanitizationRecords.result, 'passed')))
    .orderBy(asc(sanitizationRecords.id))
    .all();
  const out = new Map<number, CertificateRecord>();
  for (const r of rows) out.set(r.driveId, r);
  return out;
}
