/**
 * The scan station as the service serves it: the page, its bundle and
 * stylesheet (local, cached by ETag, under the CSP), and the text it needs
 * from the locale files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src/locales/en.json' with { type: 'json' };
import fr from '../../src/locales/fr.json' with { type: 'json' };
import iu from '../../src/locales/iu.json' with { type: 'json' };
import { DEVICE_ACTIONS, DEVICE_STATUSES } from '../../src/modules/devices/device-lifecycle.js';
import { GRADES } from '../../src/modules/grading/grading.table.js';
import { GradeBody } from '../../src/modules/grading/grading.schemas.js';
import { ISSUANCE_KINDS, RETURN_CONDITIONS } from '../../src/modules/issuance/issuance.table.js';
import { LANGUAGES } from '../../src/modules/participants/participants.schemas.js';
import { REPAIR_OUTCOMES } from '../../src/modules/repairs/repairs.table.js';
import { RESULTS, SANITIZATION_METHODS, SANITIZATION_TECHNIQUES, VERIFICATION_KINDS, VERIFICATION_STATUSES } from '../../src/modules/sanitization/sanitization.table.js';
import { DEVICE_CATEGORIES } from '../../src/modules/devices/category-weights.js';
import { STORAGE_KINDS } from '../../src/modules/devices/devices.table.js';
import { SANITIZATION_STATES } from '../../src/modules/devices/devices.schemas.js';
import { CHECKLIST, CHOICES } from '../../src/station/choices.js';
import { ROLES, createTestApp, type TestApp } from '../helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { SITE_NAME: 'Iqaluit </script><script>alert(1)</script>', ORGANIZATION_NAME: 'Computers & "Skills"' } });
});
afterAll(async () => t.close());

describe('GET /', () => {
  it('serves the page under the same CSP as the API, with no inline script to run and the settings as a JSON data block', async () => {
    const res = await t.http.get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    const html = res.text;
    expect(html).toContain('<script type="module" src="/station/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/station/app.css">');
    // The only inline <script> is data (never run under script-src 'self').
    const inline = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => m[2]!.trim() !== '');
    expect(inline).toHaveLength(1);
    expect(inline[0]![1]).toContain('type="application/json"');
    const config = JSON.parse(inline[0]![2]!) as Record<string, string>;
    expect(config).toEqual({ siteName: 'Iqaluit </script><script>alert(1)</script>', siteCode: expect.stringMatching(/^[a-z][a-z0-9-]*$/), organizationName: 'Computers & "Skills"', assetTagPrefix: 'IQ' });
    // A site name cannot close the data block or inject markup into the title.
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('<title>Iqaluit &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; · scan station</title>');
  });

  it('needs no login (the page logs in itself) and stays out of the API contract', async () => {
    const spec = (await t.http.get('/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).filter((p) => !p.startsWith('/api/v1/') && p !== '/healthz' && p !== '/readyz')).toEqual([]);
    expect((await t.http.get('/')).status).toBe(200);
  });
});

describe('the bundle and the stylesheet', () => {
  it('are served with an ETag and revalidated: 304 when unchanged', async () => {
    for (const [path, type] of [
      ['/station/app.js', 'text/javascript; charset=utf-8'],
      ['/station/app.css', 'text/css; charset=utf-8'],
    ] as const) {
      const first = await t.http.get(path);
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe(type);
      expect(first.headers['cache-control']).toBe('no-cache');
      const etag = first.headers['etag'] as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
      const again = await t.http.get(path).set('if-none-match', etag);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      const stale = await t.http.get(path).set('if-none-match', '"something-else"');
      expect(stale.status).toBe(200);
    }
  });

  it('load nothing from elsewhere: no http(s) address, no @import, no external font', async () => {
    const js = (await t.http.get('/station/app.js')).text;
    const css = (await t.http.get('/station/app.css')).text;
    const html = (await t.http.get('/')).text;
    expect(js.length).toBeGreaterThan(10_000);
    for (const text of [js, css, html]) {
      expect(text).not.toMatch(/https?:\/\//);
      expect(text).not.toMatch(/@import|@font-face|url\(/);
    }
  });

  it('carry the server only as types: no Node built-ins, zod or drizzle in the browser bundle', async () => {
    const js = (await t.http.get('/station/app.js')).text;
    expect(js).not.toMatch(/node:|require\(|drizzle|ZodError/);
  });
});

describe('station text', () => {
  const keys = new Set(Object.keys(en));
  const station = readdirSync(new URL('../../src/station/', import.meta.url))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(new URL(`../../src/station/${f}`, import.meta.url), 'utf8'))
    .join('\n');

  it('English has every key the page names, including those built from data', () => {
    const literal = [...station.matchAll(/'(station\.[A-Za-z0-9_.]+)'/g)].map((m) => m[1]!).filter((k) => !(k in CHOICES));
    expect(literal.length).toBeGreaterThan(100);
    const fromData = [
      ...DEVICE_STATUSES.map((s) => `station.status.${s}`),
      ...DEVICE_ACTIONS.filter((a) => a !== 'update' && a !== 'ship').map((a) => `station.action.${a}`),
      ...ROLES.map((r) => `station.role.${r}`),
      ...(['success', 'duplicate', 'unknown', 'refused', 'queued', 'info'] as const).map((k) => `station.feedback.${k}`),
      ...CHECKLIST.map((c) => `station.check.${c}`),
      ...Object.entries(CHOICES).flatMap(([prefix, values]) => values.map((v: string) => `${prefix}.${v}`)),
    ];
    expect([...literal, ...fromData].filter((k) => !keys.has(k))).toEqual([]);
  });

  it("offers exactly the service's choices in its forms", () => {
    const same = (a: readonly string[]) => [...a].sort();
    expect(same(CHOICES.category)).toEqual(same(DEVICE_CATEGORIES));
    expect(same(CHOICES['station.driveKind'])).toEqual(same(STORAGE_KINDS));
    expect(same(CHOICES['station.method'])).toEqual(same(SANITIZATION_METHODS));
    expect(same(CHOICES['station.technique'])).toEqual(same(SANITIZATION_TECHNIQUES));
    expect(same(CHOICES['station.verification'])).toEqual(same(VERIFICATION_KINDS));
    expect(same(CHOICES['station.result'])).toEqual(same(RESULTS));
    expect(same(CHOICES['station.outcome'])).toEqual(same(REPAIR_OUTCOMES));
    expect(same(CHOICES['station.issueKind'])).toEqual(same(ISSUANCE_KINDS));
    expect(same(CHOICES['station.condition'])).toEqual(same(RETURN_CONDITIONS));
    expect(same(CHOICES['station.grade'])).toEqual(same(GRADES));
    expect(same(CHOICES['station.state'])).toEqual(same(SANITIZATION_STATES));
    expect(same(CHOICES['station.check.state'])).toEqual(same(VERIFICATION_STATUSES));
    expect(same(CHOICES.language)).toEqual(same(LANGUAGES));
    const checklist = Object.keys(GradeBody.shape.checklist.unwrap().shape).filter((k) => k !== 'batteryHealthPercent');
    expect(same(CHECKLIST)).toEqual(same(checklist));
  });

  it('names every event the service writes into a device history', () => {
    const sources = ['devices/devices.service.ts', 'devices/device-actions.service.ts', 'sanitization/sanitization.service.ts', 'repairs/repairs.service.ts', 'grading/grading.service.ts', 'issuance/issuance.service.ts', 'recycling/recycling.service.ts']
      .map((f) => readFileSync(new URL(`../../src/modules/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const events = new Set([...sources.matchAll(/'(device\.[a-z_]+)'/g)].map((m) => m[1]!));
    expect(events.size).toBeGreaterThan(8);
    expect([...events].filter((e) => !keys.has(`station.event.${e}`))).toEqual([]);
  });

  it('French and Inuktitut hold only reviewed text: no station string is machine-filled', () => {
    expect(Object.keys(fr).filter((k) => k.startsWith('station.'))).toEqual([]);
    expect(Object.keys(iu).filter((k) => k.startsWith('station.'))).toEqual([]);
  });
});
