import { asc, gt, inArray } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { groupBy, pick, type RecordSource } from '../audit-log/records.js';
import { shipmentAmendments, shipmentBulkLines, shipmentDevices, shipments } from './recycling.table.js';

/** How the audit log reads this module's records (audit-log/records.ts). The field lists are frozen: see there. */
const SHIPMENT_FIELDS = [
  'id', 'recyclerId', 'mode', 'carrier', 'containerNumber', 'sealNumber', 'billOfLading', 'status', 'createdBy', 'createdAt', 'shippedAt', 'confirmedAt',
  'certificateNumber', 'receivedAt', 'receivedWeightGrams',
] as const satisfies ReadonlyArray<keyof typeof shipments.$inferSelect>;
const SHIPMENT_DEVICE_FIELDS = ['id', 'shipmentId', 'deviceId', 'addedBy', 'addedAt'] as const satisfies ReadonlyArray<keyof typeof shipmentDevices.$inferSelect>;
const BULK_LINE_FIELDS = ['id', 'shipmentId', 'category', 'weightGrams', 'units', 'addedBy', 'addedAt'] as const satisfies ReadonlyArray<keyof typeof shipmentBulkLines.$inferSelect>;
const AMENDMENT_FIELDS = ['id', 'shipmentId', 'field', 'fromValue', 'toValue', 'reason', 'amendedBy', 'amendedAt'] as const satisfies ReadonlyArray<
  keyof typeof shipmentAmendments.$inferSelect
>;

export const shipmentRecords: RecordSource = {
  table: 'shipments',
  read: async (db: Executor, ids: number[]) => {
    const lines = groupBy(await db.select().from(shipmentDevices).where(inArray(shipmentDevices.shipmentId, ids)).orderBy(asc(shipmentDevices.id)), (l) => l.shipmentId);
    const bulk = groupBy(await db.select().from(shipmentBulkLines).where(inArray(shipmentBulkLines.shipmentId, ids)).orderBy(asc(shipmentBulkLines.id)), (l) => l.shipmentId);
    const amendments = groupBy(await db.select().from(shipmentAmendments).where(inArray(shipmentAmendments.shipmentId, ids)).orderBy(asc(shipmentAmendments.id)), (a) => a.shipmentId);
    const rows = await db.select().from(shipments).where(inArray(shipments.id, ids));
    return new Map(
      rows.map((r) => [
        r.id,
        {
          ...pick(r, SHIPMENT_FIELDS),
          devices: (lines.get(r.id) ?? []).map((l) => pick(l, SHIPMENT_DEVICE_FIELDS)),
          bulkLines: (bulk.get(r.id) ?? []).map((l) => pick(l, BULK_LINE_FIELDS)),
          amendments: (amendments.get(r.id) ?? []).map((a) => pick(a, AMENDMENT_FIELDS)),
        },
      ]),
    );
  },
  idsAfter: async (db: Executor, afterId: number) =>
    (await db
      .select({ id: shipments.id })
      .from(shipments)
      .where(gt(shipments.id, afterId))
      .orderBy(asc(shipments.id)))
      .map((r) => r.id),
};
