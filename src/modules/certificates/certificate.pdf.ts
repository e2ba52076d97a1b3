/**
 * Certificates of data sanitization (NIST SP 800-88 Appendix G fields, one
 * block per drive): plain data in, PDF bytes out. A QR code carries the
 * certificate id and a SHA-256 of the certificate's canonical data, so a
 * printed copy can be checked against the records.
 */
import { createDocument, finish, write, type Doc } from '../../core/pdf/document.js';
import { IEEE_2883_TERM, type MethodClass } from '../sanitization/media-techniques.js';
import { matrixRuns, qrCodeData } from '../../core/pdf/barcodes.js';
import { translate, type Locale, type LocaleMessages, type MessageKey } from '../../core/i18n.js';

export interface CertificateRecordView {
  standard: string;
    method: string;
    technique: string;
    tool: string;
    toolVersion: string | null;
    verification: string;
    result: string;
    completedAt: string;
    technician: string;
    reportSha256: string | null;
    /** The imported wipe report the record was made from (its bytes hash to reportSha256). */
    report?: { id: number; format: string; filename: string | null } | null;
    verifier: { name: string; at: string; result: string } | null;
    sampled: boolean;
}

export interface CertificateDrive {
  serialNumber: string;
  kind: string;
  model: string | null;
  capacityGb: number | null;
  /** True only when the drive has a passing record in this custody cycle that no failed check voided (docs/domain.md §2 invariant 7). */
  erased: boolean;
  /** What keeps the drive from counting as erased. */
  missing: string | null;
  /** The record that erased it; when not erased, the latest relevant one (shown for the audit trail). */
  record: CertificateRecordView | null;
}

export interface CertificateDevice {
  assetTag: string;
  category: string;
  make: string;
  model: string;
  serialNumber: string;
  custodyCycle: number;
  destination: string;
  noStorageConfirmed: boolean;
  drives: CertificateDrive[];
}

export interface CertificateData {
  certificateId: string;
  organization: { name: string; address: string | null; location: string };
  donor: { name: string; type: string; receivedAt: string } | null;
  devices: CertificateDevice[];
}

/** The media destinations (the certificate's data holds their English). */
const DESTINATIONS = ['certificate.destination.pending', 'certificate.destination.reuse', 'certificate.destination.issued', 'certificate.destination.recycling', 'certificate.destination.writtenOff'] as const;
export type DestinationKey = (typeof DESTINATIONS)[number];

const GREY = '#555555';
const RED = '#b71c1c';
const PT_PER_MM = 72 / 25.4;

function qr(doc: Doc, payload: string, x: number, y: number, sizePt: number): void {
  const m = qrCodeData(payload);
  const module = sizePt / m.size;
  for (const r of matrixRuns(m)) doc.rect(x + r.col * module, y + r.row * module, r.length * module + 0.01, module + 0.01);
  doc.fill('black');
}

function row(doc: Doc, label: string, value: string, indent: number, color?: string): void {
  const left = doc.page.margins.left + indent;
  const y = doc.y;
  write(doc, label, { size: 8, color: GREY, x: left, y, width: 150 });
  const after = doc.y;
  write(doc, value, { size: 9, ...(color ? { color, bold: true } : {}), x: left + 155, y, width: doc.page.width - doc.page.margins.right - left - 155 });
  doc.y = Math.max(doc.y, after);
  doc.x = doc.page.margins.left;
}

