import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ENGINE, type TestApp } from '../helpers.js';

type Operation = {
  operationId?: string;
  security?: Array<Record<string, unknown>>;
  parameters?: Array<{ $ref?: string; name?: string }>;
  responses?: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }>;
};
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>>; components?: { securitySchemes?: Record<string, unknown> } };

/** The URL of every src/href attribute in an HTML page. */
function assetUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!);
}

describe('OpenAPI, docs and health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('serves an OpenAPI 3 document listing every /api/v1 route with {param} paths', async () => {
    const res = await t.http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.body as OpenApi;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.components?.securitySchemes?.['bearerAuth']).toMatchObject({ type: 'http', scheme: 'bearer' });

    const api = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1'));
    expect(api.length).toBeGreaterThanOrEqual(15);
    for (const r of api) {
      const path = r.url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${path} is documented`).toBeDefined();
      expect(op?.responses, `${r.method} ${path} documents its responses`).toBeDefined();
    }
    for (const path of Object.keys(doc.paths)) expect(path).not.toMatch(/\/:/);
  });

  it('marks protected operations with the bearerAuth requirement and leaves login open', async () => {
    const doc = (await t.http.get('/openapi.json')).body as OpenApi;
    let protectedOps = 0;
    for (const r of t.app.routeTable.filter((x) => x.url.startsWith('/api/v1'))) {
      const op = doc.paths[r.url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')]?.[r.method.toLowerCase()];
      if (r.access && 'roles' in r.access) {
        expect(op?.security, `${r.method} ${r.url}`).toEqual([{ bearerAuth: [] }]);
        protectedOps += 1;
      } else {
        expect(op?.security ?? [], `${r.method} ${r.url} is public`).not.toContainEqual({ bearerAuth: [] });
      }
    }
    expect(protectedOps).toBeGreaterThanOrEqual(14);
    expect(doc.paths['/api/v1/auth/login']?.['post']).toBeDefined();
  });

  it('states what every route answers beyond its schemas: problems by status, Idempotency-Key, Retry-After, unique ids', async () => {
    const doc = (await t.http.get('/openapi.json')).body as OpenApi & { servers?: unknown; info: { license?: unknown } };
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.info.license).toEqual({ name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' });
    const ids = new Set<string>();
    for (const r of t.app.routeTable.filter((x) => x.url.startsWith('/api/v1'))) {
      const where = `${r.method} ${r.url}`;
      const op = doc.paths[r.url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')]?.[r.method.toLowerCase()];
      const responses = op?.responses ?? {};
      expect(op?.operationId, where).toMatch(/^[a-z]+[A-Za-z0-9]*$/);
      expect(ids.has(op!.operationId!), `${where}: unique operationId`).toBe(false);
      ids.add(op!.operationId!);
      const statuses = Object.keys(responses);
      // One success status; a route with a dryRun query answers 200 for the dry run beside its 201.
      const success = statuses.filter((s) => /^2/.test(s));
      const dryRun = (op?.parameters ?? []).some((p: { name?: string }) => p.name === 'dryRun');
      expect(success, `${where}: one success status`).toEqual(dryRun && success.length === 2 ? ['200', '201'] : [expect.any(String)]);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        expect(Object.keys(responses[status]?.content ?? {}), `${where} ${status}`).toContain('application/problem+json');
      }
      expect(statuses, where).toEqual(expect.arrayContaining(['500']));
      if (r.access && 'roles' in r.access) {
        expect(statuses, where).toEqual(expect.arrayContaining(['401', '403', '429']));
        expect(Object.keys(responses['429']?.headers ?? {}), where).toContain('Retry-After');
        if (r.method !== 'GET') {
          expect(op?.parameters?.map((p) => p.$ref), where).toContain('#/components/parameters/IdempotencyKey');
          expect(statuses, where).toEqual(expect.arrayContaining(['409', '413', '415', '422', '507']));
        }
      } else {
        expect(op?.security, `${where} is public`).toEqual([]);
      }
    }
  });

  it('serves /docs as HTML that loads only local scripts and styles', async () => {
    const res = await t.http.get('/docs').redirects(3);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const urls = assetUrls(res.text);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    expect(urls.some((u) => u.endsWith('.js'))).toBe(true);
    for (const u of urls) {
      expect(u, u).not.toMatch(/^(?:[a-z][a-z0-9+.-]*:)?\/\//i);
    }
    // The assets themselves are served by this process (no CDN on a satellite link).
    const base = new URL(res.redirects.at(-1) ?? 'http://local/docs');
    for (const u of urls.filter((x) => /\.(?:js|css)$/.test(x))) {
      const path = new URL(u, base).pathname;
      const asset = await t.http.get(path);
      expect([path, asset.status]).toEqual([path, 200]);
    }
  });

  it('points the docs initializer at the local spec, not at a remote host', async () => {
    const html = (await t.http.get('/docs').redirects(3)).text;
    const init = assetUrls(html).find((u) => u.endsWith('swagger-initializer.js'));
    expect(init).toBeDefined();
    const js = await t.http.get(new URL(init!, 'http://local/docs/').pathname);
    expect(js.status).toBe(200);
    // No online validator (swagger-ui otherwise posts the spec to validator.swagger.io) and no remote spec URL.
    expect(js.text).toMatch(/validatorUrl\W+null/);
    expect(js.text).not.toMatch(/\burl\s*[:=]\s*['"`]https?:/i);
    const spec = await t.http.get('/docs/json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
  });

  it('GET /healthz answers 200 { status: ok }', async () => {
    const res = await t.http.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 { status: ready } on a migrated database', async () => {
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready' });
    // drizzle's journal of applied migrations: its own schema on PostgreSQL.
    const journal = TEST_ENGINE === 'postgres' ? 'drizzle.__drizzle_migrations' : '__drizzle_migrations';
    const applied = Number((await t.row<{ n: number | string }>(`select count(*) as n from ${journal}`))!.n);
    expect(applied).toBeGreaterThan(0);
    expect(res.body.migrations).toBe(applied);
  });
});
