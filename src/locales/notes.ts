/**
 * First notes for translators (notes.json), found from where each key is named
 * in the source: the office page, the scan station, the document, the files,
 * and the placeholders to keep. A note written or edited by hand is kept; only
 * keys without one get a generated note, and notes of keys English no longer
 * has are dropped. `npm run -s i18n:notes` runs it.
 */
import type { Messages } from './catalog.js';

const DOCUMENTS: Record<string, string> = {
  'handover.pdf.ts': 'the handover document (PDF) given to a participant',
  'certificate.pdf.ts': 'the data sanitization certificate (PDF)',
  'manifest.pdf.ts': 'the recycling shipment manifest (PDF)',
  'diversion.pdf.ts': 'the diversion report (PDF)',
  'anchor.pdf.ts': 'the audit anchor sheet (PDF)',
};

/** The files naming `key`, or naming the prefix it is built from (`` `station.status.${s}` ``), with that prefix. */
function usesOf(key: string, sources: Record<string, string>): { files: string[]; built: string | null } {
  const files = Object.keys(sources).filter((f) => sources[f]!.includes(`'${key}'`) || sources[f]!.includes(`"${key}"`));
  if (files.length > 0) return { files: files.sort(), built: null };
  const parts = key.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const prefix = `${parts.slice(0, i).join('.')}.`;
    const hits = Object.keys(sources).filter((f) => sources[f]!.includes(`\`${prefix}\${`));
    if (hits.length > 0) return { files: hits.sort(), built: prefix };
  }
  return { files: [], built: null };
}

/** A generated note for one key; `sources` maps a path under src/ to its text. */
export function generatedNote(key: string, english: Messages, sources: Record<string, string>): string {
  const { files, built } = usesOf(key, sources);
  const pages = new Map(Object.entries(english).filter(([k]) => k.startsWith('office.page.')).map(([k, v]) => [k.split('.')[2]!, v]));
  const where: string[] = [];
  const [head, second] = key.split('.');
  if (head === 'office') where.push(pages.has(second!) ? `Office, ${pages.get(second!)} page` : 'Office, on every page (navigation, forms, messages)');
  else if (head === 'station') {
    where.push('Scan station');
    if (files.some((f) => f.startsWith('src/office/'))) where.push('Office (device status and history)');
  } else if (head === 'period') where.push('Office, Reports and Today pages: the name of a reporting period (src/client/periods.ts gives its key)');
  for (const f of files) {
    const doc = DOCUMENTS[f.split('/').pop()!];
    if (doc !== undefined && !where.includes(doc)) where.push(doc);
  }
  if (where.length === 0) {
    if (files.some((f) => f.startsWith('src/office/'))) where.push('Office');
    if (files.some((f) => f.startsWith('src/station/'))) where.push('Scan station');
    if (files.some((f) => f.startsWith('src/modules/') && !f.endsWith('.pdf.ts'))) where.push('the service (documents, labels or answers)');
  }
  const joined = where.join('; ');
  let note = joined === '' ? 'Not named in the source: check before translating' : joined[0]!.toUpperCase() + joined.slice(1);
  if (built !== null) note += `. One of the names built from data (${built}…)`;
  if (files.length > 0) note += `. Source: ${files.join(', ')}`;
  const args = [...new Set([...english[key]!.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]!))].sort();
  if (args.length > 0) note += `. Keep the placeholders ${args.map((a) => `{${a}}`).join(', ')} as they are`;
  return `${note}.`;
}

/** The notes in English order: those held kept, a generated one for each key without. */
export function completeNotes(english: Messages, held: Record<string, string>, sources: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(english).map((key) => [key, held[key] ?? generatedNote(key, english, sources)]));
}
