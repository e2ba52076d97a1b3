import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { donationExpectedDevices } from './asset-list.table.js';

export type ExpectedRow = typeof donationExpectedDevices.$inferSelect;

// Raw SQL for the devices table: this module's files import no devices file (devices depend on donations).
const receivedAs = sql<string | null>`(select "devices"."asset_tag" from "devices" where "devices"."serial_key" = "donation_expected_devices"."serial_key" and "devices"."donation_id" = "donation_expected_devices"."donation_id")`;

export function insertExpected(tx: Executor, rows: Array<typeof donationExpectedDevices.$inferInsert>): void {
  for (let i = 0; i < rows.length; i += 500) tx.insert(donationExpectedDevices).values(rows.slice(i, i + 500)).run();
}

/** The serial keys among `keys` that some list already holds, and the donation that holds each. */
export function listedKeys(tx: Executor, keys: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = tx
      .select({ key: donationExpectedDevices.serialKey, donationId: donationExpectedDevices.donationId })
      .from(donationExpectedDevices)
      .where(inArray(donationExpectedDevices.serialKey, keys.slice(i, i + 500)))
      .all();
    for (const r of rows) out.set(r.key, r.donationId);
  }
  return out;
}

export function findExpectedByKey(tx: Executor, key: string): ExpectedRow | undefined {
  return tx.select().from(donationExpectedDevices).where(eq(donationExpectedDevices.serialKey, key)).get();
}

export function expectedOf(db: Executor, donationId: number): Array<ExpectedRow & { receivedAs: string | null }> {
  return db
    .select({ row: donationExpectedDevices, receivedAs })
    .from(donationExpectedDevices)
    .where(eq(donationExpectedDevices.donationId, donationId))
    .orderBy(asc(donationExpectedDevices.id))
    .all()
    .map((r) => ({ ...r.row, receivedAs: r.receivedAs }));
}

/** Expected and received counts of a donation's list. */
export function expectedCounts(db: Executor, donationId: number): { expected: number; received: number } {
  const row = db
    .select({ expected: sql<number>`count(*)`, received: sql<number>`count(${receivedAs})` })
    .from(donationExpectedDevices)
    .where(and(eq(donationExpectedDevices.donationId, donationId)))
    .get();
  return { expected: row?.expected ?? 0, received: row?.received ?? 0 };
}
