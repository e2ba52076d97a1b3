import { and, asc, eq, or, sql, type SQLWrapper } from 'drizzle-orm';
import { idList, inIdList } from '../../core/db-dialect.js';
import { jsonArrayOf, reusable, type Db } from '../../core/db.js';
import type { DriveSanitizationState, DriveState, DriveStatesColumn, DriveStatesOfPage } from '../devices/device-view.js';
import { sanitizationRecords, sanitizationVerifications } from './sanitization.table.js';

export type { DriveSanitizationState, DriveState };

export interface DriveRecordFact {
  driveId: number;
  id: number;
  result: 'passed' | 'failed';
  completedAt: string;
  verification: DriveState['verification'];
  /** Set on a failed check: every record up to this id stops counting (see sanitization.table.ts). */
  voidsThrough: number | null;
  /** False for a record of an earlier custody cycle, read only for the failed check it may carry. */
  inCycle?: boolean | undefined;
}

/**
 * The sanitization state of each drive of a device in one custody cycle
 * (docs/domain.md §2, invariant 1): a drive counts as sanitized when it has a passing
 * record made in this cycle that no failed second-person check has voided.
 */
export function prepareDriveStates(db: Db): (deviceId: number, custodyCycle: number) => Promise<Map<number, DriveState>> {
  const stmt = reusable(db, (q) =>
    q
    .select({
      driveId: sanitizationRecords.driveId,
      id: sanitizationRecords.id,
      result: sanitizationRecords.result,
      completedAt: sanitizationRecords.completedAt,
      verification: sanitizationVerifications.status,
      voidsThrough: sanitizationVerifications.voidsThroughRecordId,
      inCycle: sql<number>`${sanitizationRecords.custodyCycle} = ${sql.placeholder('cycle')}`,
    })
    .from(sanitizationRecords)
    .leftJoin(sanitizationVerifications, eq(sanitizationVerifications.recordId, sanitizationRecords.id))
    // This cycle's records, and failed checks of earlier ones: a check that fails now voids this cycle's wipes too.
    .where(
      and(
        eq(sanitizationRecords.deviceId, sql.placeholder('deviceId')),
        or(eq(sanitizationRecords.custodyCycle, sql.placeholder('cycle')), eq(sanitizationVerifications.status, 'failed')),
      ),
    )
    .orderBy(sql`${sanitizationRecords.id}`),
  );
  // SQLite answers the comparison as 0 or 1, PostgreSQL as a boolean.
  return async (deviceId, custodyCycle) => foldDriveStates((await stmt({ deviceId, cycle: custodyCycle })).map((r) => ({ ...r, inCycle: Boolean(r.inCycle) })));
}

/**
 * The same records as prepareDriveStates reads, as one column of the device's
 * own lookup (devices/device-view.ts): a JSON array correlated on the
 * device's id and custody cycle, so that the device, its drives and their
 * states are one statement. Kept beside the per-device query: the two select
 * the same records, which test/modules/device-lookup.test.ts checks.
 */
export function driveStatesColumn(db: Db): DriveStatesColumn {
  const r = sanitizationRecords;
  const v = sanitizationVerifications;
  return {
    select: (deviceId: SQLWrapper, custodyCycle: SQLWrapper) =>
      jsonArrayOf(db, {
        fields: {
          driveId: r.driveId,
          id: r.id,
          result: r.result,
          completedAt: r.completedAt,
          verification: v.status,
          voidsThrough: v.voidsThroughRecordId,
          inCycle: sql`${r.custodyCycle} = ${custodyCycle}`,
        },
        from: sql`${r} left join ${v} on ${v.recordId} = ${r.id}
          where ${r.deviceId} = ${deviceId} and (${r.custodyCycle} = ${custodyCycle} or ${v.status} = 'failed')`,
        orderBy: r.id,
      }),
    fold: (facts) =>
      foldDriveStates(
        facts.map((f) => ({
          driveId: Number(f.driveId),
          id: Number(f.id),
          result: f.result as DriveRecordFact['result'],
          completedAt: String(f.completedAt),
          verification: (f.verification ?? null) as DriveRecordFact['verification'],
          voidsThrough: f.voidsThrough === null || f.voidsThrough === undefined ? null : Number(f.voidsThrough),
          // SQLite answers the comparison as 0 or 1, PostgreSQL as a boolean.
          inCycle: Boolean(f.inCycle),
        })),
      ),
  };
}

