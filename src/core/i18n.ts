/**
 * Text for documents and pages, from the locale files in src/locales. English
 * is complete; French and Inuktitut hold only reviewed text, and every missing
 * key falls back to English. Nothing is machine-translated.
 */
import en from '../locales/en.json' with { type: 'json' };
import fr from '../locales/fr.json' with { type: 'json' };
import iu from '../locales/iu.json' with { type: 'json' };
import { formatMessage } from '../locales/messages.js';
import { PSEUDO_LOCALE, pseudoTable } from '../locales/pseudo.js';

/**
 * The languages of documents; `en-XA` is the pseudo-locale (src/locales/pseudo.ts,
 * docs/translation.md), asked for by name to check a document, never offered.
 */
export type Locale = 'en' | 'fr' | 'iu' | typeof PSEUDO_LOCALE;
export type MessageKey = Exclude<keyof typeof en, '_meta'>;
/** The languages a document accepts in `?lang=`. */
export const DOCUMENT_LOCALES = ['en', 'fr', 'iu', PSEUDO_LOCALE] as const satisfies readonly Locale[];

const pseudo = pseudoTable(en);
const TABLES: Record<Locale, (key: string) => unknown> = {
  en: (key) => (en as Record<string, unknown>)[key],
  fr: (key) => (fr as Record<string, unknown>)[key],
  iu: (key) => (iu as Record<string, unknown>)[key],
  [PSEUDO_LOCALE]: pseudo,
};

export function localeOf(language: string | null | undefined): Locale {
  // Inuinnaqtun is written in Roman letters; until reviewed text exists it falls back to English.
  return language === 'fr' || language === 'iu' || language === PSEUDO_LOCALE ? language : 'en';
}

export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const raw = TABLES[locale](key);
  return typeof raw === 'string' ? formatMessage(locale, key, raw, vars) : formatMessage('en', key, en[key], vars);
}

/** Keys each locale actually holds (the rest fall back): for the tests. The pseudo-locale holds every English key. */
export function reviewedKeys(locale: Locale): string[] {
  const table: Record<string, unknown> = locale === 'fr' ? fr : locale === 'iu' ? iu : en;
  return Object.keys(table).filter((k) => k !== '_meta');
}
