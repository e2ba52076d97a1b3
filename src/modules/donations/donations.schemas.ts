import { z } from 'zod';
import { DONOR_TYPES } from './donations.table.js';

export const IsoDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const CreateDonationBody = z.strictObject({
  donorName: z.string().trim().min(1).max(200),
  donorType: z.enum(DONOR_TYPES),
  receivedAt: IsoDate,
  notes: z.string().max(2000).optional(),
});
export type CreateDonationBody = z.infer<typeof CreateDonationBody>;

export const Donation = z.object({
  id: z.number().int(),
  donorName: z.string(),
  donorType: z.enum(DONOR_TYPES),
  receivedAt: z.string(),
  notes: z.string().nullable(),
  deviceCount: z.number().int(),
  createdAt: z.string(),
});
export type Donation = z.infer<typeof Donation>;

export const DonationIdParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const DonationEnvelope = z.object({ donation: Donation });
export const ListDonationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export const DonationList = z.object({ items: z.array(Donation), nextCursor: z.string().nullable() });
