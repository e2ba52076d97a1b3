/**
 * The Reports page's logic, without the DOM: which period a picker shows
 * first, how a period's label is filled in, the report paths for a period,
 * and the diversion totals as table rows. Tested in Node
 * (test/client/reports.test.ts).
 */
import { fileNameOf } from './api.js';
import { formatDate, intlLocale, type Lang } from './format.js';
import { periodContaining, previousPeriod, type Period } from './periods.js';

/** The reports the API serves, in the order the page offers their downloads. */
export type Download = { report: 'diversion'; format: 'pdf' | 'csv' | 'json' } | { report: 'activity' | 'inventory'; format: 'json' };

export const DOWNLOADS: readonly Download[] = [
  { report: 'diversion', format: 'pdf' },
  { report: 'diversion', format: 'csv' },
  { report: 'diversion', format: 'json' },
  { report: 'activity', format: 'json' },
  { report: 'inventory', format: 'json' },
];

/**
 * The period the page opens on: the last complete fiscal year (April to
 * March), because that is what a funder's annual report covers and its
 * figures no longer move. The current year is one choice away.
 */
export function defaultPeriod(today: string): Period {
  return previousPeriod('fiscalYear', today);
}

/**
 * The path (under /api/v1) of a report for a period. The inventory is a
 * snapshot of now: it takes no period. The diversion PDF is written in
 * `lang` (the page's language) when given. `site`: one site's code (docs/domain.md
 * §8); without it the server reports on what the caller sees by default (the
 * program for admins and program officers, their own site for everyone else).
 */
export function reportPath(d: Download, period: Pick<Period, 'from' | 'to'>, lang?: Lang, site?: string): string {
  if (d.report === 'inventory') return site ? `/reports/inventory?${new URLSearchParams({ site }).toString()}` : '/reports/inventory';
  const q = new URLSearchParams({ from: period.from, to: period.to });
  if (site) q.set('site', site);
  if (d.report === 'diversion' && d.format !== 'json') q.set('format', d.format);
  // The documents have no pseudo-locale: an en-XA page asks for the English PDF (the server's default).
  if (d.report === 'diversion' && d.format === 'pdf' && lang && lang !== 'en' && lang !== 'en-XA') q.set('lang', lang);
  return `/reports/${d.report}?${q.toString()}`;
}

/** The file name a download is saved under: the server's (Content-Disposition) when it names one, else one made of the report and period. */
export function downloadName(d: Download, period: Pick<Period, 'from' | 'to'>, disposition: string | null): string {
  return fileNameOf(disposition, d.report === 'inventory' ? 'inventory.json' : `${d.report}-${period.from}-to-${period.to}.${d.format}`);
}

/**
 * A label's params as the locale files use them: `{end}` of a fiscal year
 * written with two digits ("2025–26"), a month's number as its name, and a
 * custom period's dates as dates of the language.
 */
export function labelParams(period: Period, lang: Lang): Record<string, string | number> {
  const p: Record<string, string | number> = { ...period.params };
  if (typeof p['end'] === 'number') p['end'] = String(p['end'] % 100).padStart(2, '0');
  if (typeof p['month'] === 'number' && typeof p['year'] === 'number') {
    p['month'] = new Intl.DateTimeFormat(intlLocale(lang), { month: 'long', timeZone: 'UTC' }).format(Date.UTC(p['year'], p['month'] - 1, 1));
  }
  if (period.kind === 'custom') Object.assign(p, { from: formatDate(lang, period.from), to: formatDate(lang, period.to) });
  return p;
}

export interface Bucket {
  units: number;
  grams: number;
}

export type TotalKey = 'received' | 'reused' | 'recycledConfirmed' | 'recycledPending' | 'reusedThenRecycled' | 'diverted';

/** The totals of GET /reports/diversion (reports.schemas.ts), the part the page shows. */
export interface DiversionTotals {
  period: { from: string; to: string };
  /** The site reported on (its code), or `all` for the program (docs/domain.md §8). */
  site: string;
  totals: Record<TotalKey, Bucket>;
  byMonth: Array<{ key: string; units: number | null; grams: number | null }>;
  byCategory: Array<{ key: string; units: number | null; grams: number | null }>;
  byCommunity: Array<{ key: string; units: number | null; grams: number | null; suppressed?: boolean }>;
  measuredWeightShare: number;
}

/**
 * The totals in reading order: reused and confirmed recycling, minus the
 * devices counted in both (counted once), make the diverted total; the
 * received and pending lines sit outside that sum.
 */
export const TOTAL_ROWS: ReadonlyArray<{ key: TotalKey; sign: '' | '+' | '−' | '=' }> = [
  { key: 'reused', sign: '' },
  { key: 'recycledConfirmed', sign: '+' },
  { key: 'reusedThenRecycled', sign: '−' },
  { key: 'diverted', sign: '=' },
  { key: 'recycledPending', sign: '' },
  { key: 'received', sign: '' },
];

/** Whether the totals add up as the page presents them (reused + recycled − both = diverted). */
export function reconciles(t: Record<TotalKey, Bucket>): boolean {
  const add = (f: keyof Bucket) => t.reused[f] + t.recycledConfirmed[f] - t.reusedThenRecycled[f] === t.diverted[f];
  return add('units') && add('grams');
}

/** Bars for a chart of the diverted weight by month: each month's share of the largest, 0 to 1. */
export function barShares(rows: ReadonlyArray<{ key: string; grams: number | null }>): Array<{ key: string; grams: number; share: number }> {
  const max = Math.max(0, ...rows.map((r) => r.grams ?? 0));
  return rows.map((r) => ({ key: r.key, grams: r.grams ?? 0, share: max > 0 ? (r.grams ?? 0) / max : 0 }));
}

/** A `byMonth` key (`YYYY-MM`) as the month period it names, for its label; null for anything else. */
export function monthOf(key: string): Period | null {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(key) ? periodContaining('month', `${key}-01`) : null;
}
