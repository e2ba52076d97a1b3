import { z } from 'zod';
import { Device } from '../devices/devices.schemas.js';
import { REPAIR_OUTCOMES } from './repairs.table.js';
import { MAX_ID } from '../../core/pagination.js';

export const PartUsedInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  quantity: z.number().int().min(1).max(1000),
  sourceAssetTag: z.string().trim().min(1).max(20).optional(),
});

export const OpenRepairBody = z.strictObject({
  description: z.string().trim().min(1).max(2000),
  partsUsed: z.array(PartUsedInput).max(50).optional(),
  minutes: z.number().int().min(0).max(100_000).optional(),
});
export type OpenRepairBody = z.infer<typeof OpenRepairBody>;

export const CompleteRepairBody = z.strictObject({
  outcome: z.enum(REPAIR_OUTCOMES),
  partsUsed: z.array(PartUsedInput).max(50).optional(),
  minutes: z.number().int().min(0).max(100_000).optional(),
  notes: z.string().max(2000).optional(),
});
export type CompleteRepairBody = z.infer<typeof CompleteRepairBody>;

/** One entry of time spent, at opening or at completion; entries are kept apart, never merged. */
export const RepairTimeEntry = z.object({
  stage: z.enum(['open', 'complete']),
  minutes: z.number().int(),
  by: z.number().int(),
  at: z.string(),
});
export type RepairTimeEntry = z.infer<typeof RepairTimeEntry>;

export const Repair = z.object({
  id: z.number().int(),
  assetTag: z.string(),
  description: z.string(),
  partsUsed: z.array(z.object({ name: z.string(), quantity: z.number().int(), sourceAssetTag: z.string().optional() })),
  /** The sum of timeEntries, null when none was given. */
  minutes: z.number().int().nullable(),
  timeEntries: z.array(RepairTimeEntry),
  outcome: z.enum(REPAIR_OUTCOMES).nullable(),
  notes: z.string().nullable(),
  openedBy: z.number().int(),
  openedAt: z.string(),
  completedBy: z.number().int().nullable(),
  completedAt: z.string().nullable(),
});
export type Repair = z.infer<typeof Repair>;

export const RepairParams = z.strictObject({ tag: z.string().min(1).max(100), id: z.coerce.number().int().positive().max(MAX_ID) });
export const RepairResponse = z.object({ repair: Repair, device: Device });