/**
 * The same states for a page of devices in one read (a device list): every
 * record of those devices, kept as the per-device query keeps them (this
 * custody cycle's, and failed checks of earlier ones), folded per device.
 */
export function prepareDriveStatesOfPage(db: Db): DriveStatesOfPage {
  // One prepared statement whatever the page's size: the device ids are bound as one list.
  const stmt = reusable(db, (q) =>
    q
      .select({
        deviceId: sanitizationRecords.deviceId,
        driveId: sanitizationRecords.driveId,
        id: sanitizationRecords.id,
        result: sanitizationRecords.result,
        completedAt: sanitizationRecords.completedAt,
        verification: sanitizationVerifications.status,
        voidsThrough: sanitizationVerifications.voidsThroughRecordId,
        cycle: sanitizationRecords.custodyCycle,
      })
      .from(sanitizationRecords)
      .leftJoin(sanitizationVerifications, eq(sanitizationVerifications.recordId, sanitizationRecords.id))
      .where(inIdList(db, sanitizationRecords.deviceId, 'ids'))
      .orderBy(asc(sanitizationRecords.id)),
  );
  return async (page) => {
    const out = new Map<number, Map<number, DriveState>>();
    if (page.length === 0) return out;
    const cycles = new Map(page.map((d) => [d.id, d.custodyCycle]));
    const rows = await stmt({ ids: idList(db, [...cycles.keys()]) });
    const byDevice = new Map<number, DriveRecordFact[]>();
    for (const { deviceId, cycle, ...r } of rows) {
      const inCycle = cycle === cycles.get(deviceId);
      if (!inCycle && r.verification !== 'failed') continue;
      let list = byDevice.get(deviceId);
      if (!list) byDevice.set(deviceId, (list = []));
      list.push({ ...r, inCycle });
    }
    for (const [deviceId, facts] of byDevice) out.set(deviceId, foldDriveStates(facts));
    return out;
  };
}

/**
 * A failed check found the drive as it was after every record made before the
 * check, so it voids them all, not only the one it drew, whatever custody
 * cycle it was drawn in: a passing record counts only when it came after the
 * drive's latest failed check. Rows marked `inCycle: false` only bring their
 * failed checks.
 */
export function foldDriveStates(rows: DriveRecordFact[]): Map<number, DriveState> {
  const byDrive = new Map<number, DriveRecordFact[]>();
  for (const r of rows) byDrive.set(r.driveId, [...(byDrive.get(r.driveId) ?? []), r]);
  const out = new Map<number, DriveState>();
  for (const [driveId, all] of byDrive) {
    const voidedThrough = Math.max(0, ...all.map((r) => (r.verification === 'failed' ? (r.voidsThrough ?? r.id) : 0)));
    const records = all.filter((r) => r.inCycle !== false);
    if (records.length === 0) continue;
    const passing = records.filter((r) => r.result === 'passed');
    const counting = passing.filter((r) => r.id > voidedThrough);
    const last = records[records.length - 1]!;
    const best = counting[counting.length - 1];
    if (best) {
      out.set(driveId, { state: 'passed', passedRecordId: best.id, lastRecordAt: last.completedAt, verification: best.verification });
    } else if (passing.length > 0) {
      out.set(driveId, { state: 'failed_check', passedRecordId: null, lastRecordAt: last.completedAt, verification: 'failed' });
    } else {
      out.set(driveId, { state: 'failed', passedRecordId: null, lastRecordAt: last.completedAt, verification: null });
    }
  }
  return out;
}
