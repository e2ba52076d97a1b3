/** Labels to bytes: PDF (sheets or one label per page for roll stock), ZPL for Zebra printers, PNG preview. */
import { createDocument, finish, type Doc } from '../../core/pdf/document.js';
import { textRuns } from '../../core/pdf/fonts.js';
import { Bitmap, drawText, encodePng, measureText, zplGraphic } from './raster.js';
import { matrixRuns } from '../../core/pdf/barcodes.js';
import { layoutLabel, type LabelContent, type LabelElement } from './label-layout.js';
import type { LabelTemplate } from './label-templates.js';

const PT_PER_MM = 72 / 25.4;

function drawPdfLabel(doc: Doc, els: LabelElement[], ox: number, oy: number): void {
  const pt = (mm: number) => mm * PT_PER_MM;
  for (const el of els) {
    if (el.type === 'code128') {
      let x = el.x;
      el.pattern.widths.forEach((w, i) => {
        if (i % 2 === 0) doc.rect(pt(ox + x), pt(oy + el.y), pt(w * el.module), pt(el.height));
        x += w * el.module;
      });
      doc.fill('black');
    } else if (el.type === 'qr') {
      for (const r of matrixRuns(el.pattern)) doc.rect(pt(ox + el.x + r.col * el.module), pt(oy + el.y + r.row * el.module), pt(r.length * el.module) + 0.01, pt(el.module) + 0.01);
      doc.fill('black');
    } else {
      // Each run in the font that has its glyphs (pdfkit has no fallback).
      let x = pt(ox + el.x);
      const size = pt(el.size);
      for (const run of textRuns(el.text, el.bold)) {
        doc.font(run.font).fontSize(size).fillColor('black');
        doc.text(run.text, x, pt(oy + el.baseline), { lineBreak: false, baseline: 'alphabetic' });
        x += doc.widthOfString(run.text);
      }
    }
  }
}

export interface PdfOptions {
  createdAt: Date;
  title: string;
  /** Sheets only: the first free position (1-based) on a partly used sheet. */
  startAt?: number;
}

export async function renderLabelsPdf(template: LabelTemplate, contents: LabelContent[], options: PdfOptions): Promise<Buffer> {
  const { widthMm, heightMm } = template.label;
  const layouts = contents.map((c) => layoutLabel(widthMm, heightMm, c, template.dpi));
  const sheet = template.sheet;
  if (!sheet) {
    const doc = createDocument({ title: options.title, createdAt: options.createdAt, size: [widthMm * PT_PER_MM, heightMm * PT_PER_MM], margin: 0 });
    layouts.forEach((els, i) => {
      if (i > 0) doc.addPage({ size: [widthMm * PT_PER_MM, heightMm * PT_PER_MM], margin: 0 });
      drawPdfLabel(doc, els, 0, 0);
    });
    return finish(doc);
  }
  const perSheet = sheet.columns * sheet.rows;
  const doc = createDocument({ title: options.title, createdAt: options.createdAt, size: [sheet.widthMm * PT_PER_MM, sheet.heightMm * PT_PER_MM], margin: 0 });
  let slot = Math.min(Math.max((options.startAt ?? 1) - 1, 0), perSheet - 1);
  layouts.forEach((els) => {
    if (slot === perSheet) {
      doc.addPage({ size: [sheet.widthMm * PT_PER_MM, sheet.heightMm * PT_PER_MM], margin: 0 });
      slot = 0;
    }
    // Labels fill across, then down, as sheet labels are peeled.
    const col = slot % sheet.columns;
    const row = Math.floor(slot / sheet.columns);
    drawPdfLabel(doc, els, sheet.leftMarginMm + col * sheet.columnPitchMm, sheet.topMarginMm + row * sheet.rowPitchMm);
    slot += 1;
  });
  return finish(doc);
}

