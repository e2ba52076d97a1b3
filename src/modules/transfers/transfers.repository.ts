import { and, asc, desc, eq, inArray, or } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { devices } from '../devices/devices.table.js';
import { transferDevices, transfers } from './transfers.table.js';

export type TransferRow = typeof transfers.$inferSelect;
export type TransferLineRow = typeof transferDevices.$inferSelect;
/** A line with the tag and weight of its device: what a packing list and an answer show. */
export type TransferLine = TransferLineRow & { assetTag: string; category: string; make: string; model: string };

export const insertTransfer = async (tx: Executor, row: typeof transfers.$inferInsert): Promise<TransferRow> => (await tx.insert(transfers).values(row).returning())[0]!;
export const findTransfer = async (db: Executor, id: number): Promise<TransferRow | undefined> => (await db.select().from(transfers).where(eq(transfers.id, id)))[0];

export async function insertTransferLines(tx: Executor, rows: Array<typeof transferDevices.$inferInsert>): Promise<void> {
  if (rows.length > 0) await tx.insert(transferDevices).values(rows);
}

/** Every line of a transfer with its device's tag, in the order the devices were packed. */
export async function linesOfTransfer(db: Executor, transferId: number): Promise<TransferLine[]> {
  return (await linesOfTransfers(db, [transferId])).get(transferId) ?? [];
}

/** The line that holds a device in transit, if it is on its way. */
export async function openLineOfDevice(db: Executor, deviceId: number): Promise<TransferLineRow | undefined> {
  return (await db.select().from(transferDevices).where(and(eq(transferDevices.deviceId, deviceId), eq(transferDevices.state, 'in_transit'))))[0];
}

/** Settles a line still in transit; false when another request settled it first. */
export async function settleLine(tx: Executor, lineId: number, state: 'received' | 'cancelled' | 'written_off', by: number, at: string): Promise<boolean> {
  const rows = await tx
    .update(transferDevices)
    .set({ state, settledBy: by, settledAt: at })
    .where(and(eq(transferDevices.id, lineId), eq(transferDevices.state, 'in_transit')))
    .returning({ id: transferDevices.id });
  return rows.length === 1;
}

/** Closes a transfer none of whose devices is still in transit. */
export async function closeIfSettled(tx: Executor, transferId: number, at: string): Promise<void> {
  const open = await tx.select({ id: transferDevices.id }).from(transferDevices).where(and(eq(transferDevices.transferId, transferId), eq(transferDevices.state, 'in_transit'))).limit(1);
  if (open.length === 0) await tx.update(transfers).set({ status: 'closed', closedAt: at }).where(and(eq(transfers.id, transferId), eq(transfers.status, 'open')));
}

/** Transfers into or out of a site (every site's for null), newest first. */
export async function listTransfers(db: Executor, siteId: number | null, status: TransferRow['status'] | undefined, direction: 'in' | 'out' | undefined, limit: number): Promise<TransferRow[]> {
  const side = siteId === null ? undefined : direction === 'in' ? eq(transfers.toSiteId, siteId) : direction === 'out' ? eq(transfers.fromSiteId, siteId) : or(eq(transfers.toSiteId, siteId), eq(transfers.fromSiteId, siteId));
  return db
    .select()
    .from(transfers)
    .where(and(side, status ? eq(transfers.status, status) : undefined))
    .orderBy(desc(transfers.id))
    .limit(limit);
}

/** The devices of several transfers' lines in one read (a list of transfers). */
export async function linesOfTransfers(db: Executor, ids: number[]): Promise<Map<number, TransferLine[]>> {
  const byTransfer = new Map<number, TransferLine[]>();
  if (ids.length === 0) return byTransfer;
  const rows = await db
    .select({ line: transferDevices, assetTag: devices.assetTag, category: devices.category, make: devices.make, model: devices.model })
    .from(transferDevices)
    .innerJoin(devices, eq(devices.id, transferDevices.deviceId))
    .where(inArray(transferDevices.transferId, ids))
    .orderBy(asc(transferDevices.id));
  for (const r of rows) {
    const line = { ...r.line, assetTag: r.assetTag, category: r.category, make: r.make, model: r.model };
    const list = byTransfer.get(line.transferId);
    if (list) list.push(line);
    else byTransfer.set(line.transferId, [line]);
  }
  return byTransfer;
}