function ensureSpace(doc: Doc, pt: number): void {
  if (doc.y + pt > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

export async function renderCertificate(data: CertificateData, sha256: string, printedAt: Date, locale: Locale = 'en', messages?: LocaleMessages): Promise<Buffer> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars, messages);
  const doc = createDocument({ title: t('certificate.title', { id: data.certificateId }), createdAt: printedAt });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const qrSize = 30 * PT_PER_MM;
  qr(doc, `${data.certificateId} sha256:${sha256}`, doc.page.width - doc.page.margins.right - qrSize, doc.page.margins.top, qrSize);

  write(doc, data.organization.name, { size: 11, bold: true, width: width - qrSize - 10 });
  if (data.organization.address) write(doc, data.organization.address, { size: 9, color: GREY, width: width - qrSize - 10 });
  write(doc, data.organization.location, { size: 9, color: GREY, width: width - qrSize - 10 });
  doc.moveDown(0.8);
  write(doc, t('certificate.heading'), { size: 18, bold: true, width: width - qrSize - 10 });
  write(doc, t('certificate.id', { id: data.certificateId }), { size: 9, width: width - qrSize - 10 });
  write(doc, t('certificate.sha256', { sha256 }), { size: 7, color: GREY, width: width - qrSize - 10 });
  doc.y = Math.max(doc.y, doc.page.margins.top + qrSize + 6);
  write(doc, t('certificate.standard'), { size: 8, color: GREY, x: left, width });

  if (data.donor) {
    doc.moveDown(0.5);
    write(doc, t('certificate.donor'), { size: 11, bold: true, x: left });
    row(doc, t('certificate.donorName'), data.donor.name, 0);
    row(doc, t('certificate.donorType'), data.donor.type, 0);
    row(doc, t('certificate.donorReceived'), data.donor.receivedAt, 0);
  }

  for (const d of data.devices) {
    ensureSpace(doc, 120);
    doc.moveDown(0.6);
    write(doc, `${d.assetTag} — ${d.make} ${d.model}`, { size: 11, bold: true, x: left, width });
    const y = doc.y + 1;
    doc.moveTo(left, y).lineTo(left + width, y).lineWidth(0.5).strokeColor('#999999').stroke();
    doc.moveDown(0.2);
    row(doc, t('certificate.sourceDevice'), t('certificate.sourceDeviceValue', { category: t(`category.${d.category}` as MessageKey), serial: d.serialNumber, tag: d.assetTag }), 0);
    const destination = DESTINATIONS.find((k) => translate('en', k) === d.destination);
    row(doc, t('certificate.destination'), destination ? t(destination) : d.destination, 0);
    if (d.drives.length === 0) {
      row(doc, t('certificate.storage'), d.noStorageConfirmed ? t('certificate.noStorage') : t('certificate.noDrive'), 0);
      continue;
    }
    for (const drive of d.drives) {
      ensureSpace(doc, 110);
      doc.moveDown(0.3);
      const media = { kind: drive.kind.toUpperCase(), model: drive.model ?? '', serial: drive.serialNumber };
      write(doc, drive.capacityGb ? t('certificate.mediaCapacity', { ...media, gb: String(drive.capacityGb) }) : t('certificate.media', media), {
        size: 9.5,
        bold: true,
        x: left + 8,
        width: width - 8,
      });
      const r = drive.record;
      if (!drive.erased) row(doc, t('certificate.status'), t('certificate.notErased', { reason: drive.missing ?? t('certificate.noValidRecord') }), 8, RED);
      if (!r) continue;
      const nist = `${r.method[0]!.toUpperCase()}${r.method.slice(1)}`;
      const ieee = IEEE_2883_TERM[r.method as MethodClass];
      row(doc, t('certificate.method'), `${nist}${ieee && ieee !== nist ? ` (IEEE 2883: ${ieee})` : ''} — ${r.technique.replace(/_/g, ' ')} (${r.standard})`, 8);
      row(doc, t('certificate.tool'), r.toolVersion ? `${r.tool} ${r.toolVersion}` : r.tool, 8);
      row(doc, t('certificate.verification'), t(drive.erased ? 'certificate.verificationValue' : 'certificate.verificationNotCounted', { verification: r.verification, result: r.result.toUpperCase() }), 8);
      row(doc, t('certificate.completed'), r.completedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'), 8);
      row(doc, t('certificate.person'), t('certificate.personValue', { name: r.technician, organization: data.organization.name, location: data.organization.location }), 8);
      if (r.report) row(doc, t('certificate.toolReport'), t('certificate.toolReportValue', { id: r.report.id, details: `${r.report.format.replace(/_/g, ' ')}${r.report.filename ? `, ${r.report.filename}` : ''}` }), 8);
      if (r.reportSha256) row(doc, t('certificate.reportSha256'), r.reportSha256, 8);
      row(
        doc,
        t('certificate.secondPerson'),
        r.verifier
          ? t('certificate.verifierValue', {
              name: r.verifier.name,
              date: r.verifier.at.slice(0, 10),
              result: r.verifier.result === 'failed' ? t('certificate.verifierFailed') : r.verifier.result === 'passed' ? t('certificate.verifierPassed') : r.verifier.result,
            })
          : r.sampled
            ? t('certificate.drawnPending')
            : t('certificate.notDrawn'),
        8,
      );
    }
  }

  ensureSpace(doc, 90);
  doc.moveDown(2);
  const colWidth = (width - 30) / 2;
  const y = doc.y + 20;
  doc.moveTo(left, y).lineTo(left + colWidth, y).lineWidth(0.7).strokeColor('#000000').stroke();
  doc.moveTo(left + colWidth + 30, y).lineTo(left + width, y).stroke();
  write(doc, t('certificate.signResponsible'), { size: 8, color: GREY, x: left, y: y + 3, width: colWidth });
  write(doc, t('certificate.signSecond'), { size: 8, color: GREY, x: left + colWidth + 30, y: y + 3, width: colWidth });
  return finish(doc);
}
