import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { repairs } from './repairs.table.js';

export type RepairRow = typeof repairs.$inferSelect;

export function insertRepair(tx: Executor, row: typeof repairs.$inferInsert): RepairRow {
  return tx.insert(repairs).values(row).returning().get();
}

export function findRepair(db: Executor, deviceId: number, id: number): RepairRow | undefined {
  return db.select().from(repairs).where(and(eq(repairs.id, id), eq(repairs.deviceId, deviceId))).get();
}

export function openRepairOf(db: Executor, deviceId: number): RepairRow | undefined {
  return db.select().from(repairs).where(and(eq(repairs.deviceId, deviceId), isNull(repairs.completedAt))).orderBy(desc(repairs.id)).get();
}

export function completeRepair(tx: Executor, id: number, patch: Partial<RepairRow>): RepairRow | undefined {
  return tx.update(repairs).set(patch).where(and(eq(repairs.id, id), isNull(repairs.completedAt))).returning().get();
}
