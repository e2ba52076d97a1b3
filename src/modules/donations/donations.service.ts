import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db, type Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { decodeCursor, pageOf } from '../../core/pagination.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import { mapInOrder } from '../../core/in-order.js';
import { listScope, sees, type AskedSite, type SiteViewer } from '../sites/site-scope.js';
import type { Actor } from '../users/users.service.js';
import { findDonation, insertDonation, listDonations, type DonationRow } from './donations.repository.js';
import type { AssetListEntry, AssetListUpload, CreateDonationBody, Donation } from './donations.schemas.js';
import { AssetListFileError, parseAssetList } from './asset-list.csv.js';
import { expectedOf, findExpectedByKey, insertExpected, listedKeys } from './asset-list.repository.js';

function toDonation(row: DonationRow, site: string): Donation {
  return {
    id: row.id,
    site,
    donorName: row.donorName,
    donorType: row.donorType,
    receivedAt: row.receivedAt,
    notes: row.notes,
    deviceCount: row.deviceCount,
    expectedDevices: row.expectedDevices,
    contact: row.contactName === null ? null : { name: row.contactName, email: row.contactEmail, phone: row.contactPhone },
    createdAt: row.createdAt,
    assetList: row.listedDevices === 0 ? null : { expected: row.listedDevices, received: row.listedReceived, missing: row.listedDevices - row.listedReceived },
  };
}

const serialKey = (serial: string) => serial.replace(/\s+/g, '').toUpperCase();

