/**
 * Numbers, weights, percentages and dates in the reader's language, through
 * `Intl` (no words here: "3 days overdue" is a locale-file sentence fed by
 * `daysBetween`).
 *
 * Languages map to Canadian locales: `en` -> `en-CA`, `fr` -> `fr-CA`. For
 * `iu` (Inuktitut) the ICU data shipped with Node 20 and most browsers has
 * no locale (`Intl.NumberFormat.supportedLocalesOf(['iu'])` is empty), so
 * numbers and dates fall back to `en-CA`: digits, separators and month
 * abbreviations as English Canada writes them, the surrounding words in
 * Inuktitut from the locale file. If a runtime ever ships `iu` data it is
 * used.
 */

/** `en-XA`, the pseudo-locale (src/locales/pseudo.ts), is formatted as English. */
export type Lang = 'en' | 'fr' | 'iu' | 'en-XA';

/** The workshop's zone: instants (a scan, a login) are shown in it. */
export const WORKSHOP_TIME_ZONE = 'America/Iqaluit';

const LOCALES: Record<Lang, string> = { en: 'en-CA', fr: 'fr-CA', iu: 'iu-CA', 'en-XA': 'en-CA' };

/** The BCP 47 locale `Intl` is given for `lang`: `en-CA` for `iu` where the runtime has no Inuktitut data. */
export function intlLocale(lang: Lang): string {
  const wanted = LOCALES[lang];
  const supported =
    Intl.NumberFormat.supportedLocalesOf([wanted]).length > 0 && Intl.DateTimeFormat.supportedLocalesOf([wanted]).length > 0;
  return supported ? wanted : 'en-CA';
}

/** An integer or decimal, grouped, with at most `maxFractionDigits` (default 2) decimals. */
export function formatNumber(lang: Lang, value: number, maxFractionDigits = 2): string {
  return new Intl.NumberFormat(intlLocale(lang), { maximumFractionDigits: maxFractionDigits }).format(value);
}

/** From this many kilograms (once rounded to whole kilograms) a weight is shown in tonnes. */
export const TONNES_FROM_KG = 10_000;

/**
 * A weight stored in integer grams. Below 10 000 kg it is shown in kilograms
 * with the `Intl` unit style ("12.5 kg", "12,5 kg"), with fewer decimals as
 * it grows (2 below 10 kg, 1 below 100 kg, none above): a scale in the
 * workshop reads to about 10 g, and a report total of 4 312 kg gains nothing
 * from grams. From 10 000 kg it is shown in tonnes with one decimal. ECMA-402
 * sanctions no `tonne` unit, so the SI symbol `t` (the same in English,
 * French and Inuktitut text) follows a no-break space.
 */
export function formatWeight(lang: Lang, grams: number): string {
  const locale = intlLocale(lang);
  // Rounded first, so 9 999.6 kg reads "10 t" and never "10,000 kg".
  if (Math.round(Math.abs(grams) / 1000) >= TONNES_FROM_KG) {
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(grams / 1_000_000)}\u00a0t`;
  }
  const kg = grams / 1000;
  const digits = Math.abs(kg) < 10 ? 2 : Math.abs(kg) < 100 ? 1 : 0;
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilogram', maximumFractionDigits: digits }).format(kg);
}

/** A share given as a ratio (0.125 -> "12.5 %" in fr, "12.5%" in en). */
export function formatPercent(lang: Lang, ratio: number, maxFractionDigits = 1): string {
  return new Intl.NumberFormat(intlLocale(lang), { style: 'percent', maximumFractionDigits: maxFractionDigits }).format(ratio);
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function utcMidnight(date: string): Date {
  const d = new Date(`${date}T00:00:00Z`);
  if (!CALENDAR_DATE.test(date) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a calendar date YYYY-MM-DD: ${date}`);
  }
  return d;
}

/**
 * A calendar date (`2026-11-30` -> "Nov 30, 2026" in en-CA, "30 nov. 2026" in
 * fr-CA). It is formatted as midnight UTC in UTC: formatted in the machine's
 * zone, midnight UTC is the previous evening west of Greenwich and the date
 * would move back a day.
 */
export function formatDate(lang: Lang, date: string): string {
  return new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'medium', timeZone: 'UTC' }).format(utcMidnight(date));
}

/** An instant (ISO-8601 with offset, or a Date) as the workshop's wall clock shows it. */
export function formatDateTime(lang: Lang, instant: string | Date): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(d.getTime())) throw new RangeError(`not an instant: ${String(instant)}`);
  return new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'medium', timeStyle: 'short', timeZone: WORKSHOP_TIME_ZONE }).format(d);
}

/** Whole days from calendar date `a` to `b` (positive when `b` is later): the number in "3 days overdue". */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcMidnight(b).getTime() - utcMidnight(a).getTime()) / 86_400_000);
}

/** The workshop's calendar date at `now` (`YYYY-MM-DD`): the `today` that periods.ts takes. */
export function workshopToday(now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: WORKSHOP_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
