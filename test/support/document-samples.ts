/**
 * One document of each kind drawn from fixed data and a fixed clock, so the
 * bytes (and the pages as images) are the same on every run: the diversion
 * report, a device's certificate of sanitization, a handover form, a
 * shipment manifest, the audit anchor page and label sheets. Used by the
 * page-image test (test/modules/document-pages.test.ts) and by
 * `npx tsx scripts/document-fixtures.ts`, which refreshes its reference images.
 */
import { renderAnchorPage } from '../../src/modules/audit/anchor.pdf.js';
import { renderCertificate, type CertificateData } from '../../src/modules/certificates/certificate.pdf.js';
import { renderHandover } from '../../src/modules/issuance/handover.pdf.js';
import { loadLabelTemplates } from '../../src/modules/labels/label-templates.js';
import { renderLabelsPdf } from '../../src/modules/labels/label.render.js';
import { renderManifest } from '../../src/modules/recycling/manifest.pdf.js';
import type { Shipment } from '../../src/modules/recycling/recycling.schemas.js';
import { renderDiversionPdf } from '../../src/modules/reports/diversion.pdf.js';
import type { DiversionReport } from '../../src/modules/reports/reports.schemas.js';
import { methodology } from '../../src/modules/reports/reports.service.js';

export const PRINTED_AT = new Date('2026-04-02T15:30:00.000Z');

export const SAMPLE_DIVERSION: DiversionReport = {
  period: { from: '2025-04-01', to: '2026-03-31' },
  site: 'all',
  totals: {
    received: { units: 412, grams: 1_912_400 },
    reused: { units: 231, grams: 541_300 },
    recycledConfirmed: { units: 96, grams: 1_068_950 },
    recycledPending: { units: 12, grams: 118_000 },
    diverted: { units: 318, grams: 1_598_750 },
    reusedThenRecycled: { units: 9, grams: 11_500 },
  },
  byCategory: [
    { key: 'all_in_one', units: 6, grams: 48_000 },
    { key: 'cables and power supplies, mixed', units: 1, grams: 64_500 },
    { key: 'crt_monitor', units: 11, grams: 165_000 },
    { key: 'desktop', units: 41, grams: 369_000 },
    { key: 'laptop', units: 208, grams: 478_400 },
    { key: 'monitor', units: 38, grams: 190_000 },
    { key: 'network', units: 5, grams: 7_500 },
    { key: 'peripheral', units: 22, grams: 11_000 },
    { key: 'printer', units: 14, grams: 126_000 },
    { key: 'server', units: 3, grams: 60_000 },
    { key: 'tablet', units: 17, grams: 9_350 },
  ],
  byMonth: ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'].map((key, i) => ({
    key,
    units: 15 + ((i * 7) % 20),
    grams: 60_000 + ((i * 37_000) % 190_000),
  })),
  byCommunity: [
    { key: 'Arviat', units: 41, grams: 94_300 },
    { key: 'Chesterfield Inlet', units: null, grams: null, suppressed: true },
    { key: 'Gjoa Haven', units: 22, grams: 50_600 },
    { key: 'Iqaluit', units: 118, grams: 271_400 },
    { key: 'Kimmirut', units: null, grams: null, suppressed: true },
    { key: 'Kugaaruk', units: 19, grams: 43_700 },
    { key: 'Kugluktuk', units: 27, grams: 62_100 },
  ],
  measuredWeightShare: 0.6427,
  co2e: {
    factorSet: { name: 'Example factors', version: '2026-01', source: 'Example source, table 3 (not checked)', verified: false },
    reuseKg: 36_214.5,
    recyclingKg: 497.5,
    totalKg: 36_712,
    note: 'UNVERIFIED factor set: these estimates must not be reported until the factors are checked against their source.',
  },
  methodology: methodology(5),
};

