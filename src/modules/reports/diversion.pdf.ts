/**
 * The funders' diversion report as a PDF they can file as it is: a running
 * header (organisation, program, period) and "Page 2 of 3" on every page,
 * category names and month names in the report's language, one number
 * format (Intl, of that language) for every figure, headings kept with the
 * first lines of what they introduce, bar labels measured before the bar is
 * drawn (a wrapped name never runs into the next bar), and an optional
 * "prepared by" block for the person who hands it over.
 */
import { createDocument, finish, write, type Doc } from '../../core/pdf/document.js';
import { textRuns } from '../../core/pdf/fonts.js';
import { reviewedKeys, translate, type Locale, type LocaleMessages, type MessageKey } from '../../core/i18n.js';
import type { DiversionReport } from './reports.schemas.js';

const GREY = '#555555';
const GREEN = '#2e7d32';
const RULE = '#999999';
const MARGIN = { top: 86, bottom: 64, left: 54, right: 54 };

export interface DiversionPdfOptions {
  organizationName: string;
  /** The funded program (PROGRAM_NAME); the site's workshop when none is configured. */
  programName: string | null;
  siteName: string;
  printedAt: Date;
  locale: Locale;
  /** The reviewed text of the locale (database over shipped files); without it, the shipped reviewed text. */
  messages?: LocaleMessages | undefined;
  /** Name for the "prepared by" block; no block when absent. */
  preparedBy?: string | null | undefined;
}

const INTL: Record<Locale, string> = { en: 'en-CA', fr: 'fr-CA', iu: 'iu-CA', 'en-XA': 'en-CA' };

/** The formats of one language: every figure of the report goes through these. */
function formats(locale: Locale) {
  const wanted = INTL[locale];
  const tag = Intl.NumberFormat.supportedLocalesOf([wanted]).length > 0 ? wanted : 'en-CA';
  const kgFormat = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const intFormat = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const pctFormat = new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const dateFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
  const monthFormat = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return {
    kg: (value: number) => `${kgFormat.format(value)}\u00a0kg`,
    grams: (grams: number) => `${kgFormat.format(grams / 1000)}\u00a0kg`,
    int: (n: number) => intFormat.format(n),
    percent: (ratio: number) => pctFormat.format(ratio),
    date: (iso: string) => dateFormat.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)),
    month: (key: string) => (/^\d{4}-\d{2}$/.test(key) ? monthFormat.format(new Date(`${key}-01T00:00:00Z`)) : key),
  };
}

const CATEGORY_KEYS = new Set(reviewedKeys('en').filter((k) => k.startsWith('category.')));

/** A device category by its name in the locale files; a bulk line's own free-text category as it was written. */
function categoryName(locale: Locale, key: string, messages?: LocaleMessages): string {
  const k = `category.${key}`;
  return CATEGORY_KEYS.has(k) ? translate(locale, k as MessageKey, {}, messages) : key;
}

