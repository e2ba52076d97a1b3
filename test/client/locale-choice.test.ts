import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../src/client/i18n.js';
import { choiceIn, chosenLocale, localeFromQuery, pageLocale, readLocale, SETTINGS_KEY, writeLocale } from '../../src/client/locale-choice.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

describe("which language a page uses: ?lang=, this browser's pick, the user's own, English", () => {
  it('each step wins over those after it', () => {
    expect(pageLocale({ query: 'en-XA', chosen: 'fr', user: 'iu' })).toBe('en-XA');
    expect(pageLocale({ query: null, chosen: 'fr', user: 'iu' })).toBe('fr');
    expect(pageLocale({ query: null, chosen: 'en', user: 'iu' })).toBe('en');
    expect(pageLocale({ query: null, chosen: null, user: 'iu' })).toBe('iu');
    expect(pageLocale({ query: null, chosen: null, user: null })).toBe('en');
    // Before sign-in there is no user; a session stored before users kept a language has none either.
    expect(pageLocale({ query: null, chosen: null, user: undefined })).toBe('en');
  });

  it('a stored user language the front ends do not offer is ignored, the pseudo-locale included', () => {
    for (const user of ['de', 'en-XA', '', 'IU']) expect(pageLocale({ query: null, chosen: null, user })).toBe('en');
  });

  it('for any combination, the result is the first one given', () => {
    const locale = fc.constantFrom<Locale | null>(null, 'en', 'fr', 'iu', 'en-XA');
    const user = fc.constantFrom<string | null | undefined>(null, undefined, 'en', 'fr', 'iu', 'de');
    fc.assert(
      fc.property(locale, locale, user, (query, chosen, u) => {
        const own = u && (LOCALES as readonly string[]).includes(u) ? u : null;
        expect(pageLocale({ query, chosen, user: u })).toBe(query ?? chosen ?? own ?? 'en');
      }),
    );
  });

  it('a language picked in this browser is kept beside the station settings and marked as picked', () => {
    const s = memoryStorage({ [SETTINGS_KEY]: JSON.stringify({ station: 'bench-2', sound: false }) });
    expect(chosenLocale(s)).toBeNull();
    writeLocale(s, 'en');
    expect(JSON.parse(s.map.get(SETTINGS_KEY)!)).toEqual({ station: 'bench-2', sound: false, locale: 'en', localeChosen: true });
    expect(chosenLocale(s)).toBe('en');
    writeLocale(s, 'iu');
    expect(chosenLocale(s)).toBe('iu');
  });

  it('an `en` the station saved with its other settings is not a pick; any other stored language is', () => {
    expect(choiceIn({ locale: 'en' })).toBeNull();
    expect(choiceIn({ locale: 'en', localeChosen: false })).toBeNull();
    expect(choiceIn({ locale: 'en', localeChosen: true })).toBe('en');
    expect(choiceIn({ locale: 'fr' })).toBe('fr');
    expect(choiceIn({ locale: 'en-XA' })).toBe('en-XA');
    expect(choiceIn({ locale: 'de', localeChosen: true })).toBeNull();
    expect(choiceIn({})).toBeNull();
    expect(readLocale(memoryStorage({ [SETTINGS_KEY]: JSON.stringify({ locale: 'en' }) }))).toBe('en');
    expect(chosenLocale(memoryStorage({ [SETTINGS_KEY]: '{broken' }))).toBeNull();
  });

  it('the address names a language for that page only', () => {
    expect(localeFromQuery('?lang=iu')).toBe('iu');
    expect(localeFromQuery('?lang=xx')).toBeNull();
  });
});
