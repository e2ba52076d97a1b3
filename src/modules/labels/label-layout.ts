/**
 * Where things go on one label, in millimetres from its top-left corner,
 * independent of the output: the PDF, bitmap and ZPL renderers all draw this.
 *
 * Barcodes are laid out on the printer's dot grid: a thermal head prints
 * whole dots, so a module of 2.34 dots comes out as bars of 2 and 3 dots and
 * a scanner reads uneven widths. The module is chosen as a whole number of
 * dots first and the symbol sized from it (the way ZPL's ^BY works), and the
 * symbols start on a dot, so the PDF, the PNG and the ZPL print the same bars.
 */
import { measureText } from './raster.js';
import { code128, qrCode, type LinearPattern, type MatrixPattern } from '../../core/pdf/barcodes.js';

export interface LabelContent {
  /** The asset tag: Code 128 and QR payload, and the first line. */
  tag: string;
  /**
   * Lines under the tag, most important first. A line too long for the label
   * shrinks, then wraps at spaces; lines that still do not fit are dropped
   * from the end (the first line is never dropped).
   */
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
/** Code 128 modules of at most 0.5 mm: wider only makes the symbol long. */
const CODE128_MAX_MODULE_MM = 0.5;
/** Line spacing, as a multiple of the font size. */
const LEADING = 1.18;
/** From the top of a line of text to its baseline, as a multiple of the font size. */
const ASCENT = 0.8;
/** The smallest text a label prints (about 4.5 pt): still readable at arm's length. */
const MIN_TEXT_MM = 1.6;

/** Fits text into a width: shrinks down to minSize, then cuts with an ellipsis. */
function fit(text: string, size: number, minSize: number, width: number, bold: boolean): { text: string; size: number } {
  let s = size;
  while (s > minSize && measureText(text, s, bold) > width) s = Math.max(minSize, s * 0.92);
  if (measureText(text, s, bold) <= width) return { text, size: s };
  return { text: cut(text, s, width, bold), size: s };
}

function cut(text: string, size: number, width: number, bold: boolean): string {
  let c = text;
  while (c.length > 1 && measureText(`${c}…`, size, bold) > width) c = c.slice(0, -1);
  return `${c.trimEnd()}…`;
}

/**
 * Greedy word wrap at spaces; a word wider than the line on its own (a long
 * syllabic word, a serial) is broken between characters.
 */
export function wrapText(text: string, size: number, width: number, bold = false): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measureText(candidate, size, bold) <= width) {
      line = candidate;
      continue;
    }
    if (line) out.push(line);
    let rest = word;
    while (measureText(rest, size, bold) > width && rest.length > 1) {
      let n = rest.length - 1;
      while (n > 1 && measureText(rest.slice(0, n), size, bold) > width) n--;
      out.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  if (line) out.push(line);
  return out;
}

interface TextBlock {
  size: number;
  /** Each content line, wrapped; lines that did not fit are absent. */
  lines: string[][];
}

/**
 * The largest size (from `size` down to `minSize`) at which every line fits
 * whole, wrapped, into the height (from the first line's top to the last
 * baseline); failing that, the largest at which the
 * first line (make and model, or the CPU) fits whole and as many following
 * ones as there is room for; failing that, the first line at the smallest
 * size, cut where the room ends.
 */
function fitLines(lines: string[], size: number, minSize: number, width: number, height: number): TextBlock {
  const sizes: number[] = [];
  for (let s = size; s > minSize; s *= 0.94) sizes.push(s);
  sizes.push(minSize);
  const wrapAll = (s: number) => lines.map((l) => wrapText(l, s, width));
  const rows = (ls: string[][]) => ls.reduce((n, l) => n + l.length, 0);
  const fits = (n: number, s: number) => n === 0 || s * ASCENT + (n - 1) * s * LEADING <= height;
  for (const s of sizes) {
    const w = wrapAll(s);
    if (fits(rows(w), s)) return { size: s, lines: w };
  }
  for (const s of sizes) {
    const w = wrapAll(s);
    if (!fits(w[0]!.length, s)) continue;
    const kept: string[][] = [];
    for (const l of w) {
      if (!fits(rows(kept) + l.length, s)) break;
      kept.push(l);
    }
    return { size: s, lines: kept };
  }
  const s = minSize;
  const first = wrapText(lines[0]!, s, width);
  let room = 1;
  while (fits(room + 1, s)) room++;
  const shown = first.slice(0, room);
  if (first.length > room) shown[room - 1] = cut(`${shown[room - 1]!} ${first[room]!}`, s, width, false);
  return { size: s, lines: [shown] };
}

