/**
 * ICU MessageFormat for the locale files' text, shared by the documents
 * (src/core/i18n.ts) and the front ends (src/client/i18n.ts). Each message is
 * compiled once per language and key. A simple `{name}` placeholder is a
 * valid ICU argument; counts use `{count, plural, one {# day} other {# days}}`
 * so each language states its own plural forms. Pure: no DOM, no Node.
 */
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';

export type MessageLang = 'en' | 'fr' | 'iu' | 'en-XA';
export type MessageVars = Record<string, string | number>;

/**
 * Plural rules by language; numbers (`#`) in `en-CA` where the runtime has no
 * `iu` number data, as src/client/format.ts does for the rest of the page;
 * the pseudo-locale `en-XA` (src/locales/pseudo.ts) follows English.
 */
const INTL_LOCALES: Record<MessageLang, string[]> = { en: ['en-CA'], fr: ['fr-CA'], iu: ['iu', 'en-CA'], 'en-XA': ['en-CA'] };

interface Compiled {
  text: string;
  format: IntlMessageFormat;
  args: string[];
}

const cache = new Map<string, Compiled>();

/** The argument names a message uses, nested plural and select branches included. */
export function argumentNames(elements: MessageFormatElement[], into: Set<string> = new Set()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    if (el.type === TYPE.tag) {
      argumentNames(el.children, into);
      continue;
    }
    into.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      for (const option of Object.values(el.options)) argumentNames(option.value, into);
    }
  }
  return into;
}

function compile(lang: MessageLang, key: string, text: string): Compiled {
  const id = `${lang}\u0000${key}`;
  let compiled = cache.get(id);
  if (compiled?.text !== text) {
    const format = new IntlMessageFormat(text, INTL_LOCALES[lang]);
    compiled = { text, format, args: [...argumentNames(format.getAst())] };
    cache.set(id, compiled);
  }
  return compiled;
}

/**
 * `text` (the message `key` in `lang`) with `vars` in place. An argument the
 * caller did not give stays as `{name}`, as before ICU, rather than throwing
 * in the middle of a page or a document.
 */
export function formatMessage(lang: MessageLang, key: string, text: string, vars: MessageVars = {}): string {
  const { format, args } = compile(lang, key, text);
  let values = vars;
  for (const name of args) {
    if (!(name in vars)) values = { ...values, [name]: `{${name}}` };
  }
  const out = format.format(values);
  return Array.isArray(out) ? out.join('') : String(out);
}
