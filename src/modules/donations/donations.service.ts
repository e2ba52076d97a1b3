import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db, type Executor } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { decodeCursor, pageOf } from '../../core/pagination.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import type { Actor } from '../users/users.service.js';
import { findDonation, insertDonation, listDonations, type DonationRow } from './donations.repository.js';
import type { CreateDonationBody, Donation } from './donations.schemas.js';

function toDonation(row: DonationRow): Donation {
  return {
    id: row.id,
    donorName: row.donorName,
    donorType: row.donorType,
    receivedAt: row.receivedAt,
    notes: row.notes,
    deviceCount: row.deviceCount,
    expectedDevices: row.expectedDevices,
    contact: row.contactName === null ? null : { name: row.contactName, email: row.contactEmail, phone: row.contactPhone },
    createdAt: row.createdAt,
  };
}

export function createDonationsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  function find(id: number): Donation | undefined {
    const row = findDonation(db, id);
    return row && toDonation(row);
  }

  return {
    create(actor: Actor, body: CreateDonationBody): Donation {
      const at = clock.now().toISOString();
      return writeTransaction(db, (tx) => {
        const id = insertDonation(tx, {
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
        appendAuditEvent(tx, {
          entityType: 'donation',
          entityId: String(id),
          action: 'donation.created',
          actorUserId: actor.id,
          at,
          // The contact is a person's data: it stays out of the history (docs/security.md).
          details: { donorType: body.donorType, receivedAt: body.receivedAt, ...(body.expectedDevices ? { expectedDevices: body.expectedDevices } : {}) },
        });
        return toDonation(findDonation(tx, id)!);
      });
    },

    find,

    get(id: number): Donation {
      const donation = find(id);
      if (!donation) throw new AppError('donations.not_found', `No donation with id ${id}.`);
      return donation;
    },

    /** Inside another module's write transaction (a device's intake or edit): whether the donation it names exists. */
    exists: (tx: Executor, id: number): boolean => findDonation(tx, id) !== undefined,

    list(limit: number, cursor: string | undefined): { items: Donation[]; nextCursor: string | null } {
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const { page, nextCursor } = pageOf(listDonations(db, after, limit + 1), limit, (r) => r.id);
      return { items: page.map(toDonation), nextCursor };
    },
  };
}

export type DonationsService = ReturnType<typeof createDonationsService>;
