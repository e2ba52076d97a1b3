/** Shipment manifest / bill of lading: types, quantities and weights, supplier and recycler (R2v3 asks for these). */
import { createDocument, finish, write, type Doc } from '../../core/pdf/document.js';
import type { AmendableField, Shipment, ShipmentAmendment } from './recycling.schemas.js';
import { translate, type MessageKey } from '../../core/i18n.js';

const GREY = '#555555';
const kg = (grams: number) =>
  grams < 1000 ? `${grams} g` : `${(grams / 1000).toLocaleString('en-CA', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} kg`;

const FIELD_LABELS: Record<AmendableField, string> = {
  receivedAt: 'Received date',
  certificateNumber: 'Certificate number',
  receivedWeightGrams: 'Weight received by the recycler',
  shippedAt: 'Shipped',
  carrier: 'Carrier',
  containerNumber: 'Container',
  sealNumber: 'Seal',
  billOfLading: 'Bill of lading',
};
/** Instants to the minute in UTC, and weights to the gram: a correction is often smaller than the rounding of the lines. */
const utcMinute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
function shown(field: AmendableField, value: ShipmentAmendment['from']): string {
  if (value === null) return 'none';
  if (typeof value === 'number') return `${value.toLocaleString('en-CA')} g`;
  return field === 'shippedAt' ? utcMinute(value) : value;
}

function pair(doc: Doc, label: string, value: string, x: number, y: number, w: number): number {
  write(doc, label, { size: 8, color: GREY, x, y, width: w });
  write(doc, value, { size: 10, x, width: w });
  return doc.y;
}

export async function renderManifest(s: Shipment, org: { organizationName: string; siteName: string }, printedAt: Date): Promise<Buffer> {
  const doc = createDocument({ title: `Shipment manifest ${s.id}`, createdAt: printedAt });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const half = (width - 20) / 2;

  write(doc, 'Shipment manifest and bill of lading', { size: 17, bold: true });
  write(doc, `Shipment ${s.id} · ${s.mode} · status ${s.status}`, { size: 10, color: GREY });
  doc.moveDown(0.6);
  const top = doc.y;
  let yl = pair(doc, 'Supplier (shipper)', `${org.organizationName}, ${org.siteName}`, left, top, half);
  const r = s.recycler;
  let yr = pair(doc, 'Recycler (consignee)', `${r.name}${r.address ? `, ${r.address}` : ''}`, left + half + 20, top, half);
  yr = pair(doc, 'Certification', `${r.certification}${r.certificateExpiry ? ` (expires ${r.certificateExpiry})` : ''}`, left + half + 20, yr + 4, half);
  yl = pair(doc, 'Carrier', s.carrier ?? '—', left, yl + 4, half);
  yl = pair(doc, 'Container / seal', `${s.containerNumber ?? '—'} / ${s.sealNumber ?? '—'}`, left, yl + 4, half);
  yr = pair(doc, 'Bill of lading', s.billOfLading ?? '—', left + half + 20, yr + 4, half);
  yr = pair(doc, 'Shipped', s.shippedAt ? s.shippedAt.slice(0, 10) : 'not yet', left + half + 20, yr + 4, half);
  doc.y = Math.max(yl, yr) + 10;

  // Lines: devices grouped by category, then bulk lines.
  const cols = [left, left + width * 0.5, left + width * 0.72];
  const header = (y: number) => {
    write(doc, 'Type', { size: 9, bold: true, x: cols[0]!, y, width: width * 0.5 });
    write(doc, 'Quantity', { size: 9, bold: true, x: cols[1]!, y, width: width * 0.2 });
    write(doc, 'Weight', { size: 9, bold: true, x: cols[2]!, y, width: width * 0.28 });
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
  for (const [category, c] of [...byCategory].sort()) line(`${translate('en', `category.${category}` as MessageKey)} (tagged devices)`, String(c.units), c.grams);
  for (const b of s.bulkLines) line(`${b.category} (bulk)`, b.units === null ? '—' : String(b.units), b.weightGrams);
  doc.moveTo(left, doc.y + 2).lineTo(left + width, doc.y + 2).lineWidth(0.5).strokeColor('#999999').stroke();
  doc.y += 5;
  line('Total', String(s.totals.deviceUnits + s.bulkLines.reduce((n, b) => n + (b.units ?? 0), 0)), s.totals.grams);
  if (s.receivedWeightGrams !== null) {
    doc.moveDown(0.3);
    write(doc, `Weight received by the recycler: ${kg(s.receivedWeightGrams)} (certificate ${s.certificateNumber ?? '—'}, ${s.receivedAt ?? ''}); the lines above are the shipper's weights.`, { size: 8.5, color: GREY, x: left, width });
  }

  if (s.devices.length > 0) {
    doc.moveDown(0.8);
    write(doc, 'Tagged devices', { size: 10, bold: true, x: left });
    write(doc, s.devices.map((d) => d.assetTag).join('   '), { size: 8.5, x: left, width });
    write(doc, 'Every tagged device was sanitized or checked to hold no data-bearing storage before it was added.', { size: 8, color: GREY, x: left, width });
  }

  if (s.amendments.length > 0) {
    // The fields above show the corrected values; an auditor sees here what was first recorded, who changed it and why.
    doc.moveDown(0.8);
    write(doc, 'Amendments', { size: 10, bold: true, x: left });
    write(doc, "Corrections made after the recycler's confirmation, oldest first; the fields above hold the corrected values.", { size: 8, color: GREY, x: left, width });
    s.amendments.forEach((a, i) => {
      doc.moveDown(0.3);
      write(doc, `${i + 1}. ${FIELD_LABELS[a.field]}: ${shown(a.field, a.from)} corrected to ${shown(a.field, a.to)}`, { size: 9.5, x: left, width });
      write(doc, `Reason: ${a.reason} · by ${a.amendedBy.username}, ${utcMinute(a.amendedAt)}`, { size: 8.5, color: GREY, x: left, width });
    });
  }

  if (doc.y > doc.page.height - doc.page.margins.bottom - 90) doc.addPage();
  doc.moveDown(2.5);
  const third = (width - 40) / 3;
  const y = doc.y + 10;
  ['Shipper: signature and date', 'Carrier: signature and date', 'Consignee: signature and date'].forEach((label, i) => {
    const x = left + i * (third + 20);
    doc.moveTo(x, y).lineTo(x + third, y).lineWidth(0.7).strokeColor('#000000').stroke();
    write(doc, label, { size: 8, color: GREY, x, y: y + 3, width: third });
  });
  return finish(doc);
}
