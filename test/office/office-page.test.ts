/**
 * The office as the service serves it: the page, its bundle and stylesheet
 * (local, cached by ETag, under the CSP, outside the API contract), and the
 * text it needs from the locale files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/locales/en.json' with { type: 'json' };
import fr from '../../src/locales/fr.json' with { type: 'json' };
import iu from '../../src/locales/iu.json' with { type: 'json' };
import { OFFICE_PAGES } from '../../src/client/office-pages.js';
import { TODAY_FIGURES } from '../../src/client/today.js';
import { createTestApp, type TestApp } from '../helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { SITE_NAME: 'Iqaluit </script><script>alert(1)</script>' } });
});
afterAll(async () => t.close());

describe('GET /office', () => {
  it('serves the page under the CSP, with no inline script to run and the settings as a JSON data block', async () => {
    for (const path of ['/office', '/office/']) {
      const res = await t.http.get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      const html = res.text;
      expect(html).toContain('<script type="module" src="/office/app.js"></script>');
      expect(html).toContain('<link rel="stylesheet" href="/office/app.css">');
      const inline = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => m[2]!.trim() !== '');
      expect(inline).toHaveLength(1);
      expect(inline[0]![1]).toContain('type="application/json"');
      expect(JSON.parse(inline[0]![2]!)).toEqual({ siteName: 'Iqaluit </script><script>alert(1)</script>', siteCode: expect.stringMatching(/^[a-z][a-z0-9-]*$/), organizationName: expect.any(String) });
      expect(html).not.toContain('<script>alert(1)');
    }
  });

  it('stays out of the API contract', async () => {
    const spec = (await t.http.get('/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/office'))).toEqual([]);
  });

  it('bundle and stylesheet: ETag, revalidated, nothing from elsewhere, the server only as types', async () => {
    for (const [path, type] of [
      ['/office/app.js', 'text/javascript; charset=utf-8'],
      ['/office/app.css', 'text/css; charset=utf-8'],
    ] as const) {
      const first = await t.http.get(path);
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe(type);
      expect(first.headers['cache-control']).toBe('no-cache');
      const etag = first.headers['etag'] as string;
      expect((await t.http.get(path).set('if-none-match', etag)).status).toBe(304);
      expect(first.text).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
      expect(first.text).not.toMatch(/@import|@font-face|url\(/);
    }
    const js = (await t.http.get('/office/app.js')).text;
    expect(js).not.toMatch(/node:|require\(|drizzle|ZodError/);
    // The styles shared with the station come first.
    const css = (await t.http.get('/office/app.css')).text;
    const base = readFileSync(new URL('../../src/styles/base.css', import.meta.url), 'utf8');
    expect(css.startsWith(base)).toBe(true);
    expect((await t.http.get('/station/app.css')).text.startsWith(base)).toBe(true);
  });
});

describe('office text', () => {
  const keys = new Set(Object.keys(en));
  const read = (dir: string) =>
    readdirSync(new URL(dir, import.meta.url))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(new URL(`${dir}${f}`, import.meta.url), 'utf8'))
      .join('\n');
  const source = read('../../src/office/');

  it('English has every key the pages name, including those built from data', () => {
    const literal = [...source.matchAll(/'((?:office|station|language)\.[A-Za-z0-9_.]+)'/g)].map((m) => m[1]!);
    expect(literal.length).toBeGreaterThan(40);
    const fromData = [...OFFICE_PAGES.map((p) => `office.page.${p.id}`), ...TODAY_FIGURES.map((f) => `office.today.${f.key}`)];
    expect([...literal, ...fromData].filter((k) => !keys.has(k))).toEqual([]);
  });

  it('French and Inuktitut hold only reviewed text: no office string is machine-filled', () => {
    expect(Object.keys(fr).filter((k) => k.startsWith('office.'))).toEqual([]);
    expect(Object.keys(iu).filter((k) => k.startsWith('office.'))).toEqual([]);
  });
});
