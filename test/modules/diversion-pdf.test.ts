/**
 * The diversion report as a PDF a funder files as it is: a header with
 * organisation, program and period and "Page i of n" on every page; category
 * and month names in words; one number format per language; no heading left
 * alone at the foot of a page; wrapped category names that never run into
 * the next row; an optional "prepared by" block. Drawn from fixed data (the
 * renderer is pure) and read back with poppler's pdftotext.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDiversionPdf, type DiversionPdfOptions } from '../../src/modules/reports/diversion.pdf.js';
import type { DiversionReport } from '../../src/modules/reports/reports.schemas.js';
import { bearer, createTestApp, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';
import { PRINTED_AT, SAMPLE_DIVERSION } from '../support/document-samples.js';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diversion-pdf-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const OPTIONS: DiversionPdfOptions = {
  organizationName: 'Nunavut Digital Skills Program',
  programName: 'Computers for Communities 2025–26',
  siteName: 'Iqaluit',
  printedAt: PRINTED_AT,
  locale: 'en',
};

let n = 0;
function file(pdf: Buffer): string {
  const f = path.join(tmp, `r${++n}.pdf`);
  fs.writeFileSync(f, pdf);
  return f;
}
const pageCount = (f: string) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [f], { encoding: 'utf8' }))![1]);
/** Each page's text, lines kept (layout mode), trailing spaces gone. */
function pages(pdf: Buffer): string[][] {
  const f = file(pdf);
  return Array.from({ length: pageCount(f) }, (_, i) =>
    execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-f', String(i + 1), '-l', String(i + 1), f, '-'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.replace(/\s+$/, ''))
      .filter((l) => l.trim() !== '' && l.trim() !== '\f'),
  );
}
const flat = (ps: string[][]) => ps.flat().join(' ').replace(/\s+/g, ' ');

/** Word boxes per page, in points. */
function words(pdf: Buffer): Array<Array<{ text: string; x0: number; y0: number; x1: number; y1: number }>> {
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file(pdf), '-'], { encoding: 'utf8' });
  return html
    .split('<page ')
    .slice(1)
    .map((p) => [...p.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({ text: m[5]!, x0: +m[1]!, y0: +m[2]!, x1: +m[3]!, y1: +m[4]! })));
}

const HEADINGS = ['Diverted by category', 'Diverted by month', 'Reused devices by participants’ community', 'Greenhouse gas estimate', 'Methodology'];

