import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/app.js';
import { registerAuth, type RouteAccess } from '../../src/modules/users/authentication.js';
import { systemClock } from '../../src/core/clock.js';
import { PERMISSIONS, ROLES, can, isPermission, rolesFor, type Permission } from '../../src/modules/auth/permissions.js';
import { DEVICE_ACTIONS, TRANSITIONS, type DeviceAction } from '../../src/modules/devices/device-lifecycle.js';
import type { UsersService } from '../../src/modules/users/users.service.js';
import { createTestApp, type TestApp } from '../helpers.js';

const API = '/api/v1';
const SRC = new URL('../../src/', import.meta.url);
const MAP_FILE = 'modules/auth/permissions.ts';
const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

/** Every .ts file under src/, as a path relative to src/. */
function sourceFiles(): string[] {
  return (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'));
}
const read = (file: string) => fs.readFileSync(new URL(file, SRC), 'utf8');

const ROLE = `'(?:${ROLES.join('|')})'`;
const ROLE_LIST_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  // Two role names in a row, whatever the brackets: an array, a Set, an SQL in (…).
  ['list of roles', new RegExp(`${ROLE}\\s*,\\s*${ROLE}`, 'g')],
  ['one-role array', new RegExp(`\\[\\s*${ROLE}\\s*\\]`, 'g')],
  ['role comparison', new RegExp(`[!=]==?\\s*${ROLE}|${ROLE}\\s*[!=]==?`, 'g')],
  ['role lookup', new RegExp(`\\.(?:includes|has|indexOf)\\(\\s*${ROLE}`, 'g')],
  ['role case', new RegExp(`case\\s+${ROLE}\\s*:`, 'g')],
];

/** Where a text decides something by naming roles, rather than asking the permission map. */
function roleListsIn(text: string): string[] {
  return ROLE_LIST_PATTERNS.flatMap(([what, re]) => [...text.matchAll(re)].map((m) => `${what}: ${m[0]}`));
}

