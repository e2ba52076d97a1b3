import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../src/core/http/api.js';
import { createTestApp, type TestApp } from '../helpers.js';

const committed = JSON.parse(fs.readFileSync(new URL('../fixtures/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };

describe('the committed OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('is exactly what the routes generate (run `npm run openapi:write` after changing a route, and review the diff)', async () => {
    const res = await t.http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(committed);
  });

  it('documents every registered API route, and no route that does not exist', () => {
    const registered = t.app.routeTable
      .filter((r) => r.url.startsWith(API_PREFIX))
      .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    const documented = Object.entries(committed.paths)
      .filter(([p]) => p.startsWith(API_PREFIX))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
    expect(registered.length).toBeGreaterThan(50);
    expect(documented).toEqual(registered);
  });
});
