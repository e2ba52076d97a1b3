import { asc, gt, inArray } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { byId, type RecordSource } from '../audit-log/records.js';
import { sanitizationRecords, sanitizationVerifications } from './sanitization.table.js';

/** How the audit log reads this module's records (audit-log/records.ts). The field lists are frozen: see there. */
const SANITIZATION_FIELDS = [
  'id', 'deviceId', 'driveId', 'custodyCycle', 'storageSerial', 'standard', 'method', 'technique', 'tool', 'toolVersion', 'verification', 'result',
  'startedAt', 'completedAt', 'reportSha256', 'notes', 'technicianId', 'createdAt',
] as const satisfies ReadonlyArray<keyof typeof sanitizationRecords.$inferSelect>;
const VERIFICATION_FIELDS = ['id', 'recordId', 'status', 'drawnAt', 'verifierId', 'verifiedAt', 'notes', 'reason', 'voidsThroughRecordId'] as const satisfies ReadonlyArray<
  keyof typeof sanitizationVerifications.$inferSelect
>;

export const sanitizationRecordRecords: RecordSource = {
  table: 'sanitization_records',
  read: async (db: Executor, ids: number[]) => byId(await db.select().from(sanitizationRecords).where(inArray(sanitizationRecords.id, ids)), SANITIZATION_FIELDS),
  idsAfter: async (db: Executor, afterId: number) =>
    (await db
      .select({ id: sanitizationRecords.id })
      .from(sanitizationRecords)
      .where(gt(sanitizationRecords.id, afterId))
      .orderBy(asc(sanitizationRecords.id)))
      .map((r) => r.id),
};

export const sanitizationVerificationRecords: RecordSource = {
  table: 'sanitization_verifications',
  read: async (db: Executor, ids: number[]) => byId(await db.select().from(sanitizationVerifications).where(inArray(sanitizationVerifications.id, ids)), VERIFICATION_FIELDS),
  idsAfter: async (db: Executor, afterId: number) =>
    (await db
      .select({ id: sanitizationVerifications.id })
      .from(sanitizationVerifications)
      .where(gt(sanitizationVerifications.id, afterId))
      .orderBy(asc(sanitizationVerifications.id)))
      .map((r) => r.id),
};
