/**
 * CSV as RFC 4180 (CRLF, quotes doubled) that spreadsheets cannot be tricked
 * by: a cell starting with = + - @ tab or CR is prefixed with ' (OWASP's
 * CSV-injection advice), so free text never runs as a formula. Some
 * spreadsheets also take the full-width forms (＝＋－＠, as CJK input methods
 * type them) for formula signs, or skip leading whitespace (spaces, U+3000,
 * zero-width characters) before one: such cells are prefixed too.
 */
import { z } from 'zod';

const FORMULA_START = /^(?:[\t\r]|[\s\u200b-\u200d\u2060]*[=+\-@\uff1d\uff0b\uff0d\uff20])/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: Array<string | number | boolean | null | undefined>): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/**
 * A UTF-8 byte-order mark. Spreadsheets (Excel's default "open", LibreOffice
 * guessing) read a CSV without one as the legacy code page, so "Café" and
 * syllabics come out as mojibake; with it they read UTF-8. Sent first by
 * default; `?bom=false` leaves it out for tools that take it as part of the
 * first header.
 */
export const UTF8_BOM = '\ufeff';

/** The `bom` query parameter of every CSV route: true unless the caller sends `false`. */
export const csvBomQuery = {
  bom: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('CSV only: start with a UTF-8 byte-order mark so spreadsheets read the text as UTF-8 (default true); false for tools that dislike it'),
};
