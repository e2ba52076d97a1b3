import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { donationExpectedDevices } from './asset-list.table.js';

export type ExpectedRow = typeof donationExpectedDevices.$inferSelect;

// Raw SQL for the devices table: this module's files import no devices file (devices depend on donations).
const receivedAs = sql<string | null>`(select "devices"."asset_tag" from "devices" where "devices"."serial_key" = "donation_expected_devices"."serial_key" and "devices"."donation_id" = "donation_expected_devices"."donation_id")`;

export async function insertExpected(tx: Executor, rows: Array<typeof donationExpectedDevices.$inferInsert>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await tx.insert(donationExpectedDevices).values(rows.slice(i, i + 500));
}

/** The serial keys among `keys` that some list already holds, and the donation that holds each. */
export async function listedKeys(tx: Executor, keys: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await tx
      .select({ key: donationExpectedDevices.serialKey, donationId: donationExpectedDevices.donationId })
      .from(donationExpectedDevices)
      .where(inArray(donationExpectedDevices.serialKey, keys.slice(i, i + 500)));
    for (const r of rows) out.set(r.key, r.donationId);
  }
  return out;
}

export async function findExpectedByKey(tx: Executor, key: string): Promise<ExpectedRow | undefined> {
  return (await tx.select().from(donationExpectedDevices).where(eq(donationExpectedDevices.serialKey, key)))[0];
}

export async function expectedOf(db: Executor, donationId: number): Promise<Array<ExpectedRow & { receivedAs: string | null }>> {
  return (await db
    .select({ row: donationExpectedDevices, receivedAs })
    .from(donationExpectedDevices)
    .where(eq(donationExpectedDevices.donationId, donationId))
    .orderBy(asc(donationExpectedDevices.id)))
    .map((r) => ({ ...r.row, receivedAs: r.receivedAs }));
}

/** Expected and received counts of a donation's list. */
export async function expectedCounts(db: Executor, donationId: number): Promise<{ expected: number; received: number }> {
  const row = (await db
    .select({ expected: sql<number>`count(*)`, received: sql<number>`count(${receivedAs})` })
    .from(donationExpectedDevices)
    .where(and(eq(donationExpectedDevices.donationId, donationId))))[0];
  return { expected: row?.expected ?? 0, received: row?.received ?? 0 };
}
