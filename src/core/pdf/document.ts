import PDFDocument from 'pdfkit';
import { fontSet, textRuns, type FontName } from './fonts.js';

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
  runs.forEach((run, i) => {
    doc.font(run.font).text(run.text, { ...base, continued: i < runs.length - 1 });
  });
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
