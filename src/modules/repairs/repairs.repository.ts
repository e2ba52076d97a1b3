import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { repairs } from './repairs.table.js';

export type RepairRow = typeof repairs.$inferSelect;

export async function insertRepair(tx: Executor, row: typeof repairs.$inferInsert): Promise<RepairRow> {
  return (await tx.insert(repairs).values(row).returning())[0]!;
}

export async function findRepair(db: Executor, deviceId: number, id: number): Promise<RepairRow | undefined> {
  return (await db.select().from(repairs).where(and(eq(repairs.id, id), eq(repairs.deviceId, deviceId))))[0];
}

export async function openRepairOf(db: Executor, deviceId: number): Promise<RepairRow | undefined> {
  return (await db.select().from(repairs).where(and(eq(repairs.deviceId, deviceId), isNull(repairs.completedAt))).orderBy(desc(repairs.id)))[0];
}

export async function completeRepair(tx: Executor, id: number, patch: Partial<RepairRow>): Promise<RepairRow | undefined> {
  return (await tx.update(repairs).set(patch).where(and(eq(repairs.id, id), isNull(repairs.completedAt))).returning())[0];
}
