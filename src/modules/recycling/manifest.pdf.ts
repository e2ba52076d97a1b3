/** Shipment manifest / bill of lading: types, quantities and weights, supplier and recycler (R2v3 asks for these). */
import { createDocument, finish, write, type Doc } from '../../core/pdf/document.js';
import type { AmendableField, Shipment, ShipmentAmendment } from './recycling.schemas.js';
import { translate, type Locale, type LocaleMessages, type MessageKey } from '../../core/i18n.js';

const GREY = '#555555';
type T = (key: MessageKey, vars?: Record<string, string | number>) => string;
const kg = (grams: number) =>
  grams < 1000 ? `${grams} g` : `${(grams / 1000).toLocaleString('en-CA', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} kg`;

/** Instants to the minute in UTC, and weights to the gram: a correction is often smaller than the rounding of the lines. */
const utcMinute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
function shown(t: T, field: AmendableField, value: ShipmentAmendment['from']): string {
  if (value === null) return t('manifest.none');
  if (typeof value === 'number') return `${value.toLocaleString('en-CA')} g`;
  return field === 'shippedAt' ? utcMinute(value) : value;
}

function pair(doc: Doc, label: string, value: string, x: number, y: number, w: number): number {
  write(doc, label, { size: 8, color: GREY, x, y, width: w });
  write(doc, value, { size: 10, x, width: w });
  return doc.y;
}

export async function renderManifest(s: Shipment, org: { organizationName: string; siteName: string }, printedAt: Date, locale: Locale = 'en', messages?: LocaleMessages): Promise<Buffer> {
  const t: T = (key, vars) => translate(locale, key, vars, messages);
  const id = String(s.id);
  const doc = createDocument({ title: t('manifest.title', { id }), createdAt: printedAt });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const half = (width - 20) / 2;

  write(doc, t('manifest.heading'), { size: 17, bold: true });
  write(doc, t('manifest.subtitle', { id, mode: t(`manifest.mode.${s.mode}` as MessageKey), status: t(`manifest.status.${s.status}` as MessageKey) }), { size: 10, color: GREY });
  doc.moveDown(0.6);
  const top = doc.y;
  let yl = pair(doc, t('manifest.supplier'), `${org.organizationName}, ${org.siteName}`, left, top, half);
  const r = s.recycler;
  let yr = pair(doc, t('manifest.recycler'), `${r.name}${r.address ? `, ${r.address}` : ''}`, left + half + 20, top, half);
  yr = pair(doc, t('manifest.certification'), r.certificateExpiry ? t('manifest.certificationExpires', { certification: r.certification, date: r.certificateExpiry }) : r.certification, left + half + 20, yr + 4, half);
  yl = pair(doc, t('manifest.carrier'), s.carrier ?? '—', left, yl + 4, half);
  yl = pair(doc, t('manifest.containerSeal'), `${s.containerNumber ?? '—'} / ${s.sealNumber ?? '—'}`, left, yl + 4, half);
  yr = pair(doc, t('manifest.billOfLading'), s.billOfLading ?? '—', left + half + 20, yr + 4, half);
  yr = pair(doc, t('manifest.shipped'), s.shippedAt ? s.shippedAt.slice(0, 10) : t('manifest.notYet'), left + half + 20, yr + 4, half);
  doc.y = Math.max(yl, yr) + 10;

  // Lines: devices grouped by category, then bulk lines.
  const cols = [left, left + width * 0.5, left + width * 0.72];
  const header = (y: number) => {
    write(doc, t('manifest.type'), { size: 9, bold: true, x: cols[0]!, y, width: width * 0.5 });
    write(doc, t('manifest.quantity'), { size: 9, bold: true, x: cols[1]!, y, width: width * 0.2 });
    write(doc, t('manifest.weight'), { size: 9, bold: true, x: cols[2]!, y, width: width * 0.28 });
    doc.moveTo(left, doc.y + 1).lineTo(left + width, doc.y + 1).lineWidth(0.5).strokeColor('#999999').stroke();
    doc.y += 3;
  };
  const line = (type: string, qty: string, grams: number) => {
    const y = doc.y;
    write(doc, type, { size: 9.5, x: cols[0]!, y, width: width * 0.5 });
    write(doc, qty, { size: 9.5, x: cols[1]!, y, width: width * 0.2 });
    write(doc, kg(grams), { size: 9.5, x: cols[2]!, y, width: width * 0.28 });
  };
  header(doc.y);
  const byCategory = new Map<string, { units: number; grams: number }>();
  for (const d of s.devices) {
    const c = byCategory.get(d.category) ?? { units: 0, grams: 0 };
    c.units += 1;
    c.grams += d.weightGrams;
    byCategory.set(d.category, c);
  }
  for (const [category, c] of [...byCategory].sort()) line(t('manifest.taggedLine', { category: t(`category.${category}` as MessageKey) }), String(c.units), c.grams);
  for (const b of s.bulkLines) line(t('manifest.bulkLine', { category: b.category }), b.units === null ? '—' : String(b.units), b.weightGrams);
  doc.moveTo(left, doc.y + 2).lineTo(left + width, doc.y + 2).lineWidth(0.5).strokeColor('#999999').stroke();
  doc.y += 5;
  line(t('manifest.total'), String(s.totals.deviceUnits + s.bulkLines.reduce((n, b) => n + (b.units ?? 0), 0)), s.totals.grams);
  if (s.receivedWeightGrams !== null) {
    doc.moveDown(0.3);
    write(doc, t('manifest.receivedWeight', { weight: kg(s.receivedWeightGrams), certificate: s.certificateNumber ?? '—', date: s.receivedAt ?? '' }), { size: 8.5, color: GREY, x: left, width });
  }

  if (s.devices.length > 0) {
    doc.moveDown(0.8);
    write(doc, t('manifest.taggedDevices'), { size: 10, bold: true, x: left });
    write(doc, s.devices.map((d) => d.assetTag).join('   '), { size: 8.5, x: left, width });
    write(doc, t('manifest.sanitizedNote'), { size: 8, color: GREY, x: left, width });
  }

  if (s.amendments.length > 0) {
    // The fields above show the corrected values; an auditor sees here what was first recorded, who changed it and why.
    doc.moveDown(0.8);
    write(doc, t('manifest.amendments'), { size: 10, bold: true, x: left });
    write(doc, t('manifest.amendmentsNote'), { size: 8, color: GREY, x: left, width });
    s.amendments.forEach((a, i) => {
      doc.moveDown(0.3);
      write(doc, t('manifest.amendment', { n: String(i + 1), field: t(`manifest.field.${a.field}` as MessageKey), from: shown(t, a.field, a.from), to: shown(t, a.field, a.to) }), { size: 9.5, x: left, width });
      write(doc, t('manifest.amendmentBy', { reason: a.reason, user: a.amendedBy.username, at: utcMinute(a.amendedAt) }), { size: 8.5, color: GREY, x: left, width });
    });
  }

  if (doc.y > doc.page.height - doc.page.margins.bottom - 90) doc.addPage();
  doc.moveDown(2.5);
  const third = (width - 40) / 3;
  const y = doc.y + 10;
  [t('manifest.signShipper'), t('manifest.signCarrier'), t('manifest.signConsignee')].forEach((label, i) => {
    const x = left + i * (third + 20);
    doc.moveTo(x, y).lineTo(x + third, y).lineWidth(0.7).strokeColor('#000000').stroke();
    write(doc, label, { size: 8, color: GREY, x, y: y + 3, width: third });
  });
  return finish(doc);
}
