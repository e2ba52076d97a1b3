import { z } from 'zod';
import { ListSite } from '../sites/sites.schemas.js';
import { DONOR_TYPES } from './donations.table.js';
import { MAX_ID } from '../../core/pagination.js';

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
  /** The code of the site that took the donation in. */
  site: z.string(),
  donorName: z.string(),
  donorType: z.enum(DONOR_TYPES),
  receivedAt: z.string(),
  notes: z.string().nullable(),
  /** Devices taken in against the donation so far (received), beside expectedDevices. */
  deviceCount: z.number().int(),
  expectedDevices: z.number().int().nullable(),
  contact: z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  createdAt: z.string(),
  /**
   * The donor's asset list (docs/imports.md): devices listed, listed devices received (a device with the serial is
   * linked to this donation) and missing. Null without a list; expectedDevices stays the count the donor announced.
   */
  assetList: z.object({ expected: z.number().int(), received: z.number().int(), missing: z.number().int() }).nullable(),
});
export type Donation = z.infer<typeof Donation>;

export const DonationIdParams = z.strictObject({ id: z.coerce.number().int().positive().max(MAX_ID) });
export const DonationEnvelope = z.object({ donation: Donation });
export const ListDonationsQuery = z.strictObject({
  site: ListSite,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export const DonationList = z.object({ items: z.array(Donation), nextCursor: z.string().nullable() });

export const AssetListQuery = z.strictObject({
  /** true: record the rows that can be, and answer the others as skipped; false (default): a file with any bad row records nothing. */
  skipInvalid: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** The CSV file, read as text by the route's own parser. */
export const AssetListBody = z.string().describe('CSV with a header row: serial number (required), make, model, category, the donor\'s asset tag');

export const AssetListUpload = z.object({
  donation: Donation,
  /** Entries recorded from this file. */
  added: z.number().int(),
  /** Rows not recorded (with skipInvalid=true), by line of the file. */
  skipped: z.array(z.object({ line: z.number().int(), message: z.string() })),
});
export type AssetListUpload = z.infer<typeof AssetListUpload>;

export const AssetListEntry = z.object({
  serialNumber: z.string(),
  category: z.string().nullable(),
  make: z.string().nullable(),
  model: z.string().nullable(),
  donorAssetTag: z.string().nullable(),
  /** The line of the uploaded file. */
  line: z.number().int(),
  /** The asset tag of the device received with this serial on this donation; null while missing. */
  receivedAs: z.string().nullable(),
});
export type AssetListEntry = z.infer<typeof AssetListEntry>;
export const AssetListResponse = z.object({ items: z.array(AssetListEntry) });
