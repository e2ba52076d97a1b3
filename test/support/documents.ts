/** Helpers for tests that read documents back: PDFs, PNGs and CSVs. */
import type { Response as Res } from 'supertest';

/** A supertest parser that keeps the body as bytes. */
export const binary = (res: Res, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
  stream.on('error', (err: Error) => done(err, Buffer.alloc(0)));
};

/** RFC 4180: CRLF between records, quotes doubled inside quoted fields. Throws on a bare line break outside quotes. */
export function parseCsv(text: string): string[][] {
  // Every CSV starts with a UTF-8 byte-order mark unless asked with bom=false; it is not part of the first cell.
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break outside quotes at ${i}`);
    else cell += c;
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || row.length > 0) throw new Error('the last record does not end with CRLF');
  return rows;
}
