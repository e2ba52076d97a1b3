import type { SiteViewer } from '../sites/site-scope.js';
import { translate, type Locale, type LocaleMessages } from '../../core/i18n.js';
import type { DestinationKey } from './certificate.pdf.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { drivesAtFault } from '../devices/device-change.js';
import { devicesOfDonation, type DeviceRow } from '../devices/device-reads.js';
import type { DeviceUseCase } from '../devices/device-use-case.js';
import type { DonationsService } from '../donations/donations.service.js';
import { certificateRecords, failedChecksOf, type CertificateRecord } from '../sanitization/sanitization-reads.js';
import { wipeReportBySha } from '../wipe-reports/wipe-reports.service.js';
import type { CertificateData, CertificateDevice, CertificateRecordView } from './certificate.pdf.js';
import { mapInOrder } from '../../core/in-order.js';
import type { SiteRow } from '../sites/sites.service.js';

export interface CertificatePdf {
  body: Buffer;
  contentType: string;
  filename: string;
}

/** The renderer certificates are drawn with: the documents module's client, wired by the composition root. */
export interface CertificateDocuments {
  render(task: { kind: 'certificate'; data: CertificateData; sha256: string; printedAt: Date; locale?: Locale | undefined; messages?: LocaleMessages | undefined }): Promise<Buffer>;
}

/** Where the media goes, in English in the certificate's data (and its hash); the PDF prints it in its language (certificate.pdf.ts). */
export const DESTINATION_KEYS: Record<DeviceRow['status'], DestinationKey> = {
  received: 'certificate.destination.pending',
  sanitized: 'certificate.destination.pending',
  in_repair: 'certificate.destination.pending',
  ready: 'certificate.destination.reuse',
  issued: 'certificate.destination.issued',
  awaiting_recycling: 'certificate.destination.recycling',
  // Between two sites of the program: its destination is decided where it arrives.
  in_transit: 'certificate.destination.pending',
  recycled: 'certificate.destination.recycling',
  written_off: 'certificate.destination.writtenOff',
};