describe('the permission map', () => {
  let t: TestApp;
  let apiRoutes: RouteInfo[];

  beforeAll(async () => {
    t = await createTestApp();
    apiRoutes = t.app.routeTable.filter((r) => r.url.startsWith(API));
  });
  afterAll(async () => t.close());

  it('gives every route a permission it holds, resolved to that permission’s roles', () => {
    let checked = 0;
    for (const r of apiRoutes) {
      const name = `${r.method} ${r.url}`;
      expect(r.access, name).toBeDefined();
      if (!r.access || 'public' in r.access) continue;
      expect(isPermission(r.access.permission), `${name}: ${r.access.permission}`).toBe(true);
      expect(r.access.roles, name).toEqual(rolesFor(r.access.permission as Permission));
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(60);
  });

  it('holds no permission that nothing uses: each is declared by a route, named by the lifecycle table or asked by can()', () => {
    const byRoutes = new Set(apiRoutes.flatMap((r) => (r.access && 'permission' in r.access ? [r.access.permission] : [])));
    const byLifecycle = new Set(DEVICE_ACTIONS.map((a) => TRANSITIONS[a].permission));
    const byCan = new Set<string>();
    for (const file of sourceFiles().filter((f) => f !== MAP_FILE)) {
      for (const m of read(file).matchAll(/\bcan\([^()]*?,\s*'([a-z-]+:[a-z-]+)'\s*\)/g)) byCan.add(m[1]!);
    }
    expect(byCan.size, 'the scan finds the can() checks').toBeGreaterThanOrEqual(3);
    for (const p of byCan) expect(isPermission(p), `can(…, '${p}') names a permission of the map`).toBe(true);
    const unused = ALL_PERMISSIONS.filter((p) => !byRoutes.has(p) && !byLifecycle.has(p) && !byCan.has(p));
    expect(unused).toEqual([]);
  });

  it('gives each lifecycle action the permission of the route that performs it', () => {
    const routeOf: Record<DeviceAction, string> = {
      update: 'PATCH /devices/:tag',
      register_storage: 'POST /devices/:tag/storage',
      sanitize: 'POST /devices/:tag/sanitizations',
      confirm_no_storage: 'POST /devices/:tag/sanitizations',
      open_repair: 'POST /devices/:tag/repairs',
      complete_repair: 'POST /devices/:tag/repairs/:id/complete',
      grade: 'POST /devices/:tag/grade',
      issue: 'POST /devices/:tag/issue',
      return: 'POST /devices/:tag/return',
      recycle: 'POST /devices/:tag/recycle',
      ship: 'POST /shipments/:id/ship',
      write_off: 'POST /devices/:tag/write-off',
      transfer: 'POST /devices/:tag/transfer',
      cancel_transfer: 'POST /devices/:tag/transfer/cancel',
    };
    const byKey = new Map(apiRoutes.map((r) => [`${r.method} ${r.url.slice(API.length)}`, r]));
    for (const action of DEVICE_ACTIONS) {
      const access = byKey.get(routeOf[action])?.access;
      expect([action, access && 'permission' in access ? access.permission : access]).toEqual([action, TRANSITIONS[action].permission]);
      expect(TRANSITIONS[action].roles, action).toEqual(rolesFor(TRANSITIONS[action].permission));
    }
  });

  it('answers as the service always has for the permissions people ask about', () => {
    const expected: ReadonlyArray<[Permission, readonly string[]]> = [
      ['devices:read', ['trainee', 'coordinator', 'staff', 'admin', 'program']],
      ['devices:intake', ['trainee', 'coordinator', 'admin']],
      ['devices:sanitize', ['trainee', 'coordinator', 'admin']],
      ['devices:export', ['coordinator', 'staff', 'admin', 'program']],
      ['devices:read-holders', ['coordinator', 'admin']],
      ['devices:issue', ['coordinator', 'admin']],
      ['devices:write-off', ['admin']],
      ['shipments:ship', ['coordinator', 'staff', 'admin']],
      ['shipments:amend', ['admin']],
      ['participants:read', ['coordinator', 'staff', 'admin', 'program']],
      ['participants:read-personal', ['coordinator', 'admin']],
      ['reports:read', ['coordinator', 'staff', 'admin', 'program']],
      ['users:manage', ['admin']],
      ['audit:verify', ['admin']],
      // The order is the one the OpenAPI document prints.
      ['verifications:read', ['trainee', 'coordinator', 'admin', 'staff', 'program']],
    ];
    for (const [permission, roles] of expected) {
      expect([permission, rolesFor(permission)]).toEqual([permission, roles]);
      for (const role of ROLES) expect([permission, role, can(role, permission)]).toEqual([permission, role, roles.includes(role)]);
    }
    expect(can('trainee', 'devices:export')).toBe(false);
    expect(isPermission('devices:fly')).toBe(false);
    expect(isPermission('toString')).toBe(false);
  });

  it('names each permission resource:action and only roles that exist, without repeats', () => {
    for (const p of ALL_PERMISSIONS) {
      expect(p).toMatch(/^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/);
      const roles = rolesFor(p);
      expect(roles.length, p).toBeGreaterThan(0);
      expect(new Set(roles).size, p).toBe(roles.length);
      for (const role of roles) expect(ROLES, p).toContain(role);
    }
  });

  it('is a pure module the browser station can load: it imports nothing', () => {
    const text = read(MAP_FILE);
    expect(text).toContain('export const PERMISSIONS');
    expect(text).not.toMatch(/^\s*(import|export\s+[^;]*\bfrom)\b/m);
    expect(text).not.toMatch(/\brequire\(|\bimport\(/);
  });

  it('finds role lists in code, and none outside the map', () => {
    // The detector itself, so that an empty scan cannot pass by matching nothing.
    expect(roleListsIn("const X = ['coordinator', 'admin'] as const;")).toHaveLength(1);
    expect(roleListsIn("roles: ['admin']")).toHaveLength(1);
    expect(roleListsIn("if (actor.role === 'trainee') throw x;")).toHaveLength(1);
    expect(roleListsIn("body.role !== 'admin'")).toHaveLength(1);
    expect(roleListsIn("sql`${t.role} in ('trainee', 'coordinator', 'staff', 'admin')`")).toHaveLength(2);
    expect(roleListsIn("new Set(['trainee'])")).toHaveLength(1);
    expect(roleListsIn("ROLES.includes('staff')")).toHaveLength(1);
    expect(roleListsIn("case 'admin':")).toHaveLength(1);
    expect(roleListsIn("{ username: 'admin', role: 'admin' satisfies Role }")).toEqual([]);
    expect(roleListsIn("'The CSV export is for staff, coordinators and admins.'")).toEqual([]);

    expect(roleListsIn(read(MAP_FILE)).length, 'the map itself is found').toBeGreaterThan(0);
    const files = sourceFiles().filter((f) => f !== MAP_FILE);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => roleListsIn(read(f)).map((m) => `${f}: ${m}`));
    expect(found).toEqual([]);
  });

  it('refuses to start with a route whose permission the map does not hold, or with none', () => {
    const build = (access: RouteAccess | undefined) => {
      const app = Fastify();
      registerAuth(app, { users: {} as UsersService, clock: systemClock, requestLimiter: null });
      app.get(`${API}/x`, { config: access ? { access } : {} }, async () => ({}));
      return app;
    };
    expect(() => build({ permission: 'devices:fly' as Permission })).toThrow(/GET \/api\/v1\/x declares the permission devices:fly, which the permission map does not hold/);
    expect(() => build(undefined)).toThrow(/does not declare its access/);
    expect(() => build({ permission: 'devices:read' })).not.toThrow();
    expect(() => build({ public: true })).not.toThrow();
  });
});