/**
 * The elements of one label. `dpi` is the printer's resolution: barcode
 * modules, bar heights and symbol positions are whole dots of it.
 */
export function layoutLabel(widthMm: number, heightMm: number, content: LabelContent, dpi: number): LabelElement[] {
  const dot = 25.4 / dpi;
  const snap = (mm: number) => Math.round(mm / dot) * dot;
  const pad = Math.min(2, Math.max(1.2, heightMm * 0.05));
  const els: LabelElement[] = [];

  // Code 128 along the bottom: the widest whole-dot module that fits with its quiet zones, at least one dot.
  const bar = code128(content.tag);
  const barHeight = snap(Math.min(12, Math.max(6, heightMm * 0.3)));
  const moduleDots = Math.max(1, Math.floor(Math.min(CODE128_MAX_MODULE_MM, (widthMm - 2 * pad) / (bar.modules + 2 * CODE128_QUIET)) / dot + 1e-9));
  const module = moduleDots * dot;
  const barWidth = bar.modules * module;
  const barY = snap(heightMm - pad - barHeight);
  els.push({ type: 'code128', x: snap((widthMm - barWidth) / 2), y: barY, module, height: barHeight, pattern: bar, text: content.tag });

  // QR code top right, as tall as the space above the bars allows (at most 16 mm: enough for any phone camera, and it leaves room for the text).
  const top = barY - 1;
  const qr = qrCode(content.tag);
  const qrDots = Math.max(1, Math.floor(Math.min(top - pad, 16) / (qr.size + 2 * QR_QUIET) / dot + 1e-9));
  const qrModule = qrDots * dot;
  const qrSide = qrModule * (qr.size + 2 * QR_QUIET);
  els.push({ type: 'qr', x: snap(widthMm - pad - qrSide + QR_QUIET * qrModule), y: snap(pad + QR_QUIET * qrModule), module: qrModule, pattern: qr, text: content.tag });

  // Text at the left: the tag large, then the lines, shrunk and wrapped to fit beside the QR code.
  const textWidth = widthMm - 2 * pad - qrSide - 0.5;
  const areaHeight = top - pad;
  const tagLine = content.badge ? `${content.tag}  ${content.badge}` : content.tag;
  const tag = fit(tagLine, areaHeight * 0.36, 2.2, textWidth, true);
  const tagBaseline = pad + tag.size * 0.78;
  els.push({ type: 'text', x: pad, baseline: tagBaseline, size: tag.size, bold: true, text: tag.text });
  const lines = content.lines.filter(Boolean);
  if (lines.length === 0) return els;
  const lineSize = Math.min(tag.size * 0.62, Math.max(1.8, areaHeight * 0.2));
  // The first line's ascent starts under the tag's descent; baselines end at the top of the gap above the bars (descents go into it).
  const linesTop = tagBaseline + tag.size * 0.22;
  const block = fitLines(lines, lineSize, Math.max(MIN_TEXT_MM, lineSize * 0.6), textWidth, top + 0.2 - linesTop);
  let baseline = linesTop + block.size * ASCENT;
  for (const wrapped of block.lines) {
    for (const text of wrapped) {
      els.push({ type: 'text', x: pad, baseline, size: block.size, bold: false, text });
      baseline += block.size * LEADING;
    }
  }
  return els;
}
