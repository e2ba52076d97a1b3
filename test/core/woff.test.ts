/**
 * The fonts embedded in documents are read from their WOFF files once and
 * kept as the sfnt inside (src/core/pdf/woff.ts): every font the service
 * embeds answers the same through fontkit either way (glyphs, metrics,
 * outlines, shaping of the service's own words), its tables are the WOFF's
 * inflated, and a file that is not WOFF 1.0, or whose table is cut short or
 * inflates to another length, is refused naming the fault.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { woffToSfnt } from '../../src/core/pdf/woff.js';

const require = createRequire(import.meta.url);
const FILES = [
  '@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff',
  '@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff',
  '@fontsource/noto-sans/files/noto-sans-latin-ext-400-normal.woff',
  '@fontsource/noto-sans/files/noto-sans-latin-ext-700-normal.woff',
  '@fontsource/noto-sans-canadian-aboriginal/files/noto-sans-canadian-aboriginal-canadian-aboriginal-400-normal.woff',
  '@fontsource/noto-sans-canadian-aboriginal/files/noto-sans-canadian-aboriginal-canadian-aboriginal-700-normal.woff',
];
const TEXTS = ['Iqaluit · Lenovo ThinkPad T480', 'Kimmirut — Pangnirtung, Igloolik', 'Łuuk šaa ř', 'ᐃᖃᓗᐃᑦ ᑭᒻᒥᕈᑦ ᐸᖕᓂᖅᑑᖅ', 'Prêt · Réparé · Effacé'];

const font = (bytes: Buffer) => fontkit.create(bytes);

describe('WOFF to sfnt', () => {
  for (const file of FILES) {
    it(`${file.split('/').pop()}: the same font through fontkit, tables the WOFF's inflated`, () => {
      const woff = fs.readFileSync(require.resolve(file));
      const sfnt = woffToSfnt(woff);
      const [a, b] = [font(woff), font(sfnt)];
      expect(b.type).toBe('TTF');
      expect([b.numGlyphs, b.unitsPerEm, b.postscriptName, b.ascent, b.descent, b.characterSet.length]).toEqual([a.numGlyphs, a.unitsPerEm, a.postscriptName, a.ascent, a.descent, a.characterSet.length]);
      for (const text of TEXTS) {
        const [la, lb] = [a.layout(text), b.layout(text)];
        expect(lb.glyphs.map((g) => g.id)).toEqual(la.glyphs.map((g) => g.id));
        expect(lb.positions).toEqual(la.positions);
        expect(lb.glyphs.map((g) => g.path.commands)).toEqual(la.glyphs.map((g) => g.path.commands));
      }
      // Each table record points at the table the WOFF directory holds, inflated, padded to four bytes.
      const n = woff.readUInt16BE(12);
      expect(sfnt.readUInt32BE(0)).toBe(woff.readUInt32BE(4));
      expect(sfnt.readUInt16BE(4)).toBe(n);
      for (let i = 0; i < n; i++) {
        const entry = 44 + i * 20;
        const [offset, compLength, origLength] = [woff.readUInt32BE(entry + 4), woff.readUInt32BE(entry + 8), woff.readUInt32BE(entry + 12)];
        const stored = woff.subarray(offset, offset + compLength);
        const table = compLength < origLength ? zlib.inflateSync(stored) : stored;
        const record = 12 + i * 16;
        expect(sfnt.readUInt32BE(record)).toBe(woff.readUInt32BE(entry));
        const at = sfnt.readUInt32BE(record + 8);
        expect(at % 4).toBe(0);
        expect(sfnt.readUInt32BE(record + 12)).toBe(origLength);
        expect(sfnt.subarray(at, at + origLength).equals(table)).toBe(true);
      }
    });
  }

  it('refuses what is not WOFF 1.0, a table cut short, and a table that inflates to another length', () => {
    const woff = fs.readFileSync(require.resolve(FILES[0]!));
    expect(() => woffToSfnt(Buffer.from('OTTO and some bytes of no font at all, long enough'))).toThrow('no wOFF signature');
    expect(() => woffToSfnt(woff.subarray(0, 40))).toThrow('no wOFF signature');
    expect(() => woffToSfnt(woff.subarray(0, 44 + 20))).toThrow(/directory of \d+ tables does not fit/);
    expect(() => woffToSfnt(woff.subarray(0, woff.length - 100))).toThrow(/runs past the end/);
    const lying = Buffer.from(woff);
    // The first table's original length, one more than it is.
    lying.writeUInt32BE(lying.readUInt32BE(44 + 12) + 1, 44 + 12);
    expect(() => woffToSfnt(lying)).toThrow(/once inflated, not/);
  });
});
