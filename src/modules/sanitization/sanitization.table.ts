import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { devices, storageDrives } from '../devices/devices.table.js';
import { users } from '../users/users.table.js';

export const SANITIZATION_METHODS = ['clear', 'purge', 'destroy'] as const;
export const SANITIZATION_TECHNIQUES = [
  'overwrite',
  'block_erase',
  'crypto_erase',
  'sanitize_command',
  'secure_erase',
  'shred',
  'crush',
  'drill',
  'degauss',
  'other',
] as const;
export const VERIFICATION_KINDS = ['full', 'sample', 'none'] as const;
export const RESULTS = ['passed', 'failed'] as const;
export const VERIFICATION_STATUSES = ['pending', 'passed', 'failed'] as const;
/**
 * Why a record was drawn for a second-person check: at random, to top the
 * sample up to 5 %, because the drive failed a check earlier, or because one
 * of its technician's wipes failed a check within their last 10 (docs/domain.md §2).
 */
export const DRAW_REASONS = ['random', 'top_up', 'drive_failed_check', 'technician_failed_check'] as const;

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * One record per drive per attempt (NIST SP 800-88 Rev. 2; R2v3 wants the
 * wipe per drive serial). Append-only: triggers refuse UPDATE and DELETE, and
 * a correction is a new record.
 */
export const sanitizationRecords = sqliteTable(
  'sanitization_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    driveId: integer('drive_id')
      .notNull()
      .references(() => storageDrives.id),
    custodyCycle: integer('custody_cycle').notNull(),
    storageSerial: text('storage_serial').notNull(),
    standard: text('standard').notNull(),
    method: text('method', { enum: SANITIZATION_METHODS }).notNull(),
    technique: text('technique', { enum: SANITIZATION_TECHNIQUES }).notNull(),
    tool: text('tool').notNull(),
    toolVersion: text('tool_version'),
    verification: text('verification', { enum: VERIFICATION_KINDS }).notNull(),
    result: text('result', { enum: RESULTS }).notNull(),
    startedAt: text('started_at'),
    completedAt: text('completed_at').notNull(),
    reportSha256: text('report_sha256'),
    notes: text('notes'),
    technicianId: integer('technician_id')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('sanitization_records_device_idx').on(t.deviceId, t.custodyCycle),
    index('sanitization_records_drive_idx').on(t.driveId),
    check('sanitization_records_method_ck', sql`${t.method} in (${inList(SANITIZATION_METHODS)})`),
    check('sanitization_records_technique_ck', sql`${t.technique} in (${inList(SANITIZATION_TECHNIQUES)})`),
    check('sanitization_records_verification_ck', sql`${t.verification} in (${inList(VERIFICATION_KINDS)})`),
    check('sanitization_records_result_ck', sql`${t.result} in (${inList(RESULTS)})`),
  ],
);

/** The R2 quality-control sample: a second person checks a drawn record. */
export const sanitizationVerifications = sqliteTable(
  'sanitization_verifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recordId: integer('record_id')
      .notNull()
      .references(() => sanitizationRecords.id),
    status: text('status', { enum: VERIFICATION_STATUSES }).notNull(),
    drawnAt: text('drawn_at').notNull(),
    verifierId: integer('verifier_id').references(() => users.id),
    verifiedAt: text('verified_at'),
    notes: text('notes'),
    /** Null for records drawn before reasons were kept. */
    reason: text('reason', { enum: DRAW_REASONS }),
    /**
     * Set when the check fails: the highest sanitization record id at that
     * moment. Every passing record of the drive up to it stops counting (the
     * check found the drive as it was after all of them), and the records
     * after it are what the drive and the technician owe a draw from.
     */
    voidsThroughRecordId: integer('voids_through_record_id'),
  },
  (t) => [
    uniqueIndex('sanitization_verifications_record_uq').on(t.recordId),
    index('sanitization_verifications_status_idx').on(t.status, t.id),
    check('sanitization_verifications_status_ck', sql`${t.status} in (${inList(VERIFICATION_STATUSES)})`),
    check('sanitization_verifications_reason_ck', sql`${t.reason} is null or ${t.reason} in (${inList(DRAW_REASONS)})`),
  ],
);

/**
 * Running counts for the R2 sample, kept in the same transaction as the
 * records, so drawing does not count every record each time.
 */
export const samplingTally = sqliteTable('sanitization_sampling_tally', {
  id: integer('id').primaryKey(),
  logicalPassed: integer('logical_passed').notNull(),
  drawn: integer('drawn').notNull(),
});
