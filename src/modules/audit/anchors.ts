import fs from 'node:fs';
import path from 'node:path';
import type { Anchor } from './audit.service.js';

/** `<event id>:<sha-256 hex>`, as printed on the anchor page, written to the anchors file and given to `?anchor=`. */
export const ANCHOR_PATTERN = /^([1-9]\d{0,15}):([0-9a-f]{64})$/;

export function parseAnchor(text: string): Anchor | null {
  const m = ANCHOR_PATTERN.exec(text.trim());
  return m ? { id: Number(m[1]), hash: m[2]! } : null;
}

export const formatAnchor = (a: Anchor): string => `${a.id}:${a.hash}`;

/**
 * Appends the chain's head to the anchors file, one line `<time> <id>:<hash>`,
 * and flushes it to disk. The file lives outside the database (AUDIT_ANCHORS_PATH):
 * someone who rewrites the database must also find and rewrite every copy of
 * it, so copy it off the machine too (docs/security.md).
 */
export function appendAnchor(file: string, head: Anchor, at: Date): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = fs.openSync(file, 'a', 0o640);
  try {
    fs.writeSync(fd, `${at.toISOString()} ${formatAnchor(head)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Every anchor in a file: the last `<id>:<hash>` word of each line; blank
 * lines and lines starting with `#` are skipped. A line that holds no anchor
 * is an error naming its number, so a damaged file is not silently ignored.
 */
export function readAnchors(file: string): Anchor[] {
  const anchors: Anchor[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) return;
      const anchor = parseAnchor(text.split(/\s+/).at(-1)!);
      if (!anchor) throw new Error(`${file}:${i + 1}: no <id>:<hash> anchor on this line`);
      anchors.push(anchor);
    });
  return anchors;
}
