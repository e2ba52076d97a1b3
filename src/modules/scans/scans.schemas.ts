import { z } from 'zod';
import { ListSite } from '../sites/sites.schemas.js';
import { Device } from '../devices/devices.schemas.js';
import { DEVICE_ACTIONS } from '../devices/device-lifecycle.js';

export const ScanBody = z.strictObject({
  code: z.string().trim().min(1).max(500),
  station: z.string().trim().min(1).max(100).optional(),
  clientTime: z.iso.datetime({ offset: true }).optional(),
});
export type ScanBody = z.infer<typeof ScanBody>;

export const ScanResponse = z.object({
  device: Device,
  allowedActions: z.array(z.enum(DEVICE_ACTIONS)),
  duplicate: z.boolean(),
  scanId: z.number().int(),
  /** clientTime was more than a year from the server's time: it was kept, flagged as not to be trusted. */
  clientTimeSuspect: z.boolean(),
});

export const UnknownScansQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  /** The codes scanned by a site's people (docs/domain.md §8). */
  site: ListSite,
});
export const UnknownCode = z.object({
  code: z.string(),
  count: z.number().int(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  stations: z.array(z.string()),
});
export const UnknownScanList = z.object({ items: z.array(UnknownCode), nextCursor: z.string().nullable() });
