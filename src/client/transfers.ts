/**
 * The Transfers pages' logic, without the DOM (docs/domain.md §8, transfers
 * between sites): the list's filters as they live in the location hash and
 * the API path they become, which way a transfer goes for the site looking
 * at it, the tags typed or scanned for a box, and what the person at a desk
 * may do with a transfer. Tested in Node (test/client/transfers.test.ts).
 */
import type { Transfer } from '../modules/transfers/transfers.schemas.js';
import { can, seesEverySite, type Role } from '../modules/auth/permissions.js';
import { MAX_BOX, TRANSFER_STATUSES } from '../modules/transfers/transfer-states.js';
import { hashFor, queryOf } from './office-pages.js';
import { siteFromQuery, type SiteSummary } from './sites.js';

export type { Transfer } from '../modules/transfers/transfers.schemas.js';
export { MAX_BOX, TRANSFER_STATUSES };

export type Direction = 'in' | 'out';
export const DIRECTIONS: readonly Direction[] = ['in', 'out'];

export interface TransferFilters {
  /** '' (both), or in or out of the site in view. */
  direction: '' | Direction;
  /** '' (both), open or closed. */
  status: '' | (typeof TRANSFER_STATUSES)[number];
  /** A site's code for the roles that see every site; '' for every site (theirs alone for everyone else). */
  site: string;
}

/** The page opens on the transfers still open: the boxes on their way, in and out. */
export const DEFAULT_TRANSFER_FILTERS: TransferFilters = { direction: '', status: 'open', site: '' };

/** The filters a hash carries (`#/transfers?direction=in&status=closed`). `status=any` shows open and closed. */
export function transferFiltersFromHash(hash: string, sites: readonly SiteSummary[] | null): TransferFilters {
  const q = queryOf(hash);
  const direction = q.get('direction');
  const status = q.get('status');
  return {
    direction: direction === 'in' || direction === 'out' ? direction : '',
    status: status === 'any' ? '' : (TRANSFER_STATUSES as readonly string[]).includes(status ?? '') ? (status as TransferFilters['status']) : DEFAULT_TRANSFER_FILTERS.status,
    site: siteFromQuery(q.get('site'), sites),
  };
}

export function transferFiltersHash(f: TransferFilters): string {
  return hashFor('transfers', '', { direction: f.direction, status: f.status === '' ? 'any' : f.status === DEFAULT_TRANSFER_FILTERS.status ? '' : f.status, site: f.site });
}

/** GET /transfers for the filters (the newest 200: a site sends a few boxes a week). */
export function transfersPath(f: TransferFilters): string {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.direction) q.set('direction', f.direction);
  if (f.site) q.set('site', f.site);
  q.set('limit', '200');
  return `/transfers?${q.toString()}`;
}

/** Which way a transfer goes for a site: in, out, or neither (an admin looking at two other sites' transfer). */
export function directionFor(t: Pick<Transfer, 'fromSite' | 'toSite'>, site: string | null): Direction | null {
  if (site === t.toSite) return 'in';
  if (site === t.fromSite) return 'out';
  return null;
}

/** How many of its devices are where: still on their way, received, called back, written off. */
export function lineCounts(t: Pick<Transfer, 'devices'>): Record<Transfer['devices'][number]['state'], number> {
  const counts = { in_transit: 0, received: 0, cancelled: 0, written_off: 0 };
  for (const d of t.devices) counts[d.state] += 1;
  return counts;
}

/**
 * What the person may do with a transfer, as the service decides it: receive at the destination and call back at
 * the sending site, while devices are still on their way, with `devices:transfer`; a role that sees every site
 * acts for every site (the service's `sees`).
 */
export function transferActions(t: Pick<Transfer, 'fromSite' | 'toSite' | 'status'>, user: { role: Role; site: string }): { receive: boolean; cancel: boolean } {
  if (t.status !== 'open' || !can(user.role, 'devices:transfer')) return { receive: false, cancel: false };
  const everywhere = seesEverySite(user.role);
  return { receive: everywhere || user.site === t.toSite, cancel: everywhere || user.site === t.fromSite };
}

/**
 * Whether a person sees a device of a transfer where it is now (docs/domain.md §8), so that its tag may link to its
 * page: a received device is the destination's, any other (on its way, called back, written off) the sender's.
 */
export function deviceVisible(t: Pick<Transfer, 'fromSite' | 'toSite'>, line: Pick<Transfer['devices'][number], 'state'>, user: { role: Role; site: string }): boolean {
  return seesEverySite(user.role) || user.site === (line.state === 'received' ? t.toSite : t.fromSite);
}

/**
 * The tags typed or scanned for a box: one a line (a scanner ends each with Enter), or separated by commas or
 * spaces; blanks dropped, each tag once, in the order given.
 */
export function tagsFromText(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of text.split(/[\s,;]+/)) {
    const tag = raw.trim();
    if (tag) seen.add(tag);
  }
  return [...seen];
}
