/**
 * Translating in the app (docs/translation.md): the translations API, who may
 * use it, what a save checks and writes, and what the public messages show.
 * Texts below are test fixtures, not translations: they are never shipped.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import type { Test } from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import en from '../../src/locales/en.json' with { type: 'json' };
import iuShipped from '../../src/locales/iu.json' with { type: 'json' };
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, TEST_ENGINE, type TestApp } from '../helpers.js';
import { createTestDatabase } from '../support/pg.js';
import { importXliff } from '../../src/locales/xliff.js';
import { loadCatalog, LOCALES_DIR } from '../../src/locales/locale-files.js';

const API = '/api/v1';
type Item = { key: string; source: string; text: string | null; reviewed: boolean; note: string; shown: string | null; englishChanged: boolean };

describe('translations API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const as = async (role: Role) => bearer(await t.token(role));
  const put = async (lang: string, key: string, body: unknown, role: Role = 'translator') => t.http.put(`${API}/translations/${lang}/${key}`).set(await as(role)).send(body as object);
  const list = async (lang: string, query = '', role: Role = 'translator') => t.http.get(`${API}/translations?lang=${lang}${query}`).set(await as(role));
  const rows = () => t.rows('select * from translations order by lang, key');
  const history = () => t.rows<{ entity_id: string; action: string; actor_user_id: number; details: string }>("select entity_id, action, actor_user_id, details from audit_events where entity_type = 'translation' order by id");
  const publicMessages = async (lang: string) => t.http.get(`${API}/locales/${lang}`);

  it('lists every English key with its source, note, text and reviewed flag; shipped reviewed text counts', async () => {
    const res = await list('iu');
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    expect(items.length).toBe(Object.keys(en).length - 1);
    const nunavut = items.find((i) => i.key === 'place.nunavut')!;
    expect(nunavut).toMatchObject({ source: 'Nunavut', text: iuShipped['place.nunavut'], reviewed: true, shown: iuShipped['place.nunavut'], englishChanged: false });
    expect(nunavut.note.length).toBeGreaterThan(0);
    const drives = items.find((i) => i.key === 'station.card.drives')!;
    expect(drives).toMatchObject({ source: 'Drives', text: null, reviewed: false, shown: null });
    expect(res.body.handoverMissing).toContain('handover.title');

    const missing = (await list('iu', '&status=missing')).body.items as Item[];
    expect(missing.every((i) => i.text === null)).toBe(true);
    expect(missing.map((i) => i.key)).not.toContain('place.nunavut');
    expect(((await list('iu', '&status=unreviewed')).body.items as Item[]).length).toBe(0);
  });

  it('saves a text: reads back, is logged in the history with the user id, and shows publicly only once reviewed', async () => {
    const draft = await put('iu', 'station.card.drives', { text: 'ᓄᓇᕗᑦ (test draft)', reviewed: false });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body.translation).toMatchObject({ key: 'station.card.drives', text: 'ᓄᓇᕗᑦ (test draft)', reviewed: false, shown: null });
    expect((await publicMessages('iu')).body.messages['station.card.drives']).toBeUndefined();
    expect(((await list('iu', '&status=unreviewed')).body.items as Item[]).map((i) => i.key)).toEqual(['station.card.drives']);

    const before = (await publicMessages('iu')).headers['etag'];
    const reviewed = await put('iu', 'station.card.drives', { text: 'ᓄᓇᕗᑦ (test)', reviewed: true }, 'admin');
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.translation).toMatchObject({ text: 'ᓄᓇᕗᑦ (test)', reviewed: true, shown: 'ᓄᓇᕗᑦ (test)' });
    const pub = await publicMessages('iu');
    expect(pub.status).toBe(200);
    expect(pub.body.messages['station.card.drives']).toBe('ᓄᓇᕗᑦ (test)');
    expect(pub.body.messages['place.nunavut']).toBe(iuShipped['place.nunavut']);
    expect(pub.headers['etag']).toMatch(/^"[^"]+"$/);
    expect(pub.headers['etag']).not.toBe(before);

    const events = await history();
    expect(events.map((e) => [e.entity_id, e.action])).toEqual([
      ['iu:station.card.drives', 'translation.saved'],
      ['iu:station.card.drives', 'translation.saved'],
    ]);
    expect(JSON.parse(events[1]!.details)).toEqual({ lang: 'iu', key: 'station.card.drives', text: 'ᓄᓇᕗᑦ (test)', reviewed: true, previous: { text: 'ᓄᓇᕗᑦ (test draft)', reviewed: false } });
    expect(events[0]!.actor_user_id).not.toBe(events[1]!.actor_user_id);
    const audit = await t.http.get(`${API}/audit/verify`).set(await as('admin'));
    expect(audit.body.ok).toBe(true);
  });

  it('stores text NFC: decomposed input reads back composed', async () => {
    const decomposed = 'Appareil e\u0301tiquete\u0301 (test)';
    expect(decomposed.normalize('NFC')).not.toBe(decomposed);
    const res = await put('fr', 'station.card.drives', { text: decomposed, reviewed: true });
    expect(res.status).toBe(200);
    expect(res.body.translation.text).toBe(decomposed.normalize('NFC'));
    expect(((await rows())[0] as { text: string }).text).toBe('Appareil étiqueté (test)');
    expect((await publicMessages('fr')).body.messages['station.card.drives']).toBe('Appareil étiqueté (test)');
  });

  it('refuses an unknown language or key (404 with a code), broken ICU and other placeholders (400 naming text), and writes nothing', async () => {
    const cases: Array<{ lang: string; key: string; body: unknown; status: number; code: string; field?: string }> = [
      { lang: 'de', key: 'station.card.drives', body: { text: 'x', reviewed: true }, status: 404, code: 'translations.unknown_language' },
      { lang: 'en', key: 'station.card.drives', body: { text: 'x', reviewed: true }, status: 404, code: 'translations.unknown_language' },
      { lang: 'iu', key: 'station.card.nope', body: { text: 'x', reviewed: true }, status: 404, code: 'translations.unknown_key' },
      { lang: 'iu', key: 'station.card.offline', body: { text: 'ᓄᓇᕗᑦ {at', reviewed: true }, status: 400, code: 'request.invalid', field: 'body.text' },
      { lang: 'iu', key: 'station.card.offline', body: { text: 'ᓄᓇᕗᑦ {when}', reviewed: true }, status: 400, code: 'request.invalid', field: 'body.text' },
      { lang: 'iu', key: 'station.card.offline', body: { text: 'ᓄᓇᕗᑦ', reviewed: true }, status: 400, code: 'request.invalid', field: 'body.text' },
      { lang: 'iu', key: 'office.loans.days', body: { text: '{count, plural, one {# x} other {# y}}', reviewed: true }, status: 400, code: 'request.invalid', field: 'body.text' },
      { lang: 'iu', key: 'station.card.drives', body: { text: '', reviewed: true }, status: 400, code: 'request.invalid', field: 'body.text' },
      { lang: 'iu', key: 'station.card.drives', body: { text: 'x' }, status: 400, code: 'request.invalid', field: 'body.reviewed' },
      { lang: 'iu', key: 'station.card.drives', body: { text: '漢字 (test)', reviewed: true }, status: 400, code: 'documents.undrawable_text', field: 'body.text' },
    ];
    for (const c of cases) {
      const res = await put(c.lang, c.key, c.body);
      const label = `${c.lang}/${c.key} ${JSON.stringify(c.body)}`;
      expect([label, res.status, res.body.code]).toEqual([label, c.status, c.code]);
      if (c.field) expect((res.body.errors as Array<{ field: string }>).map((e) => e.field), label).toContain(c.field);
    }
    expect(await rows()).toEqual([]);
    expect(await history()).toEqual([]);
    const ok = await put('iu', 'office.loans.days', { text: '{days, plural, one {# ᐅᓪᓗᖅ test} two {# test} other {# test}}', reviewed: true });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await list('xx')).body.code).toBe('translations.unknown_language');
    expect((await publicMessages('xx')).status).toBe(404);
  });

  it('is for admins and translators; trainees, coordinators and staff are refused and nothing is written', async () => {
    for (const role of ['trainee', 'coordinator', 'staff'] as const) {
      expect([role, (await list('iu', '', role)).status]).toEqual([role, 403]);
      expect([role, (await put('iu', 'station.card.drives', { text: 'ᓄᓇᕗᑦ (test)', reviewed: true }, role)).status]).toEqual([role, 403]);
      expect([role, (await t.http.get(`${API}/translations/iu/xliff`).set(await as(role))).status]).toEqual([role, 403]);
    }
    expect(await rows()).toEqual([]);
    for (const role of ['admin', 'translator'] as const) expect([role, (await list('fr', '', role)).status]).toEqual([role, 200]);
    // The public messages need no sign-in: the sign-in screens use them.
    expect((await publicMessages('iu')).status).toBe(200);
  });

  it('a translator does nothing but translations and their own account', async () => {
    const tr = await as('translator');
    expect((await t.http.get(`${API}/me`).set(tr)).status).toBe(200);
    for (const path of ['/devices', '/donations', '/participants', '/users', '/reports/inventory', '/scans/unknown']) {
      expect([path, (await t.http.get(`${API}${path}`).set(tr)).status]).toEqual([path, 403]);
    }
  });

  it('exports the effective catalog as XLIFF that i18n:import takes back', async () => {
    await put('iu', 'station.card.drives', { text: 'ᓄᓇᕗᑦ (test)', reviewed: true });
    await put('iu', 'station.card.wipe', { text: 'ᓄᓇᕗᑦ (test draft)', reviewed: false });
    const res = await t.http.get(`${API}/translations/iu/xliff`).set(await as('translator')).buffer(true).parse((r, cb) => {
      let s = '';
      r.on('data', (c: Buffer) => (s += c.toString('utf8')));
      r.on('end', () => cb(null, s));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/xliff\+xml/);
    const xml = res.body as string;
    const result = importXliff(xml, (lang) => loadCatalog(LOCALES_DIR, lang));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.messages['station.card.drives']).toBe('ᓄᓇᕗᑦ (test)');
    expect(result.meta['station.card.drives']).toEqual({ source: 'Drives', reviewed: true });
    expect(result.meta['station.card.wipe']).toEqual({ source: 'Wipe', reviewed: false });
    expect(result.messages['place.nunavut']).toBe(iuShipped['place.nunavut']);
    expect(result.changed.sort()).toEqual(['station.card.drives', 'station.card.wipe']);
  });

  it('public messages are always the reviewed database text, else the reviewed shipped text, never a draft (any sequence of saves)', async () => {
    const keys = ['station.card.drives', 'station.card.wipe', 'place.nunavut', 'language.iu'] as const;
    const shipped: Record<string, string> = { 'place.nunavut': iuShipped['place.nunavut'], 'language.iu': iuShipped['language.iu'] };
    const save = fc.record({ key: fc.constantFrom(...keys), n: fc.integer({ min: 0, max: 3 }), reviewed: fc.boolean() });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(save, { minLength: 1, maxLength: 8 }), async (saves) => {
        run += 1;
        await t.exec('delete from translations');
        // The service caches the effective text per language: a save drops it, so start each run with one.
        await put('iu', 'station.card.drives', { text: `ᓄᓇᕗᑦ reset ${run}`, reviewed: false });
        const db = new Map<string, { text: string; reviewed: boolean }>([['station.card.drives', { text: `ᓄᓇᕗᑦ reset ${run}`, reviewed: false }]]);
        for (const s of saves) {
          const text = `ᓄᓇᕗᑦ ${s.key} ${s.n}`;
          const res = await put('iu', s.key, { text, reviewed: s.reviewed });
          expect(res.status).toBe(200);
          db.set(s.key, { text, reviewed: s.reviewed });
          const shown = (await publicMessages('iu')).body.messages as Record<string, string>;
          for (const key of keys) {
            const row = db.get(key);
            const expected = row?.reviewed ? row.text : shipped[key];
            expect([key, shown[key]]).toEqual([key, expected]);
          }
          for (const value of Object.values(shown)) expect(value.includes('reset')).toBe(false);
        }
      }),
      { numRuns: 15, seed: 20261201 },
    );
  });

  it('certificates, manifests and labels are drawn with the reviewed text saved in the app, never a draft', async () => {
    const pdfText = async (res: { status: number; body: Buffer }) => {
      expect(res.status).toBe(200);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'translations-doc-')), 'doc.pdf');
      fs.writeFileSync(file, res.body);
      return (await promisify(execFile)('pdftotext', [file, '-'])).stdout;
    };
    const binary = (req: Test) => req.buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    for (const [key, text, reviewed] of [
      ['certificate.heading', 'ᓄᓇᕗᑦ certificate fixture', true],
      ['manifest.heading', 'ᓄᓇᕗᑦ manifest fixture', true],
      ['category.laptop', 'ᓄᓇᕗᑦ laptop fixture', true],
      ['manifest.recycler', 'ᓄᓇᕗᑦ draft fixture', false],
    ] as const) expect((await put('iu', key, { text, reviewed }, 'admin')).status).toBe(200);
    const admin = await as('admin');

    const donation = (await t.http.post(`${API}/donations`).set(admin).send({ donorName: 'Nunavut Arctic College', donorType: 'school', receivedAt: '2026-03-01' })).body.donation as { id: number };
    const certificate = await pdfText(await binary(t.http.get(`${API}/donations/${donation.id}/certificate.pdf?lang=iu`).set(admin)));
    expect(certificate).toContain('ᓄᓇᕗᑦ certificate fixture');
    expect(await pdfText(await binary(t.http.get(`${API}/donations/${donation.id}/certificate.pdf`).set(admin)))).not.toContain('fixture');

    const recycler = (await t.http.post(`${API}/recyclers`).set(admin).send({ name: 'Southern E-Cycle Inc.', certification: 'R2' })).body.recycler as { id: number };
    const shipment = (await t.http.post(`${API}/shipments`).set(admin).send({ recyclerId: recycler.id, mode: 'sealift' })).body.shipment as { id: number };
    const manifest = await pdfText(await binary(t.http.get(`${API}/shipments/${shipment.id}/manifest.pdf?lang=iu`).set(admin)));
    expect(manifest).toContain('ᓄᓇᕗᑦ manifest fixture');
    expect(manifest).not.toContain('draft fixture');

    const device = (await t.http.post(`${API}/devices`).set(admin).send({ category: 'laptop', make: 'Lenovo', model: 'ThinkPad T480', serialNumber: 'PF-TR-1', storage: [{ serialNumber: 'DR-TR-1', kind: 'ssd', capacityGb: 256 }] })).body.device as { assetTag: string };
    const label = await pdfText(await binary(t.http.get(`${API}/devices/${device.assetTag}/label?template=avery-5160&lang=iu`).set(admin)));
    expect(label).toContain('ᓄᓇᕗᑦ laptop fixture');
  });
});

describe('npm run i18n:export -- --database', () => {
  // The database is a SQLite file, or with TEST_ENGINE=postgres a PostgreSQL database named by its URL.
  it('writes the effective catalog of a database as XLIFF that the import takes back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'translations-db-'));
    const server = TEST_ENGINE === 'postgres' ? await createTestDatabase('rl_i18n') : undefined;
    const file = server?.url ?? path.join(dir, 'app.db');
    const t = await createTestApp(server ? { postgresUrl: server.url } : { dbPath: file });
    try {
      const res = await t.http.put(`${API}/translations/iu/station.card.drives`).set(bearer(await t.token('translator'))).send({ text: 'ᓄᓇᕗᑦ (test)', reviewed: true });
      expect(res.status).toBe(200);
      const root = path.join(LOCALES_DIR, '../..');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/i18n.ts', 'export', '--lang', 'iu', '--database', file], { cwd: root });
      const result = importXliff(stdout, (lang) => loadCatalog(LOCALES_DIR, lang));
      expect(result.ok && result.messages['station.card.drives']).toBe('ᓄᓇᕗᑦ (test)');
      expect(result.ok && result.changed).toEqual(['station.card.drives']);
      const none = server ? `${server.url}_none` : path.join(dir, 'none.db');
      const missing = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/i18n.ts', 'export', '--lang', 'iu', '--database', none], { cwd: root });
      await expect(missing).rejects.toThrow(server ? /no database at postgres:.*_none: database ".*_none" does not exist/ : /no database at .*none\.db/);
    } finally {
      await t.close();
      await server?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
