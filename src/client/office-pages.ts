/**
 * The office's pages and what a role must hold to see each: the navigation
 * asks the server's permission map (it has no imports, so it loads in the
 * browser as it is), never a list of roles of its own.
 */
import { can, type Permission, type Role } from '../modules/auth/permissions.js';

export type OfficePageId = 'today' | 'devices' | 'loans' | 'participants' | 'donations' | 'transfers' | 'recycling' | 'reports' | 'users' | 'translations';

export interface OfficePage {
  id: OfficePageId;
  /** The permissions without which the page would show only refusals (all of them). `reports:read` marks a desk role: trainees read devices and donations too, but at the station. */
  permissions: readonly Permission[];
}

/** In the order of the navigation. */
export const OFFICE_PAGES: readonly OfficePage[] = [
  { id: 'today', permissions: ['reports:read'] },
  { id: 'devices', permissions: ['reports:read', 'devices:read'] },
  { id: 'loans', permissions: ['issuances:read'] },
  { id: 'participants', permissions: ['participants:read'] },
  { id: 'donations', permissions: ['reports:read', 'donations:read'] },
  { id: 'transfers', permissions: ['reports:read', 'transfers:read'] },
  { id: 'recycling', permissions: ['shipments:read', 'recyclers:read'] },
  { id: 'reports', permissions: ['reports:read'] },
  { id: 'users', permissions: ['users:manage'] },
  { id: 'translations', permissions: ['translations:read'] },
];

export function pagesFor(role: Role): OfficePage[] {
  return OFFICE_PAGES.filter((p) => p.permissions.every((permission) => can(role, permission)));
}

/** The page a location hash names (`#/users`, `#/participants/P-000001`), if the role may see it; else the role's first page, or null when it has none. */
export function pageFromHash(hash: string, role: Role): OfficePageId | null {
  const allowed = pagesFor(role);
  const wanted = pathOf(hash).split('/')[0];
  return allowed.find((p) => p.id === wanted)?.id ?? allowed[0]?.id ?? null;
}

/** What follows the page in the hash (`#/participants/P-000001` → `P-000001`), decoded; '' when nothing does. */
export function subPathOf(hash: string): string {
  const rest = pathOf(hash).split('/').slice(1).join('/');
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** The hash without its `#/` and without its query (`#/devices/RL-1?x=1` → `devices/RL-1`). */
function pathOf(hash: string): string {
  return hash.replace(/^#\/?/, '').split('?')[0] ?? '';
}

/** The query a hash carries (`#/devices?status=ready&grade=A`): list filters and form presets live there, so a link or a reload keeps them. */
export function queryOf(hash: string): URLSearchParams {
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

/** A hash for a page, its sub-path and its query, leaving out empty values (`hashFor('devices', '', { status: 'ready', q: '' })` → `#/devices?status=ready`). */
export function hashFor(page: OfficePageId, sub = '', query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const q = params.toString();
  return `#/${page}${sub ? `/${sub.split('/').map(encodeURIComponent).join('/')}` : ''}${q ? `?${q}` : ''}`;
}
