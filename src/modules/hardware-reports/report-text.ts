/**
 * Reading an uploaded report before any parser sees it: UTF-8 only, no NUL
 * bytes (a binary file), no line longer than a tool prints, and JSON nested no
 * deeper than the tools nest it, checked by a scan before JSON.parse so that
 * no walk below can run out of stack.
 */
import { AppError } from '../../core/errors.js';

/** A route-level body limit: lshw with smartctl -x for a few drives stays well under it. */
export const REPORT_BODY_LIMIT = 16 * 1024 * 1024;
/** lshw nests a dozen levels; a Workbench snapshot adds a few. */
export const MAX_JSON_DEPTH = 64;
/** dmidecode prints short lines; a hex dump line is under 100 characters. */
export const MAX_TEXT_LINE = 16 * 1024;

export function unreadable(reason: string): AppError {
  return new AppError('hardware_reports.unreadable', reason);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The upload as text, or a 400 saying why it is not a report. */
export function reportText(body: Buffer | string): string {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = utf8.decode(body);
    } catch {
      throw unreadable('The file is not UTF-8 text (a binary file?).');
    }
  }
  if (text.includes('\u0000')) throw unreadable('The file holds NUL bytes: a binary file, not a report.');
  if (!text.isWellFormed()) throw unreadable('The file holds unpaired UTF-16 surrogates.');
  text = text.replace(/^\ufeff/, '');
  if (text.trim() === '') throw unreadable('The file is empty.');
  return text;
}

/** The deepest nesting of a JSON text, counted outside strings; stops at the first level past `max`. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** JSON, refused with a reason when truncated, malformed or nested too deep. */
export function parseReportJson(text: string, what = 'The report'): unknown {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw unreadable(`${what} is JSON nested deeper than ${MAX_JSON_DEPTH} levels.`);
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') return undefined;
      return value;
    });
  } catch {
    throw unreadable(`${what} is not complete JSON (truncated or malformed).`);
  }
}

/** Text lines, refused when one is longer than any tool prints. */
export function reportLines(text: string, what = 'The report'): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => l.length > MAX_TEXT_LINE)) throw unreadable(`${what} has a line longer than ${MAX_TEXT_LINE} characters.`);
  return lines;
}