/** The report with `months` rows in the month chart: moves every later heading down the page a little at a time. */
function withMonths(months: number, categories = SAMPLE_DIVERSION.byCategory): DiversionReport {
  const byMonth = Array.from({ length: months }, (_, i) => ({ key: `${2020 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, units: 3, grams: 10_000 + i * 1000 }));
  return { ...SAMPLE_DIVERSION, byMonth, byCategory: categories };
}

describe('the diversion report PDF', () => {
  it('every page carries organisation, program and period at the top and "Page i of n" at the foot', async () => {
    const ps = pages(await renderDiversionPdf(withMonths(40), OPTIONS));
    expect(ps.length).toBeGreaterThanOrEqual(2);
    ps.forEach((lines, i) => {
      const head = lines.slice(0, 2).join(' ');
      expect(head, `page ${i + 1}`).toContain('Nunavut Digital Skills Program');
      expect(head, `page ${i + 1}`).toContain('Computers for Communities 2025–26');
      expect(head, `page ${i + 1}`).toContain('April 1, 2025 to March 31, 2026');
      expect(lines.at(-1), `page ${i + 1}`).toMatch(new RegExp(`Printed April 2, 2026\\s+Page ${i + 1} of ${ps.length}$`));
    });
  });

  it('without a configured program, the header names the site’s workshop', async () => {
    const ps = pages(await renderDiversionPdf(SAMPLE_DIVERSION, { ...OPTIONS, programName: null }));
    expect(ps[0]!.slice(0, 2).join(' ')).toContain('Iqaluit workshop');
  });

  it('categories and months in words from the locale files; a bulk line’s own category as written; no raw keys', async () => {
    const text = flat(pages(await renderDiversionPdf(SAMPLE_DIVERSION, OPTIONS)));
    for (const name of ['CRT monitor', 'All-in-one', 'Network device', 'Laptop', 'April 2025', 'March 2026', 'cables and power supplies,']) expect(text).toContain(name);
    expect(text).not.toMatch(/crt_monitor|all_in_one|\b2025-04\b/);
  });

  it('one number format: every weight and total in English grouping with one decimal, CO2e included', async () => {
    const text = flat(pages(await renderDiversionPdf(SAMPLE_DIVERSION, OPTIONS)));
    expect(text).toContain('36,712.0 kg CO2e avoided (reuse 36,214.5 kg, recycling 497.5 kg)');
    expect(text).toContain('1,598.8 kg');
    expect(text).toContain('64.3%');
    // Every figure followed by kg has the same shape.
    const weights = [...text.matchAll(/([\d.,]+) kg/g)].map((m) => m[1]!);
    expect(weights.length).toBeGreaterThan(30);
    expect(weights.filter((w) => !/^\d{1,3}(,\d{3})*\.\d$/.test(w))).toEqual([]);
  });

  it('French: the same figures in the French format (space groups, decimal comma)', async () => {
    const text = flat(pages(await renderDiversionPdf(SAMPLE_DIVERSION, { ...OPTIONS, locale: 'fr' })));
    // The last group before "kg" (groups are separated by a space, which the flattening made plain).
    const weights = [...text.matchAll(/(\S+) kg/g)].map((m) => m[1]!);
    expect(weights.length).toBeGreaterThan(30);
    expect(weights.filter((w) => !/^\d{1,3},\d$/.test(w))).toEqual([]);
    expect(text).toContain('36 712,0 kg');
    expect(text).not.toMatch(/\d[.,]\d{3}[.,]\d kg/);
  });

  it('no heading is left alone at the foot of a page, wherever the page breaks fall', async () => {
    for (let months = 0; months <= 48; months += 3) {
      const ps = pages(await renderDiversionPdf(withMonths(months), { ...OPTIONS, preparedBy: 'Cora Coordinator' }));
      ps.forEach((lines, i) => {
        // Drop the two header lines and the footer: the last line of the page's body.
        const body = lines.slice(2, -1);
        const last = body.at(-1)?.trim() ?? '';
        expect(HEADINGS.some((h) => last.startsWith(h)), `${months} months, page ${i + 1} ends with "${last}"`).toBe(false);
      });
    }
  });

  it('long category names wrap inside their row: no two words of any page overlap', async () => {
    const long = [
      ...SAMPLE_DIVERSION.byCategory,
      { key: 'mixed small appliances, chargers, power bars and other household electronics', units: 1, grams: 12_000 },
      { key: 'toner cartridges and imaging drums from office printers', units: 1, grams: 8_000 },
    ].sort((a, b) => a.key.localeCompare(b.key));
    for (const months of [0, 30]) {
      const ps = words(await renderDiversionPdf(withMonths(months, long), OPTIONS));
      ps.forEach((ws, p) => {
        for (let i = 0; i < ws.length; i++) {
          for (let j = i + 1; j < ws.length; j++) {
            const a = ws[i]!;
            const b = ws[j]!;
            const overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.5 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 1;
            expect(overlap, `page ${p + 1}: "${a.text}" and "${b.text}"`).toBe(false);
          }
        }
      });
    }
  });

  it('"prepared by" prints the name with signature and date lines only when asked', async () => {
    const with_ = flat(pages(await renderDiversionPdf(SAMPLE_DIVERSION, { ...OPTIONS, preparedBy: 'Cora Coordinator' })));
    expect(with_).toMatch(/Prepared by Cora Coordinator Signature Date/);
    const without = flat(pages(await renderDiversionPdf(SAMPLE_DIVERSION, OPTIONS)));
    expect(without).not.toContain('Prepared by');
  });

  it('the same data and clock give the same bytes', async () => {
    const a = await renderDiversionPdf(SAMPLE_DIVERSION, OPTIONS);
    const b = await renderDiversionPdf(SAMPLE_DIVERSION, OPTIONS);
    expect(a.equals(b)).toBe(true);
  });
});

describe('GET /reports/diversion?format=pdf: lang and preparedBy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const get = async (query: Record<string, string>) =>
    t.http
      .get('/api/v1/reports/diversion')
      .query({ from: '2026-01-01', to: '2026-12-31', format: 'pdf', ...query })
      .set(bearer(await t.token('staff')))
      .buffer(true)
      .parse(binary);

  it('prints the prepared-by name, and dates in the asked language; a name over 100 characters or an unknown language is 400 naming the parameter', async () => {
    const res = await get({ preparedBy: 'Cora Coordinator ᐃᖃᓗᐃᑦ', lang: 'fr' });
    expect(res.status).toBe(200);
    const text = flat(pages(res.body as Buffer));
    expect(text).toContain('Cora Coordinator ᐃᖃᓗᐃᑦ');
    expect(text).toContain('1 janvier 2026');
    expect(text).toMatch(/Page 1 of \d/);
    const long = await get({ preparedBy: 'x'.repeat(101) });
    expect(long.status).toBe(400);
    expect(JSON.parse((long.body as Buffer).toString('utf8')).errors[0].field).toBe('querystring.preparedBy');
    const lang = await get({ lang: 'de' });
    expect(lang.status).toBe(400);
    expect(JSON.parse((lang.body as Buffer).toString('utf8')).errors[0].field).toBe('querystring.lang');
  });
});