const CERTIFICATE: CertificateData = {
  certificateId: 'CERT-IQ-000123-R-1',
  organization: { name: 'Nunavut Digital Skills Program', address: 'PO Box 1000, Iqaluit, NU X0A 0H0', location: 'Iqaluit · ᐃᖃᓗᐃᑦ' },
  donor: { name: 'Government of Nunavut, Department of Finance', type: 'government', receivedAt: '2026-02-10' },
  devices: [
    {
      assetTag: 'IQ-000123-R',
      category: 'laptop',
      make: 'Hewlett-Packard',
      model: 'EliteBook 840 G10 Notebook PC',
      serialNumber: '5CG1234XYZ',
      custodyCycle: 1,
      destination: 'internal reuse',
      noStorageConfirmed: false,
      drives: [
        {
          serialNumber: 'S4EVNX0R123456',
          kind: 'nvme',
          model: 'Samsung PM9A1 512GB',
          capacityGb: 512,
          erased: true,
          missing: null,
          record: {
            standard: 'NIST SP 800-88 Rev. 2',
            method: 'purge',
            technique: 'sanitize_command',
            tool: 'nwipe',
            toolVersion: '0.37',
            verification: 'full',
            result: 'passed',
            completedAt: '2026-02-12T18:04:00.000Z',
            technician: 'Tina Trainee',
            reportSha256: 'a3f1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
            verifier: { name: 'Cora Coordinator', at: '2026-02-13T16:20:00.000Z', result: 'passed' },
            sampled: true,
          },
        },
        {
          serialNumber: 'WD-WX12A3456789',
          kind: 'hdd',
          model: 'WD Blue 1TB',
          capacityGb: 1000,
          erased: false,
          missing: 'second-person verification failed',
          record: {
            standard: 'NIST SP 800-88 Rev. 2',
            method: 'clear',
            technique: 'overwrite',
            tool: 'nwipe',
            toolVersion: '0.37',
            verification: 'sample',
            result: 'passed',
            completedAt: '2026-02-12T19:30:00.000Z',
            technician: 'Tina Trainee',
            reportSha256: null,
            verifier: { name: 'Cora Coordinator', at: '2026-02-13T16:40:00.000Z', result: 'failed' },
            sampled: true,
          },
        },
      ],
    },
  ],
};

const SHIPMENT: Shipment = {
  id: 7,
  site: 'iqaluit',
  recycler: { id: 2, name: 'Northern E-Cycle Ltd.', certification: 'R2', certificateExpiry: '2027-06-30', address: '12 Industrial Road, Montréal, QC', createdAt: '2025-09-01T12:00:00.000Z' },
  mode: 'sealift',
  carrier: 'NEAS',
  containerNumber: 'NEAU1234567',
  sealNumber: 'SL-889900',
  billOfLading: 'BOL-2025-0412',
  status: 'confirmed',
  createdAt: '2025-08-20T14:00:00.000Z',
  shippedAt: '2025-09-05T09:00:00.000Z',
  confirmedAt: '2025-10-20T10:00:00.000Z',
  certificateNumber: 'NEC-2025-3321',
  receivedAt: '2025-10-15',
  receivedWeightGrams: 1_050_000,
  devices: Array.from({ length: 14 }, (_, i) => ({
    assetTag: `IQ-0001${String(i).padStart(2, '0')}-X`,
    category: ['crt_monitor', 'desktop', 'printer', 'laptop'][i % 4]!,
    weightGrams: [15_000, 9_000, 9_000, 2_300][i % 4]!,
    weightSource: i % 3 === 0 ? 'measured' : 'category_default',
  })),
  bulkLines: [
    { id: 1, category: 'cables and power supplies', weightGrams: 64_500, units: null },
    { id: 2, category: 'keyboards and mice', weightGrams: 18_200, units: 41 },
  ],
  totals: { deviceUnits: 14, deviceGrams: 122_600, bulkGrams: 82_700, grams: 205_300 },
  amendments: [
    {
      id: 1,
      field: 'receivedWeightGrams',
      from: 1_000_000,
      to: 1_050_000,
      reason: 'The recycler corrected its weigh ticket.',
      amendedBy: { id: 1, username: 'admin' },
      amendedAt: '2025-10-22T13:00:00.000Z',
    },
  ],
};

