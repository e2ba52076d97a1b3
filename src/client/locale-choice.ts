/**
 * Which language a page speaks, for both front ends. The language a browser
 * chose is kept where the station keeps it (its settings in localStorage), so
 * both front ends speak the one a person picked there; a signed-in user's own
 * language (`user.language`) comes next. The storage is passed in, so this
 * runs in Node too.
 */
import { isLocale, LOCALES, type Locale } from './i18n.js';
import type { KeyValueStorage } from './pages.js';

export const SETTINGS_KEY = 'refurb-ledger.station.settings';

function settingsIn(storage: Pick<KeyValueStorage, 'getItem'>): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(SETTINGS_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The language picked in these settings, or null when none was. The station
 * used to save `en` with its other settings whether or not anyone picked it,
 * so English counts as picked only when marked so (`localeChosen`, written by
 * writeLocale); any other language was picked on purpose.
 */
export function choiceIn(settings: { locale?: unknown; localeChosen?: unknown }): Locale | null {
  const { locale, localeChosen } = settings;
  if (!isLocale(locale)) return null;
  return locale !== 'en' || localeChosen === true ? locale : null;
}

/** The language picked in this browser (sign-in screen, language picker, station settings), or null. */
export function chosenLocale(storage: Pick<KeyValueStorage, 'getItem'>): Locale | null {
  return choiceIn(settingsIn(storage));
}

/** The language picked in this browser, English when none was. */
export function readLocale(storage: Pick<KeyValueStorage, 'getItem'>): Locale {
  return chosenLocale(storage) ?? 'en';
}

/**
 * The language a page uses, the first of: the address (`?lang=`, for that
 * page only), the language picked in this browser, the signed-in user's own
 * language (none before sign-in), English. A browser's pick wins because it
 * is the person at that screen who made it; a bench shared by many people
 * that no one set follows whoever signs in.
 */
export function pageLocale(p: { query: Locale | null; chosen: Locale | null; user: string | null | undefined }): Locale {
  const own = (LOCALES as readonly string[]).includes(p.user ?? '') ? (p.user as Locale) : null;
  return p.query ?? p.chosen ?? own ?? 'en';
}

/**
 * A language asked for by name in the page's address (`?lang=fr`,
 * `?lang=en-XA`): it wins over the stored choice for that page and is not
 * stored. This is how the pseudo-locale `en-XA`, never offered in a list,
 * is opened.
 */
export function localeFromQuery(search: string): Locale | null {
  const lang = new URLSearchParams(search).get('lang');
  return isLocale(lang) ? lang : null;
}

/** Changes the language only: the station's other settings stay as they are. */
export function writeLocale(storage: Pick<KeyValueStorage, 'getItem' | 'setItem'>, locale: Locale): void {
  try {
    storage.setItem(SETTINGS_KEY, JSON.stringify({ ...settingsIn(storage), locale, localeChosen: true }));
  } catch {
    // Storage blocked: the choice lasts as long as the page.
  }
}
