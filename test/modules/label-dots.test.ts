/**
 * Labels true to the printer. A thermal head prints whole dots: a Code 128
 * module of 2.34 dots comes out as bars of 2 and 3 dots, and a scanner reads
 * uneven widths. On every stock the module is a whole number of the
 * printer's dots, the same in the PNG preview, in the PDF (rasterised by
 * poppler at the printer's resolution) and in the ZPL's ^BY; the symbols
 * still decode with zbar. And asset text shrinks or wraps, so make and model
 * are printed whole on every stock, Latin or syllabics.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code128 } from '../../src/core/pdf/barcodes.js';
import { layoutLabel } from '../../src/modules/labels/label-layout.js';
import { loadLabelTemplates } from '../../src/modules/labels/label-templates.js';
import { measureText } from '../../src/modules/labels/raster.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';
import { barRuns, grayOf, pdfPagePng, type Gray } from '../support/images.js';

const API = '/api/v1';
const TEMPLATES = loadLabelTemplates();

/** The narrow bar on each stock, in the printer's dots (before whole dots: 2.34, 3.85, 5.91, 4.59, 5.91). */
const MODULE_DOTS: Record<string, number> = { 'zebra-2x1': 2, 'dymo-30334': 3, 'brother-dk1201': 5, 'avery-5160': 4, 'avery-l7163': 5 };

const LONG_LATIN = { make: 'Hewlett-Packard', model: 'EliteBook 840 G10 Notebook PC' };
// Place names from docs (REFERENCE: communities in syllabics), as a donor's own label text might be.
const LONG_SYLLABICS = { make: 'ᐃᖃᓗᐃᑦ ᐊᕐᕕᐊᑦ ᑰᒑᕐᔪᒃ', model: 'ᑭᒻᒥᕈᑦ ᖁᕐᓗᖅᑐᖅ ᐅᖅᓱᖅᑑᖅ 840 G10' };

let tmp: string;
function decode(png: Buffer): string[] {
  const file = path.join(tmp, `d${Math.random().toString(36).slice(2)}.png`);
  fs.writeFileSync(file, png);
  const out = spawnSync('zbarimg', ['-q', file], { encoding: 'utf8' });
  return out.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
}

/** Pixels half covered (mid grey) along the row through the middle of the bars. */
function greysAcrossBars(img: Gray): number {
  let best = { y: 0, transitions: -1 };
  for (let y = Math.floor(img.height * 0.6); y < img.height; y++) {
    let n = 0;
    for (let x = 1; x < img.width; x++) if (img.at(x, y) < 128 !== img.at(x - 1, y) < 128) n++;
    if (n > best.transitions) best = { y, transitions: n };
  }
  let greys = 0;
  for (let x = 0; x < img.width; x++) {
    const v = img.at(x, best.y);
    // poppler's anti-aliasing greys a pixel beside an edge that sits exactly on a dot boundary to about 223;
    // an edge inside a dot (a bar of 2.34 dots) covers it partly: mid greys.
    if (v > 48 && v < 208) greys++;
  }
  return greys;
}

/** The runs must be whole multiples of the narrowest, which is the module. */
function expectWholeModules(runs: number[], moduleDots: number, tag: string, what: string): void {
  expect(runs.length, what).toBe(code128(tag).widths.length);
  expect(Math.min(...runs), what).toBe(moduleDots);
  expect(runs.filter((r) => r % moduleDots !== 0), what).toEqual([]);
  expect(runs.map((r) => r / moduleDots), what).toEqual(code128(tag).widths);
}