export interface SampleDocument {
  name: string;
  /** The page kept as the reference image. */
  page: number;
  render(): Promise<Buffer>;
}

const templates = loadLabelTemplates();
const LABELS = [
  { tag: 'IQ-000123-R', lines: ['Laptop · Hewlett-Packard EliteBook 840 G10 Notebook PC', 'Iqaluit · ᐃᖃᓗᐃᑦ'] },
  { tag: 'IQ-000042-T', lines: ['Desktop · Dell OptiPlex 7090', 'Iqaluit · ᐃᖃᓗᐃᑦ'] },
  { tag: 'IQ-000001-Z', lines: ['Monitor · Lenovo ThinkVision T24i-20', 'Iqaluit · ᐃᖃᓗᐃᑦ'] },
];

export const SAMPLE_DOCUMENTS: SampleDocument[] = [
  {
    name: 'diversion-p1',
    page: 1,
    render: () =>
      renderDiversionPdf(SAMPLE_DIVERSION, {
        organizationName: 'Nunavut Digital Skills Program',
        programName: 'Computers for Communities 2025–26',
        siteName: 'Iqaluit',
        printedAt: PRINTED_AT,
        locale: 'en',
        preparedBy: 'Cora Coordinator',
      }),
  },
  {
    name: 'diversion-p2',
    page: 2,
    render: () =>
      renderDiversionPdf(SAMPLE_DIVERSION, {
        organizationName: 'Nunavut Digital Skills Program',
        programName: 'Computers for Communities 2025–26',
        siteName: 'Iqaluit',
        printedAt: PRINTED_AT,
        locale: 'en',
        preparedBy: 'Cora Coordinator',
      }),
  },
  { name: 'certificate', page: 1, render: () => renderCertificate(CERTIFICATE, 'b'.repeat(64), PRINTED_AT) },
  {
    name: 'handover',
    page: 1,
    render: () =>
      renderHandover({
        organizationName: 'Nunavut Digital Skills Program',
        issuanceId: 42,
        participantCode: 'P-000042',
        community: { name: 'Iqaluit', syllabics: 'ᐃᖃᓗᐃᑦ' },
        device: {
          assetTag: 'IQ-000123-R',
          category: 'laptop',
          make: 'Hewlett-Packard',
          model: 'EliteBook 840 G10 Notebook PC',
          serialNumber: '5CG1234XYZ',
          specs: { cpu: 'Intel Core i5-1345U', ramGb: 16, storageGb: 512, os: 'Linux Mint 22' },
        },
        kind: 'loan',
        dueDate: '2026-06-30',
        issuedAt: '2026-03-02T17:00:00.000Z',
        accessories: ['charger', 'padded bag', 'mouse'],
        agreementLanguage: 'en',
        printedAt: PRINTED_AT,
        erased: true,
      }),
  },
  { name: 'manifest', page: 1, render: () => renderManifest(SHIPMENT, { organizationName: 'Nunavut Digital Skills Program', siteName: 'Iqaluit' }, PRINTED_AT) },
  { name: 'anchor', page: 1, render: () => renderAnchorPage({ id: 1234, hash: 'c'.repeat(64), at: '2026-03-31T23:59:00.000Z', verified: null }) },
  { name: 'labels-avery-5160', page: 1, render: () => renderLabelsPdf(templates.get('avery-5160')!, LABELS, { createdAt: PRINTED_AT, title: 'labels' }) },
  { name: 'labels-dymo-30334', page: 1, render: () => renderLabelsPdf(templates.get('dymo-30334')!, LABELS.slice(0, 1), { createdAt: PRINTED_AT, title: 'labels' }) },
];
