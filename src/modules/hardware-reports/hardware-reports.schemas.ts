import { z } from 'zod';
import { DEVICE_CATEGORIES } from '../devices/category-weights.js';
import { STORAGE_KINDS } from '../devices/devices.schemas.js';
import { REPORT_FORMATS } from './draft.js';
import { MAX_ID } from '../../core/pagination.js';

export const HardwareReportQuery = z.strictObject({
  /** true: read the report and answer the draft; nothing is written. */
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  assetTag: z.string().trim().min(1).max(20).optional(),
  donationId: z.coerce.number().int().positive().max(MAX_ID).optional(),
});

/** The upload: JSON (lshw, smartctl, a Workbench snapshot) or dmidecode text, read as text by the route's own parser. */
export const HardwareReportBody = z.unknown().describe('lshw -json, smartctl --json (one drive or a list), an eReuse Workbench snapshot, or dmidecode text');

export const HardwareDraft = z.object({
  category: z.enum(DEVICE_CATEGORIES).nullable(),
  make: z.string().nullable(),
  model: z.string().nullable(),
  serialNumber: z.string().nullable(),
  specs: z.object({ cpu: z.string().optional(), ramGb: z.number().optional(), storageGb: z.number().optional() }),
  storage: z.array(z.object({ serialNumber: z.string(), kind: z.enum(STORAGE_KINDS), capacityGb: z.number().int().nullable(), model: z.string().nullable() })),
});
export type HardwareDraft = z.infer<typeof HardwareDraft>;

export const HardwareDraftResponse = z.object({
  /** The tool the report came from. */
  format: z.enum(REPORT_FORMATS),
  draft: HardwareDraft,
  /** What a person should check before intake: placeholders, drives without a serial, what the report does not say. */
  warnings: z.array(z.string()),
});
