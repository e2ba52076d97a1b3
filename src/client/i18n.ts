/**
 * The front ends' text, from the same locale files as the documents
 * (src/locales), and Intl formatting for the chosen language. English is
 * complete; French and Inuktitut hold only reviewed text, and every key they
 * lack falls back to English. No DOM: each page sets its own `lang`.
 */
import en from '../locales/en.json' with { type: 'json' };
import fr from '../locales/fr.json' with { type: 'json' };
import iu from '../locales/iu.json' with { type: 'json' };

export type Locale = 'en' | 'fr' | 'iu';
export type MessageKey = Exclude<keyof typeof en, '_meta'>;
export const LOCALES: readonly Locale[] = ['en', 'fr', 'iu'];

const TABLES: Record<Locale, Partial<Record<string, unknown>>> = { en, fr, iu };
let current: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function setCurrentLocale(locale: Locale): void {
  current = locale;
}

export function currentLocale(): Locale {
  return current;
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

/** A count or quantity in the chosen language's digits and grouping (Intl falls back to English where it lacks a locale). */
export function formatNumber(n: number): string {
  return new Intl.NumberFormat(current).format(n);
}

/** A weight kept in integer grams, shown in kilograms. */
export function formatKilograms(grams: number): string {
  return new Intl.NumberFormat(current, { style: 'unit', unit: 'kilogram', maximumFractionDigits: 1 }).format(grams / 1000);
}

/** An ISO-8601 instant or date as a date in the chosen language. */
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: iso.length === 10 ? 'UTC' : undefined }).format(new Date(iso));
}
