import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { devices } from '../devices/devices.table.js';
import { users } from '../users/users.table.js';
import type { AmendableField, ShipmentAmendment } from './recycling.schemas.js';
import { recyclers, shipmentAmendments, shipmentBulkLines, shipmentDevices, shipments } from './recycling.table.js';

export type RecyclerRow = typeof recyclers.$inferSelect;
export type ShipmentRow = typeof shipments.$inferSelect;

export const insertRecycler = (tx: Executor, row: typeof recyclers.$inferInsert): RecyclerRow => tx.insert(recyclers).values(row).returning().get();
export const findRecycler = (db: Executor, id: number): RecyclerRow | undefined => db.select().from(recyclers).where(eq(recyclers.id, id)).get();
export const listRecyclers = (db: Executor): RecyclerRow[] => db.select().from(recyclers).orderBy(asc(recyclers.name)).all();

export const insertShipment = (tx: Executor, row: typeof shipments.$inferInsert): ShipmentRow => tx.insert(shipments).values(row).returning().get();
export const findShipment = (db: Executor, id: number): ShipmentRow | undefined => db.select().from(shipments).where(eq(shipments.id, id)).get();
export function listShipments(db: Executor, status?: ShipmentRow['status']): ShipmentRow[] {
  return db.select().from(shipments).where(status ? eq(shipments.status, status) : undefined).orderBy(asc(shipments.id)).all();
}
export function updateShipment(tx: Executor, id: number, fromStatus: ShipmentRow['status'], patch: Partial<ShipmentRow>): ShipmentRow | undefined {
  // Compare-and-set on the status: two people shipping at once, one wins.
  return tx
    .update(shipments)
    .set(patch)
    .where(and(eq(shipments.id, id), eq(shipments.status, fromStatus)))
    .returning()
    .get();
}

export function addShipmentDevice(tx: Executor, row: typeof shipmentDevices.$inferInsert): void {
  tx.insert(shipmentDevices).values(row).run();
}
/** Whether the line was there (and is now gone). Only an open shipment's lines are removed: the service checks. */
export function removeShipmentDevice(tx: Executor, shipmentId: number, deviceId: number): boolean {
  return tx.delete(shipmentDevices).where(and(eq(shipmentDevices.shipmentId, shipmentId), eq(shipmentDevices.deviceId, deviceId))).run().changes > 0;
}
export function removeBulkLine(tx: Executor, shipmentId: number, lineId: number) {
  return tx.delete(shipmentBulkLines).where(and(eq(shipmentBulkLines.shipmentId, shipmentId), eq(shipmentBulkLines.id, lineId))).returning().get();
}
export function shipmentOfDevice(db: Executor, deviceId: number): number | undefined {
  return db.select({ id: shipmentDevices.shipmentId }).from(shipmentDevices).where(eq(shipmentDevices.deviceId, deviceId)).get()?.id;
}
export function devicesOfShipment(db: Executor, shipmentId: number) {
  return db
    .select({ device: devices })
    .from(shipmentDevices)
    .innerJoin(devices, eq(devices.id, shipmentDevices.deviceId))
    .where(eq(shipmentDevices.shipmentId, shipmentId))
    .orderBy(asc(shipmentDevices.id))
    .all()
    .map((r) => r.device);
}
export function addBulkLine(tx: Executor, row: typeof shipmentBulkLines.$inferInsert): void {
  tx.insert(shipmentBulkLines).values(row).run();
}
export function bulkLinesOfShipment(db: Executor, shipmentId: number) {
  return db.select().from(shipmentBulkLines).where(eq(shipmentBulkLines.shipmentId, shipmentId)).orderBy(asc(shipmentBulkLines.id)).all();
}

export function insertAmendment(tx: Executor, row: typeof shipmentAmendments.$inferInsert): number {
  return tx.insert(shipmentAmendments).values(row).returning({ id: shipmentAmendments.id }).get().id;
}
/** Oldest first, so that repeated corrections of one field read as a chain back to the value first recorded. */
export function amendmentsOfShipment(db: Executor, shipmentId: number): ShipmentAmendment[] {
  return db
    .select({ a: shipmentAmendments, username: users.username })
    .from(shipmentAmendments)
    .innerJoin(users, eq(users.id, shipmentAmendments.amendedBy))
    .where(eq(shipmentAmendments.shipmentId, shipmentId))
    .orderBy(asc(shipmentAmendments.id))
    .all()
    .map(({ a, username }) => ({
      id: a.id,
      // Written only from AmendShipmentBody's fields.
      field: a.field as AmendableField,
      from: JSON.parse(a.fromValue) as ShipmentAmendment['from'],
      to: JSON.parse(a.toValue) as ShipmentAmendment['to'],
      reason: a.reason,
      amendedBy: { id: a.amendedBy, username },
      amendedAt: a.amendedAt,
    }));
}
