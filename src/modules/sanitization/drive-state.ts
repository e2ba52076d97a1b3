import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../core/db.js';
import { sanitizationRecords, sanitizationVerifications } from './sanitization.table.js';

export type DriveSanitizationState = 'pending' | 'passed' | 'failed';

export interface DriveState {
  state: DriveSanitizationState;
  /** The passing record that makes the drive count as sanitized, if any. */
  passedRecordId: number | null;
  lastRecordAt: string | null;
  verification: 'pending' | 'passed' | 'failed' | null;
}

/**
 * The sanitization state of each drive of a device in one custody cycle
 * (SPEC §2): passed when the drive has a passing record made in this cycle,
 * failed when it has records but none passed, pending when it has none.
 */
export function prepareDriveStates(db: Db): (deviceId: number, custodyCycle: number) => Map<number, DriveState> {
  const stmt = db
    .select({
      driveId: sanitizationRecords.driveId,
      id: sanitizationRecords.id,
      result: sanitizationRecords.result,
      completedAt: sanitizationRecords.completedAt,
      verification: sanitizationVerifications.status,
    })
    .from(sanitizationRecords)
    .leftJoin(sanitizationVerifications, eq(sanitizationVerifications.recordId, sanitizationRecords.id))
    .where(and(eq(sanitizationRecords.deviceId, sql.placeholder('deviceId')), eq(sanitizationRecords.custodyCycle, sql.placeholder('cycle'))))
    .orderBy(sql`${sanitizationRecords.id}`)
    .prepare();
  return (deviceId, custodyCycle) => foldStates(stmt.all({ deviceId, cycle: custodyCycle }));
}

function foldStates(rows: Array<{ driveId: number; id: number; result: 'passed' | 'failed'; completedAt: string; verification: DriveState['verification'] }>): Map<number, DriveState> {
  const out = new Map<number, DriveState>();
  for (const r of rows) {
    const prev = out.get(r.driveId) ?? { state: 'pending', passedRecordId: null, lastRecordAt: null, verification: null };
    const passed = r.result === 'passed';
    out.set(r.driveId, {
      state: prev.state === 'passed' || passed ? 'passed' : 'failed',
      passedRecordId: passed ? r.id : prev.passedRecordId,
      lastRecordAt: r.completedAt,
      verification: passed ? (r.verification ?? null) : prev.verification,
    });
  }
  return out;
}
