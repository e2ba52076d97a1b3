/** The station's text: the shared front-end i18n (src/client/i18n.ts), with the page's `lang` kept in step. */
import { setCurrentLocale, type Locale } from '../client/i18n.js';
import { localeFromQuery } from '../client/locale-choice.js';

export { LOCALES, t, tOr, type Locale, type MessageKey } from '../client/i18n.js';

/**
 * A language asked for in the address (`?lang=en-XA`, docs/translation.md):
 * it wins over the stored choice until someone picks a language in the
 * station, and is never stored.
 */
let fromAddress: Locale | null = typeof location === 'undefined' ? null : localeFromQuery(location.search);

export function setLocale(stored: Locale): void {
  const locale = fromAddress ?? stored;
  setCurrentLocale(locale);
  document.documentElement.lang = locale;
}

/** A language picked in the station: the address no longer decides. */
export function chooseLocale(locale: Locale): void {
  fromAddress = null;
  setLocale(locale);
}
