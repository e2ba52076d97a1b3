import { asc, gt, inArray } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { groupBy, pick, type RecordSource } from '../audit-log/records.js';
import { devices, storageDrives } from './devices.table.js';

/** How the audit log reads this module's records (audit-log/records.ts). The field lists are frozen: see there. */
const DEVICE_FIELDS = [
  'id', 'assetTag', 'category', 'make', 'model', 'serialNumber', 'serialKey', 'specs', 'weightGrams', 'weightSource', 'donationId', 'location', 'notes',
  'status', 'noStorageConfirmed', 'custodyCycle', 'cycleStartedAt', 'grade', 'gradedAt', 'statusChangedAt', 'version', 'createdBy', 'createdAt', 'updatedAt',
] as const satisfies ReadonlyArray<keyof typeof devices.$inferSelect>;
const DRIVE_FIELDS = ['id', 'deviceId', 'serialNumber', 'kind', 'capacityGb', 'model', 'registeredAt', 'registeredBy'] as const satisfies ReadonlyArray<keyof typeof storageDrives.$inferSelect>;

export const deviceRecords: RecordSource = {
  table: 'devices',
  read: async (db: Executor, ids: number[]) => {
    const drives = groupBy(await db.select().from(storageDrives).where(inArray(storageDrives.deviceId, ids)).orderBy(asc(storageDrives.id)), (d) => d.deviceId);
    const rows = await db.select().from(devices).where(inArray(devices.id, ids));
    return new Map(rows.map((r) => [r.id, { ...pick(r, DEVICE_FIELDS), drives: (drives.get(r.id) ?? []).map((d) => pick(d, DRIVE_FIELDS)) }]));
  },
  idsAfter: async (db: Executor, afterId: number) =>
    (await db
      .select({ id: devices.id })
      .from(devices)
      .where(gt(devices.id, afterId))
      .orderBy(asc(devices.id)))
      .map((r) => r.id),
};
