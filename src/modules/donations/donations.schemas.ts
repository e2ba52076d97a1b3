import { z } from 'zod';
import { DONOR_TYPES } from './donations.table.js';

export const IsoDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

/**
 * A person at the donor to write to about the donation: personal data of the
 * donor's employee (docs/security.md). A name, and an email or a phone number
 * to reach them by.
 */
export const DonationContact = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    email: z.email({ message: 'must be an email address' }).max(254).optional(),
    phone: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .regex(/^[0-9+()\-. x]+$/, { message: 'must be a phone number (digits, spaces, + - ( ) . x)' })
      .optional(),
  })
  .refine((c) => c.email !== undefined || c.phone !== undefined, { message: 'give an email or a phone number', path: ['email'] });

export const CreateDonationBody = z.strictObject({
  donorName: z.string().trim().min(1).max(200),
  donorType: z.enum(DONOR_TYPES),
  receivedAt: IsoDate,
  notes: z.string().max(2000).optional(),
  /** How many devices the donor announced: the donation's page shows received against it. */
  expectedDevices: z.number().int().min(1).max(100_000).optional(),
  contact: DonationContact.optional(),
});
export type CreateDonationBody = z.infer<typeof CreateDonationBody>;

export const Donation = z.object({
  id: z.number().int(),
  donorName: z.string(),
  donorType: z.enum(DONOR_TYPES),
  receivedAt: z.string(),
  notes: z.string().nullable(),
  /** Devices taken in against the donation so far (received), beside expectedDevices. */
  deviceCount: z.number().int(),
  expectedDevices: z.number().int().nullable(),
  contact: z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
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
