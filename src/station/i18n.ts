/** The station's text: the shared front-end i18n (src/client/i18n.ts), with the page's `lang` kept in step. */
import { setCurrentLocale, type Locale } from '../client/i18n.js';

export { currentLocale, languageName, LOCALES, pickerLocales, t, tOr, type Locale, type MessageKey } from '../client/i18n.js';

export function setLocale(locale: Locale): void {
  setCurrentLocale(locale);
  document.documentElement.lang = locale;
}
