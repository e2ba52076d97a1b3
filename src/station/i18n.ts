/**
 * The station's text, from the same locale files as the documents
 * (src/locales). English is complete; French and Inuktitut hold only reviewed
 * text, and every key they lack falls back to English.
 */
import en from '../locales/en.json';
import fr from '../locales/fr.json';
import iu from '../locales/iu.json';

export type Locale = 'en' | 'fr' | 'iu';
export type MessageKey = Exclude<keyof typeof en, '_meta'>;
export const LOCALES: readonly Locale[] = ['en', 'fr', 'iu'];

const TABLES: Record<Locale, Partial<Record<string, unknown>>> = { en, fr, iu };
let current: Locale = 'en';

export function setLocale(locale: Locale): void {
  current = locale;
  document.documentElement.lang = locale;
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const raw = TABLES[current][key];
  const text = typeof raw === 'string' ? raw : en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** For names that come from data (statuses, categories, events): the key if the locale knows it, else the fallback. */
export function tOr(key: string, fallback: string): string {
  const raw = TABLES[current][key] ?? (en as Record<string, unknown>)[key];
  return typeof raw === 'string' ? raw : fallback;
}
