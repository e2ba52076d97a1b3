import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Response as Res } from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { textRuns } from '../../src/core/pdf/fonts.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';

const API = '/api/v1';
type Body = Record<string, unknown>;

const NAME = 'Qilak Secretname';
const SYLLABIC_NAME = 'ᕿᓚᒃ ᐊᓪᓚᑦ';
const CONTACT = 'qilak.secret@example.org';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'handover-pdf-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let fileNo = 0;
/** The PDF's text as poppler's pdftotext extracts it (UTF-8). */
function pdfText(pdf: Buffer): string {
  const file = path.join(tmp, `doc-${++fileNo}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** The fonts poppler finds in the PDF, one line each (name, type, encoding, emb, sub, uni, …). */
function pdfFonts(pdf: Buffer): string[] {
  const file = path.join(tmp, `fonts-${++fileNo}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
}

describe('GET /issuances/{id}/handover.pdf', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  const as = async (role: Role) => bearer(await t.token(role));

  async function readyDevice(overrides: Body = {}): Promise<{ tag: string; serial: string }> {
    const trainee = await as('trainee');
    const body = laptop(overrides);
    const intake = await t.http.post(`${API}/devices`).set(trainee).send(body);
    expect(intake.status, JSON.stringify(intake.body)).toBe(201);
    const tag = intake.body.device.assetTag as string;
    for (const d of intake.body.device.storage as Array<{ serialNumber: string }>) {
      const wiped = await t.http
        .post(`${API}/devices/${tag}/sanitizations`)
        .set(trainee)
        .send({ storageSerial: d.serialNumber, method: 'purge', technique: 'crypto_erase', tool: 'nwipe', verification: 'full', result: 'passed' });
      expect(wiped.status).toBe(201);
    }
    const graded = await t.http
      .post(`${API}/devices/${tag}/grade`)
      .set(trainee)
      .send({ grade: 'A', specs: { cpu: 'Intel Core i5-8350U', ramGb: 16, storageGb: 512, os: 'Linux Mint 22' } });
    expect(graded.body.device.status).toBe('ready');
    return { tag, serial: body['serialNumber'] as string };
  }

  async function issued(issue: Body, participant: Body = {}, device: Body = {}) {
    const { tag, serial } = await readyDevice(device);
    const p = await t.http
      .post(`${API}/participants`)
      .set(await as('coordinator'))
      .send({ community: 'Chesterfield Inlet', displayName: NAME, contact: CONTACT, consent: { given: true, language: 'iu' }, ...participant });
    expect(p.status).toBe(201);
    const code = p.body.participant.code as string;
    const res = await t.http
      .post(`${API}/devices/${tag}/issue`)
      .set(await as('coordinator'))
      .send({ participantCode: code, agreementAccepted: true, ...issue });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { tag, serial, code, id: res.body.issuance.id as number };
  }

  async function handover(id: number, role: Role = 'coordinator'): Promise<Res> {
    return t.http.get(`${API}/issuances/${id}/handover.pdf`).set(await as(role)).buffer(true).parse(binary);
  }

  it('is a PDF with the device, accessories, due date, participant code and the community in syllabics, and no personal data', async () => {
    const { tag, serial, code, id } = await issued({ kind: 'loan', dueDate: '2026-06-30', accessories: ['charger', 'padded bag', 'USB mouse'] });
    const res = await handover(id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="handover-${id}.pdf"`);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const text = pdfText(pdf);
    expect(text).toContain('Device handover');
    expect(text).toContain(tag);
    expect(text).toContain(serial);
    expect(text).toContain('Lenovo ThinkPad T480 (Laptop)');
    expect(text).toContain('Intel Core i5-8350U');
    expect(text).toContain('16 GB');
    expect(text).toContain('charger, padded bag, USB mouse');
    expect(text).toContain('Return by');
    expect(text).toContain('2026-06-30');
    expect(text).toContain('Returning the device');
    expect(text).toContain(code);
    expect(text).toContain('Chesterfield Inlet · ᐃᒡᓗᓕᒑᕐᔪᒃ');
    expect(text).toContain(`Issuance ${id} · printed 2026-03-02 15:00`);
    expect(text).not.toContain(NAME);
    expect(text).not.toContain('Secretname');
    expect(text).not.toContain(CONTACT);

    // Every font is embedded (no WinAnsi standard font that would garble syllabics), and one of them draws syllabics.
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line, line).toMatch(/\byes\s+yes\s+yes\b/);
    expect(fonts.some((l) => l.includes('NotoSansCanadianAboriginal'))).toBe(true);
  });

  it('leaves out the due date and return section for a gift, and never prints a name written in syllabics', async () => {
    const { code, id } = await issued({ kind: 'gift' }, { community: 'Kugaaruk', displayName: SYLLABIC_NAME });
    const res = await handover(id, 'admin');
    expect(res.status).toBe(200);
    const text = pdfText(res.body as Buffer);
    expect(text).toContain(code);
    expect(text).toContain('Kugaaruk · ᑰᒑᕐᔪᒃ');
    expect(text).toContain('Gift: the device is yours to keep.');
    expect(text).toContain('Accessories');
    expect(text).toContain('None');
    expect(text).not.toContain('Return by');
    expect(text).not.toContain('Returning the device');
    expect(text).not.toContain(SYLLABIC_NAME);
    expect(text).not.toContain('ᕿᓚᒃ');
  });

  it.each(['fr', 'iu'])('renders with agreementLanguage %s, falling back to English where the locale has no reviewed text', async (lang) => {
    const { tag, code, id } = await issued({ kind: 'loan', dueDate: '2026-09-01', accessories: ['chargeur'], agreementLanguage: lang });
    const res = await handover(id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pdfText(res.body as Buffer);
    expect(text).toContain('Device handover');
    expect(text).toContain('Return by');
    expect(text).toContain('2026-09-01');
    expect(text).toContain('chargeur');
    expect(text).toContain(tag);
    expect(text).toContain(code);
    expect(text).toContain('ᐃᒡᓗᓕᒑᕐᔪᒃ');
  });

  /**
   * Saves a reviewed Inuktitut text for every key a handover form prints (test fixtures, not translations:
   * `ᐅᖃᐅᓯᖅ-<n>`, with the English placeholders), but `except`, which is saved unreviewed.
   */
  async function translateHandover(except: string | null = null): Promise<Map<string, string>> {
    const translator = await as('translator');
    const list = await t.http.get(`${API}/translations?lang=iu`).set(translator);
    expect(list.status).toBe(200);
    const missing = list.body.handoverMissing as string[];
    expect(missing.length).toBeGreaterThan(30);
    const english = new Map((list.body.items as Array<{ key: string; source: string }>).map((i) => [i.key, i.source]));
    const texts = new Map<string, string>();
    for (const [n, key] of missing.entries()) {
      const placeholders = [...english.get(key)!.matchAll(/\{(\w+)\}/g)].map((m) => ` {${m[1]}}`).join('');
      const text = `ᐅᖃᐅᓯᖅ-${n}${placeholders}`;
      const res = await t.http.put(`${API}/translations/iu/${key}`).set(translator).send({ text, reviewed: key !== except });
      expect(res.status, `${key} ${JSON.stringify(res.body)}`).toBe(200);
      texts.set(key, text);
    }
    return texts;
  }

  it('prints English and Inuktitut when every text of the form is reviewed in Inuktitut (saved through the API), for the next form', async () => {
    const { id } = await issued({ kind: 'loan', dueDate: '2026-09-01', accessories: ['charger'], agreementLanguage: 'iu' });
    const before = pdfText((await handover(id)).body as Buffer);
    expect(before).toContain('Device handover');
    expect(before).not.toContain('ᐅᖃᐅᓯᖅ');

    const texts = await translateHandover();
    const text = pdfText((await handover(id)).body as Buffer).replace(/\s+/g, ' ');
    expect(text).toContain('Device handover');
    expect(text).toContain(texts.get('handover.title'));
    expect(text).toContain(texts.get('handover.agreement'));
    expect(text).toContain(texts.get('handover.return.1'));
    expect(text).toContain(`${texts.get('handover.footer')!.split(' ')[0]} ${id}`);
    expect(text).toContain('Returning the device');
    expect(text).toContain('ᐃᒡᓗᓕᒑᕐᔪᒃ');
    expect(pdfFonts((await handover(id)).body as Buffer).some((f) => /CanadianAboriginal/i.test(f))).toBe(true);

    // A French form stays English: French has none of these texts.
    const fr = await issued({ kind: 'gift', agreementLanguage: 'fr' }, { community: 'Iqaluit' });
    expect(pdfText((await handover(fr.id)).body as Buffer)).not.toContain('ᐅᖃᐅᓯᖅ');
  });

  it('prints the English form only while any text of the form is unreviewed in the language: never half-translated', async () => {
    const { id } = await issued({ kind: 'loan', dueDate: '2026-09-01', accessories: ['charger'], agreementLanguage: 'iu' });
    await translateHandover('handover.care.2');
    const text = pdfText((await handover(id)).body as Buffer);
    expect(text).toContain('Device handover');
    expect(text).not.toContain('ᐅᖃᐅᓯᖅ');
    const list = await t.http.get(`${API}/translations?lang=iu`).set(await as('translator'));
    expect(list.body.handoverMissing).toEqual(['handover.care.2']);
    // Reviewed at last: the next form is bilingual.
    const res = await t.http.put(`${API}/translations/iu/handover.care.2`).set(await as('admin')).send({ text: 'ᐅᖃᐅᓯᖅ-care', reviewed: true });
    expect(res.status).toBe(200);
    expect(pdfText((await handover(id)).body as Buffer)).toContain('ᐅᖃᐅᓯᖅ-care');
  });

  it('previews a sample form in a language for translators (made-up data), as the next one would print', async () => {
    const preview = async () => t.http.get(`${API}/translations/iu/preview/handover.pdf`).set(await as('translator')).buffer(true).parse(binary);
    const english = await preview();
    expect(english.status).toBe(200);
    expect(english.headers['content-type']).toBe('application/pdf');
    expect(pdfText(english.body as Buffer)).toContain('P-000000');
    expect(pdfText(english.body as Buffer)).not.toContain('ᐅᖃᐅᓯᖅ');
    const texts = await translateHandover();
    expect(pdfText((await preview()).body as Buffer)).toContain(texts.get('handover.title'));
    expect((await t.http.get(`${API}/translations/iu/preview/handover.pdf`).set(await as('coordinator'))).status).toBe(403);
    expect((await t.http.get(`${API}/translations/de/preview/handover.pdf`).set(await as('translator'))).status).toBe(404);
  });

  it('gives identical bytes for the same issuance at the same clock, and a new print time once the clock moves', async () => {
    const { id } = await issued({ kind: 'loan', dueDate: '2026-06-30', accessories: ['charger'] });
    const a = (await handover(id)).body as Buffer;
    const b = (await handover(id, 'admin')).body as Buffer;
    expect(a.length).toBeGreaterThan(1000);
    expect(b.equals(a)).toBe(true);

    t.clock.advance(60_000);
    const c = (await handover(id)).body as Buffer;
    expect(c.equals(a)).toBe(false);
    expect(pdfText(c)).toContain(`Issuance ${id} · printed 2026-03-02 15:01`);
  });

  it('is for coordinators and admins only; an unknown issuance is 404 issuance.not_found', async () => {
    const { id } = await issued({ kind: 'gift' });
    for (const role of ['staff', 'trainee'] as const) {
      const res = await t.http.get(`${API}/issuances/${id}/handover.pdf`).set(await as(role));
      expect(res.status, role).toBe(403);
      expect(res.body.code, role).toBe('auth.forbidden');
    }
    const missing = await t.http.get(`${API}/issuances/${id + 100}/handover.pdf`).set(await as('coordinator'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('issuance.not_found');
    const bad = await t.http.get(`${API}/issuances/abc/handover.pdf`).set(await as('coordinator'));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('request.invalid');
  });

  it('refuses with 400 documents.undrawable_text, naming the character, when device text has characters no embedded font can draw', async () => {
    const { id } = await issued({ kind: 'gift' }, {}, { model: 'ThinkPad 漢' });
    const res = await t.http.get(`${API}/issuances/${id}/handover.pdf`).set(await as('coordinator'));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('documents.undrawable_text');
    expect(res.body.detail).toContain('漢');
    expect(res.body.detail).toContain('U+6F22');
  });
});

describe('textRuns (src/core/pdf/fonts.ts)', () => {
  it('splits Latin and syllabics into runs drawn by different fonts, spaces staying with their run', () => {
    expect(textRuns('Iqaluit ᐃᖃᓗᐃᑦ')).toEqual([
      { text: 'Iqaluit ', font: 'latin' },
      { text: 'ᐃᖃᓗᐃᑦ', font: 'syllabics' },
    ]);
    expect(textRuns('ᐃᖃᓗᐃᑦ Iqaluit', true)).toEqual([
      { text: 'ᐃᖃᓗᐃᑦ ', font: 'syllabics-bold' },
      { text: 'Iqaluit', font: 'latin-bold' },
    ]);
    expect(textRuns('Kugluktuk (Qurluqtuq ᖁᕐᓗᖅᑐᖅ) · ᓄᓇᕗᑦ')).toEqual([
      { text: 'Kugluktuk (Qurluqtuq ', font: 'latin' },
      { text: 'ᖁᕐᓗᖅᑐᖅ', font: 'syllabics' },
      { text: ') · ', font: 'latin' },
      { text: 'ᓄᓇᕗᑦ', font: 'syllabics' },
    ]);
  });

  it('keeps French accents in the Latin font, and gives empty text no runs', () => {
    expect(textRuns('Remise de l’appareil à Iqaluit — été')).toEqual([{ text: 'Remise de l’appareil à Iqaluit — été', font: 'latin' }]);
    expect(textRuns('')).toEqual([]);
  });

  it.each([
    ['漢', 'Made in 漢', 'U+6F22'],
    ['an emoji', 'Laptop 💻 ready', 'U+1F4BB'],
  ])('throws AppError documents.undrawable_text naming %s', (_what, text, codePoint) => {
    let thrown: unknown;
    try {
      textRuns(text, false, 'device.model');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const err = thrown as AppError;
    expect(err.code).toBe('documents.undrawable_text');
    expect(err.status).toBe(400);
    const ch = String.fromCodePoint(parseInt(codePoint.slice(2), 16));
    expect(err.message).toContain(ch);
    expect(err.message).toContain(codePoint);
    expect(err.errors).toEqual([{ field: 'device.model', message: expect.stringContaining(codePoint) }]);
  });
});
