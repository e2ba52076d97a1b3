/**
 * The front ends' text, from the same locale files as the documents
 * (src/locales), and Intl formatting for the chosen language. English is
 * complete; French and Inuktitut show only reviewed text, and every key they
 * lack falls back to English. No DOM: each page sets its own `lang`.
 *
 * Text reviewed in the app since the bundle was built comes from the server
 * (GET /api/v1/locales/{lang}, src/client/locale-messages.ts) and is laid
 * over the bundled tables with `setMessages`.
 */
import en from '../locales/en.json' with { type: 'json' };
import fr from '../locales/fr.json' with { type: 'json' };
import frMeta from '../locales/fr.meta.json' with { type: 'json' };
import iu from '../locales/iu.json' with { type: 'json' };
import iuMeta from '../locales/iu.meta.json' with { type: 'json' };
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

/** The bundled text of a language that its `.meta.json` marks reviewed. */
function reviewed(file: Record<string, unknown>, meta: Record<string, { reviewed?: boolean }>): (key: string) => unknown {
  return (key) => (meta[key]?.reviewed === true ? file[key] : undefined);
}

/** Reviewed text fetched from the server, per language: it wins over the bundle. */
const overlays: Partial<Record<Locale, Readonly<Record<string, string>>>> = {};
const over = (locale: Locale, bundled: (key: string) => unknown) => (key: string) => overlays[locale]?.[key] ?? bundled(key);

const pseudo = pseudoTable(en);
const TABLES: Record<Locale, (key: string) => unknown> = {
  en: (key) => (en as Record<string, unknown>)[key],
  fr: over('fr', reviewed(fr, frMeta)),
  iu: over('iu', reviewed(iu, iuMeta)),
  [PSEUDO_LOCALE]: pseudo,
};

/** Lays the server's reviewed text of a language over the bundled one (only strings are kept). */
export function setMessages(locale: Locale, messages: Readonly<Record<string, unknown>>): void {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) if (typeof value === 'string' && key in en) clean[key] = value;
  overlays[locale] = clean;
}
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
