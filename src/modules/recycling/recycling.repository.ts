import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { devices } from '../devices/devices.table.js';
import { users } from '../users/users.table.js';
import type { AmendableField, ShipmentAmendment } from './recycling.schemas.js';
import { recyclers, shipmentAmendments, shipmentBulkLines, shipmentDevices, shipments } from './recycling.table.js';

export type RecyclerRow = typeof recyclers.$inferSelect;
export type ShipmentRow = typeof shipments.$inferSelect;

export const insertRecycler = async (tx: Executor, row: typeof recyclers.$inferInsert): Promise<RecyclerRow> => (await tx.insert(recyclers).values(row).returning())[0]!;
export const findRecycler = async (db: Executor, id: number): Promise<RecyclerRow | undefined> => (await db.select().from(recyclers).where(eq(recyclers.id, id)))[0];
export const listRecyclers = async (db: Executor): Promise<RecyclerRow[]> => db.select().from(recyclers).orderBy(asc(recyclers.name));

export const insertShipment = async (tx: Executor, row: typeof shipments.$inferInsert): Promise<ShipmentRow> => (await tx.insert(shipments).values(row).returning())[0]!;
export const findShipment = async (db: Executor, id: number): Promise<ShipmentRow | undefined> => (await db.select().from(shipments).where(eq(shipments.id, id)))[0];
/** A site's shipments (every site's for null), oldest first. */
export async function listShipments(db: Executor, status: ShipmentRow['status'] | undefined, siteId: number | null): Promise<ShipmentRow[]> {
  return db.select().from(shipments).where(and(status ? eq(shipments.status, status) : undefined, siteId === null ? undefined : eq(shipments.siteId, siteId))).orderBy(asc(shipments.id));
}
export async function updateShipment(tx: Executor, id: number, fromStatus: ShipmentRow['status'], patch: Partial<ShipmentRow>): Promise<ShipmentRow | undefined> {
  // Compare-and-set on the status: two people shipping at once, one wins.
  return (await tx
    .update(shipments)
    .set(patch)
    .where(and(eq(shipments.id, id), eq(shipments.status, fromStatus)))
    .returning())[0];
}

export async function addShipmentDevice(tx: Executor, row: typeof shipmentDevices.$inferInsert): Promise<void> {
  await tx.insert(shipmentDevices).values(row);
}
/** Whether the line was there (and is now gone). Only an open shipment's lines are removed: the service checks. */
export async function removeShipmentDevice(tx: Executor, shipmentId: number, deviceId: number): Promise<boolean> {
  const removed = await tx
    .delete(shipmentDevices)
    .where(and(eq(shipmentDevices.shipmentId, shipmentId), eq(shipmentDevices.deviceId, deviceId)))
    .returning({ deviceId: shipmentDevices.deviceId });
  return removed.length > 0;
}
export async function removeBulkLine(tx: Executor, shipmentId: number, lineId: number) {
  return (await tx.delete(shipmentBulkLines).where(and(eq(shipmentBulkLines.shipmentId, shipmentId), eq(shipmentBulkLines.id, lineId))).returning())[0];
}
export async function shipmentOfDevice(db: Executor, deviceId: number): Promise<number | undefined> {
  return (await db.select({ id: shipmentDevices.shipmentId }).from(shipmentDevices).where(eq(shipmentDevices.deviceId, deviceId)))[0]?.id;
}
export async function devicesOfShipment(db: Executor, shipmentId: number) {
  return (await db
    .select({ device: devices })
    .from(shipmentDevices)
    .innerJoin(devices, eq(devices.id, shipmentDevices.deviceId))
    .where(eq(shipmentDevices.shipmentId, shipmentId))
    .orderBy(asc(shipmentDevices.id)))
    .map((r) => r.device);
}
export async function addBulkLine(tx: Executor, row: typeof shipmentBulkLines.$inferInsert): Promise<void> {
  await tx.insert(shipmentBulkLines).values(row);
}
export async function bulkLinesOfShipment(db: Executor, shipmentId: number) {
  return db.select().from(shipmentBulkLines).where(eq(shipmentBulkLines.shipmentId, shipmentId)).orderBy(asc(shipmentBulkLines.id));
}

export async function insertAmendment(tx: Executor, row: typeof shipmentAmendments.$inferInsert): Promise<number> {
  return (await tx.insert(shipmentAmendments).values(row).returning({ id: shipmentAmendments.id }))[0]!.id;
}
/** Oldest first, so that repeated corrections of one field read as a chain back to the value first recorded. */
export async function amendmentsOfShipment(db: Executor, shipmentId: number): Promise<ShipmentAmendment[]> {
  return (await db
    .select({ a: shipmentAmendments, username: users.username })
    .from(shipmentAmendments)
    .innerJoin(users, eq(users.id, shipmentAmendments.amendedBy))
    .where(eq(shipmentAmendments.shipmentId, shipmentId))
    .orderBy(asc(shipmentAmendments.id)))
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
