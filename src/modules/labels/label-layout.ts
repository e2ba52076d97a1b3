/**
 * Where things go on one label, in millimetres from its top-left corner,
 * independent of the output: the PDF, bitmap and ZPL renderers all draw this.
 */
import { measureText } from './raster.js';
import { code128, qrCode, type LinearPattern, type MatrixPattern } from '../../core/pdf/barcodes.js';

export interface LabelContent {
  /** The asset tag: Code 128 and QR payload, and the first line. */
  tag: string;
  /** Lines under the tag, most important first; those that do not fit are dropped. */
  lines: string[];
  /** Printed at the end of the tag line, e.g. the grade on a spec label. */
  badge?: string | undefined;
}

export type LabelElement =
  | { type: 'text'; x: number; baseline: number; size: number; bold: boolean; text: string }
  | { type: 'code128'; x: number; y: number; module: number; height: number; pattern: LinearPattern; text: string }
  | { type: 'qr'; x: number; y: number; module: number; pattern: MatrixPattern; text: string };

// ISO 18004 asks for 4 modules of quiet zone; sheet neighbours sit close.
const QR_QUIET = 4;
const CODE128_QUIET = 10;

/** Fits text into a width: shrinks down to minSize, then cuts with an ellipsis. */
function fit(text: string, size: number, minSize: number, width: number, bold: boolean): { text: string; size: number } {
  let s = size;
  while (s > minSize && measureText(text, s, bold) > width) s = Math.max(minSize, s * 0.92);
  if (measureText(text, s, bold) <= width) return { text, size: s };
  let cut = text;
  while (cut.length > 1 && measureText(`${cut}…`, s, bold) > width) cut = cut.slice(0, -1);
  return { text: `${cut.trimEnd()}…`, size: s };
}

export function layoutLabel(widthMm: number, heightMm: number, content: LabelContent): LabelElement[] {
  const pad = Math.min(2, Math.max(1.2, heightMm * 0.05));
  const els: LabelElement[] = [];

  // Code 128 along the bottom, as wide as the label allows (modules of at most 0.5 mm).
  const bar = code128(content.tag);
  const barHeight = Math.min(12, Math.max(6, heightMm * 0.3));
  const module = Math.min(0.5, (widthMm - 2 * pad) / (bar.modules + 2 * CODE128_QUIET));
  const barWidth = bar.modules * module;
  els.push({ type: 'code128', x: (widthMm - barWidth) / 2, y: heightMm - pad - barHeight, module, height: barHeight, pattern: bar, text: content.tag });

  // QR code top right, as tall as the space above the bars.
  const top = heightMm - pad - barHeight - 1;
  const qr = qrCode(content.tag);
  // At most 16 mm: enough for any phone camera, and it leaves room for the text.
  const qrModule = Math.min(top - pad, 16) / (qr.size + 2 * QR_QUIET);
  const qrSide = qrModule * (qr.size + 2 * QR_QUIET);
  els.push({ type: 'qr', x: widthMm - pad - qrSide + QR_QUIET * qrModule, y: pad + QR_QUIET * qrModule, module: qrModule, pattern: qr, text: content.tag });

  // Text at the left: the tag large, then the lines that fit.
  const textWidth = widthMm - 2 * pad - qrSide - 0.5;
  const areaHeight = top - pad;
  const tagLine = content.badge ? `${content.tag}  ${content.badge}` : content.tag;
  const tag = fit(tagLine, areaHeight * 0.36, 2.2, textWidth, true);
  let baseline = pad + tag.size * 0.78;
  els.push({ type: 'text', x: pad, baseline, size: tag.size, bold: true, text: tag.text });
  const lineSize = Math.min(tag.size * 0.62, Math.max(1.8, areaHeight * 0.2));
  for (const line of content.lines) {
    if (!line) continue;
    const next = baseline + lineSize * 1.18;
    if (next > top + 0.2) break;
    const f = fit(line, lineSize, Math.max(1.6, lineSize * 0.75), textWidth, false);
    baseline = next;
    els.push({ type: 'text', x: pad, baseline, size: f.size, bold: false, text: f.text });
  }
  return els;
}