export function createCertificatesService(deps: {
  db: Db;
  clock: Clock;
  deviceUseCase: DeviceUseCase;
  donations: DonationsService;
  /** PDFs are drawn on the render pool, off the event loop. */
  documents: CertificateDocuments;
  /** The program's sites (sites.service.ts byId, byCode): a certificate names the site of its device, or of its donation. */
  sites: { byId(id: number): Promise<SiteRow>; byCode(code: string, field: string): Promise<SiteRow> };
  organization: { name: string; address: string | null };
  /** The reviewed text of a language (database over shipped files): documents are drawn with it. */
  messagesFor?: ((locale: Locale) => Promise<LocaleMessages | undefined>) | undefined;
}) {
  const { db, clock } = deps;
  const { resolve, loadState, driveStates } = deps.deviceUseCase;

  /** The name of a site, by id (a device's) or by code (a donation's answer). */
  async function siteName(which: { id: number } | { code: string }): Promise<string> {
    return ('id' in which ? await deps.sites.byId(which.id) : await deps.sites.byCode(which.code, 'site')).name;
  }

  /** The hash is of the data, whatever the language the labels are printed in. */
  async function certificate(data: CertificateData, name: string, locale?: Locale): Promise<CertificatePdf> {
    const sha256 = createHash('sha256').update(canonicalJson(data)).digest('hex');
    return { body: await deps.documents.render({ kind: 'certificate', data, sha256, printedAt: clock.now(), locale, messages: locale ? await deps.messagesFor?.(locale) : undefined }), contentType: 'application/pdf', filename: `${name}.pdf` };
  }

  /**
   * One device as a certificate shows it (docs/domain.md §2 invariant 7): a drive is
   * shown as erased only when the same rule that lets the device be issued
   * holds for it; otherwise the certificate says it is not erased and why.
   */
  async function certificateDevice(device: DeviceRow, custodyCycle: number): Promise<CertificateDevice> {
    const drives = (await loadState(device)).drives;
    const records = await certificateRecords(db, device.id, custodyCycle);
    // The same fold that lets a device be issued (drive-state.ts), for the cycle the certificate covers.
    const states = await driveStates(device.id, custodyCycle);
    const failedChecks = await failedChecksOf(db, device.id);
    const shown = async (r: CertificateRecord): Promise<CertificateRecordView> => ({
      standard: r.standard,
      method: r.method,
      technique: r.technique,
      tool: r.tool,
      toolVersion: r.toolVersion,
      verification: r.verification,
      result: r.result,
      completedAt: r.completedAt,
      technician: r.technician,
      reportSha256: r.reportSha256,
      report: r.reportSha256 ? (await wipeReportBySha(db, r.reportSha256) ?? null) : null,
      sampled: r.verificationStatus !== null,
      verifier: r.verifier && r.verifiedAt && r.verificationStatus ? { name: r.verifier, at: r.verifiedAt, result: r.verificationStatus } : null,
    });
    return {
      assetTag: device.assetTag,
      category: device.category,
      make: device.make,
      model: device.model,
      serialNumber: device.serialNumber,
      custodyCycle,
      destination: translate('en', DESTINATION_KEYS[device.status]),
      noStorageConfirmed: device.noStorageConfirmed,
      drives: await mapInOrder(drives, async (d) => {
        const own = records.filter((r) => r.driveId === d.id);
        const st = states.get(d.id);
        const media = { serialNumber: d.serialNumber, kind: d.kind, model: d.model, capacityGb: d.capacityGb };
        if (st?.state === 'passed') return { ...media, erased: true, missing: null, record: await shown(own.find((r) => r.id === st.passedRecordId)!) };
        if (st?.state === 'failed_check') {
          // The check that voided it: the drive's failed check reaching furthest (possibly drawn in another cycle).
          const failed = failedChecks.filter((f) => f.driveId === d.id).sort((a, b) => (a.voidsThrough ?? a.id) - (b.voidsThrough ?? b.id)).at(-1)!;
          const lastPass = [...own].reverse().find((r) => r.result === 'passed')!;
          return {
            ...media,
            erased: false,
            missing: `second-person check failed${failed.verifiedAt ? ` on ${failed.verifiedAt.slice(0, 10)}` : ''}${failed.verifier ? ` (${failed.verifier})` : ''}; the drive must be sanitized again and pass`,
            record: await shown(lastPass),
          };
        }
        if (st?.state === 'failed') return { ...media, erased: false, missing: 'every sanitization attempt in this custody cycle failed; no passing record', record: null };
        return { ...media, erased: false, missing: 'no sanitization record in this custody cycle', record: null };
      }),
    };
  }

  return {
    /** Refused while any drive lacks a valid passing record: a device certificate never certifies less than all of it. */
    async device(viewer: SiteViewer, ref: string, locale?: Locale): Promise<CertificatePdf> {
      const device = await resolve(ref, viewer);
      const state = await loadState(device);
      if (!state.facts.sanitized) {
        const { detail, drives } = drivesAtFault(device.assetTag, state.facts);
        throw new AppError('certificates.not_sanitized', detail, { extra: { drives } });
      }
      const donation = device.donationId === null ? undefined : await deps.donations.ofDevice(device.donationId);
      return certificate(
        {
          certificateId: `CDS-${device.assetTag}-C${device.custodyCycle}`,
          // Where the device is now (it may have moved since its donation): the site that certifies it.
          organization: { ...deps.organization, location: await siteName({ id: device.siteId }) },
          donor: donation ? { name: donation.donorName, type: donation.donorType, receivedAt: donation.receivedAt } : null,
          devices: [await certificateDevice(device, device.custodyCycle)],
        },
        `certificate-${device.assetTag}`,
        locale,
      );
    },

    /** One document for a donation: each device's drives as wiped in the donor's custody cycle (the first). */
    async donation(viewer: SiteViewer, id: number, locale?: Locale): Promise<CertificatePdf> {
      const donation = await deps.donations.get(id, viewer);
      const devices = await devicesOfDonation(db, id);
      return certificate(
        {
          certificateId: `CDS-D${id}`,
          // The site that took the donation in (its devices may since have moved).
          organization: { ...deps.organization, location: await siteName({ code: donation.site }) },
          donor: { name: donation.donorName, type: donation.donorType, receivedAt: donation.receivedAt },
          devices: await mapInOrder(devices, (d) => certificateDevice(d, 1)),
        },
        `certificate-donation-${id}`,
        locale,
      );
    },
  };
}

export type CertificatesService = ReturnType<typeof createCertificatesService>;
