/**
 * The translation catalog of one language: its text (`fr.json`, a plain key ->
 * text map the front ends and documents load as it is), and beside it its
 * metadata (`fr.meta.json`: for each translated key, the English it was
 * translated from and whether a speaker of the language reviewed it). English
 * (`en.json`) is the source and `notes.json` tells translators where each key
 * appears. docs/translation.md describes the files. Pure: the CLI in
 * scripts/i18n.ts reads and writes them.
 */

export type TargetLang = 'fr' | 'iu';
export const TARGET_LANGS: readonly TargetLang[] = ['fr', 'iu'];

export type Messages = Record<string, string>;

export interface TranslationMeta {
  /** The English text the translation was made from: when en.json says something else, the English changed since. */
  source: string;
  /** True once a speaker of the language checked the text in context. */
  reviewed: boolean;
}

export interface Catalog {
  lang: TargetLang;
  /** en.json without its `_meta` header. */
  english: Messages;
  notes: Record<string, string>;
  /** The language file's `_meta` header, kept as it is. */
  header: Record<string, unknown>;
  messages: Messages;
  meta: Record<string, TranslationMeta>;
}

/** A locale file's text without its `_meta` header. */
export function messagesOf(file: Record<string, unknown>): Messages {
  const out: Messages = {};
  for (const [key, value] of Object.entries(file)) if (key !== '_meta' && typeof value === 'string') out[key] = value;
  return out;
}

export interface TranslationStatus {
  lang: TargetLang;
  total: number;
  translated: string[];
  reviewed: string[];
  missing: string[];
  /** Translated keys whose English is no longer the text they were translated from. */
  englishChanged: string[];
  /** Keys the language holds that English no longer has. */
  unknown: string[];
}

export function translationStatus(catalog: Catalog): TranslationStatus {
  const keys = Object.keys(catalog.english);
  const has = (key: string) => key in catalog.messages;
  return {
    lang: catalog.lang,
    total: keys.length,
    translated: keys.filter(has),
    reviewed: keys.filter((k) => has(k) && catalog.meta[k]?.reviewed === true),
    missing: keys.filter((k) => !has(k)),
    englishChanged: keys.filter((k) => has(k) && catalog.meta[k]?.source !== catalog.english[k]),
    unknown: Object.keys(catalog.messages).filter((k) => !(k in catalog.english)),
  };
}

export function statusReport(statuses: TranslationStatus[]): string {
  const lines = ['language  translated  reviewed  missing  english-changed  of'];
  for (const s of statuses) {
    const cells = [s.translated.length, s.reviewed.length, s.missing.length, s.englishChanged.length].map(String);
    lines.push(`${s.lang.padEnd(8)}  ${cells[0]!.padStart(10)}  ${cells[1]!.padStart(8)}  ${cells[2]!.padStart(7)}  ${cells[3]!.padStart(15)}  ${s.total}`);
  }
  for (const s of statuses) {
    for (const key of s.englishChanged) lines.push(`${s.lang}: English changed since translation: ${key}`);
    for (const key of s.unknown) lines.push(`${s.lang}: not in English any more: ${key}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Keys in English order, then any the language holds that English lacks. */
function ordered<T>(english: Messages, map: Record<string, T>): [string, T][] {
  const keys = [...Object.keys(english).filter((k) => k in map), ...Object.keys(map).filter((k) => !(k in english))];
  return keys.map((k) => [k, map[k]!]);
}

/** A language file as the repository writes it: the header on one line, then one key a line in English order. */
export function serializeMessages(header: Record<string, unknown>, english: Messages, messages: Messages): string {
  const headerLine = `{ ${Object.entries(header)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')} }`;
  const lines = [`  "_meta": ${headerLine}`, ...ordered(english, messages).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)];
  return `{\n${lines.join(',\n')}\n}\n`;
}

export function serializeMeta(english: Messages, meta: Record<string, TranslationMeta>): string {
  const sorted = Object.fromEntries(ordered(english, meta).map(([k, m]) => [k, { source: m.source, reviewed: m.reviewed }]));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}
