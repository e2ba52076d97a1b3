/**
 * CSV as RFC 4180 (CRLF, quotes doubled) that spreadsheets cannot be tricked
 * by: a cell starting with = + - @ tab or CR is prefixed with ' (OWASP's
 * CSV-injection advice), so free text never runs as a formula. Some
 * spreadsheets also take the full-width forms (＝＋－＠, as CJK input methods
 * type them) for formula signs, or skip leading whitespace (spaces, U+3000,
 * zero-width characters) before one: such cells are prefixed too.
 */
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
