/**
 * The translation catalog: a note for every English key, metadata beside
 * every translation, the files as the kit writes them, and the status counts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import en from '../../src/locales/en.json' with { type: 'json' };
import notes from '../../src/locales/notes.json' with { type: 'json' };
import { messagesOf, serializeMessages, serializeMeta, statusReport, TARGET_LANGS, translationStatus, type Catalog } from '../../src/locales/catalog.js';
import { LOCALES_DIR, loadCatalog } from '../../src/locales/locale-files.js';
import { completeNotes } from '../../src/locales/notes.js';

const englishKeys = Object.keys(messagesOf(en));

describe('notes for translators', () => {
  it('every English key has a note, and every note is of an English key', () => {
    const noted = Object.keys(notes);
    expect(englishKeys.filter((k) => !noted.includes(k))).toEqual([]);
    expect(noted.filter((k) => !englishKeys.includes(k))).toEqual([]);
    for (const [key, note] of Object.entries(notes as Record<string, string>)) expect(note.length, key).toBeGreaterThan(10);
  });

  it('i18n:notes keeps the notes held, drops those of removed keys, and writes a first one from where a new key is named', () => {
    const english = { 'office.page.loans': 'Loans', 'office.loans.late': '{days, plural, one {# day} other {# days}} late', 'station.status.lost': 'Lost', 'handover.title': 'Device handover' };
    const sources = {
      'src/office/app.ts': "t('office.page.loans')",
      'src/office/loans-page.ts': "t('office.loans.late', { days })",
      'src/station/card.ts': 'tOr(`station.status.${status}`, status)',
      'src/modules/issuance/handover.pdf.ts': "translate(lang, 'handover.title')",
    };
    expect(completeNotes(english, { 'office.page.loans': 'Written by hand.', 'office.gone': 'Old.' }, sources)).toEqual({
      'office.page.loans': 'Written by hand.',
      'office.loans.late': 'Office, Loans page. Source: src/office/loans-page.ts. Keep the placeholders {days} as they are.',
      'station.status.lost': 'Scan station. One of the names built from data (station.status.…). Source: src/station/card.ts.',
      'handover.title': 'The handover document (PDF) given to a participant. Source: src/modules/issuance/handover.pdf.ts.',
    });
  });
});

describe('language files and their metadata', () => {
  for (const lang of TARGET_LANGS) {
    it(`${lang}: metadata for exactly the keys translated, and the files as the kit writes them`, () => {
      const catalog = loadCatalog(LOCALES_DIR, lang);
      expect(Object.keys(catalog.meta).sort()).toEqual(Object.keys(catalog.messages).sort());
      expect(Object.keys(catalog.messages).filter((k) => !englishKeys.includes(k))).toEqual([]);
      const read = (name: string) => readFileSync(new URL(`../../src/locales/${name}`, import.meta.url), 'utf8');
      expect(serializeMessages(catalog.header, catalog.english, catalog.messages)).toBe(read(`${lang}.json`));
      expect(serializeMeta(catalog.english, catalog.meta)).toBe(read(`${lang}.meta.json`));
    });
  }

  it('status counts translated, reviewed, missing and English changed since translation', () => {
    const catalog: Catalog = {
      lang: 'iu',
      english: { a: 'A', b: 'B', c: 'C', d: 'D' },
      notes: {},
      header: {},
      messages: { a: 'ᐊ', b: 'ᐱ', c: 'ᑎ', gone: 'x' },
      meta: { a: { source: 'A', reviewed: true }, b: { source: 'Bee', reviewed: true }, c: { source: 'C', reviewed: false } },
    };
    const status = translationStatus(catalog);
    expect(status).toMatchObject({ total: 4, translated: ['a', 'b', 'c'], reviewed: ['a', 'b'], missing: ['d'], englishChanged: ['b'], unknown: ['gone'] });
    expect(statusReport([status])).toBe(
      [
        'language  translated  reviewed  missing  english-changed  of',
        'iu                 3         2        1                1  4',
        'iu: English changed since translation: b',
        'iu: not in English any more: gone',
        '',
      ].join('\n'),
    );
  });
});
