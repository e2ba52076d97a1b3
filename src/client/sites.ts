/**
 * The program's sites as the office and the station show them
 * (docs/domain.md §8): a site's name by its code, the site a signed-in person
 * works at, and the site filter of lists for the roles that see every site.
 * No DOM, no fetch.
 */
import { seesEverySite, type Role } from '../modules/auth/permissions.js';

/** A site as GET /sites answers it (the fields the pages use). */
export interface SiteSummary {
  code: string;
  name: string;
  nameSyllabics: string | null;
}

/** What the page knows before any request: the server's own site (the first one), named by its configuration. */
export interface HomeSite {
  siteCode: string;
  siteName: string;
}

/**
 * The name to show for a site's code: from the site list once it is read; the server's own site's name from the
 * page's configuration (so a page offline or not yet answered still names the usual site); else the code itself.
 */
export function siteName(code: string, sites: readonly SiteSummary[] | null, home: HomeSite): string {
  const found = sites?.find((s) => s.code === code);
  if (found) return found.name;
  return code === home.siteCode ? home.siteName : code;
}

/**
 * Whether lists offer to pick a site: only to roles that see every site (admins, program officers), and only when
 * the program has more than one. Everyone else's lists hold their own site's records and nothing else.
 */
export function offersSitePick(role: Role, sites: readonly SiteSummary[] | null): boolean {
  return seesEverySite(role) && (sites?.length ?? 0) > 1;
}

/** A `site=` from a hash's query: a known site's code, or '' (every site the caller sees) for anything else. */
export function siteFromQuery(value: string | null, sites: readonly SiteSummary[] | null): string {
  if (!value) return '';
  // Before the list is read, a code of the right shape is kept: the server refuses an unknown one by name.
  if (sites === null) return /^[a-z][a-z0-9-]{1,31}$/.test(value) ? value : '';
  return sites.some((s) => s.code === value) ? value : '';
}
