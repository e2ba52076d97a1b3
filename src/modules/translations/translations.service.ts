/**
 * Translating in the app (docs/translation.md): the texts of French and
 * Inuktitut as the program's speakers write and review them, stored in the
 * database over the shipped locale files, and the effective text every front
 * end and document shows.
 *
 * What is shown (`effective`) is, key by key, the database's text when it is
 * reviewed, else the shipped file's text when it is reviewed, else nothing
 * (English). A draft saved unreviewed never replaces reviewed text and is
 * never shown to trainees: it is seen only on the Translations page until a
 * reviewer marks it reviewed.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { shippedMessages, type LocaleMessages, type MessageKey } from '../../core/i18n.js';
import { assertDrawable } from '../../core/pdf/fonts.js';
import { TARGET_LANGS, type Catalog, type TargetLang } from '../../locales/catalog.js';
import { LOCALES_DIR, loadCatalog } from '../../locales/locale-files.js';
import { checkTranslation, exportXliff } from '../../locales/xliff.js';
import { appendAuditEvent } from '../audit-log/audit.repository.js';
import { handoverKeys, type HandoverData } from '../issuance/handover.pdf.js';
import type { Actor } from '../users/users.service.js';
import { findTranslation, translationRows, translationsVersion, upsertTranslation, type TranslationRow } from './translations.repository.js';

export interface TranslationItem {
  key: string;
  /** The English. */
  source: string;
  /** The current text in the language (database over shipped file), reviewed or not; null when there is none. */
  text: string | null;
  reviewed: boolean;
  /** Where the text appears, for the translator (notes.json). */
  note: string;
  /** The text front ends and documents show now (reviewed), or null when they show English. */
  shown: string | null;
  /** The English changed since the text was written from it. */
  englishChanged: boolean;
}

export type TranslationStatusFilter = 'missing' | 'unreviewed';

export function isTargetLang(lang: string): lang is TargetLang {
  return (TARGET_LANGS as readonly string[]).includes(lang);
}

/** The sample the Translations page prints a handover form from: made-up data, never a participant's. */
export function sampleHandover(lang: TargetLang, organizationName: string, printedAt: Date, messages: LocaleMessages): HandoverData {
  return {
    organizationName,
    issuanceId: 0,
    participantCode: 'P-000000',
    community: { name: 'Iqaluit', syllabics: 'ᐃᖃᓗᐃᑦ' },
    device: { assetTag: 'SAMPLE-0000', category: 'laptop', make: 'Lenovo', model: 'ThinkPad T480', serialNumber: 'SAMPLE', specs: { cpu: 'Intel Core i5-8350U', ramGb: 8, storageGb: 256, os: 'Linux Mint 22' } },
    kind: 'loan',
    dueDate: '2026-12-31',
    issuedAt: printedAt.toISOString(),
    accessories: ['charger'],
    agreementLanguage: lang,
    printedAt,
    erased: true,
    messages,
  };
}

/** A shipped catalog with the database's rows over it (text and metadata), as the XLIFF export writes it. */
export function withDatabaseRows(c: Catalog, rows: readonly TranslationRow[]): Catalog {
  const messages = { ...c.messages };
  const meta = { ...c.meta };
  for (const row of rows) {
    if (!(row.key in c.english)) continue;
    messages[row.key] = row.text;
    meta[row.key] = { source: row.source, reviewed: row.reviewed };
  }
  return { ...c, messages, meta };
}

/** The XLIFF of a language from a database file (`npm run i18n:export -- --lang iu --database PATH`). */
export async function databaseXliff(db: Db, c: Catalog): Promise<string> {
  return exportXliff(withDatabaseRows(c, await translationRows(db, c.lang)));
}

interface Effective {
  messages: LocaleMessages;
  etag: string;
}

