import { z } from 'zod';
import { Device, Specs } from '../devices/devices.schemas.js';
import { GRADES } from './grading.table.js';

export const Checklist = z.strictObject({
  powersOn: z.boolean().optional(),
  screen: z.boolean().optional(),
  keyboard: z.boolean().optional(),
  batteryHealthPercent: z.number().int().min(0).max(100).optional(),
  charger: z.boolean().optional(),
  wifi: z.boolean().optional(),
  webcam: z.boolean().optional(),
  ports: z.boolean().optional(),
});

export const GradeBody = z.strictObject({
  grade: z.enum(GRADES),
  checklist: Checklist.optional(),
  /** The specs the grader confirmed; they replace the device's specs. */
  specs: Specs.optional(),
});
export type GradeBody = z.infer<typeof GradeBody>;

export const Grading = z.object({
  id: z.number().int(),
  assetTag: z.string(),
  grade: z.enum(GRADES),
  checklist: Checklist,
  specs: Specs,
  graderId: z.number().int(),
  gradedAt: z.string(),
});
export const GradeResponse = z.object({ grading: Grading, device: Device });
