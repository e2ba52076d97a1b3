/** The handover form of one issuance: plain data in, PDF bytes out. */
import { createDocument, finish, write, type Doc } from '../../core/pdf/document.js';
import { localeOf, translate, type Locale, type MessageKey } from '../../core/i18n.js';

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
}

const GREY = '#555555';

function heading(doc: Doc, text: string): void {
  doc.moveDown(0.4);
  write(doc, text, { size: 11.5, bold: true });
  const y = doc.y + 1;
  doc.moveTo(doc.page.margins.left, y).lineTo(doc.page.width - doc.page.margins.right, y).lineWidth(0.5).strokeColor('#999999').stroke();
  doc.moveDown(0.3);
}

function field(doc: Doc, label: string, value: string): void {
  const x = doc.page.margins.left;
  const y = doc.y;
  write(doc, label, { size: 9, color: GREY, x, y, width: 140 });
  const afterLabel = doc.y;
  write(doc, value, { size: 10, x: x + 150, y, width: doc.page.width - doc.page.margins.right - x - 150 });
  doc.y = Math.max(doc.y, afterLabel);
  doc.x = x;
}

export async function renderHandover(data: HandoverData): Promise<Buffer> {
  const locale = data.locale ?? localeOf(data.agreementLanguage);
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const doc = createDocument({ title: `${t('handover.title')} ${data.device.assetTag}`, createdAt: data.printedAt });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  write(doc, data.organizationName, { size: 10, color: GREY });
  write(doc, t('handover.title'), { size: 20, bold: true });

  heading(doc, t('handover.participant'));
  field(doc, t('handover.code'), data.participantCode);
  field(doc, t('handover.community'), data.community.syllabics ? `${data.community.name} · ${data.community.syllabics}` : data.community.name);

  heading(doc, t('handover.device'));
  field(doc, t('handover.assetTag'), data.device.assetTag);
  field(doc, t('handover.makeModel'), `${data.device.make} ${data.device.model} (${t(`category.${data.device.category}` as MessageKey)})`);
  field(doc, t('handover.serial'), data.device.serialNumber);
  const s = data.device.specs;
  if (s.cpu) field(doc, t('handover.cpu'), s.cpu);
  if (s.ramGb !== undefined) field(doc, t('handover.ram'), t('unit.gb', { gb: s.ramGb }));
  if (s.storageGb !== undefined) field(doc, t('handover.storage'), t('unit.gb', { gb: s.storageGb }));
  if (s.os) field(doc, t('handover.os'), s.os);

  heading(doc, t('handover.terms'));
  field(doc, t('handover.kind'), t(data.kind === 'gift' ? 'handover.kind.gift' : 'handover.kind.loan'));
  if (data.dueDate) field(doc, t('handover.dueDate'), data.dueDate);
  field(doc, t('handover.issuedAt'), data.issuedAt.slice(0, 10));
  field(doc, t('handover.accessories'), data.accessories.length > 0 ? data.accessories.join(', ') : t('handover.noAccessories'));
  doc.moveDown(0.3);
  if (data.erased) write(doc, t('handover.dataWiped'), { size: 9, color: GREY, x: left, width });
  else write(doc, t('handover.dataUnderReview'), { size: 9, bold: true, color: '#b71c1c', x: left, width });

  heading(doc, t('handover.care.title'));
  for (const key of ['handover.care.1', 'handover.care.2', 'handover.care.3', 'handover.care.4'] as const) write(doc, `•  ${t(key)}`, { size: 10, x: left, width });
  if (data.kind === 'loan') {
    heading(doc, t('handover.return.title'));
    for (const key of ['handover.return.1', 'handover.return.2', 'handover.return.3'] as const) write(doc, `•  ${t(key)}`, { size: 10, x: left, width });
  }

  doc.moveDown(1);
  write(doc, t('handover.agreement'), { size: 10, x: left, width });

  // Signature lines, two columns.
  const colWidth = (width - 30) / 2;
  const sig = (x: number, y: number, label: string) => {
    doc.moveTo(x, y).lineTo(x + colWidth, y).lineWidth(0.7).strokeColor('#000000').stroke();
    write(doc, label, { size: 8, color: GREY, x, y: y + 3, width: colWidth });
  };
  let y = doc.y + 36;
  if (y > doc.page.height - doc.page.margins.bottom - 75) {
    doc.addPage();
    y = doc.page.margins.top + 40;
  }
  sig(left, y, t('handover.sign.participant'));
  sig(left + colWidth + 30, y, t('handover.sign.coordinator'));
  y += 36;
  sig(left, y, t('handover.sign.name'));
  sig(left + colWidth + 30, y, t('handover.sign.date'));

  // The footer sits in the bottom margin; without this pdfkit would start a new page for it.
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  write(doc, t('handover.footer', { id: data.issuanceId, at: data.printedAt.toISOString().slice(0, 16).replace('T', ' ') }), {
    size: 7,
    color: GREY,
    x: left,
    y: doc.page.height - bottom + 10,
    width,
  });
  return finish(doc);
}
