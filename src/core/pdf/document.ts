import PDFDocument from 'pdfkit';
import { fontSet, textRuns, type FontName, type TextRun } from './fonts.js';

export type Doc = InstanceType<typeof PDFDocument>;

export interface DocumentMeta {
  title: string;
  /** Injected so that the same data and clock give the same bytes (pdfkit embeds the creation date). */
  createdAt: Date;
  size?: string | [number, number];
  margin?: number;
  /** Per side, when the page needs room for a running header or footer. */
  margins?: { top: number; bottom: number; left: number; right: number };
  /** Keep pages open so that headers and "Page 2 of 3" are drawn once the page count is known. */
  bufferPages?: boolean;
}

export function createDocument(meta: DocumentMeta): Doc {
  const doc = new PDFDocument({
    size: meta.size ?? 'LETTER',
    ...(meta.margins ? { margins: meta.margins } : { margin: meta.margin ?? 54 }),
    bufferPages: meta.bufferPages ?? false,
    info: { Title: meta.title, Producer: 'refurb-ledger', Creator: 'refurb-ledger', CreationDate: meta.createdAt, ModDate: meta.createdAt },
    autoFirstPage: true,
    compress: true,
  });
  for (const [name, f] of Object.entries(fontSet().fonts)) doc.registerFont(name, f.data);
  doc.font('latin' satisfies FontName);
  return doc;
}

export interface WriteOptions {
  size?: number;
  bold?: boolean;
  width?: number;
  align?: 'left' | 'center' | 'right' | 'justify';
  x?: number;
  y?: number;
  color?: string;
  lineGap?: number;
}

/** Writes a paragraph whose characters may need several fonts (Latin and syllabics). */
export function write(doc: Doc, text: string, options: WriteOptions = {}): void {
  const runs = textRuns(text, options.bold);
  doc.fontSize(options.size ?? 10).fillColor(options.color ?? 'black');
  if (options.x !== undefined || options.y !== undefined) doc.x = options.x ?? doc.x;
  if (options.y !== undefined) doc.y = options.y;
  const base = {
    ...(options.width === undefined ? {} : { width: options.width }),
    align: options.align ?? 'left',
    lineGap: options.lineGap ?? 2,
  };
  if (runs.length === 0) {
    doc.text('', base);
    return;
  }
  if (runs.length > 1 && options.width !== undefined) {
    // pdfkit wraps and aligns each continued run on its own: runs of several fonts overrun the width and overlap when
    // aligned. A paragraph that is not one left-aligned line is set here, word by word, each word measured in its fonts.
    const fits = lineWidth(doc, runs) <= options.width && !text.includes('\n');
    if (!fits || base.align !== 'left') {
      setLines(doc, runs, options.width, base.align, base.lineGap);
      return;
    }
  }
  runs.forEach((run, i) => {
    doc.font(run.font).text(run.text, { ...base, continued: i < runs.length - 1 });
  });
  doc.font('latin');
}

type Piece = TextRun;

function lineWidth(doc: Doc, pieces: readonly Piece[]): number {
  let w = 0;
  for (const p of pieces) w += doc.font(p.font).widthOfString(p.text);
  return w;
}

/** The runs as words (split at spaces and line breaks, each word a list of pieces in their fonts), `null` for a forced line break. */
function words(runs: readonly TextRun[]): Array<Piece[] | null> {
  const out: Array<Piece[] | null> = [];
  let word: Piece[] = [];
  const end = () => {
    if (word.length > 0) out.push(word);
    word = [];
  };
  for (const run of runs) {
    for (const part of run.text.split(/(\s)/)) {
      if (part === '') continue;
      if (part === '\n') {
        end();
        out.push(null);
      } else if (/^\s$/.test(part)) end();
      else {
        const last = word.at(-1);
        if (last && last.font === run.font) last.text += part;
        else word.push({ text: part, font: run.font });
      }
    }
  }
  end();
  return out;
}

/** A word wider than the line, cut into pieces that fit (as pdfkit breaks a long word). */
function split(doc: Doc, word: Piece[], width: number): Piece[][] {
  if (lineWidth(doc, word) <= width) return [word];
  const out: Piece[][] = [];
  let current: Piece[] = [];
  let used = 0;
  for (const piece of word) {
    doc.font(piece.font);
    for (const ch of piece.text) {
      const w = doc.widthOfString(ch);
      if (used + w > width && current.length > 0) {
        out.push(current);
        current = [];
        used = 0;
      }
      const last = current.at(-1);
      if (last && last.font === piece.font) last.text += ch;
      else current.push({ text: ch, font: piece.font });
      used += w;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Sets runs of several fonts as lines of at most `width`, aligned; a new page where the page is full. Justified text is set ragged. */
function setLines(doc: Doc, runs: readonly TextRun[], width: number, align: 'left' | 'center' | 'right' | 'justify', lineGap: number): void {
  const startX = doc.x;
  const space = doc.font('latin').widthOfString(' ');
  const lines: Piece[][] = [];
  let line: Piece[] = [];
  let used = 0;
  for (const word of words(runs).flatMap((w) => (w === null ? [w] : split(doc, w, width)))) {
    if (word === null) {
      lines.push(line);
      line = [];
      used = 0;
      continue;
    }
    const w = lineWidth(doc, word);
    if (line.length > 0 && used + space + w > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    if (line.length > 0) {
      line.push({ text: ' ', font: line.at(-1)!.font });
      used += space;
    }
    line.push(...word);
    used += w;
  }
  lines.push(line);
  doc.font(runs[0]!.font);
  const height = doc.currentLineHeight();
  for (const l of lines) {
    if (doc.y + height > doc.page.height - doc.page.margins.bottom && doc.y > doc.page.margins.top) doc.addPage();
    const y = doc.y;
    const w = lineWidth(doc, l);
    let x = startX + (align === 'right' ? width - w : align === 'center' ? (width - w) / 2 : 0);
    for (const p of l) {
      doc.font(p.font).text(p.text, x, y, { lineBreak: false });
      x += doc.widthOfString(p.text);
    }
    doc.x = startX;
    doc.y = y + height + lineGap;
  }
  doc.font('latin');
}

/** Collects the document's bytes. */
export function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
