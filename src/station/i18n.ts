/**
 * The station's text: the shared front-end i18n (src/client/i18n.ts), with the
 * page's `lang` kept in step, and the text reviewed in the app laid over the
 * bundle: the copy kept from the last answer at once, then the server's
 * (src/client/locale-messages.ts); when it changes, the page is redrawn.
 */
import { setCurrentLocale, type Locale } from '../client/i18n.js';
import { applyKeptMessages, loadMessages } from '../client/locale-messages.js';

export { currentLocale, languageName, LOCALES, pickerLocales, t, tOr, type Locale, type MessageKey } from '../client/i18n.js';

let redraw: () => void = () => {};

/** What to do when newer text arrives from the server (the station redraws). */
export function onMessages(fn: () => void): void {
  redraw = fn;
}

export function setLocale(locale: Locale): void {
  applyKeptMessages(localStorage, locale);
  setCurrentLocale(locale);
  document.documentElement.lang = locale;
  void loadMessages(locale, { fetch: (input, init) => fetch(input, init), storage: localStorage }).then((changed) => {
    if (changed) redraw();
  });
}

