import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeMatrixMarkdown } from '../src/modules/auth/route-matrix.js';
import { createTestApp, type TestApp } from './helpers.js';

describe('README', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('carries the route × role matrix of the routes as registered', () => {
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const m = /<!-- route-matrix:start -->\n([\s\S]*?)\n<!-- route-matrix:end -->/.exec(readme);
    expect(m, 'README has the route-matrix markers').not.toBeNull();
    const generated = routeMatrixMarkdown(t.app.routeTable);
    expect(generated.split('\n').length).toBeGreaterThan(15);
    expect(`${m![1]!.trim()}\n`).toBe(generated);
  });

  it('lists every configuration variable that the config schema reads', async () => {
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const { EnvSchema } = await import('../src/config.js');
    for (const name of Object.keys(EnvSchema.shape)) expect(readme).toContain(`\`${name}\``);
  });
});
