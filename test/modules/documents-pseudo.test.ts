/**
 * The service's documents in the pseudo-locale en-XA (docs/translation.md),
 * read back with poppler: the handover form, the diversion report, the
 * recycling manifest, the certificates of data sanitization, the audit
 * anchor page and every label template (asset and spec labels). In en-XA every message reads
 * `[Ðéví¢é ····]`, so
 *  - a word of plain English outside brackets is text the locale files do not
 *    hold (data — tags, serials, makes, the seeded names, month names Intl
 *    writes in English — left out);
 *  - a message that lost its closing `]`, a word outside the page or words
 *    drawn over each other were cut or pushed by too narrow a box.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/users/users.table.js';
import { bearer, createTestApp, laptop, wipeBody, type TestApp } from '../helpers.js';
import { binary } from '../support/documents.js';
import { DATA_WORDS, plainWords } from '../support/pseudo-check.js';

const API = '/api/v1';
const TEMPLATES = fs
  .readdirSync(new URL('../../labels/templates/', import.meta.url))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

/** Data this file seeds (names, makes, the system), and what the documents show as data. */
/** Whole texts that are data: the organisation's name (ORGANIZATION_NAME's default), the factor set of migration 0008 (read in beforeAll). */
const DATA_TEXTS: string[] = ['Refurbishment workshop'];
const DATA = new Set([...DATA_WORDS, 'Intel', 'Core', 'Chesterfield', 'Inlet', 'Nunavut', 'Digital', 'Skills', 'Program', 'Workshop', 'Refurb', 'Ledger', 'January', 'February', 'March', 'April', 'June', 'July', 'August', 'September', 'October', 'November', 'December', 'of']);

let tmp: string;
let t: TestApp;
const as = async (role: Role) => bearer(await t.token(role));
let fileNo = 0;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pseudo-docs-'));
  t = await createTestApp();
  const set = (await t.row<{ name: string; source: string }>('select name, source from co2e_factor_sets'))!;
  DATA_TEXTS.push(set.name, set.source);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function file(pdf: Buffer): string {
  const f = path.join(tmp, `doc-${++fileNo}.pdf`);
  fs.writeFileSync(f, pdf);
  return f;
}

interface Read {
  /** Each page's text, layout kept. */
  pages: string[];
  /** Words (pdftotext -bbox) that lie, even in part, outside their page or in its side margins. */
  outside: string[];
  /** Pairs of words drawn over each other. */
  overlapping: string[];
}

/** `margin`: points at each side that text must stay out of (a document's margins, less some slack; 0 for a label). */
function read(pdf: Buffer, margin = 0): Read {
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const f = file(pdf);
  const pages = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim() !== '');
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8' });
  const outside: string[] = [];
  const overlapping: string[] = [];
  for (const page of html.split('<page ').slice(1)) {
    const [, w, h] = /width="([\d.]+)" height="([\d.]+)"/.exec(page)!;
    const boxes: Array<{ text: string; x0: number; y0: number; x1: number; y1: number }> = [];
    for (const m of page.matchAll(/<word xMin="(-?[\d.]+)" yMin="(-?[\d.]+)" xMax="(-?[\d.]+)" yMax="(-?[\d.]+)">([^<]*)<\/word>/g)) {
      boxes.push({ text: m[5]!, x0: +m[1]!, y0: +m[2]!, x1: +m[3]!, y1: +m[4]! });
      // A word's box is its font's ascent and descent, taller than the letters: the middle of the line must be on the page.
      const middle = (+m[2]! + +m[4]!) / 2;
      if (+m[1]! < margin - 0.5 || +m[3]! > +w! - margin + 0.5 || middle < 0 || middle > +h!) outside.push(m[5]!);
    }
    // Boxes are taller than the letters (lines touch): two words overlap when they share more than half the smaller one's height and any width.
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const dx = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
        const dy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        if (dx > 0.5 && dy > 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0)) overlapping.push(`${a.text} / ${b.text}`);
      }
    }
  }
  return { pages, outside, overlapping };
}

