/**
 * Translators' files: XLIFF 2.0 (OASIS, "XLIFF Version 2.0", core only), one
 * `<unit>` per key with the key as its id, the translator's note, and one
 * `<segment>` holding the English `<source>`, the current `<target>` and the
 * segment `state` (initial: not translated; translated; reviewed). The import
 * checks every unit before anything is written: an unknown key, a target whose
 * ICU syntax does not parse, or whose arguments are not the English ones, is
 * refused with the line of its unit.
 */
import { parse, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TARGET_LANGS, type Catalog, type Messages, type TargetLang, type TranslationMeta } from './catalog.js';
import { argumentNames } from './messages.js';

const XLIFF_NS = 'urn:oasis:names:tc:xliff:document:2.0';

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

type State = 'initial' | 'translated' | 'reviewed';

/** The whole catalog of one language, every English key a unit, in English order. */
export function exportXliff(catalog: Catalog): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xliff xmlns="${XLIFF_NS}" version="2.0" srcLang="en" trgLang="${catalog.lang}">`,
    `  <file id="refurb-ledger-${catalog.lang}">`,
  ];
  for (const [key, english] of Object.entries(catalog.english)) {
    const target = catalog.messages[key];
    const meta = catalog.meta[key];
    const state: State = target === undefined ? 'initial' : meta?.reviewed === true ? 'reviewed' : 'translated';
    out.push(`    <unit id="${escapeXml(key)}">`);
    const notes = [`        <note>${escapeXml(catalog.notes[key] ?? '')}</note>`];
    if (target !== undefined && meta !== undefined && meta.source !== english) {
      notes.push(`        <note category="previous-source">${escapeXml(meta.source)}</note>`);
    }
    out.push('      <notes>', ...notes, '      </notes>');
    out.push(`      <segment state="${state}">`, `        <source>${escapeXml(english)}</source>`);
    if (target !== undefined) out.push(`        <target>${escapeXml(target)}</target>`);
    out.push('      </segment>', '    </unit>');
  }
  out.push('  </file>', '</xliff>', '');
  return out.join('\n');
}

export interface ImportProblem {
  line: number;
  message: string;
}

export type ImportResult =
  | { ok: true; lang: TargetLang; messages: Messages; meta: Record<string, TranslationMeta>; changed: string[] }
  | { ok: false; problems: ImportProblem[] };

/** What an imported unit says, before it is checked. */
interface Unit {
  id: string;
  line: number;
  source: string;
  target: string | undefined;
  state: string;
}

const lineAt = (xml: string, index: number) => xml.slice(0, index).split('\n').length;

type Node = Record<string, unknown>;
const asArray = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v === undefined ? [] : [v as Node]);
const attr = (node: Node, name: string): string | undefined => (typeof node[`@${name}`] === 'string' ? (node[`@${name}`] as string) : undefined);
/** An element's text: the parser gives a string, or an object with `#text` when the element also has attributes. */
const textOf = (v: unknown): string | undefined => {
  if (v === undefined || typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    const text = (v as Node)['#text'];
    return typeof text === 'string' ? text : '';
  }
  return '';
};

function readUnits(xml: string): { lang: string; units: Unit[] } | ImportProblem {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { line: valid.err.line, message: `not well-formed XML: ${valid.err.msg}` };
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    captureMetaData: true,
    isArray: (name) => name === 'file' || name === 'unit' || name === 'segment' || name === 'note',
  });
  const meta = XMLParser.getMetaDataSymbol() as unknown as string;
  const doc = parser.parse(xml) as Node;
  const root = doc['xliff'] as Node | undefined;
  if (root === undefined || attr(root, 'version') !== '2.0' || attr(root, 'xmlns') !== XLIFF_NS) {
    return { line: 1, message: 'not an XLIFF 2.0 document' };
  }
  if (attr(root, 'srcLang') !== 'en') return { line: 1, message: 'srcLang must be "en"' };
  const units: Unit[] = [];
  for (const file of asArray(root['file'])) {
    for (const unit of asArray(file['unit'])) {
      const start = (unit[meta] as { startIndex?: number } | undefined)?.startIndex ?? 0;
      const segment = asArray(unit['segment'])[0] ?? {};
      units.push({
        id: attr(unit, 'id') ?? '',
        line: lineAt(xml, start),
        source: textOf(segment['source']) ?? '',
        target: textOf(segment['target']),
        state: attr(segment, 'state') ?? 'initial',
      });
    }
  }
  return { lang: attr(root, 'trgLang') ?? '', units };
}

function parsed(text: string): MessageFormatElement[] | string {
  try {
    return parse(text);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
const list = (s: Set<string>) => (s.size === 0 ? 'none' : [...s].map((n) => `{${n}}`).join(', '));

/**
 * Why a translation of `english` cannot be taken, or null when it can: a
 * target that is not valid ICU, or whose placeholders are not the English
 * ones. The one check of the XLIFF import and of a text saved in the app.
 */
export function checkTranslation(english: string, text: string): string | null {
  const target = parsed(text);
  if (typeof target === 'string') return `ICU syntax error in the target: ${target}`;
  const source = parsed(english);
  const want = typeof source === 'string' ? new Set<string>() : argumentNames(source);
  const got = argumentNames(target);
  return sameSet(want, got) ? null : `placeholders ${list(got)} differ from the English ${list(want)}`;
}

/**
 * The catalog after `xml` is imported into it, or every problem found. A unit
 * whose target and state are those already held keeps its metadata (so an
 * export imported back changes nothing); a new or changed one records the
 * English of its `<source>` and whether its state is `reviewed`. A unit with
 * no target, or an empty one, leaves the key as it is: the import never
 * deletes a translation.
 */
export function importXliff(xml: string, load: (lang: TargetLang) => Catalog): ImportResult {
  const read = readUnits(xml);
  if ('message' in read) return { ok: false, problems: [read] };
  const lang = read.lang as TargetLang;
  if (!TARGET_LANGS.includes(lang)) return { ok: false, problems: [{ line: 1, message: `trgLang must be one of ${TARGET_LANGS.join(', ')}, not "${read.lang}"` }] };
  const catalog = load(lang);
  const problems: ImportProblem[] = [];
  const messages = { ...catalog.messages };
  const meta = { ...catalog.meta };
  const changed: string[] = [];
  const seen = new Set<string>();
  for (const unit of read.units) {
    const at = (message: string) => problems.push({ line: unit.line, message: `${unit.id}: ${message}` });
    if (!(unit.id in catalog.english)) {
      problems.push({ line: unit.line, message: `unknown key "${unit.id}"` });
      continue;
    }
    if (seen.has(unit.id)) at('appears twice');
    seen.add(unit.id);
    if (!['initial', 'translated', 'reviewed', 'final'].includes(unit.state)) at(`unknown state "${unit.state}"`);
    if (unit.target === undefined || unit.target === '') continue;
    const problem = checkTranslation(catalog.english[unit.id]!, unit.target);
    if (problem !== null) {
      at(problem);
      if (problem.startsWith('ICU')) continue;
    }
    const reviewed = unit.state === 'reviewed' || unit.state === 'final';
    const held = catalog.messages[unit.id];
    if (held === unit.target && (catalog.meta[unit.id]?.reviewed ?? false) === reviewed && catalog.meta[unit.id] !== undefined) continue;
    messages[unit.id] = unit.target;
    meta[unit.id] = { source: unit.source, reviewed };
    changed.push(unit.id);
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  return { ok: true, lang, messages, meta, changed };
}