/** `categories`: the device categories an asset list's category column is matched to (wired by the composition root). */
export function createDonationsService(deps: {
  db: Db;
  clock: Clock;
  categories: readonly string[];
  /** The code of a site by id (sites.service.ts codeOf). */
  siteCode: (siteId: number) => Promise<string>;
  /** The site a list's `site=` names (sites.service.ts asked). */
  askedSite: AskedSite;
}) {
  const { db, clock } = deps;

  const answer = async (row: DonationRow): Promise<Donation> => toDonation(row, await deps.siteCode(row.siteId));

  /** A donation the viewer sees: another site's is none (docs/domain.md §8). */
  async function findVisible(executor: Executor, id: number, viewer: SiteViewer): Promise<DonationRow | undefined> {
    const row = await findDonation(executor, id);
    return row && sees(viewer, row.siteId) ? row : undefined;
  }

  async function find(id: number, viewer: SiteViewer): Promise<Donation | undefined> {
    const row = await findVisible(db, id, viewer);
    return row && answer(row);
  }

  return {
    create(actor: Actor, body: CreateDonationBody): Promise<Donation> {
      const at = clock.now().toISOString();
      return writeTransaction(db, async (tx) => {
        const id = await insertDonation(tx, {
          siteId: actor.siteId,
          donorName: body.donorName,
          donorType: body.donorType,
          receivedAt: body.receivedAt,
          notes: body.notes ?? null,
          expectedDevices: body.expectedDevices ?? null,
          contactName: body.contact?.name ?? null,
          contactEmail: body.contact?.email ?? null,
          contactPhone: body.contact?.phone ?? null,
          createdBy: actor.id,
          createdAt: at,
        });
        await appendAuditEvent(tx, {
          entityType: 'donation',
          entityId: String(id),
          action: 'donation.created',
          actorUserId: actor.id,
          at,
          // The contact is a person's data: it stays out of the history (docs/security.md).
          details: { donorType: body.donorType, receivedAt: body.receivedAt, ...(body.expectedDevices ? { expectedDevices: body.expectedDevices } : {}) },
        });
        return answer((await findDonation(tx, id))!);
      });
    },

    find,

    /** The donation a device came from, seen through the device (which the caller sees; it may since have moved site). */
    async ofDevice(id: number): Promise<Donation | undefined> {
      const row = await findDonation(db, id);
      return row && answer(row);
    },

    async get(id: number, viewer: SiteViewer): Promise<Donation> {
      const donation = await find(id, viewer);
      if (!donation) throw new AppError('donations.not_found', `No donation with id ${id}.`);
      return donation;
    },

    /** Inside another module's write transaction (a device's intake or edit): whether the donation it names exists. */
    exists: async (tx: Executor, id: number, viewer: SiteViewer): Promise<boolean> => await findVisible(tx, id, viewer) !== undefined,

    /**
     * A donor's asset list (CSV) added to the donation's expected devices. Rows that cannot be recorded (no serial,
     * an unknown category, a serial already listed in the file or on any donation) are reported by line; nothing is
     * recorded from a file with such rows unless `skipInvalid`, which records the others.
     */
    async uploadAssetList(actor: Actor, donationId: number, body: Buffer, skipInvalid: boolean): Promise<AssetListUpload> {
      const at = clock.now().toISOString();
      if (!await findVisible(db, donationId, actor)) throw new AppError('donations.not_found', `No donation with id ${donationId}.`);
      // Read before the write transaction opens: a large file does not hold the database's write lock while parsed.
      let parsed: ReturnType<typeof parseAssetList>;
      try {
        parsed = parseAssetList(body, deps.categories);
      } catch (err) {
        if (err instanceof AssetListFileError) throw new AppError('donations.asset_list_invalid', err.message);
        throw err;
      }
      return writeTransaction(db, async (tx) => {
        const listed = await listedKeys(tx, parsed.rows.map((r) => serialKey(r.serialNumber)));
        const errors = [...parsed.errors];
        const rows = parsed.rows.filter((r) => {
          const other = listed.get(serialKey(r.serialNumber));
          if (other === undefined) return true;
          errors.push({ line: r.line, message: other === donationId ? `serial number ${r.serialNumber} is already on this donation's list` : `serial number ${r.serialNumber} is already on the list of donation ${other}` });
          return false;
        });
        errors.sort((a, b) => a.line - b.line);
        if (errors.length > 0 && !skipInvalid) {
          throw new AppError('donations.asset_list_invalid', `${errors.length} row(s) cannot be recorded; nothing was recorded. Correct them, or send skipInvalid=true to record the others.`, {
            // Fields named by the file's line, not by a request location.
            errors: errors.slice(0, 200).map((e) => ({ field: `line ${e.line}`, message: e.message })),
            location: null,
          });
        }
        if (rows.length === 0 && errors.length === 0) throw new AppError('donations.asset_list_invalid', 'The list has a header row but no devices.');
        await insertExpected(
          tx,
          rows.map((r) => ({ donationId, serialNumber: r.serialNumber, serialKey: serialKey(r.serialNumber), category: r.category, make: r.make, model: r.model, donorAssetTag: r.donorAssetTag, line: r.line, createdBy: actor.id, createdAt: at })),
        );
        await appendAuditEvent(tx, {
          entityType: 'donation',
          entityId: String(donationId),
          action: 'donation.asset_list',
          actorUserId: actor.id,
          at,
          details: { added: rows.length, skipped: errors.length },
        });
        return { donation: await answer((await findDonation(tx, donationId))!), added: rows.length, skipped: errors.map((e) => ({ line: e.line, message: e.message })) };
      });
    },

    /** The donation's expected devices, each with the asset tag it was received as (null: missing). */
    async assetList(donationId: number, viewer: SiteViewer): Promise<{ items: AssetListEntry[] }> {
      if (!await findVisible(db, donationId, viewer)) throw new AppError('donations.not_found', `No donation with id ${donationId}.`);
      return {
        items: (await expectedOf(db, donationId)).map((r) => ({ serialNumber: r.serialNumber, category: r.category, make: r.make, model: r.model, donorAssetTag: r.donorAssetTag, line: r.line, receivedAs: r.receivedAs })),
      };
    },

    /** Inside a device's intake transaction: the asset list entry of a serial (its key), if any donation lists it. */
    async expectedBySerial(tx: Executor, key: string): Promise<{ donationId: number; category: string | null; make: string | null; model: string | null } | undefined> {
      const row = await findExpectedByKey(tx, key);
      return row && { donationId: row.donationId, category: row.category, make: row.make, model: row.model };
    },

    /** The viewer's site's donations; every site's, or the one named, for admins and program officers. */
    async list(limit: number, cursor: string | undefined, viewer: SiteViewer, site?: string): Promise<{ items: Donation[]; nextCursor: string | null }> {
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const scope = listScope(viewer, await deps.askedSite(site));
      if (scope === 'none') return { items: [], nextCursor: null };
      const { page, nextCursor } = pageOf(await listDonations(db, after, limit + 1, scope), limit, (r) => r.id);
      return { items: await mapInOrder(page, answer), nextCursor };
    },
  };
}

export type DonationsService = ReturnType<typeof createDonationsService>;
