/**
 * The dates of a shipment (docs/domain.md §6): the ship date decides the report period
 * a shipment counts in, and a recycler's receipt cannot precede the sailing or
 * lie in the future. Pure rules, shared by ship, confirm and amendments so a
 * correction cannot make a shipment that the first recording would refuse.
 * Each returns why the date is impossible, or null.
 */

/** A ship time given by a client may run a little ahead of the server's clock. */
const SHIP_CLOCK_SKEW_MS = 5 * 60_000;

/** Calendar dates are compared in UTC: shippedAt and createdAt are stored as UTC ISO instants. */
export const utcDate = (instant: string | Date): string => (typeof instant === 'string' ? new Date(instant) : instant).toISOString().slice(0, 10);

export function shippedAtProblem(shippedAt: string, s: { createdAt: string; receivedAt: string | null }, now: Date): string | null {
  if (shippedAt < s.createdAt) return `before the shipment was opened (${s.createdAt})`;
  if (Date.parse(shippedAt) > now.getTime() + SHIP_CLOCK_SKEW_MS) return 'in the future';
  if (s.receivedAt !== null && utcDate(shippedAt) > s.receivedAt) return `after the recycler received it (${s.receivedAt})`;
  return null;
}

export function receivedAtProblem(receivedAt: string, s: { shippedAt: string | null }, now: Date): string | null {
  if (s.shippedAt !== null && receivedAt < utcDate(s.shippedAt)) return `before the shipment left (${utcDate(s.shippedAt)})`;
  if (receivedAt > utcDate(now)) return `after today (${utcDate(now)}, UTC)`;
  return null;
}
