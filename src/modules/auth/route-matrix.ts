import { API_PREFIX, type RouteInfo } from '../../core/http/api.js';
import { ROLES } from './permissions.js';

/** The route × role table of docs/api.md, made from the registered routes so it cannot drift. */
export function routeMatrixMarkdown(routes: readonly RouteInfo[]): string {
  const api = routes
    .filter((r) => r.url.startsWith(API_PREFIX))
    .slice()
    .sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
  const lines = [`| route | ${ROLES.join(' | ')} |`, `|---|${ROLES.map(() => ':-:').join('|')}|`];
  for (const r of api) {
    const cells = ROLES.map((role) => {
      if (!r.access) return '?';
      if ('public' in r.access) return 'public';
      return r.access.roles.includes(role) ? '✓' : '';
    });
    lines.push(`| \`${r.method} ${r.url.slice(API_PREFIX.length)}\` | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
