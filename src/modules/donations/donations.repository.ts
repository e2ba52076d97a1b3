import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.js';
import { donations } from './donations.table.js';

export type DonationRow = typeof donations.$inferSelect & { deviceCount: number; listedDevices: number; listedReceived: number };

const columns = {
  id: donations.id,
  donorName: donations.donorName,
  donorType: donations.donorType,
  receivedAt: donations.receivedAt,
  notes: donations.notes,
  expectedDevices: donations.expectedDevices,
  contactName: donations.contactName,
  contactEmail: donations.contactEmail,
  contactPhone: donations.contactPhone,
  createdBy: donations.createdBy,
  createdAt: donations.createdAt,
  siteId: donations.siteId,
  // Qualified by hand: drizzle prints bare column names here, and a bare "id" would mean devices.id.
  deviceCount: sql<number>`(select count(*) from "devices" where "devices"."donation_id" = "donations"."id")`,
  // The donor's asset list (asset-list.repository.ts): entries, and those a device linked to this donation carries the serial of.
  listedDevices: sql<number>`(select count(*) from "donation_expected_devices" e where e."donation_id" = "donations"."id")`,
  listedReceived: sql<number>`(select count(*) from "donation_expected_devices" e join "devices" on "devices"."serial_key" = e."serial_key" and "devices"."donation_id" = e."donation_id" where e."donation_id" = "donations"."id")`,
};

export async function insertDonation(tx: Executor, row: typeof donations.$inferInsert): Promise<number> {
  return (await tx.insert(donations).values(row).returning({ id: donations.id }))[0]!.id;
}

export async function findDonation(db: Executor, id: number): Promise<DonationRow | undefined> {
  return (await db.select(columns).from(donations).where(eq(donations.id, id)))[0];
}

/** `siteId`: one site's donations; null: every site's. */
export async function listDonations(db: Executor, afterId: number, limit: number, siteId: number | null = null): Promise<DonationRow[]> {
  const where = siteId === null ? gt(donations.id, afterId) : and(gt(donations.id, afterId), eq(donations.siteId, siteId));
  return db.select(columns).from(donations).where(where).orderBy(asc(donations.id)).limit(limit);
}
