/**
 * The handover form of one issuance: plain data in, PDF bytes out. When the
 * participant's agreement language is French or Inuktitut and every text the
 * form uses has reviewed text in it, the form is bilingual: each label,
 * heading and paragraph in English, then in that language. When any is
 * missing, the form is English only: a participant signs an agreement, and
 * half of it in each language would leave them unsure which text they agreed
 * to (docs/translation.md).
 */
import { createDocument, finish, write, type Doc } from '../../core/pdf/document.js';
import { hasText, localeOf, translate, type Locale, type LocaleMessages, type MessageKey } from '../../core/i18n.js';
import { PSEUDO_LOCALE as PSEUDO } from '../../locales/pseudo.js';

export interface HandoverData {
  organizationName: string;
  issuanceId: number;
  participantCode: string;
  community: { name: string; syllabics: string | null };
  device: {
    assetTag: string;
    category: string;
    make: string;
    model: string;
    serialNumber: string;
    specs: { cpu?: string | undefined; ramGb?: number | undefined; storageGb?: number | undefined; os?: string | undefined };
  };
  kind: 'gift' | 'loan';
  dueDate: string | null;
  issuedAt: string;
  accessories: string[];
  agreementLanguage: string;
  /** The language asked for (`?lang=`); the agreement language when absent. */
  locale?: Locale | undefined;
  printedAt: Date;
  /** Whether every drive still has a valid passing sanitization record for the custody cycle of this issuance (docs/domain.md §2 invariant 7). */
  erased: boolean;
  /** The reviewed text of the agreement language (database over shipped files); without it, the shipped reviewed text. */
  messages?: LocaleMessages | undefined;
}

/** Every text key the form prints for this data. */
export function handoverKeys(data: Pick<HandoverData, 'device' | 'kind' | 'dueDate' | 'accessories' | 'erased'>): MessageKey[] {
  const s = data.device.specs;
  const keys: MessageKey[] = [
    'handover.title',
    'handover.participant',
    'handover.code',
    'handover.community',
    'handover.device',
    'handover.assetTag',
    'handover.makeModel',
    `category.${data.device.category}` as MessageKey,
    'handover.serial',
    ...(s.cpu ? (['handover.cpu'] as const) : []),
    ...(s.ramGb !== undefined ? (['handover.ram'] as const) : []),
    ...(s.storageGb !== undefined ? (['handover.storage'] as const) : []),
    ...(s.os ? (['handover.os'] as const) : []),
    'handover.terms',
    'handover.kind',
    data.kind === 'gift' ? 'handover.kind.gift' : 'handover.kind.loan',
    ...(data.dueDate ? (['handover.dueDate'] as const) : []),
    'handover.issuedAt',
    'handover.accessories',
    ...(data.accessories.length > 0 ? [] : (['handover.noAccessories'] as const)),
    data.erased ? 'handover.dataWiped' : 'handover.dataUnderReview',
    'handover.care.title',
    'handover.care.1',
    'handover.care.2',
    'handover.care.3',
    'handover.care.4',
    ...(data.kind === 'loan' ? (['handover.return.title', 'handover.return.1', 'handover.return.2', 'handover.return.3'] as const) : []),
    'handover.agreement',
    'handover.sign.participant',
    'handover.sign.coordinator',
    'handover.sign.name',
    'handover.sign.date',
    'handover.footer',
  ];
  return keys;
}

/** The second language the form is printed in, or null for English only: only when every key it prints is reviewed in it. */
export function secondLanguage(data: HandoverData): Locale | null {
  const locale = data.locale ?? localeOf(data.agreementLanguage);
  if (locale === 'en' || locale === PSEUDO) return null;
  return handoverKeys(data).every((k) => hasText(locale, k, data.messages)) ? locale : null;
}

const GREY = '#555555';

/** One text, or the English and then the second language's. */
type Texts = readonly string[];

function heading(doc: Doc, texts: Texts): void {
  doc.moveDown(0.4);
  const x = doc.page.margins.left;
  texts.forEach((text, i) => write(doc, text, { size: i === 0 ? 11.5 : 10.5, bold: true, color: i === 0 ? 'black' : GREY, x }));
  const y = doc.y + 1;
  doc.moveTo(doc.page.margins.left, y).lineTo(doc.page.width - doc.page.margins.right, y).lineWidth(0.5).strokeColor('#999999').stroke();
  doc.moveDown(0.3);
}

function field(doc: Doc, labels: Texts, value: string | Texts): void {
  const x = doc.page.margins.left;
  const y = doc.y;
  labels.forEach((label, i) => write(doc, label, { size: 9, color: GREY, x, ...(i === 0 ? { y } : {}), width: 140 }));
  const afterLabel = doc.y;
  const values = typeof value === 'string' ? [value] : value;
  const valueWidth = doc.page.width - doc.page.margins.right - x - 150;
  values.forEach((v, i) => write(doc, v, { size: 10, x: x + 150, ...(i === 0 ? { y } : {}), width: valueWidth }));
  doc.y = Math.max(doc.y, afterLabel);
  doc.x = x;
}

