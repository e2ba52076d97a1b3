import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRouteHook, routeMutates, routeTakesBody } from '../../src/core/http/route-hooks.js';
import { createTestApp, type TestApp } from '../helpers.js';

/**
 * Hooks are added to the routes that need them (src/core/http/route-hooks.ts):
 * a lookup runs none but the application's onRequest, every route that
 * changes something keeps its Idempotency-Key hooks, every route that takes
 * a body its body checks, every document route its render scope; none twice.
 */
interface RouteBlock {
  methods: string[];
  hooks: Record<string, string[]>;
}

/** The routes of printRoutes({ includeHooks: true }): each route line "(METHODS)" and the hook lines under it. */
function routeBlocks(printed: string): RouteBlock[] {
  const blocks: RouteBlock[] = [];
  for (const line of printed.split('\n')) {
    const route = /\(([A-Z, ]+)\)\s*$/.exec(line);
    const hook = /• \((\w+)\) \[(.*)\]/.exec(line);
    if (hook && blocks.length > 0) blocks[blocks.length - 1]!.hooks[hook[1]!] = JSON.parse(`[${hook[2]}]`) as string[];
    else if (route) blocks.push({ methods: route[1]!.split(', '), hooks: {} });
  }
  return blocks;
}

describe('route hooks on the application', () => {
  let t: TestApp;
  let blocks: RouteBlock[];
  beforeAll(async () => {
    t = await createTestApp();
    blocks = routeBlocks(t.app.printRoutes({ includeHooks: true, commonPrefix: false }));
  });
  afterAll(async () => t.close());

  it('reads every route', () => {
    const api = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1/'));
    expect(blocks.length).toBeGreaterThan(api.length);
  });

  it('gives a route that changes something its Idempotency-Key hooks and body checks, once each', () => {
    const mutating = blocks.filter((b) => b.methods.some((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)));
    expect(mutating.length).toBeGreaterThan(40);
    for (const b of mutating) {
      expect(b.hooks.preHandler?.filter((h) => h === 'claimKey()')).toHaveLength(1);
      expect(b.hooks.onSend?.filter((h) => h === 'storeAnswer()')).toHaveLength(1);
      expect(b.hooks.onResponse?.filter((h) => h === 'forgetFlight()')).toHaveLength(1);
      expect(b.hooks.preValidation).toEqual(['check()', 'bodyRead()']);
    }
  });

  it('gives a GET nothing to run after authentication but a document route its render scope, once (its HEAD route too)', () => {
    const reads = blocks.filter((b) => b.methods.every((m) => m === 'GET' || m === 'HEAD'));
    expect(reads.length).toBeGreaterThan(60);
    for (const b of reads) {
      expect(b.hooks.preValidation).toBeUndefined();
      expect(b.hooks.onResponse).toBeUndefined();
      expect(b.hooks.onRequestAbort).toBeUndefined();
      expect((b.hooks.onSend ?? []).filter((h) => h !== 'headRouteOnSendHandler()')).toEqual([]);
      const scopes = b.hooks.preHandler ?? [];
      expect(scopes.every((h) => h === 'openScope()') && scopes.length <= 1).toBe(true);
    }
    const documents = reads.filter((b) => b.hooks.preHandler);
    // The labels and the PDFs, each as GET and HEAD.
    expect(documents.length).toBeGreaterThanOrEqual(8);
  });
});

describe('addRouteHook', () => {
  it("adds a hook to a route and its HEAD route once, after the application's own", async () => {
    const app = Fastify();
    const calls: string[] = [];
    app.addHook('preHandler', (_req, _reply, done) => {
      calls.push('app');
      done();
    });
    const mine = (_req: unknown, _reply: unknown, done: () => void) => {
      calls.push('route');
      done();
    };
    app.addHook('onRoute', (route) => addRouteHook(route, 'preHandler', mine));
    app.get('/thing', async () => ({ ok: true }));
    app.post('/thing', async () => ({ ok: true }));
    for (const method of ['GET', 'HEAD', 'POST'] as const) {
      calls.length = 0;
      const res = await app.inject({ method, url: '/thing' });
      expect(res.statusCode).toBe(200);
      expect(calls, method).toEqual(['app', 'route']);
    }
    await app.close();
  });

  it('knows which routes take a body and which change something', () => {
    const route = (method: string | string[]) => ({ method, url: '/x', handler: () => undefined }) as Parameters<typeof routeTakesBody>[0];
    expect(routeTakesBody(route('GET'))).toBe(false);
    expect(routeTakesBody(route(['GET', 'HEAD']))).toBe(false);
    expect(routeTakesBody(route('DELETE'))).toBe(true);
    expect(routeTakesBody(route('OPTIONS'))).toBe(true);
    expect(routeMutates(route('OPTIONS'))).toBe(false);
    expect(routeMutates(route(['GET', 'PATCH']))).toBe(true);
  });
});
