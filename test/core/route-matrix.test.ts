import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/app.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { ADMIN_PASSWORD, ROLES, USER_PASSWORD, bearer, createTestApp, type TestApp } from '../helpers.js';

const API = '/api/v1';
/** Every role: one's own account. */
const ALL: readonly Role[] = ['trainee', 'coordinator', 'staff', 'admin', 'translator', 'program'];
/** Everyone in the workshop: every role but the translator. */
const WORKSHOP: readonly Role[] = ['trainee', 'coordinator', 'staff', 'admin'];
const TRANSLATION: readonly Role[] = ['admin', 'translator'];
const LIFECYCLE: readonly Role[] = ['trainee', 'coordinator', 'admin'];
const COORDINATION: readonly Role[] = ['coordinator', 'admin'];
const OFFICE: readonly Role[] = ['coordinator', 'staff', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
/** What the workshop reads, and the program officer with it (read-only, every site: docs/domain.md §8). */
const WORKSHOP_READ: readonly Role[] = [...WORKSHOP, 'program'];
const REPORTS: readonly Role[] = [...OFFICE, 'program'];

/**
 * The roles of docs/domain.md §4 for the routes where they are unambiguous. Routes marked `required` exist today and must stay registered;
 * the others are checked as soon as they are registered.
 */
const EXPECTED: ReadonlyArray<{ route: string; roles: readonly Role[] | 'public'; required?: true }> = [
  { route: 'POST /auth/login', roles: 'public', required: true },
  { route: 'POST /auth/logout', roles: ALL, required: true },
  { route: 'GET /me', roles: ALL, required: true },
  { route: 'PATCH /me', roles: ALL, required: true },
  { route: 'POST /users', roles: ADMIN, required: true },
  { route: 'GET /users', roles: ADMIN, required: true },
  { route: 'GET /users/:id', roles: ADMIN, required: true },
  { route: 'PATCH /users/:id', roles: ADMIN, required: true },
  { route: 'POST /asset-tags/reserve', roles: LIFECYCLE, required: true },
  { route: 'POST /donations', roles: WORKSHOP, required: true },
  { route: 'POST /devices', roles: LIFECYCLE, required: true },
  { route: 'GET /devices', roles: WORKSHOP_READ, required: true },
  { route: 'GET /devices/:tag', roles: WORKSHOP_READ, required: true },
  { route: 'PATCH /devices/:tag', roles: LIFECYCLE, required: true },
  { route: 'GET /devices/:tag/history', roles: WORKSHOP_READ, required: true },
  { route: 'GET /audit/verify', roles: ADMIN, required: true },
  { route: 'POST /devices/:tag/storage', roles: LIFECYCLE, required: true },
  { route: 'POST /devices/:tag/sanitizations', roles: LIFECYCLE, required: true },
  { route: 'POST /devices/:tag/repairs', roles: LIFECYCLE, required: true },
  { route: 'POST /devices/:tag/repairs/:id/complete', roles: LIFECYCLE, required: true },
  { route: 'POST /devices/:tag/grade', roles: LIFECYCLE, required: true },
  { route: 'POST /devices/:tag/issue', roles: COORDINATION },
  { route: 'POST /devices/:tag/return', roles: COORDINATION },
  { route: 'POST /devices/:tag/recycle', roles: COORDINATION, required: true },
  { route: 'POST /devices/:tag/write-off', roles: ADMIN, required: true },
  { route: 'POST /recyclers', roles: OFFICE },
  { route: 'POST /shipments', roles: OFFICE },
  { route: 'POST /shipments/:id/devices', roles: OFFICE },
  { route: 'POST /shipments/:id/bulk-lines', roles: OFFICE },
  { route: 'POST /shipments/:id/ship', roles: OFFICE },
  { route: 'POST /shipments/:id/confirm', roles: OFFICE },
  { route: 'GET /reports/diversion', roles: REPORTS },
  { route: 'GET /reports/inventory', roles: REPORTS },
  { route: 'GET /reports/activity', roles: REPORTS },
  { route: 'GET /translations', roles: TRANSLATION, required: true },
  { route: 'PUT /translations/:lang/:key', roles: TRANSLATION, required: true },
  { route: 'GET /translations/:lang/xliff', roles: TRANSLATION, required: true },
  { route: 'GET /translations/:lang/preview/handover.pdf', roles: TRANSLATION, required: true },
  { route: 'GET /locales/:lang', roles: 'public', required: true },
  { route: 'GET /sites', roles: WORKSHOP_READ, required: true },
  { route: 'POST /sites', roles: ADMIN, required: true },
];

const PARAM_VALUES: Record<string, string> = { tag: 'IQ-000001-Z', id: '1', code: 'P-000001' };

/** A concrete URL for a route pattern: every `:param` gets a plausible value. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => PARAM_VALUES[name] ?? 'x1');
}

const key = (r: RouteInfo) => `${r.method} ${r.url.slice(API.length)}`;
const sortRoles = (roles: readonly string[]) => [...roles].sort();

describe('route × role matrix', () => {
  let t: TestApp;
  let apiRoutes: RouteInfo[];
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await createTestApp();
    for (const role of ROLES) tokens.set(role, await t.token(role));
    apiRoutes = t.app.routeTable.filter((r) => r.url.startsWith(API));
  });
  afterAll(async () => t.close());

  /** A session of its own, so that a route that ends sessions (logout) cannot spoil the others. */
  async function freshToken(role: Role): Promise<string> {
    return role === 'admin' ? t.login('admin', ADMIN_PASSWORD) : t.login(`test-${role}`, USER_PASSWORD);
  }

  function call(r: RouteInfo, token?: string) {
    const url = concrete(r.url);
    const method = r.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    let req = t.http[method](url);
    if (token) req = req.set(bearer(token));
    if (r.method === 'POST' || r.method === 'PATCH' || r.method === 'PUT') req = req.set('content-type', 'application/json').send({});
    return req;
  }

  it('has a non-empty table of /api/v1 routes', () => {
    expect(apiRoutes.length).toBeGreaterThanOrEqual(15);
    // No route is listed twice (a duplicate would hide one of two access declarations).
    expect(new Set(apiRoutes.map(key)).size).toBe(apiRoutes.length);
  });

  it('every /api/v1 route declares its access; only POST /auth/login and GET /locales/:lang are public', () => {
    const publicRoutes: string[] = [];
    for (const r of apiRoutes) {
      expect(r.access, `${key(r)} declares access`).toBeDefined();
      if (r.access && 'public' in r.access) {
        expect(r.access.public).toBe(true);
        publicRoutes.push(key(r));
      } else {
        expect(r.access?.roles.length, `${key(r)} lists at least one role`).toBeGreaterThan(0);
        for (const role of r.access?.roles ?? []) expect(ROLES).toContain(role);
      }
    }
    expect(publicRoutes.sort()).toEqual(['GET /locales/:lang', 'POST /auth/login']);
  });

  it('matches the docs/domain.md §4 matrix for the key routes', () => {
    const byKey = new Map(apiRoutes.map((r) => [key(r), r]));
    let checked = 0;
    for (const e of EXPECTED) {
      const r = byKey.get(e.route);
      if (e.required) expect(r, `${e.route} is registered`).toBeDefined();
      if (!r) continue;
      checked += 1;
      if (e.roles === 'public') {
        expect(r.access, e.route).toEqual({ public: true });
      } else {
        expect(r.access && 'roles' in r.access ? sortRoles(r.access.roles) : r.access, e.route).toEqual(sortRoles(e.roles));
      }
    }
    expect(checked).toBeGreaterThanOrEqual(EXPECTED.filter((e) => e.required).length);
  });

  it('answers 401 to anonymous callers, 403 to the wrong roles (never 400) and lets the right roles through', async () => {
    const protectedRoutes = apiRoutes
      .filter((r) => r.access && 'roles' in r.access)
      // Logout ends the session it is called with: walk it last.
      .sort((a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')));
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(14);

    let forbiddenChecked = 0;
    let allowedChecked = 0;
    for (const r of protectedRoutes) {
      const roles = r.access && 'roles' in r.access ? r.access.roles : [];
      const anon = await call(r);
      expect([key(r), anon.status, anon.body.code]).toEqual([key(r), 401, 'auth.unauthenticated']);
      expect(anon.headers['content-type']).toMatch(/^application\/problem\+json/);

      const badToken = await call(r, 'not-a-real-token-but-long-enough-0123456789');
      expect([key(r), badToken.status, badToken.body.code]).toEqual([key(r), 401, 'auth.unauthenticated']);

      for (const role of ROLES) {
        if (roles.includes(role)) {
          const res = await call(r, await freshToken(role));
          expect([key(r), role, res.status === 401 || res.status === 403], JSON.stringify(res.body)).toEqual([key(r), role, false]);
          allowedChecked += 1;
        } else {
          const res = await call(r, tokens.get(role));
          expect([key(r), role, res.status, res.body.code]).toEqual([key(r), role, 403, 'auth.forbidden']);
          forbiddenChecked += 1;
        }
      }
    }
    expect(allowedChecked).toBeGreaterThanOrEqual(30);
    expect(forbiddenChecked).toBeGreaterThanOrEqual(15);
  });

  it('checks roles before the body: a forbidden caller with an invalid body still gets 403', async () => {
    const staff = tokens.get('staff')!;
    const res = await t.http.post(`${API}/devices`).set(bearer(staff)).send({ category: 42, unknownField: true });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('auth.forbidden');
    expect(JSON.stringify(res.body)).not.toContain('category');

    const anon = await t.http.post(`${API}/users`).send({ username: 1 });
    expect(anon.status).toBe(401);
    expect(anon.body.code).toBe('auth.unauthenticated');
    expect(anon.headers['www-authenticate']).toBe('Bearer');
  });
});