/** The bottom of the writable area of the current page. */
const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Height of a paragraph as `write` would set it (the first run's font stands in for the mixed ones). */
function heightOf(doc: Doc, text: string, size: number, width: number, bold = false): number {
  const runs = textRuns(text, bold);
  doc.font(runs[0]?.font ?? 'latin').fontSize(size);
  const h = doc.heightOfString(text, { width, lineGap: 2 });
  doc.font('latin');
  return h;
}

/**
 * A heading that never sits alone at the foot of a page: it moves to the
 * next page unless `keep` points of what follows fit under it.
 */
function heading(doc: Doc, text: string, keep: number, x: number, width: number): void {
  const h = heightOf(doc, text, 12, width, true);
  if (doc.y + h + 4 + keep > bottom(doc)) doc.addPage();
  write(doc, text, { size: 12, bold: true, x, width });
  doc.y += 3;
}

function barChart(doc: Doc, rows: Array<{ label: string; grams: number }>, x: number, width: number, f: ReturnType<typeof formats>, continued: string): void {
  const max = Math.max(...rows.map((r) => r.grams), 1);
  const labelW = 120;
  const valueW = 80;
  const barMax = width - labelW - valueW - 16;
  const size = 9;
  for (const r of rows) {
    // Measured before drawing: a long name wraps, and the row is as tall as its label.
    const labelH = heightOf(doc, r.label, size, labelW);
    const rowH = Math.max(labelH, 12) + 5;
    if (doc.y + rowH > bottom(doc)) {
      doc.addPage();
      write(doc, continued, { size: 10, bold: true, color: GREY, x, width });
      doc.y += 3;
    }
    const y = doc.y;
    write(doc, r.label, { size, x, y, width: labelW });
    const w = Math.max(1, (r.grams / max) * barMax);
    doc.rect(x + labelW + 8, y + 1.5, w, 9).fill(GREEN);
    write(doc, f.grams(r.grams), { size, x: x + labelW + 8 + w + 6, y, width: valueW + barMax - w });
    doc.y = y + rowH;
  }
  doc.x = x;
}

/** Organisation, program and period at the top of every page; page numbers and the print date at the foot. */
function runningHeads(doc: Doc, o: DiversionPdfOptions, period: string, t: (k: MessageKey, v?: Record<string, string | number>) => string, printed: string): void {
  const range = doc.bufferedPageRange();
  const pages = range.count;
  const left = MARGIN.left;
  for (let i = 0; i < pages; i++) {
    doc.switchToPage(range.start + i);
    const width = doc.page.width - MARGIN.left - MARGIN.right;
    // Drawing in the margins: without this pdfkit would start a new page for text below the bottom margin.
    const saved = doc.page.margins;
    doc.page.margins = { top: 0, bottom: 0, left: saved.left, right: saved.right };
    const program = o.programName ?? t('report.diversion.siteProgram', { site: o.siteName });
    write(doc, o.organizationName, { size: 9, bold: true, x: left, y: 30, width: width * 0.6 });
    write(doc, program, { size: 9, color: GREY, x: left, y: 43, width: width * 0.6 });
    write(doc, t('report.diversion.title'), { size: 9, bold: true, x: left + width * 0.6, y: 30, width: width * 0.4, align: 'right' });
    write(doc, period, { size: 9, color: GREY, x: left + width * 0.6, y: 43, width: width * 0.4, align: 'right' });
    doc.moveTo(left, 62).lineTo(left + width, 62).lineWidth(0.5).strokeColor(RULE).stroke();
    const footY = doc.page.height - MARGIN.bottom + 22;
    doc.moveTo(left, footY - 6).lineTo(left + width, footY - 6).lineWidth(0.5).strokeColor(RULE).stroke();
    write(doc, printed, { size: 8, color: GREY, x: left, y: footY, width: width / 2 });
    write(doc, t('report.diversion.page', { page: i + 1, pages }), { size: 8, color: GREY, x: left + width / 2, y: footY, width: width / 2, align: 'right' });
    doc.page.margins = saved;
  }
}

export async function renderDiversionPdf(r: DiversionReport, o: DiversionPdfOptions): Promise<Buffer> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(o.locale, key, vars, o.messages);
  /** The report's fixed English sentences (the emissions note, the methodology) in the report's language; anything else as it is. */
  const inLocale = (english: string): string => {
    for (const key of ['report.diversion.co2eVerified', 'report.diversion.co2eUnverified'] as const) if (english === translate('en', key)) return t(key);
    const threshold = /Threshold: (\d+)\.$/.exec(english)?.[1];
    if (threshold !== undefined && english === translate('en', 'report.diversion.methodologyText', { threshold })) return t('report.diversion.methodologyText', { threshold });
    return english;
  };
  const f = formats(o.locale);
  const period = t('report.diversion.period', { from: f.date(r.period.from), to: f.date(r.period.to) });
  const doc = createDocument({ title: `${t('report.diversion.title')} ${r.period.from} – ${r.period.to}`, createdAt: o.printedAt, margins: MARGIN, bufferPages: true });
  const left = MARGIN.left;
  const width = doc.page.width - MARGIN.left - MARGIN.right;

  write(doc, t('report.diversion.title'), { size: 20, bold: true, x: left, width });
  write(doc, period, { size: 11, x: left, width });
  doc.moveDown(0.8);

  const totals: Array<[MessageKey, { units: number; grams: number }, boolean]> = [
    ['report.diversion.received', r.totals.received, false],
    ['report.diversion.reused', r.totals.reused, false],
    ['report.diversion.recycledConfirmed', r.totals.recycledConfirmed, false],
    ['report.diversion.recycledPending', r.totals.recycledPending, false],
    ['report.diversion.diverted', r.totals.diverted, true],
    // The overlap is already inside the line above; printed so the parts can be reconciled with it.
    ['report.diversion.reusedThenRecycled', r.totals.reusedThenRecycled, false],
  ];
  for (const [key, b, strong] of totals) {
    const y = doc.y;
    const label = t(key);
    const h = heightOf(doc, label, 10.5, width * 0.55, strong);
    write(doc, label, { size: 10.5, bold: strong, x: left, y, width: width * 0.55 });
    write(doc, t('report.diversion.units', { count: b.units, units: f.int(b.units) }), { size: 10.5, bold: strong, x: left + width * 0.58, y, width: width * 0.18, align: 'right' });
    write(doc, f.grams(b.grams), { size: 10.5, bold: strong, x: left + width * 0.78, y, width: width * 0.22, align: 'right' });
    doc.y = y + h + 2;
  }
  doc.y += 2;
  write(doc, t('report.diversion.measured', { share: f.percent(r.measuredWeightShare) }), { size: 8.5, color: GREY, x: left, width });

  const chart = (title: MessageKey, rows: Array<{ label: string; grams: number }>) => {
    doc.moveDown(1);
    // The heading keeps at least its first two bars (or the "nothing" line) with it.
    heading(doc, t(title), 2 * 17, left, width);
    if (rows.length === 0) write(doc, t('report.diversion.nothing'), { size: 9, color: GREY, x: left, width });
    else barChart(doc, rows, left, width, f, t('report.diversion.continued', { title: t(title) }));
  };
  const present = (rows: DiversionReport['byCategory']) => rows.filter((x): x is typeof x & { grams: number } => x.grams !== null);
  chart(
    'report.diversion.byCategory',
    present(r.byCategory).map((x) => ({ label: categoryName(o.locale, x.key, o.messages), grams: x.grams })),
  );
  chart(
    'report.diversion.byMonth',
    present(r.byMonth).map((x) => ({ label: f.month(x.key), grams: x.grams })),
  );

  doc.moveDown(1);
  heading(doc, t('report.diversion.byCommunity'), 2 * 14, left, width);
  if (r.byCommunity.length === 0) write(doc, t('report.diversion.noCommunity'), { size: 9, color: GREY, x: left, width });
  for (const c of r.byCommunity) {
    const line = c.suppressed
      ? t('report.diversion.suppressed', { community: c.key })
      : t('report.diversion.community', { community: c.key, units: f.int(c.units ?? 0), weight: f.grams(c.grams ?? 0) });
    if (doc.y + heightOf(doc, line, 9.5, width) > bottom(doc)) doc.addPage();
    write(doc, line, { size: 9.5, x: left, width });
  }

  if (r.co2e) {
    doc.moveDown(1);
    const total = t('report.diversion.co2eTotal', { total: f.kg(r.co2e.totalKg), reuse: f.kg(r.co2e.reuseKg), recycling: f.kg(r.co2e.recyclingKg) });
    const source = t('report.diversion.factorSet', { name: r.co2e.factorSet.name, version: r.co2e.factorSet.version, source: r.co2e.factorSet.source, note: inLocale(r.co2e.note) });
    heading(doc, t('report.diversion.co2e'), heightOf(doc, total, 9.5, width) + heightOf(doc, source, 8.5, width), left, width);
    write(doc, total, { size: 9.5, x: left, width });
    write(doc, source, { size: 8.5, color: r.co2e.factorSet.verified ? GREY : '#b71c1c', x: left, width });
  }

  doc.moveDown(1);
  // At least three lines of the note stay with its heading.
  heading(doc, t('report.diversion.methodology'), 3 * 12, left, width);
  write(doc, inLocale(r.methodology), { size: 8.5, x: left, width, align: 'justify' });

  if (o.preparedBy) {
    doc.moveDown(1.5);
    const blockH = 70;
    if (doc.y + blockH > bottom(doc)) doc.addPage();
    const y = doc.y;
    write(doc, t('report.diversion.preparedBy'), { size: 9, color: GREY, x: left, y, width: width / 2 });
    write(doc, o.preparedBy, { size: 11, bold: true, x: left, width: width / 2 - 20 });
    const lineY = y + 52;
    doc.moveTo(left, lineY).lineTo(left + width / 2 - 20, lineY).lineWidth(0.7).strokeColor('black').stroke();
    doc.moveTo(left + width / 2 + 20, lineY).lineTo(left + width, lineY).lineWidth(0.7).strokeColor('black').stroke();
    write(doc, t('report.diversion.signature'), { size: 8, color: GREY, x: left, y: lineY + 3, width: width / 2 - 20 });
    write(doc, t('report.diversion.date'), { size: 8, color: GREY, x: left + width / 2 + 20, y: lineY + 3, width: width / 2 - 20 });
    doc.y = lineY + 16;
  }

  runningHeads(doc, o, period, t, t('report.diversion.printed', { at: f.date(o.printedAt.toISOString()) }));
  return finish(doc);
}
