import { z } from 'zod';
import { IsoDate } from '../donations/donations.schemas.js';

export const DiversionQuery = z
  .strictObject({
    from: IsoDate,
    to: IsoDate,
    format: z.enum(['json', 'csv', 'pdf']).default('json'),
    /** Communities with fewer reused devices than this are hidden (privacy of small communities). */
    suppressBelow: z.coerce.number().int().min(0).max(100).default(5),
  })
  .refine((q) => q.from <= q.to, { message: 'from is after to', path: ['from'] });

const Bucket = z.object({ units: z.number().int(), grams: z.number().int() });
const Row = z.object({ key: z.string(), units: z.number().int().nullable(), grams: z.number().int().nullable(), suppressed: z.boolean().optional() });

export const DiversionReport = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  totals: z.object({ received: Bucket, reused: Bucket, recycledConfirmed: Bucket, recycledPending: Bucket, diverted: Bucket }),
  byCategory: z.array(Row),
  byMonth: z.array(Row),
  byCommunity: z.array(Row),
  measuredWeightShare: z.number(),
  co2e: z
    .object({
      factorSet: z.object({ name: z.string(), version: z.string(), source: z.string(), verified: z.boolean() }),
      reuseKg: z.number(),
      recyclingKg: z.number(),
      totalKg: z.number(),
      note: z.string(),
    })
    .nullable(),
  methodology: z.string(),
});
export type DiversionReport = z.infer<typeof DiversionReport>;

export const PeriodQuery = z
  .strictObject({ from: IsoDate, to: IsoDate })
  .refine((q) => q.from <= q.to, { message: 'from is after to', path: ['from'] });

export const InventoryReport = z.object({
  byStatus: z.array(z.object({ status: z.string(), units: z.number().int(), grams: z.number().int() })),
  byCategory: z.array(z.object({ category: z.string(), units: z.number().int(), grams: z.number().int() })),
  longestInStatus: z.array(z.object({ assetTag: z.string(), category: z.string(), status: z.string(), since: z.string(), days: z.number().int() })),
});

export const ActivityReport = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  users: z.array(
    z.object({
      username: z.string(),
      displayName: z.string(),
      role: z.string(),
      intakes: z.number().int(),
      sanitizations: z.number().int(),
      repairs: z.number().int(),
      gradings: z.number().int(),
      verificationsDone: z.number().int(),
      ownWipesVerified: z.object({ passed: z.number().int(), failed: z.number().int(), pending: z.number().int() }),
    }),
  ),
});
