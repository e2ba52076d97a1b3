/**
 * The language a browser chose, kept where the station keeps it (its
 * settings in localStorage), so both front ends speak the one a person
 * picked. The storage is passed in, so this runs in Node too.
 */
import { isLocale, type Locale } from './i18n.js';
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

export function readLocale(storage: Pick<KeyValueStorage, 'getItem'>): Locale {
  const { locale } = settingsIn(storage);
  return isLocale(locale) ? locale : 'en';
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
    storage.setItem(SETTINGS_KEY, JSON.stringify({ ...settingsIn(storage), locale }));
  } catch {
    // Storage blocked: the choice lasts as long as the page.
  }
}