function paragraphs(doc: Doc, texts: Texts, options: { size: number; x: number; width: number; bullet?: boolean; bold?: boolean; color?: string }): void {
  texts.forEach((text, i) => {
    // The bullet marks the English; the second language's text sits indented under it.
    write(doc, options.bullet && i === 0 ? `•  ${text}` : text, { size: options.size, bold: options.bold ?? false, color: i === 0 ? (options.color ?? 'black') : (options.color ?? '#333333'), x: options.x + (i === 0 ? 0 : 12), width: options.width - (i === 0 ? 0 : 12) });
  });
}

export async function renderHandover(data: HandoverData): Promise<Buffer> {
  const second = secondLanguage(data);
  /** English, or the pseudo-locale when it was asked for (a form checked for text left in English). */
  const first: Locale = data.locale === PSEUDO ? PSEUDO : 'en';
  const one = (key: MessageKey, vars?: Record<string, string | number>) => translate(first, key, vars);
  /** The English text, then the second language's when the form is bilingual. */
  const tt = (key: MessageKey, vars?: Record<string, string | number>): Texts => (second ? [one(key, vars), translate(second, key, vars, data.messages)] : [one(key, vars)]);
  const doc = createDocument({ title: `${one('handover.title')} ${data.device.assetTag}`, createdAt: data.printedAt });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  write(doc, data.organizationName, { size: 10, color: GREY });
  tt('handover.title').forEach((text, i) => write(doc, text, { size: i === 0 ? 20 : 16, bold: true }));

  heading(doc, tt('handover.participant'));
  field(doc, tt('handover.code'), data.participantCode);
  field(doc, tt('handover.community'), data.community.syllabics ? `${data.community.name} · ${data.community.syllabics}` : data.community.name);

  heading(doc, tt('handover.device'));
  field(doc, tt('handover.assetTag'), data.device.assetTag);
  const category = tt(`category.${data.device.category}` as MessageKey);
  field(doc, tt('handover.makeModel'), `${data.device.make} ${data.device.model} (${category.join(' · ')})`);
  field(doc, tt('handover.serial'), data.device.serialNumber);
  const s = data.device.specs;
  if (s.cpu) field(doc, tt('handover.cpu'), s.cpu);
  if (s.ramGb !== undefined) field(doc, tt('handover.ram'), one('unit.gb', { gb: s.ramGb }));
  if (s.storageGb !== undefined) field(doc, tt('handover.storage'), one('unit.gb', { gb: s.storageGb }));
  if (s.os) field(doc, tt('handover.os'), s.os);

  heading(doc, tt('handover.terms'));
  field(doc, tt('handover.kind'), tt(data.kind === 'gift' ? 'handover.kind.gift' : 'handover.kind.loan'));
  if (data.dueDate) field(doc, tt('handover.dueDate'), data.dueDate);
  field(doc, tt('handover.issuedAt'), data.issuedAt.slice(0, 10));
  field(doc, tt('handover.accessories'), data.accessories.length > 0 ? data.accessories.join(', ') : tt('handover.noAccessories'));
  doc.moveDown(0.3);
  if (data.erased) paragraphs(doc, tt('handover.dataWiped'), { size: 9, color: GREY, x: left, width });
  else paragraphs(doc, tt('handover.dataUnderReview'), { size: 9, bold: true, color: '#b71c1c', x: left, width });

  heading(doc, tt('handover.care.title'));
  for (const key of ['handover.care.1', 'handover.care.2', 'handover.care.3', 'handover.care.4'] as const) paragraphs(doc, tt(key), { size: 10, x: left, width, bullet: true });
  if (data.kind === 'loan') {
    heading(doc, tt('handover.return.title'));
    for (const key of ['handover.return.1', 'handover.return.2', 'handover.return.3'] as const) paragraphs(doc, tt(key), { size: 10, x: left, width, bullet: true });
  }

  doc.moveDown(1);
  paragraphs(doc, tt('handover.agreement'), { size: 10, x: left, width });

  // Signature lines, two columns.
  const colWidth = (width - 30) / 2;
  const sig = (x: number, y: number, labels: Texts) => {
    doc.moveTo(x, y).lineTo(x + colWidth, y).lineWidth(0.7).strokeColor('#000000').stroke();
    write(doc, labels.join(' · '), { size: 8, color: GREY, x, y: y + 3, width: colWidth });
  };
  let y = doc.y + 36;
  if (y > doc.page.height - doc.page.margins.bottom - 75) {
    doc.addPage();
    y = doc.page.margins.top + 40;
  }
  sig(left, y, tt('handover.sign.participant'));
  sig(left + colWidth + 30, y, tt('handover.sign.coordinator'));
  y += 36;
  sig(left, y, tt('handover.sign.name'));
  sig(left + colWidth + 30, y, tt('handover.sign.date'));

  // The footer sits in the bottom margin; without this pdfkit would start a new page for it.
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  write(doc, tt('handover.footer', { id: data.issuanceId, at: data.printedAt.toISOString().slice(0, 16).replace('T', ' ') }).join(' · '), {
    size: 7,
    color: GREY,
    x: left,
    y: doc.page.height - bottom + 10,
    width,
  });
  return finish(doc);
}
