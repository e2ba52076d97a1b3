/**
 * Text for documents and pages, from the locale files in src/locales. English
 * is complete; French and Inuktitut hold only reviewed text, and every missing
 * key falls back to English. Nothing is machine-translated.
 */
import en from '../locales/en.json' with { type: 'json' };
import fr from '../locales/fr.json' with { type: 'json' };
import iu from '../locales/iu.json' with { type: 'json' };
import { formatMessage } from '../locales/messages.js';

export type Locale = 'en' | 'fr' | 'iu';
export type MessageKey = Exclude<keyof typeof en, '_meta'>;

const TABLES: Record<Locale, Partial<Record<string, unknown>>> = { en, fr, iu };

export function localeOf(language: string | null | undefined): Locale {
  // Inuinnaqtun is written in Roman letters; until reviewed text exists it falls back to English.
  return language === 'fr' || language === 'iu' ? language : 'en';
}

export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const raw = TABLES[locale][key];
  return typeof raw === 'string' ? formatMessage(locale, key, raw, vars) : formatMessage('en', key, en[key], vars);
}

/** Keys each locale actually holds (the rest fall back): for the tests. */
export function reviewedKeys(locale: Locale): string[] {
  return Object.keys(TABLES[locale]).filter((k) => k !== '_meta');
}
