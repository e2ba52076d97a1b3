/**
 * Who sees which site's records (docs/domain.md §8): trainees, coordinators
 * and staff their own site's; admins and program officers every site's. A
 * record of a site the caller does not see is answered as if it did not
 * exist (404, never 403), so nothing leaks that it does.
 */
import { seesEverySite, type Role } from '../auth/permissions.js';

/** The part of an actor that decides what it sees. */
export interface SiteViewer {
  role: Role;
  siteId: number;
}

/** The one site a viewer's lists are limited to, or null for every site. */
export function siteLimit(viewer: SiteViewer): number | null {
  return seesEverySite(viewer.role) ? null : viewer.siteId;
}

/** Whether a viewer sees a record of the site. */
export function sees(viewer: SiteViewer, siteId: number): boolean {
  return seesEverySite(viewer.role) || viewer.siteId === siteId;
}

/**
 * The site a list's or report's `site=` names: the sites service's `asked`, wired by the composition root. Absent or
 * `all` is every site (null), a code its site; no site with the code is 400 `request.invalid` naming `site` in the
 * query.
 */
export type AskedSite<S extends { id: number } = { id: number }> = (site: string | undefined) => Promise<S | null>;

/**
 * The site a list answers: the one asked for (`site=` resolved by AskedSite; null for every site) within what the
 * viewer sees. A viewer limited to one site who names another gets an empty list (`'none'`), not an error: the other
 * site's records stay as unseen as a device of it.
 */
export function listScope(viewer: SiteViewer, asked: { id: number } | null): number | null | 'none' {
  const limit = siteLimit(viewer);
  if (limit === null) return asked?.id ?? null;
  return asked !== null && asked.id !== limit ? 'none' : limit;
}
