/**
 * The dates of a shipment (docs/domain.md §6): the ship date decides the report period
 * a shipment counts in, and a recycler's receipt cannot precede the sailing or
 * lie in the future. Pure rules, shared by ship, confirm and amendments so a
 * correction cannot make a shipment that the first recording would refuse.
 * Each returns why the date is impossible, or null.
 */

/** A ship time given by a client may run a little ahead of the server's clock. */
const SHIP_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The date an instant falls on at the workshop (its IANA time zone,
 * `SITE_TIMEZONE`): a recycler's receipt is a date on the workshop's
 * calendar, so a shipment that sailed at 19:30 in Iqaluit (00:30 UTC the
 * next day) may be received that same evening.
 */
export function siteDate(instant: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(typeof instant === 'string' ? new Date(instant) : instant);
}

export function shippedAtProblem(shippedAt: string, s: { createdAt: string; receivedAt: string | null }, now: Date, timeZone: string): string | null {
  if (shippedAt < s.createdAt) return `before the shipment was opened (${s.createdAt})`;
  if (Date.parse(shippedAt) > now.getTime() + SHIP_CLOCK_SKEW_MS) return 'in the future';
  if (s.receivedAt !== null && siteDate(shippedAt, timeZone) > s.receivedAt) return `after the recycler received it (${s.receivedAt})`;
  return null;
}

export function receivedAtProblem(receivedAt: string, s: { shippedAt: string | null }, now: Date, timeZone: string): string | null {
  if (s.shippedAt !== null && receivedAt < siteDate(s.shippedAt, timeZone)) return `before the shipment left (${siteDate(s.shippedAt, timeZone)}, ${timeZone})`;
  if (receivedAt > siteDate(now, timeZone)) return `after today (${siteDate(now, timeZone)}, ${timeZone})`;
  return null;
}
