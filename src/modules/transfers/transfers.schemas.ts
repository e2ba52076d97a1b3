import { z } from 'zod';
import { DOCUMENT_LOCALES } from '../../core/i18n.js';
import { MAX_ID } from '../../core/pagination.js';
import { Device } from '../devices/devices.schemas.js';
import { ListSite, SiteCode } from '../sites/sites.schemas.js';
import { MAX_BOX, TRANSFER_LINE_STATES, TRANSFER_STATUSES, TRANSFERABLE_STATUSES } from './transfer-states.js';

const Text = (max: number) => z.string().trim().min(1).max(max);
const Tag = z.string().trim().min(1).max(100);
export { MAX_BOX };

const Shipping = { carrier: Text(200).optional(), reference: Text(100).optional() };

export const TransferDeviceBody = z.strictObject({ toSite: SiteCode, ...Shipping });
export type TransferDeviceBody = z.infer<typeof TransferDeviceBody>;
export const CreateTransferBody = z.strictObject({ toSite: SiteCode, assetTags: z.array(Tag).min(1).max(MAX_BOX), ...Shipping });
export type CreateTransferBody = z.infer<typeof CreateTransferBody>;
/** The tags found in the box, scanned in at the receiving site. */
export const ReceiveTransferBody = z.strictObject({ assetTags: z.array(Tag).min(1).max(MAX_BOX) });

export const TransferParams = z.strictObject({ id: z.coerce.number().int().positive().max(MAX_ID) });
export const ListTransfersQuery = z.strictObject({
  status: z.enum(TRANSFER_STATUSES).optional(),
  /** in: to the site; out: from it; both by default. */
  direction: z.enum(['in', 'out']).optional(),
  site: ListSite,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const PackingListQuery = z.strictObject({ lang: z.enum(DOCUMENT_LOCALES).default('en') });

export const TransferLine = z.object({
  assetTag: z.string(),
  category: z.string(),
  make: z.string(),
  model: z.string(),
  /** The status it left with, and returns to. */
  fromStatus: z.enum(TRANSFERABLE_STATUSES),
  state: z.enum(TRANSFER_LINE_STATES),
  settledAt: z.string().nullable(),
});
export const Transfer = z.object({
  id: z.number().int(),
  fromSite: z.string(),
  toSite: z.string(),
  carrier: z.string().nullable(),
  reference: z.string().nullable(),
  status: z.enum(TRANSFER_STATUSES),
  sentAt: z.string(),
  closedAt: z.string().nullable(),
  devices: z.array(TransferLine),
  /** The tags still on their way: after a receipt, the ones not found in the box. */
  missing: z.array(z.string()),
});
export type Transfer = z.infer<typeof Transfer>;
export const TransferEnvelope = z.object({ transfer: Transfer });
export const TransferList = z.object({ items: z.array(Transfer) });
export const DeviceTransferEnvelope = z.object({ device: Device, transfer: Transfer });
