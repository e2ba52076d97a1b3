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
import * as format from './format.js';

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
  return typeof raw === 'string' ? formatMessage(current, key, raw, vars) : formatMessage('en', key, en[key], vars);
}

/** For names that come from data (statuses, categories, events): the key if the locale knows it, else the fallback. */
export function tOr(key: string, fallback: string): string {
  const raw = TABLES[current][key] ?? (en as Record<string, unknown>)[key];
  return typeof raw === 'string' ? raw : fallback;
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
