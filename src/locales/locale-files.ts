/**
 * The locale files on disk (a directory laid out as src/locales): reading a
 * language's catalog and writing its text and metadata back. For the
 * translation commands in scripts/i18n.ts and their tests.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { messagesOf, serializeMessages, serializeMeta, type Catalog, type TargetLang, type TranslationMeta } from './catalog.js';

export const LOCALES_DIR = path.dirname(new URL(import.meta.url).pathname);

const readJson = (dir: string, name: string) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;

export function loadCatalog(dir: string, lang: TargetLang): Catalog {
  const file = readJson(dir, `${lang}.json`);
  return {
    lang,
    english: messagesOf(readJson(dir, 'en.json')),
    notes: messagesOf(readJson(dir, 'notes.json')),
    header: (file['_meta'] ?? {}) as Record<string, unknown>,
    messages: messagesOf(file),
    meta: readJson(dir, `${lang}.meta.json`) as Record<string, TranslationMeta>,
  };
}

export function writeCatalog(dir: string, catalog: Catalog): void {
  writeFileSync(path.join(dir, `${catalog.lang}.json`), serializeMessages(catalog.header, catalog.english, catalog.messages));
  writeFileSync(path.join(dir, `${catalog.lang}.meta.json`), serializeMeta(catalog.english, catalog.meta));
}