function drawBitmapLabel(bmp: Bitmap, els: LabelElement[], dotsPerMm: number): void {
  for (const el of els) {
    if (el.type === 'code128') {
      let x = el.x * dotsPerMm;
      const m = el.module * dotsPerMm;
      el.pattern.widths.forEach((w, i) => {
        if (i % 2 === 0) bmp.fillRect(x, el.y * dotsPerMm, w * m, el.height * dotsPerMm);
        x += w * m;
      });
    } else if (el.type === 'qr') {
      const m = el.module * dotsPerMm;
      for (const r of matrixRuns(el.pattern)) bmp.fillRect(el.x * dotsPerMm + r.col * m, el.y * dotsPerMm + r.row * m, r.length * m, m);
    } else {
      drawText(bmp, el.text, el.x * dotsPerMm, el.baseline * dotsPerMm, el.size * dotsPerMm, el.bold);
    }
  }
}

/** A PNG of one label at the template's resolution. */
export function renderLabelPng(template: LabelTemplate, content: LabelContent): Buffer {
  const dotsPerMm = template.dpi / 25.4;
  const bmp = new Bitmap(Math.round(template.label.widthMm * dotsPerMm), Math.round(template.label.heightMm * dotsPerMm));
  drawBitmapLabel(bmp, layoutLabel(template.label.widthMm, template.label.heightMm, content, template.dpi), dotsPerMm);
  return encodePng(bmp, template.dpi);
}

/** Text for ^FD: ^ and ~ would be read as commands, so they go hex-escaped under ^FH. */
const zplField = (text: string) => text.replace(/[\\^~]/g, (c) => `\\${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * ZPL II for Zebra printers (203 dpi = 8 dots/mm): native ^BC Code 128 and
 * ^BQN QR; ASCII text in the resident font 0; text the printer's fonts cannot
 * draw (syllabics, accents) as a ^GFA bitmap made with the embedded fonts.
 */
export function renderLabelsZpl(template: LabelTemplate, contents: LabelContent[]): string {
  const dpm = template.dpi / 25.4;
  const d = (mm: number) => Math.round(mm * dpm);
  return contents
    .map((content) => {
      const els = layoutLabel(template.label.widthMm, template.label.heightMm, content, template.dpi);
      const out = ['^XA', '^CI28', `^PW${d(template.label.widthMm)}`, `^LL${d(template.label.heightMm)}`, '^LH0,0'];
      for (const el of els) {
        if (el.type === 'code128') {
          // The layout's module is already whole dots (label-layout.ts): ^BY prints exactly the bars of the PDF and PNG.
          out.push(`^FO${d(el.x)},${d(el.y)}^BY${Math.round(el.module * dpm)}^BCN,${d(el.height)},N,N,N^FD${zplField(el.text)}^FS`);
        } else if (el.type === 'qr') {
          const mag = Math.max(1, Math.min(10, Math.round(el.module * dpm)));
          out.push(`^FO${d(el.x)},${d(el.y)}^BQN,2,${mag}^FDMA,${zplField(el.text)}^FS`);
        } else if (/^[\x20-\x7e\xa0-\xff]*$/.test(el.text)) {
          // Latin-1 is in the resident font under ^CI28; anything else goes as a bitmap.
          const h = d(el.size * 0.92);
          out.push(`^FO${d(el.x)},${d(el.baseline - el.size * 0.78)}^A0N,${h},${Math.round(h * (el.bold ? 0.95 : 0.85))}^FH\\^FD${zplField(el.text)}^FS`);
        } else {
          const sizePx = el.size * dpm;
          const w = Math.ceil(measureText(el.text, sizePx, el.bold)) + 2;
          const h = Math.ceil(sizePx * 1.3);
          const bmp = new Bitmap(w, h);
          drawText(bmp, el.text, 0, Math.round(sizePx * 1.0), sizePx, el.bold);
          out.push(`^FO${d(el.x)},${Math.round(el.baseline * dpm - sizePx * 1.0)}${zplGraphic(bmp)}^FS`);
        }
      }
      out.push('^XZ');
      return out.join('\n');
    })
    .join('\n');
}