export function createTranslationsService(deps: {
  db: Db;
  clock: Clock;
  organizationName: string;
  /** The directory of the shipped locale files (src/locales). */
  localesDir?: string | undefined;
  renderHandover(data: HandoverData): Promise<Buffer>;
}) {
  const { db, clock } = deps;
  const dir = deps.localesDir ?? LOCALES_DIR;
  const catalogs = new Map<TargetLang, Catalog>();
  const catalog = (lang: TargetLang): Catalog => {
    let c = catalogs.get(lang);
    if (!c) catalogs.set(lang, (c = loadCatalog(dir, lang)));
    return c;
  };
  // The effective messages per language, with the version of the saves they were made from: a save on
  // another instance (PostgreSQL) moves the version, so no instance serves text older than the last save.
  const effectiveCache = new Map<TargetLang, Effective & { version: number }>();

  function language(lang: string): TargetLang {
    if (!isTargetLang(lang)) throw new AppError('translations.unknown_language', `No language "${lang}" to translate into: one of ${TARGET_LANGS.join(', ')}.`, { errors: [{ field: 'params.lang', message: `must be one of ${TARGET_LANGS.join(', ')}` }], location: null });
    return lang;
  }

  async function effective(lang: TargetLang): Promise<Effective> {
    const version = await translationsVersion(db);
    const held = effectiveCache.get(lang);
    if (held?.version === version) return { messages: held.messages, etag: held.etag };
    const messages: Record<string, string> = { ...shippedMessages(lang) };
    for (const row of await translationRows(db, lang)) if (row.reviewed && row.key in catalog(lang).english) messages[row.key] = row.text;
    const ordered = Object.fromEntries(Object.keys(catalog(lang).english).filter((k) => k in messages).map((k) => [k, messages[k]!]));
    const made = { messages: ordered, etag: `"${createHash('sha256').update(JSON.stringify(ordered)).digest('base64url').slice(0, 27)}"` };
    effectiveCache.set(lang, { ...made, version });
    return made;
  }

  async function items(lang: TargetLang): Promise<TranslationItem[]> {
    const c = catalog(lang);
    const rows = new Map((await translationRows(db, lang)).map((r) => [r.key, r]));
    const shown = (await effective(lang)).messages;
    return Object.entries(c.english).map(([key, english]) => {
      const row = rows.get(key);
      const text = row?.text ?? c.messages[key] ?? null;
      const source = row?.source ?? c.meta[key]?.source;
      return {
        key,
        source: english,
        text,
        reviewed: row ? row.reviewed : c.messages[key] !== undefined && c.meta[key]?.reviewed === true,
        note: c.notes[key] ?? '',
        shown: shown[key] ?? null,
        englishChanged: text !== null && source !== undefined && source !== english,
      };
    });
  }

  /** The keys a sample handover form prints that have no reviewed text in the language: while any is left, the form is English only. */
  async function handoverMissing(lang: TargetLang): Promise<string[]> {
    const shown = (await effective(lang)).messages;
    const sample = sampleHandover(lang, deps.organizationName, clock.now(), shown);
    const keys = new Set<MessageKey>([...handoverKeys(sample), ...handoverKeys({ ...sample, kind: 'gift', dueDate: null, accessories: [], erased: false })]);
    return [...keys].filter((k) => shown[k] === undefined);
  }

  return {
    /** The reviewed text of a language, for the front ends and documents, and its entity tag. */
    effective: (lang: string): Promise<Effective> => effective(language(lang)),

    /** For documents: the reviewed text of a locale (English: none). */
    messagesFor: async (locale: string): Promise<LocaleMessages | undefined> => (isTargetLang(locale) ? (await effective(locale)).messages : undefined),

    async list(lang: string, status?: TranslationStatusFilter): Promise<{ lang: TargetLang; items: TranslationItem[]; handoverMissing: string[] }> {
      const l = language(lang);
      let all = await items(l);
      if (status === 'missing') all = all.filter((i) => i.text === null);
      if (status === 'unreviewed') all = all.filter((i) => i.text !== null && !i.reviewed);
      return { lang: l, items: all, handoverMissing: await handoverMissing(l) };
    },

    /**
     * Saves one text: NFC, checked as the XLIFF import checks a target (ICU
     * syntax, the English placeholders) and drawable by the documents' fonts,
     * with an entry in the history. Nothing is written when any check fails.
     */
    async save(actor: Actor, lang: string, key: string, body: { text: string; reviewed: boolean }): Promise<TranslationItem> {
      const l = language(lang);
      const c = catalog(l);
      const english = c.english[key];
      if (english === undefined) throw new AppError('translations.unknown_key', `No English text with the key "${key}".`, { errors: [{ field: 'params.key', message: 'is not a key of en.json' }], location: null });
      const text = body.text.normalize('NFC');
      const problem = checkTranslation(english, text);
      if (problem !== null) throw new AppError('request.invalid', problem, { errors: [{ field: 'text', message: problem }] });
      assertDrawable({ text }, 'body');
      const at = clock.now().toISOString();
      await writeTransaction(db, async (tx) => {
        const before = await findTranslation(tx, l, key);
        const row: TranslationRow = { lang: l, key, text, source: english, reviewed: body.reviewed, updatedAt: at, updatedBy: actor.id };
        await upsertTranslation(tx, row);
        await appendAuditEvent(tx, {
          entityType: 'translation',
          entityId: `${l}:${key}`,
          action: 'translation.saved',
          actorUserId: actor.id,
          at,
          details: { lang: l, key, text, reviewed: body.reviewed, ...(before ? { previous: { text: before.text, reviewed: before.reviewed } } : {}) },
        });
      });
      effectiveCache.delete(l);
      return (await items(l)).find((i) => i.key === key)!;
    },

    /** The effective catalog (database over shipped files) as XLIFF 2.0, for `npm run i18n:import` into the repository. */
    async xliff(lang: string): Promise<string> {
      const l = language(lang);
      return exportXliff(withDatabaseRows(catalog(l), await translationRows(db, l)));
    },

    /** A handover form of made-up data in the language, as the next real one would print. */
    async previewHandover(lang: string): Promise<Buffer> {
      const l = language(lang);
      return deps.renderHandover(sampleHandover(l, deps.organizationName, clock.now(), (await effective(l)).messages));
    },
  };
}

export type TranslationsService = ReturnType<typeof createTranslationsService>;