describe('barcodes in whole printer dots', () => {
  let t: TestApp;
  let trainee: string;
  let tag: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'label-dots-'));
    t = await createTestApp();
    trainee = await t.token('trainee');
    const d = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop({ make: 'Lenovo', model: 'ThinkPad T480' }));
    expect(d.status).toBe(201);
    tag = d.body.device.assetTag as string;
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const label = (template: string, format: string) => t.http.get(`${API}/devices/${tag}/label?template=${template}&format=${format}`).set(bearer(trainee)).buffer(true).parse(binary);

  it.each(Object.keys(MODULE_DOTS))('%s: the PNG preview’s bars are whole multiples of the module, and it decodes', async (id) => {
    const res = await label(id, 'png');
    expect(res.status).toBe(200);
    expectWholeModules(barRuns(grayOf(res.body as Buffer)), MODULE_DOTS[id]!, tag, `${id} png`);
    expect(decode(res.body as Buffer)).toEqual([`CODE-128:${tag}`, `QR-Code:${tag}`]);
  });

  it.each(['zebra-2x1', 'dymo-30334', 'brother-dk1201'])('%s (thermal roll): the PDF rasterised at the printer’s dpi has the PNG’s bars dot for dot, and decodes', async (id) => {
    const dpi = TEMPLATES.get(id)!.dpi;
    const pdf = await label(id, 'pdf');
    expect(pdf.status).toBe(200);
    // Anti-aliased as poppler draws it: a bar edge between two dots would show as grey pixels.
    const page = grayOf(pdfPagePng(pdf.body as Buffer, dpi));
    const pdfRuns = barRuns(page);
    expect(greysAcrossBars(page), `${id}: grey pixels along the bars`).toBe(0);
    expectWholeModules(pdfRuns, MODULE_DOTS[id]!, tag, `${id} pdf at ${dpi} dpi`);
    const png = await label(id, 'png');
    expect(pdfRuns).toEqual(barRuns(grayOf(png.body as Buffer)));
    expect(decode(pdfPagePng(pdf.body as Buffer, dpi))).toEqual([`CODE-128:${tag}`, `QR-Code:${tag}`]);
  });

  it('zebra-2x1: the ZPL’s ^BY is the module the PNG and PDF print, its ^BC starts where theirs do, and ^BQN uses the QR module', async () => {
    const res = await label('zebra-2x1', 'zpl');
    expect(res.status).toBe(200);
    const zpl = (res.body as Buffer).toString('utf8');
    const bc = /\^FO(\d+),(\d+)\^BY(\d+)\^BCN,(\d+)/.exec(zpl)!;
    expect(Number(bc[3])).toBe(MODULE_DOTS['zebra-2x1']);
    const tpl = TEMPLATES.get('zebra-2x1')!;
    const els = layoutLabel(tpl.label.widthMm, tpl.label.heightMm, { tag, lines: [] }, tpl.dpi);
    const dots = (mm: number) => (mm * tpl.dpi) / 25.4;
    const bar = els.find((e) => e.type === 'code128')!;
    const qr = els.find((e) => e.type === 'qr')!;
    // The layout is on the dot grid: positions and sizes are whole dots.
    for (const v of [bar.x, bar.y, bar.module, bar.type === 'code128' ? bar.height : 0, qr.x, qr.y, qr.module]) expect(Math.abs(dots(v) - Math.round(dots(v)))).toBeLessThan(1e-6);
    expect(Number(bc[1])).toBe(Math.round(dots(bar.x)));
    expect(Number(bc[4])).toBe(Math.round(dots(bar.type === 'code128' ? bar.height : 0)));
    // The PNG's first bar starts at the ^FO x.
    const png = grayOf((await label('zebra-2x1', 'png')).body as Buffer);
    const row = Math.round(dots(bar.y + 2));
    let first = 0;
    while (png.at(first, row) >= 128) first++;
    expect(first).toBe(Number(bc[1]));
    expect(zpl).toMatch(new RegExp(`\\^BQN,2,${Math.round(dots(qr.module))}\\^`));
  });
});

describe('make and model are never cut, on any stock', () => {
  const cases = [
    ['Latin', LONG_LATIN],
    ['syllabics', LONG_SYLLABICS],
  ] as const;

  for (const tpl of TEMPLATES.values()) {
    for (const [script, names] of cases) {
      it(`${tpl.id}, ${script}: every word of make and model is drawn, inside the text area, above the bars`, () => {
        const line = `Laptop · ${names.make} ${names.model}`;
        const els = layoutLabel(tpl.label.widthMm, tpl.label.heightMm, { tag: 'IQ-000123-R', lines: [line, 'Iqaluit · ᐃᖃᓗᐃᑦ'] }, tpl.dpi);
        const texts = els.filter((e) => e.type === 'text');
        const drawn = texts.slice(1).map((e) => e.text);
        expect(drawn.join(' ')).toContain(`${names.make} ${names.model}`);
        expect(drawn.join(' ')).not.toContain('…');
        const qr = els.find((e) => e.type === 'qr')!;
        const bar = els.find((e) => e.type === 'code128')!;
        for (const e of texts) {
          const size = e.size;
          expect(e.x + measureText(e.text, size, e.bold), `${e.text} ends before the QR code`).toBeLessThanOrEqual(qr.x - 4 * qr.module + 1e-6);
          expect(e.baseline + size * 0.25, `${e.text} stays above the bars`).toBeLessThanOrEqual(bar.y + 1e-6);
          expect(size, `${e.text} is at least 1.6 mm`).toBeGreaterThanOrEqual(1.6 - 1e-9);
        }
        // Lines do not overlap: each baseline at least one line below the one before.
        for (let i = 1; i < texts.length; i++) expect(texts[i]!.baseline - texts[i - 1]!.baseline).toBeGreaterThanOrEqual(texts[i]!.size * 1.1);
      });
    }
  }

  describe('through the API', () => {
    let t: TestApp;
    let trainee: string;
    const tags: Record<string, string> = {};
    beforeAll(async () => {
      tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'label-dots-'));
      t = await createTestApp();
      trainee = await t.token('trainee');
      for (const [script, names] of cases) {
        const d = await t.http.post(`${API}/devices`).set(bearer(trainee)).send(laptop(names));
        expect(d.status).toBe(201);
        tags[script] = d.body.device.assetTag as string;
      }
    });
    afterAll(async () => t.close());

    it.each([...TEMPLATES.keys()])('%s: the PDF’s text has make and model whole (pdftotext), for Latin and syllabic names', async (id) => {
      for (const [script, names] of cases) {
        const res = await t.http.get(`${API}/devices/${tags[script]}/label?template=${id}&format=pdf`).set(bearer(trainee)).buffer(true).parse(binary);
        expect(res.status).toBe(200);
        const file = path.join(os.tmpdir(), `label-dots-${process.pid}-${id}.pdf`);
        fs.writeFileSync(file, res.body as Buffer);
        const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
        fs.rmSync(file);
        expect(text, `${id} ${script}`).toContain(`${names.make} ${names.model}`);
      }
    });
  });
});
