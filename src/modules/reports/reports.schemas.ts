import { z } from 'zod';
import { csvBomQuery } from '../../core/csv.js';
import { IsoDate } from '../donations/donations.schemas.js';
import { DOCUMENT_LOCALES } from '../../core/i18n.js';
import { ListSite } from '../sites/sites.schemas.js';

/**
 * The years a report period may span. A date outside them is a typo (a `to`
 * of 9999-12-31), and answering it with zeros would read as a real, empty
 * report.
 */
export const PERIOD_BOUNDS = { min: '2000-01-01', max: '2100-12-31' } as const;
const PeriodDate = IsoDate.refine((d) => d >= PERIOD_BOUNDS.min && d <= PERIOD_BOUNDS.max, {
  message: `must lie between ${PERIOD_BOUNDS.min} and ${PERIOD_BOUNDS.max}`,
});
/**
 * `site`: a site's code or `all` (docs/domain.md §8). Admins and program officers report on the program by default
 * and on any one site; everyone else on their own site only.
 */
const periodFields = { from: PeriodDate, to: PeriodDate, site: ListSite };
/** The site a report covers: its code, or `all` for the program. */
const ReportSiteField = z.string();
const fromNotAfterTo = (q: { from: string; to: string }) => q.from <= q.to;
const FROM_AFTER_TO = { message: 'from is after to', path: ['from'] };

/**
 * The diversion query for a server whose privacy floor is `minCell`
 * (REPORT_MIN_CELL): a caller may hide more communities, never fewer, so
 * a lower `suppressBelow` is refused rather than quietly raised, and the
 * floor is the default.
 */
export function diversionQuery(minCell: number) {
  return z
    .strictObject({
      ...periodFields,
      format: z.enum(['json', 'csv', 'pdf']).default('json'),
      ...csvBomQuery,
      /** PDF only: the language of the text, names and number formats (French and Inuktitut fall back to English where no reviewed text exists). */
      lang: z.enum(DOCUMENT_LOCALES).default('en'),
      /** PDF only: the name printed in a "prepared by" block with signature and date lines. */
      preparedBy: z.string().trim().min(1).max(100).optional(),
      /** Communities with fewer reused devices than this are hidden (privacy of small communities). */
      suppressBelow: z.coerce
        .number()
        .int()
        .min(minCell, { message: `must be at least ${minCell}, the server's privacy floor` })
        .max(100)
        .default(minCell),
    })
    .refine(fromNotAfterTo, FROM_AFTER_TO);
}

const Bucket = z.object({ units: z.number().int(), grams: z.number().int() });
const Row = z.object({ key: z.string(), units: z.number().int().nullable(), grams: z.number().int().nullable(), suppressed: z.boolean().optional() });

export const DiversionReport = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  site: ReportSiteField,
  totals: z.object({
    received: Bucket,
    reused: Bucket,
    recycledConfirmed: Bucket,
    recycledPending: Bucket,
    diverted: Bucket,
    /** Devices both reused and recycled (confirmed) in the period: inside `diverted` once, listed so the sum of the parts can be reconciled. */
    reusedThenRecycled: Bucket,
  }),
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

export const PeriodQuery = z.strictObject(periodFields).refine(fromNotAfterTo, FROM_AFTER_TO);
export const InventoryQuery = z.strictObject({ site: ListSite });

export const InventoryReport = z.object({
  site: ReportSiteField,
  byStatus: z.array(z.object({ status: z.string(), units: z.number().int(), grams: z.number().int() })),
  byCategory: z.array(z.object({ category: z.string(), units: z.number().int(), grams: z.number().int() })),
  longestInStatus: z.array(z.object({ assetTag: z.string(), category: z.string(), status: z.string(), since: z.string(), days: z.number().int() })),
});

export const ActivityReport = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  site: ReportSiteField,
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
