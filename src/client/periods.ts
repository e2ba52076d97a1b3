/**
 * Report periods for the diversion, inventory and activity reports
 * (GET /api/v1/reports/...?from=YYYY-MM-DD&to=YYYY-MM-DD, both inclusive).
 *
 * Every date here is a calendar date as a `YYYY-MM-DD` string, never a
 * `Date`: "today" is the caller's (the workshop's calendar date in
 * America/Iqaluit, `workshopToday()` in format.ts), so nothing in this file
 * depends on the machine's time zone. Labels are not text but an i18n key
 * with its params; the words live in the locale files.
 */

/**
 * The years the server accepts (PERIOD_BOUNDS in
 * src/modules/reports/reports.schemas.ts). Repeated rather than imported, so
 * the browser bundle does not pull in zod; test/client/periods.test.ts
 * checks the two agree.
 */
export const PERIOD_BOUNDS = { min: '2000-01-01', max: '2100-12-31' } as const;

export const PERIOD_KINDS = ['calendarYear', 'fiscalYear', 'calendarQuarter', 'fiscalQuarter', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  kind: PeriodKind | 'custom';
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
  /** i18n key of the label, e.g. `period.fiscalYear`. */
  key: string;
  /** The label's params, e.g. `{ start: 2025, end: 2026 }` for "2025–26". */
  params: Record<string, number | string>;
}

/**
 * A preset is a run of whole months: its length and the month (0 = January)
 * its first period of a year starts on. Canada's federal fiscal year, which
 * the Government of Nunavut follows, runs April 1 to March 31; its quarters
 * start in April, July, October and January.
 */
const SHAPES: Record<PeriodKind, { months: number; anchor: number }> = {
  calendarYear: { months: 12, anchor: 0 },
  fiscalYear: { months: 12, anchor: 3 },
  calendarQuarter: { months: 3, anchor: 0 },
  fiscalQuarter: { months: 3, anchor: 3 },
  month: { months: 1, anchor: 0 },
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

/** Whether `s` is a real calendar date written `YYYY-MM-DD` (the server's `z.iso.date()`). */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function monthIndex(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date YYYY-MM-DD: ${date}`);
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function firstDay(index: number): string {
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1, 2)}-01`;
}

function lastDay(index: number): string {
  const year = Math.floor(index / 12);
  const month1 = (index % 12) + 1;
  return `${pad(year, 4)}-${pad(month1, 2)}-${pad(daysInMonth(year, month1), 2)}`;
}

function label(kind: PeriodKind, start: number): Pick<Period, 'key' | 'params'> {
  const year = Math.floor(start / 12);
  const fiscalStart = Math.floor((start - 3) / 12);
  switch (kind) {
    case 'calendarYear':
      return { key: 'period.calendarYear', params: { year } };
    case 'fiscalYear':
      return { key: 'period.fiscalYear', params: { start: fiscalStart, end: fiscalStart + 1 } };
    case 'calendarQuarter':
      return { key: 'period.calendarQuarter', params: { year, quarter: Math.floor((start % 12) / 3) + 1 } };
    case 'fiscalQuarter':
      return {
        key: 'period.fiscalQuarter',
        params: { start: fiscalStart, end: fiscalStart + 1, quarter: Math.floor((start - 3 - fiscalStart * 12) / 3) + 1 },
      };
    case 'month':
      return { key: 'period.month', params: { year, month: (start % 12) + 1 } };
  }
}

function periodStarting(kind: PeriodKind, start: number): Period {
  return { kind, from: firstDay(start), to: lastDay(start + SHAPES[kind].months - 1), ...label(kind, start) };
}

function startOf(kind: PeriodKind, date: string): number {
  const { months, anchor } = SHAPES[kind];
  return Math.floor((monthIndex(date) - anchor) / months) * months + anchor;
}

/** The period of `kind` that `date` lies in. Throws a RangeError for a malformed date. */
export function periodContaining(kind: PeriodKind, date: string): Period {
  return periodStarting(kind, startOf(kind, date));
}

/** The period `n` periods after the one containing `date` (`n` < 0: before it). */
export function shiftPeriod(kind: PeriodKind, date: string, n: number): Period {
  return periodStarting(kind, startOf(kind, date) + n * SHAPES[kind].months);
}

/** The period under way on `today` (it ends after today unless today is its last day). */
export function currentPeriod(kind: PeriodKind, today: string): Period {
  return periodContaining(kind, today);
}

/** The last complete period before `today`'s: what a funder's report usually covers. */
export function previousPeriod(kind: PeriodKind, today: string): Period {
  return shiftPeriod(kind, today, -1);
}

/**
 * The last `count` periods, newest first, the current one included, for a
 * picker. Periods that start before the server's earliest date are left out.
 */
export function periodsFor(kind: PeriodKind, today: string, count: number): Period[] {
  const out: Period[] = [];
  for (let i = 0; i < count; i++) {
    const period = shiftPeriod(kind, today, -i);
    if (period.from < PERIOD_BOUNDS.min) break;
    out.push(period);
  }
  return out;
}

export type CustomPeriodError = { field: 'from' | 'to'; code: 'invalid_date' | 'out_of_range' | 'from_after_to' };
export type CustomPeriodResult = { ok: true; period: Period } | { ok: false; errors: CustomPeriodError[] };

/**
 * A period the user typed, checked by the rules PeriodQuery applies on the
 * server (well-formed dates, inside PERIOD_BOUNDS, `from <= to`), so the page
 * refuses it before sending. Error codes are for i18n (`period.error.<code>`).
 */
export function customPeriod(from: string, to: string): CustomPeriodResult {
  const errors: CustomPeriodError[] = [];
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (!isCalendarDate(value)) errors.push({ field, code: 'invalid_date' });
    else if (value < PERIOD_BOUNDS.min || value > PERIOD_BOUNDS.max) errors.push({ field, code: 'out_of_range' });
  }
  if (errors.length === 0 && from > to) errors.push({ field: 'from', code: 'from_after_to' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, period: { kind: 'custom', from, to, key: 'period.custom', params: { from, to } } };
}
