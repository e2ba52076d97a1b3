/**
 * Translators' XLIFF 2.0 files: an export imported back changes nothing, a
 * reviewed translation imports with its metadata, and each refusal names the
 * line of its unit with nothing written.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TARGET_LANGS } from '../../src/locales/catalog.js';
import { LOCALES_DIR, loadCatalog, writeCatalog } from '../../src/locales/locale-files.js';
import { exportXliff, importXliff } from '../../src/locales/xliff.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'locales-'));
  cpSync(LOCALES_DIR, dir, { recursive: true, filter: (f) => !f.endsWith('.ts') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const files = (lang: string) => [`${lang}.json`, `${lang}.meta.json`].map((f) => readFileSync(path.join(dir, f), 'utf8'));
const lineOf = (xml: string, needle: string) => xml.slice(0, xml.indexOf(needle)).split('\n').length;

/** The import as scripts/i18n.ts runs it, on the copy in `dir`. */
function importInto(xml: string) {
  const result = importXliff(xml, (lang) => loadCatalog(dir, lang));
  if (result.ok) writeCatalog(dir, { ...loadCatalog(dir, result.lang), messages: result.messages, meta: result.meta });
  return result;
}

/** Sets the target (and state) of one unit of an export. */
function withTarget(xml: string, key: string, target: string, state = 'translated'): string {
  const start = xml.indexOf(`<unit id="${key}">`);
  const end = xml.indexOf('</unit>', start);
  const unit = xml
    .slice(start, end)
    .replace(/<segment state="\w+">/, `<segment state="${state}">`)
    .replace(/<\/source>(\n\s*<target>.*<\/target>)?/, `</source>\n        <target>${target}</target>`);
  return xml.slice(0, start) + unit + xml.slice(end);
}

describe('XLIFF 2.0 export and import', () => {
  it('the export names every key with its English, note and state', () => {
    const xml = exportXliff(loadCatalog(dir, 'iu'));
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="iu">/);
    expect(xml.match(/<unit id=/g)).toHaveLength(Object.keys(loadCatalog(dir, 'iu').english).length);
    expect(xml).toContain('<segment state="reviewed">\n        <source>Nunavut</source>\n        <target>ᓄᓇᕗᑦ</target>');
    expect(xml).toContain('<unit id="office.loans.days">');
    expect(xml).toContain('<source>{days, plural, one {# day} other {# days}}</source>');
    expect(xml).toMatch(/<unit id="handover.title">\n {6}<notes>\n {8}<note>The handover document \(PDF\)[^<]*<\/note>\n {6}<\/notes>\n {6}<segment state="initial">/);
  });

  for (const lang of TARGET_LANGS) {
    it(`${lang}: export then import leaves the files byte for byte, and exports the same again`, () => {
      const before = files(lang);
      const first = exportXliff(loadCatalog(dir, lang));
      const result = importInto(first);
      expect(result).toMatchObject({ ok: true, lang, changed: [] });
      expect(files(lang)).toEqual(before);
      expect(exportXliff(loadCatalog(dir, lang))).toBe(first);
    });
  }

  it('a reviewed translation imports into a catalog that lacks it, with its English and review', () => {
    const xml = exportXliff(loadCatalog(dir, 'iu'));
    const expected = files('iu');
    const catalog = loadCatalog(dir, 'iu');
    const messages = { ...catalog.messages };
    const meta = { ...catalog.meta };
    delete messages['place.nunavut'];
    delete meta['place.nunavut'];
    writeCatalog(dir, { ...catalog, messages, meta });
    expect(files('iu')).not.toEqual(expected);
    expect(importInto(xml)).toMatchObject({ ok: true, lang: 'iu', changed: ['place.nunavut'] });
    expect(files('iu')).toEqual(expected);
  });

  it('a translation not yet reviewed is kept as translated, with the English it was made from', () => {
    const xml = withTarget(exportXliff(loadCatalog(dir, 'fr')), 'office.loans.days', '{days, plural, one {# jour} other {# jours}}');
    expect(importInto(xml)).toMatchObject({ ok: true, changed: ['office.loans.days'] });
    const catalog = loadCatalog(dir, 'fr');
    expect(catalog.messages['office.loans.days']).toBe('{days, plural, one {# jour} other {# jours}}');
    expect(catalog.meta['office.loans.days']).toEqual({ source: '{days, plural, one {# day} other {# days}}', reviewed: false });
    expect(exportXliff(catalog)).toContain('<segment state="translated">\n        <source>{days, plural, one {# day} other {# days}}</source>\n        <target>{days, plural, one {# jour} other {# jours}}</target>');
  });

  it('refuses unknown keys, other placeholders and ICU syntax errors, each with its line, and writes nothing', () => {
    const before = files('fr');
    let xml = exportXliff(loadCatalog(dir, 'fr'));
    xml = withTarget(xml, 'office.loans.dueDateHint', 'Proposé : {jours} jours.');
    xml = withTarget(xml, 'office.recycling.scanRefused', '{code} refusé : {reason');
    xml = xml.replace('<unit id="handover.title">', '<unit id="handover.titel">');
    const result = importInto(xml);
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: lineOf(xml, '<unit id="handover.titel">'), message: 'unknown key "handover.titel"' },
        { line: lineOf(xml, '<unit id="office.loans.dueDateHint">'), message: 'office.loans.dueDateHint: placeholders {jours} differ from the English {days}' },
        { line: lineOf(xml, '<unit id="office.recycling.scanRefused">'), message: expect.stringMatching(/^office\.recycling\.scanRefused: ICU syntax error in the target: /) },
      ],
    });
    expect(files('fr')).toEqual(before);
  });

  it('refuses a file that is not XLIFF 2.0 into a known language', () => {
    const xml = exportXliff(loadCatalog(dir, 'fr'));
    expect(importInto(xml.replace('trgLang="fr"', 'trgLang="de"'))).toMatchObject({ ok: false, problems: [{ line: 1 }] });
    const broken = xml.replace('</unit>\n', '</unt>\n');
    expect(importInto(broken)).toMatchObject({ ok: false, problems: [{ line: lineOf(broken, '</unt>'), message: expect.stringContaining('not well-formed XML') }] });
  });

  it('npm run i18n:import prints the refusals with file and line, exits non-zero and writes nothing', async () => {
    const before = files('iu');
    const xml = withTarget(exportXliff(loadCatalog(dir, 'iu')), 'office.loans.days', '{n} ᐅᓪᓗᑦ');
    const file = path.join(dir, 'iu.xlf');
    writeFileSync(file, xml);
    const run = promisify(execFile)('npx', ['tsx', 'scripts/i18n.ts', 'import', '--dir', dir, file], { cwd: path.join(LOCALES_DIR, '../..') });
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: `${file}:${lineOf(xml, '<unit id="office.loans.days">')}: office.loans.days: placeholders {n} differ from the English {days}\n1 unit(s) refused; nothing was written.\n`,
    });
    expect(files('iu')).toEqual(before);
  });
});
