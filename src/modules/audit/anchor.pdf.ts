import { createDocument, finish, write, type Doc } from '../../core/pdf/document.js';
import { matrixRuns, qrCodeData } from '../../core/pdf/barcodes.js';
import { translate, type Locale, type MessageKey } from '../../core/i18n.js';

export interface AnchorPageData {
  id: number;
  hash: string;
  /** The head event's own time (ISO-8601): the page's date, so the same chain prints the same bytes. */
  at: string;
  /** Null when the chain verified as printed; otherwise where and why it did not. */
  verified: { id: number; reason: string } | null;
}

const GREY = '#555555';
const RED = '#b71c1c';

function qr(doc: Doc, payload: string, x: number, y: number, sizePt: number): void {
  const m = qrCodeData(payload);
  const module = sizePt / m.size;
  for (const r of matrixRuns(m)) doc.rect(x + r.col * module, y + r.row * module, r.length * module + 0.01, module + 0.01);
  doc.fill('black');
}

/**
 * One page for the paper logbook: the chain's head as `<id>:<hash>`, in
 * words and as a QR code. Checking it later (`npm run audit:verify --
 * --anchor <id>:<hash>` or `GET /audit/verify?anchor=`) proves the database
 * still holds that event with that hash, so a truncated or re-chained
 * history shows.
 */
export async function renderAnchorPage(data: AnchorPageData, locale: Locale = 'en'): Promise<Buffer> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const id = String(data.id);
  const payload = `${data.id}:${data.hash}`;
  const doc = createDocument({ title: t('anchor.title', { id }), createdAt: new Date(data.at) });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  write(doc, t('anchor.heading'), { size: 18, bold: true });
  write(doc, t('anchor.keep'), { size: 10, color: GREY });
  doc.moveDown(1);
  write(doc, t('anchor.event', { id }), { size: 12, bold: true });
  write(doc, t('anchor.writtenAt', { at: data.at }), { size: 11 });
  write(doc, t('anchor.hash'), { size: 11 });
  // Four groups of sixteen: easier to read aloud and to compare by eye.
  write(doc, data.hash.match(/.{1,16}/g)!.join(' '), { size: 11, bold: true });
  doc.moveDown(0.5);
  if (data.verified === null) write(doc, t('anchor.verified'), { size: 10 });
  else write(doc, t('anchor.notVerified', { reason: data.verified.reason, id: String(data.verified.id) }), { size: 10, bold: true, color: RED });
  doc.moveDown(1);

  const size = 180;
  const top = doc.y;
  qr(doc, payload, left, top, size);
  doc.y = top + size + 12;
  write(doc, t('anchor.check'), { size: 10, bold: true, x: left, width });
  write(doc, `npm run audit:verify -- --anchor ${payload}`, { size: 8, width });
  write(doc, `GET /api/v1/audit/verify?anchor=${payload}`, { size: 8, width });
  doc.moveDown(1.5);
  write(doc, t('anchor.sign'), { size: 10, x: left, width });
  return finish(doc);
}
