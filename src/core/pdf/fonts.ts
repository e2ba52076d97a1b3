/**
 * Fonts embedded in every document, from npm packages (so `npm install`
 * brings them) under the SIL Open Font License. pdfkit has no font fallback
 * and its 14 standard fonts are WinAnsi only (syllabics come out as garbage
 * with no error), so text is split into runs, each drawn with a font that has
 * its glyphs, and text no embedded font can draw is refused.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { AppError, type FieldLocation } from '../errors.js';
import { woffToSfnt } from './woff.js';

const require = createRequire(import.meta.url);
const file = (pkg: string, name: string) => require.resolve(`@fontsource/${pkg}/files/${name}`);

export type FontName = 'latin' | 'latin-bold' | 'latin-ext' | 'latin-ext-bold' | 'syllabics' | 'syllabics-bold';

interface LoadedFont {
  name: FontName;
  data: Buffer;
  font: fontkit.Font;
}

/** `data` is the sfnt inside the WOFF file (woff.ts): what pdfkit embeds from, with no table to inflate again per document. */
function load(name: FontName, path: string): LoadedFont {
  const data = woffToSfnt(fs.readFileSync(path));
  return { name, data, font: fontkit.create(data) };
}

export interface FontSet {
  fonts: Record<FontName, LoadedFont>;
}

let cached: FontSet | undefined;

/**
 * Noto Sans (Latin, with accents for French), its Latin Extended subset (the
 * ł, š, ř of Inuit languages in Roman letters, and the letters of the
 * pseudo-locale en-XA) and Noto Sans Canadian Aboriginal (syllabics). WOFF:
 * pdfkit draws WOFF2 glyphs blank. A font is embedded only where a document
 * uses it.
 */
export function fontSet(): FontSet {
  cached ??= {
    fonts: {
      latin: load('latin', file('noto-sans', 'noto-sans-latin-400-normal.woff')),
      'latin-bold': load('latin-bold', file('noto-sans', 'noto-sans-latin-700-normal.woff')),
      'latin-ext': load('latin-ext', file('noto-sans', 'noto-sans-latin-ext-400-normal.woff')),
      'latin-ext-bold': load('latin-ext-bold', file('noto-sans', 'noto-sans-latin-ext-700-normal.woff')),
      syllabics: load('syllabics', file('noto-sans-canadian-aboriginal', 'noto-sans-canadian-aboriginal-canadian-aboriginal-400-normal.woff')),
      'syllabics-bold': load('syllabics-bold', file('noto-sans-canadian-aboriginal', 'noto-sans-canadian-aboriginal-canadian-aboriginal-700-normal.woff')),
    },
  };
  return cached;
}

export interface TextRun {
  text: string;
  font: FontName;
}

const isSpace = (cp: number) => cp === 0x20 || cp === 0x0a || cp === 0x09 || cp === 0xa0;

/**
 * Splits text into runs by the font that can draw each character. Spaces stay
 * with the run they are in. Throws 400 `documents.undrawable_text` naming the
 * characters that no embedded font has, in `field` (a field of the request
 * where `location` says so, see AppError).
 */
export function textRuns(text: string, bold = false, field = 'text', location: FieldLocation | null = null): TextRun[] {
  const { fonts } = fontSet();
  const latin = bold ? fonts['latin-bold'] : fonts.latin;
  const ext = bold ? fonts['latin-ext-bold'] : fonts['latin-ext'];
  const syll = bold ? fonts['syllabics-bold'] : fonts.syllabics;
  const runs: TextRun[] = [];
  const missing = new Set<string>();
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    let font: FontName;
    if (isSpace(cp)) font = runs.at(-1)?.font ?? latin.name;
    else if (latin.font.hasGlyphForCodePoint(cp)) font = latin.name;
    else if (ext.font.hasGlyphForCodePoint(cp)) font = ext.name;
    else if (syll.font.hasGlyphForCodePoint(cp)) font = syll.name;
    else {
      missing.add(`${ch} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`);
      continue;
    }
    const last = runs.at(-1);
    if (last && last.font === font) last.text += ch;
    else runs.push({ text: ch, font });
  }
  if (missing.size > 0) {
    throw new AppError('documents.undrawable_text', `The embedded fonts cannot draw ${[...missing].join(', ')} in ${field}; nothing was printed.`, {
      errors: [{ field, message: `characters the fonts cannot draw: ${[...missing].join(', ')}` }],
      location,
    });
  }
  return runs;
}

/** Throws when any of the named strings has characters the fonts cannot draw. */
export function assertDrawable(fields: Record<string, string | null | undefined>, location: FieldLocation | null): void {
  for (const [field, value] of Object.entries(fields)) if (value) textRuns(value, false, field, location);
}
