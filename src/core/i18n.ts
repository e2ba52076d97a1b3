/**
 * Text for documents and pages, from the locale files in src/locales. English
 * is complete; French and Inuktitut show only reviewed text, and every missing
 * key falls back to English. Nothing is machine-translated.
 *
 * Text written and reviewed in the app (the translations module) is stored in
 * the database, which core does not read: a document is given the effective
 * messages of its language (`LocaleMessages`, built by that module) and
 * passes them to `translate`; without them, the reviewed text of the shipped
 * files is used.
 */
import en from '../locales/en.json' with { type: 'json' };
import fr from '../locales/fr.json' with { type: 'json' };
import frMeta from '../locales/fr.meta.json' with { type: 'json' };
import iu from '../locales/iu.json' with { type: 'json' };
import iuMeta from '../locales/iu.meta.json' with { type: 'json' };
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

/** One language's text to show: key → reviewed text (keys it lacks fall back to English). Plain data, so it crosses to a render worker. */
export type LocaleMessages = Readonly<Record<string, string>>;

/** The reviewed text of a shipped language file (its `.meta.json` says which). */
function reviewedOf(file: Record<string, unknown>, meta: Record<string, { reviewed?: boolean }>): LocaleMessages {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(file)) if (key !== '_meta' && typeof value === 'string' && meta[key]?.reviewed === true) out[key] = value;
  return out;
}

const ENGLISH_KEYS = Object.keys(en).filter((k) => k !== '_meta');
const pseudo = pseudoTable(en);
/** The pseudo-locale holds every English key, made strange; text reviewed in the app never applies to it. */
const PSEUDO: LocaleMessages = Object.fromEntries(ENGLISH_KEYS.map((k) => [k, pseudo(k) as string]));

const SHIPPED: Record<Locale, LocaleMessages> = { en: {}, fr: reviewedOf(fr, frMeta), iu: reviewedOf(iu, iuMeta), [PSEUDO_LOCALE]: PSEUDO };

export function localeOf(language: string | null | undefined): Locale {
  // Inuinnaqtun is written in Roman letters; until reviewed text exists it falls back to English.
  return language === 'fr' || language === 'iu' || language === PSEUDO_LOCALE ? language : 'en';
}

/** The reviewed text the repository ships for a language (English: none, English is the source). */
export function shippedMessages(locale: Locale): LocaleMessages {
  return SHIPPED[locale];
}

function tableOf(locale: Locale, messages: LocaleMessages | undefined): LocaleMessages {
  return locale === PSEUDO_LOCALE ? PSEUDO : (messages ?? SHIPPED[locale]);
}

/** `key` in `locale`: its text in `messages` (by default the shipped reviewed text), else English. */
export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}, messages?: LocaleMessages): string {
  const raw = locale === 'en' ? undefined : tableOf(locale, messages)[key];
  return typeof raw === 'string' ? formatMessage(locale, key, raw, vars) : formatMessage('en', key, en[key], vars);
}

/** Whether `key` has reviewed text of its own in `locale` (rather than falling back to English). */
export function hasText(locale: Locale, key: MessageKey, messages?: LocaleMessages): boolean {
  return locale === 'en' || typeof tableOf(locale, messages)[key] === 'string';
}

/** Keys each locale actually holds (the rest fall back): for the tests. English and the pseudo-locale hold every key. */
export function reviewedKeys(locale: Locale): string[] {
  return locale === 'en' ? ENGLISH_KEYS : Object.keys(SHIPPED[locale]);
}