/** What is wrong with a document read in en-XA: English left, messages cut, words off the page. */
/** `data`: whole texts that are data; `words`: single words that are data. */
function problems(name: string, doc: Read, data: readonly string[] = [], words: readonly string[] = []): string[] {
  const out: string[] = [];
  // A message wraps over lines, columns and pages: the document's text as one line, so that its brackets pair up.
  const text = doc.pages.join(' ').replace(/\s+/g, ' ');
  const english = plainWords(text, new Set([...DATA, ...words]), [...DATA_TEXTS, ...data]);
  if (english.length > 0) out.push(`${name}: English: ${english.join(' ')}`);
  const open = (text.match(/\[/g) ?? []).length;
  const close = (text.match(/\]/g) ?? []).length;
  if (open !== close) out.push(`${name}: ${open} [ but ${close} ] (a message cut short)`);
  doc.pages.forEach((page, i) => {
    if (!page.includes('[')) out.push(`${name} p${i + 1}: no message at all`);
  });
  for (const w of doc.outside) out.push(`${name}: outside the page: ${w}`);
  for (const pair of doc.overlapping) out.push(`${name}: drawn over each other: ${pair}`);
  return out;
}

async function pdf(url: string, role: Role = 'admin'): Promise<Buffer> {
  const res = await t.http.get(url).set(await as(role)).buffer(true).parse(binary);
  expect(res.status, `${url}: ${res.status} ${res.body instanceof Buffer ? res.body.toString() : ""}`).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return res.body as Buffer;
}

/** A graded, ready laptop; its asset tag. */
async function ready(): Promise<string> {
  const trainee = await as('trainee');
  const intake = await t.http.post(`${API}/devices`).set(trainee).send(laptop());
  expect(intake.status).toBe(201);
  const tag = intake.body.device.assetTag as string;
  for (const d of intake.body.device.storage as Array<{ serialNumber: string }>) {
    expect((await t.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send(wipeBody(d.serialNumber))).status).toBe(201);
  }
  const graded = await t.http.post(`${API}/devices/${tag}/grade`).set(trainee).send({ grade: 'A', specs: { cpu: 'Intel Core i5-8350U', ramGb: 16, storageGb: 512, os: 'Linux Mint 22' } });
  expect(graded.body.device.status).toBe('ready');
  return tag;
}

