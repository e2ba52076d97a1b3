import { z } from 'zod';
import { ListSite } from '../sites/sites.schemas.js';
import type { RouteContract } from '../../core/http/contract.js';
import { DEVICE_CATEGORIES } from './category-weights.js';
import { DEVICE_ACTIONS, DEVICE_FLAGS, DEVICE_STATUSES } from './device-lifecycle.js';
import { GRADES, STORAGE_KINDS, WEIGHT_SOURCES } from './devices.table.js';
import { csvBomQuery } from '../../core/csv.js';
import { compiledResponse } from '../../core/http/compiled-serializer.js';
import { MAX_ID } from '../../core/pagination.js';

const Text = (max: number) => z.string().trim().min(1).max(max);
export const SerialNumber = Text(100);

export const Specs = z.strictObject({
  cpu: Text(200).optional(),
  ramGb: z.number().min(0).max(4096).optional(),
  storageGb: z.number().int().min(0).max(1_000_000).optional(),
  screenInches: z.number().min(0).max(200).optional(),
  os: Text(100).optional(),
});

export const StorageDriveInput = z.strictObject({
  serialNumber: SerialNumber,
  kind: z.enum(STORAGE_KINDS),
  capacityGb: z.number().int().min(0).max(1_000_000).optional(),
  model: Text(200).optional(),
});

export const IntakeDeviceBody = z
  .strictObject({
    category: z.enum(DEVICE_CATEGORIES),
    make: Text(100),
    model: Text(100),
    serialNumber: SerialNumber,
    assetTag: z.string().trim().min(1).max(20).optional(),
    donationId: z.number().int().positive().max(MAX_ID).optional(),
    weightGrams: z.number().int().min(1).max(1_000_000).optional(),
    storage: z.array(StorageDriveInput).max(32),
    specs: Specs.optional(),
    location: Text(200).optional(),
    notes: z.string().max(4000).optional(),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.storage.forEach((d, i) => {
      const key = d.serialNumber.replace(/\s+/g, '').toUpperCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['storage', i, 'serialNumber'], message: 'drive serial number listed twice' });
      seen.add(key);
    });
  });
export type IntakeDeviceBody = z.infer<typeof IntakeDeviceBody>;
/** An intake as a hardware report gives it: category, make and model may be missing, for a donor's asset list to fill. */
export type IntakeInput = Omit<IntakeDeviceBody, 'category' | 'make' | 'model'> & Partial<Pick<IntakeDeviceBody, 'category' | 'make' | 'model'>>;
export { STORAGE_KINDS };

export const UpdateDeviceBody = z
  .strictObject({
    category: z.enum(DEVICE_CATEGORIES).optional(),
    make: Text(100).optional(),
    model: Text(100).optional(),
    serialNumber: SerialNumber.optional(),
    donationId: z.number().int().positive().max(MAX_ID).nullable().optional(),
    weightGrams: z.number().int().min(1).max(1_000_000).optional(),
    specs: Specs.optional(),
    location: Text(200).nullable().optional(),
    notes: z.string().max(4000).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateDeviceBody = z.infer<typeof UpdateDeviceBody>;

export const DeviceParams = z.strictObject({ tag: z.string().min(1).max(100) });

/** The orders a device list can be read in: intake (oldest or newest first) or asset tag. Both keys never change, so a cursor walk stays exact. */
export const DEVICE_SORTS = ['intake', '-intake', 'assetTag', '-assetTag'] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];

/** What a route on one device can answer besides its own errors: a tag with a wrong check character, or no such device. */
export const DEVICE_LOOKUP_ERRORS = ['devices.invalid_asset_tag', 'devices.not_found'] as const;

/**
 * A lifecycle action on one device (docs/domain.md §2): the device looked up, the action refused in
 * its status, an optional If-Match checked; the device answered with its ETag.
 */
export const DEVICE_ACTION = {
  ifMatch: 'optional',
  etag: true,
  errors: [...DEVICE_LOOKUP_ERRORS, 'devices.invalid_transition', 'devices.version_mismatch'],
} as const satisfies RouteContract;

export const ListDevicesQuery = z.strictObject({
  status: z.enum(DEVICE_STATUSES).optional(),
  category: z.enum(DEVICE_CATEGORIES).optional(),
  grade: z.enum(GRADES).optional(),
  flag: z.enum(DEVICE_FLAGS).optional(),
  donationId: z.coerce.number().int().positive().max(MAX_ID).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  site: ListSite,
  /** intake (default): oldest first; -intake: newest first; assetTag / -assetTag: by tag. The CSV follows it too. */
  sort: z.enum(DEVICE_SORTS).default('intake'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  /** csv: every matching device (limit and cursor do not apply), streamed. */
  format: z.enum(['json', 'csv']).default('json'),
  ...csvBomQuery,
});
export type ListDevicesQuery = z.infer<typeof ListDevicesQuery>;

export const SANITIZATION_STATES = ['pending', 'passed', 'failed', 'failed_check'] as const;

export const StorageDrive = z.object({
  serialNumber: z.string(),
  kind: z.enum(STORAGE_KINDS),
  capacityGb: z.number().nullable(),
  model: z.string().nullable(),
  registeredAt: z.string(),
  /**
   * pending: no record in the current custody cycle; passed: a passing record in this cycle that no failed
   * second-person check voided; failed: records, none passing; failed_check: passing records, voided by a failed check.
   */
  sanitizationState: z.enum(SANITIZATION_STATES),
  lastSanitizationAt: z.string().nullable(),
  /** The second-person check of the passing record, when it was drawn for one. */
  verification: z.enum(['pending', 'passed', 'failed']).nullable(),
});

export const Device = z.object({
  assetTag: z.string(),
  /** The code of the site that holds the device (GET /sites). */
  site: z.string(),
  category: z.enum(DEVICE_CATEGORIES),
  make: z.string(),
  model: z.string(),
  serialNumber: z.string(),
  status: z.enum(DEVICE_STATUSES),
  /** recall: issued, but a second-person check failed on a drive since; it must be returned and wiped again. */
  flags: z.array(z.enum(DEVICE_FLAGS)),
  /** The current grade; null until graded in this custody cycle. */
  grade: z.enum(GRADES).nullable(),
  gradedAt: z.string().nullable(),
  weightGrams: z.number().int(),
  weightSource: z.enum(WEIGHT_SOURCES),
  specs: z.object({
    cpu: z.string().optional(),
    ramGb: z.number().optional(),
    storageGb: z.number().optional(),
    screenInches: z.number().optional(),
    os: z.string().optional(),
  }),
  donationId: z.number().int().nullable(),
  location: z.string().nullable(),
  notes: z.string().nullable(),
  storage: z.array(StorageDrive),
  noStorageConfirmed: z.boolean(),
  sanitized: z.boolean(),
  custodyCycle: z.number().int(),
  allowedActions: z.array(z.enum(DEVICE_ACTIONS)),
  version: z.number().int(),
  statusChangedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Device = z.infer<typeof Device>;

// Built by the service from typed rows on the hottest routes: serialized by a compiled serializer (core/http/compiled-serializer.ts).
export const DeviceEnvelope = compiledResponse(z.object({ device: Device }));
export const DeviceList = compiledResponse(z.object({ items: z.array(Device), nextCursor: z.string().nullable() }));

export const HistoryEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  actor: z.object({ id: z.number().int(), username: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const HistoryResponse = z.object({ assetTag: z.string(), events: z.array(HistoryEvent) });
