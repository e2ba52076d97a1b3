/**
 * The office's pages and what a role must hold to see each: the navigation
 * asks the server's permission map (it has no imports, so it loads in the
 * browser as it is), never a list of roles of its own.
 */
import { can, type Permission, type Role } from '../modules/auth/permissions.js';

export type OfficePageId = 'today' | 'participants' | 'reports' | 'users';

export interface OfficePage {
  id: OfficePageId;
  /** The permission without which the page would show only refusals. */
  permission: Permission;
}

/** In the order of the navigation. */
export const OFFICE_PAGES: readonly OfficePage[] = [
  { id: 'today', permission: 'reports:read' },
  { id: 'participants', permission: 'participants:read' },
  { id: 'reports', permission: 'reports:read' },
  { id: 'users', permission: 'users:manage' },
];

export function pagesFor(role: Role): OfficePage[] {
  return OFFICE_PAGES.filter((p) => can(role, p.permission));
}

/** The page a location hash names (`#/users`, `#/participants/P-000001`), if the role may see it; else the role's first page, or null when it has none. */
export function pageFromHash(hash: string, role: Role): OfficePageId | null {
  const allowed = pagesFor(role);
  const wanted = hash.replace(/^#\/?/, '').split('/')[0];
  return allowed.find((p) => p.id === wanted)?.id ?? allowed[0]?.id ?? null;
}

/** What follows the page in the hash (`#/participants/P-000001` → `P-000001`), decoded; '' when nothing does. */
export function subPathOf(hash: string): string {
  const rest = hash.replace(/^#\/?/, '').split('/').slice(1).join('/');
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}
