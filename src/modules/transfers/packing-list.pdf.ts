/**
 * The packing list of a transfer (docs/domain.md §8): what left, from where to
 * where, and every tag as a Code 128 the receiving site scans in. Bars are
 * vector rectangles of 7 dots of a 600 dpi office printer a module (about
 * 0.3 mm), what a handheld scanner reads off paper.
 */
import { code128 } from '../../core/pdf/barcodes.js';
import { createDocument, finish, write } from '../../core/pdf/document.js';
import { translate, type Locale, type LocaleMessages, type MessageKey } from '../../core/i18n.js';
import type { Transfer } from './transfers.schemas.js';

const GREY = '#555555';
const MM = 72 / 25.4;
const MODULE = (7 / 600) * 72;
const BAR_HEIGHT = 9 * MM;
const ROW = BAR_HEIGHT + 16;

export async function renderPackingList(
  transfer: Transfer,
  sites: { from: string; to: string },
  organizationName: string,
  printedAt: Date,
  locale: Locale = 'en',
  messages?: LocaleMessages,
): Promise<Buffer> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars, messages);
  const id = String(transfer.id);
  const doc = createDocument({ title: t('packingList.title', { id }), createdAt: printedAt });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = doc.page.height - doc.page.margins.bottom;

  write(doc, t('packingList.heading', { id }), { size: 17, bold: true });
  write(doc, organizationName, { size: 10, color: GREY });
  doc.moveDown(0.5);
  write(doc, t('packingList.route', { from: sites.from, to: sites.to }), { size: 12, bold: true });
  write(doc, t('packingList.sent', { date: `${transfer.sentAt.slice(0, 10)} ${transfer.sentAt.slice(11, 16)} UTC` }), { size: 9.5 });
  write(doc, t('packingList.carrier', { carrier: transfer.carrier ?? '—', reference: transfer.reference ?? '—' }), { size: 9.5 });
  write(doc, t('packingList.count', { count: transfer.devices.length }), { size: 9.5 });
  write(doc, t('packingList.howTo'), { size: 8.5, color: GREY, width });
  doc.moveDown(0.6);

  const textX = left + 150 * MODULE + 24;
  for (const [i, d] of transfer.devices.entries()) {
    if (doc.y + ROW > bottom) doc.addPage();
    const y = doc.y;
    const bar = code128(d.assetTag);
    // Ten modules of quiet zone before the first bar.
    let x = left + 10 * MODULE;
    for (const [k, w] of bar.widths.entries()) {
      if (k % 2 === 0) doc.rect(x, y, w * MODULE, BAR_HEIGHT).fill('#000000');
      x += w * MODULE;
    }
    write(doc, `${i + 1}.  ${d.assetTag}`, { size: 11, bold: true, x: textX, y, width: left + width - textX });
    write(doc, `${t(`category.${d.category}` as MessageKey)} · ${d.make} ${d.model}`, { size: 9, x: textX, width: left + width - textX });
    write(doc, t(`packingList.state.${d.state}` as MessageKey), { size: 8.5, color: GREY, x: textX, width: left + width - textX });
    doc.x = left;
    doc.y = y + ROW;
  }

  if (doc.y > bottom - 60) doc.addPage();
  doc.moveDown(1.5);
  const half = (width - 20) / 2;
  const y = doc.y + 10;
  [t('packingList.signSender'), t('packingList.signReceiver')].forEach((label, i) => {
    const x = left + i * (half + 20);
    doc.moveTo(x, y).lineTo(x + half, y).lineWidth(0.7).strokeColor('#000000').stroke();
    write(doc, label, { size: 8, color: GREY, x, y: y + 3, width: half });
  });
  return finish(doc);
}