describe('documents in the pseudo-locale en-XA', () => {
  it('the check sees English: the handover form in English fails it', async () => {
    const tag = await ready();
    const p = await t.http.post(`${API}/participants`).set(await as('coordinator')).send({ community: 'Chesterfield Inlet', consent: { given: true, language: 'en' } });
    const issued = await t.http.post(`${API}/devices/${tag}/issue`).set(await as('coordinator')).send({ participantCode: p.body.participant.code, kind: 'gift', agreementAccepted: true });
    expect(issued.status).toBe(201);
    const english = problems('handover (en)', read(await pdf(`${API}/issuances/${issued.body.issuance.id}/handover.pdf?lang=en`, 'coordinator')));
    const left = english.find((p) => p.startsWith('handover (en): English: '));
    expect(left?.split(' ').length).toBeGreaterThan(20);
    expect(left).toContain('Device handover');
  });

  it('the handover form: a gift and a loan, whatever the agreement language', async () => {
    const found: string[] = [];
    for (const [issue, language] of [
      [{ kind: 'gift', accessories: ['charger'] }, 'iu'],
      [{ kind: 'loan', dueDate: '2099-06-30' }, 'fr'],
    ] as const) {
      const tag = await ready();
      const p = await t.http.post(`${API}/participants`).set(await as('coordinator')).send({ community: 'Chesterfield Inlet', consent: { given: true, language } });
      const issued = await t.http.post(`${API}/devices/${tag}/issue`).set(await as('coordinator')).send({ participantCode: p.body.participant.code, agreementAccepted: true, ...issue });
      expect(issued.status).toBe(201);
      found.push(...problems(`handover (${issue.kind})`, read(await pdf(`${API}/issuances/${issued.body.issuance.id}/handover.pdf?lang=en-XA`, 'coordinator'), 36), ['charger']));
    }
    expect(found).toEqual([]);
  });

  it('the diversion report', async () => {
    const found = problems('diversion report', read(await pdf(`${API}/reports/diversion?from=2026-01-01&to=2026-12-31&format=pdf&lang=en-XA&preparedBy=Annie%20Admin`, 'staff'), 36), ['Annie Admin']);
    expect(found).toEqual([]);
  });

  it('the recycling manifest: shipped, confirmed and amended', async () => {
    const admin = await as('admin');
    const trainee = await as('trainee');
    const intake = await t.http.post(`${API}/devices`).set(trainee).send(laptop({ weightGrams: 2350 }));
    const tag = intake.body.device.assetTag as string;
    expect((await t.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send(wipeBody(intake.body.device.storage[0].serialNumber))).status).toBeLessThan(300);
    expect((await t.http.post(`${API}/devices/${tag}/recycle`).set(admin).send({ reason: 'cracked board' })).status).toBeLessThan(300);
    const recycler = await t.http.post(`${API}/recyclers`).set(admin).send({ name: 'Southern E-Cycle Inc.', certification: 'R2', certificateExpiry: '2099-01-01' });
    expect(recycler.status).toBeLessThan(300);
    const shipment = await t.http.post(`${API}/shipments`).set(admin).send({ recyclerId: recycler.body.recycler.id, mode: 'sealift', carrier: 'NEAS', billOfLading: 'BOL-1' });
    const id = shipment.body.shipment.id as number;
    expect((await t.http.post(`${API}/shipments/${id}/devices`).set(admin).send({ assetTag: tag })).status).toBeLessThan(300);
    expect((await t.http.post(`${API}/shipments/${id}/bulk-lines`).set(admin).send({ category: 'cables', weightGrams: 1200 })).status).toBeLessThan(300);
    expect((await t.http.post(`${API}/shipments/${id}/ship`).set(admin).send({})).status).toBeLessThan(300);
    expect((await t.http.post(`${API}/shipments/${id}/confirm`).set(admin).send({ certificateNumber: 'R2-1', receivedAt: '2026-03-02', receivedWeightGrams: 3400 })).status).toBeLessThan(300);
    expect((await t.http.post(`${API}/shipments/${id}/amendments`).set(admin).send({ field: 'certificateNumber', value: 'R2-2', reason: 'typo' })).status).toBeLessThan(300);
    const found = problems('manifest', read(await pdf(`${API}/shipments/${id}/manifest.pdf?lang=en-XA`), 36), ['Southern E-Cycle Inc.', 'cables', 'typo', 'UTC']);
    expect(found).toEqual([]);
  });

  it('the certificate of data sanitization, of a device and of a donation', async () => {
    const admin = await as('admin');
    const donation = await t.http.post(`${API}/donations`).set(admin).send({ donorName: 'Nunavut Arctic College', donorType: 'school', receivedAt: '2026-01-12' });
    expect(donation.status).toBe(201);
    const trainee = await as('trainee');
    const intake = await t.http.post(`${API}/devices`).set(trainee).send(laptop({ donationId: donation.body.donation.id }));
    expect(intake.status).toBe(201);
    const tag = intake.body.device.assetTag as string;
    expect((await t.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send(wipeBody(intake.body.device.storage[0].serialNumber))).status).toBe(201);
    // The records' own values are data: the NIST method and standard, the technique, tool, verification and result as recorded.
    const records = ['Purge', 'IEEE', 'NIST', 'SP', 'crypto', 'erase', 'nwipe', 'full', 'PASSED', 'SSD', 'school', 'UTC', 'Rev'];
    const found = [
      ...problems('device certificate', read(await pdf(`${API}/devices/${tag}/certificate.pdf?lang=en-XA`), 36), [], records),
      ...problems('donation certificate', read(await pdf(`${API}/donations/${donation.body.donation.id}/certificate.pdf?lang=en-XA`), 36), [], records),
    ];
    expect(found).toEqual([]);
  });

  it('the audit chain anchor page', async () => {
    // The commands to check it later are data, as typed.
    const commands = ['npm', 'run', 'audit', 'verify', 'anchor', '--anchor', 'GET', 'api'];
    expect(problems('anchor page', read(await pdf(`${API}/audit/anchor.pdf?lang=en-XA`), 36), [], commands)).toEqual([]);
  });

  it('every label template, asset and spec labels', async () => {
    const tag = await ready();
    const found: string[] = [];
    for (const template of TEMPLATES) {
      for (const kind of ['asset', 'spec']) {
        found.push(...problems(`${template} ${kind} label`, read(await pdf(`${API}/devices/${tag}/label?template=${template}&kind=${kind}&lang=en-XA`))));
      }
    }
    // A sheet printed in one go (POST /labels) takes the language in its body.
    const sheet = await t.http.post(`${API}/labels`).set(await as('admin')).send({ template: 'avery-5160', kind: 'spec', assetTags: [tag, tag], lang: 'en-XA' }).buffer(true).parse(binary);
    expect(sheet.status).toBe(201);
    found.push(...problems('avery-5160 sheet', read(sheet.body as Buffer)));
    expect(found).toEqual([]);
  });
});
