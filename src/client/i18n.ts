/**
 * The front ends' text, from the same locale files as the documents
 * (src/locales), and Intl formatting for the chosen language. English is
 * complete; French and Inuktitut hold only reviewed text, and every key they
 * lack falls back to English. No DOM: each page sets its own `lang`.
 */
import en from '../locales/en.json' with { type: 'json' };
import fr from '../locales/fr.json' with { type: 'json' };
import iu from '../locales/iu.json' with { type: 'json' };
import { formatMessage } from '../locales/messages.js';
import { PSEUDO_LOCALE, pseudoTable } from '../locales/pseudo.js';
import * as format from './format.js';

/**
 * `en-XA` is the pseudo-locale (src/locales/pseudo.ts, docs/translation.md):
 * English made strange to find hard-coded text and text cut short. It is
 * chosen only on purpose (`?lang=en-XA`, or the stored choice), never
 * offered in a language list, and formats numbers and dates as English.
 */
export type Locale = 'en' | 'fr' | 'iu' | typeof PSEUDO_LOCALE;
export type MessageKey = Exclude<keyof typeof en, '_meta'>;
/** The languages offered to people. */
export const LOCALES: readonly Locale[] = ['en', 'fr', 'iu'];

const pseudo = pseudoTable(en);
const TABLES: Record<Locale, (key: string) => unknown> = {
  en: (key) => (en as Record<string, unknown>)[key],
  fr: (key) => (fr as Record<string, unknown>)[key],
  iu: (key) => (iu as Record<string, unknown>)[key],
  [PSEUDO_LOCALE]: pseudo,
};
let current: Locale = 'en';

/** A language the front ends accept: one offered, or the pseudo-locale asked for by name. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (value === PSEUDO_LOCALE || (LOCALES as readonly string[]).includes(value));
}

export function setCurrentLocale(locale: Locale): void {
  current = locale;
}

export function currentLocale(): Locale {
  return current;
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const raw = TABLES[current](key);
  return typeof raw === 'string' ? formatMessage(current, key, raw, vars) : formatMessage('en', key, en[key], vars);
}

/**
 * For keys built from data (statuses, categories, events, error codes): the
 * message formatted as t() does if the locale (or English) knows the key,
 * else the fallback as it is.
 */
export function tOr(key: string, fallback: string, vars: Record<string, string | number> = {}): string {
  const raw = TABLES[current](key);
  if (typeof raw === 'string') return formatMessage(current, key, raw, vars);
  const english = (en as Record<string, unknown>)[key];
  return typeof english === 'string' ? formatMessage('en', key, english, vars) : fallback;
}

/**
 * The languages a language list shows: the offered ones, and the
 * pseudo-locale too while a page is in it, so the list names what is on screen.
 */
export function pickerLocales(): readonly Locale[] {
  return current === PSEUDO_LOCALE ? [...LOCALES, PSEUDO_LOCALE] : LOCALES;
}

/** A language's name in a language list. */
export function languageName(locale: Locale): string {
  return locale === PSEUDO_LOCALE ? t('language.pseudo') : tOr(`language.${locale}`, locale);
}

/** A count or quantity in the chosen language (format.ts: Canadian locales, `iu` on `en-CA` digits). */
export function formatNumber(n: number): string {
  return format.formatNumber(current, n);
}

/** A weight kept in integer grams: kilograms, or tonnes from 10 000 kg (format.ts). */
export function formatWeight(grams: number): string {
  return format.formatWeight(current, grams);
}

/** A calendar date (`YYYY-MM-DD`, never shifted a day) or an instant on the workshop's clock. */
export function formatDate(iso: string): string {
  return iso.length === 10 ? format.formatDate(current, iso) : format.formatDateTime(current, iso);
}
