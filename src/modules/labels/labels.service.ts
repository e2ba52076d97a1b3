import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { translate, type MessageKey } from '../../core/i18n.js';
import { assertDrawable } from '../../core/pdf/fonts.js';
import { parseTag } from '../asset-tags/asset-tag.js';
import { findAssetTag } from '../asset-tags/asset-tags.repository.js';
import type { AssetTagsService } from '../asset-tags/asset-tags.service.js';
import { drivesAtFault } from '../devices/device-change.js';
import type { DeviceStateLoader } from '../devices/device-view.js';
import { listDevices, prepareDeviceLookups, type DeviceRow } from '../devices/devices.repository.js';
import type { DevicesService } from '../devices/devices.service.js';
import { findDonation } from '../donations/donations.repository.js';
import { findCommunity } from '../participants/participants.repository.js';
import { prepareDriveStates } from '../sanitization/drive-state.js';
import { certificateRecords, failedChecksOf, type CertificateRecord } from '../sanitization/sanitization.repository.js';
import type { Actor } from '../users/users.service.js';
import type { CertificateData, CertificateDevice, CertificateRecordView } from './certificate.pdf.js';
import type { LabelDocuments, RenderLabelDocument } from './label-documents.js';
import type { LabelContent } from './label-layout.js';
import type { LabelTemplate } from './label-templates.js';

export type LabelFormat = 'pdf' | 'zpl' | 'png';
export type LabelKind = 'asset' | 'spec';
export interface Rendered {
  body: Buffer | string;
  contentType: string;
  filename: string;
}

export const MAX_LABELS = 300;

const DESTINATION: Record<DeviceRow['status'], string> = {
  received: 'Pending: in refurbishment',
  sanitized: 'Pending: in refurbishment',
  in_repair: 'Pending: in refurbishment',
  ready: 'External reuse (program participants)',
  issued: 'External reuse (issued to a program participant)',
  awaiting_recycling: 'Recycling facility',
  recycled: 'Recycling facility',
  written_off: 'Other: written off',
};

export function createLabelsService(deps: {
  db: Db;
  clock: Clock;
  templates: Map<string, LabelTemplate>;
  assetTags: AssetTagsService;
  devices: DevicesService;
  loadDeviceState: DeviceStateLoader;
  /** Barcodes and PDFs are drawn on the render pool, off the event loop. */
  documents: LabelDocuments;
  siteName: string;
  organization: { name: string; address: string | null };
}) {
  const { db, clock } = deps;
  const loadState = deps.loadDeviceState;
  const driveStates = prepareDriveStates(db);
  // A sheet reads up to 300 devices on the event loop: prepared, that is a few ms instead of a hundred.
  const lookups = prepareDeviceLookups(db);
  const en = (key: MessageKey, vars?: Record<string, string | number>) => translate('en', key, vars);

  function template(id: string): LabelTemplate {
    const t = deps.templates.get(id);
    if (!t) throw new AppError('labels.unknown_template', `No label template "${id}" (have: ${[...deps.templates.keys()].join(', ')}).`, { errors: [{ field: 'template', message: 'unknown template' }], location: null });
    return t;
  }

  /** The site with its syllabic name when the community list has one: "Iqaluit · ᐃᖃᓗᐃᑦ". */
  function siteLine(): string {
    const c = findCommunity(db, deps.siteName);
    return c?.syllabics ? `${c.name} · ${c.syllabics}` : deps.siteName;
  }

  function content(device: DeviceRow, kind: LabelKind, site = siteLine()): LabelContent {
    if (kind === 'asset') {
      return { tag: device.assetTag, lines: [`${en(`category.${device.category}` as MessageKey)} · ${device.make} ${device.model}`, site] };
    }
    if (device.grade === null || !['ready', 'issued'].includes(device.status)) {
      throw new AppError('devices.invalid_transition', `A spec label is for a graded, ready device; ${device.assetTag} is ${device.status}.`, {
        extra: { currentStatus: device.status, action: 'print_spec_label' },
      });
    }
    const s = device.specs;
    const memory = [s.ramGb !== undefined ? en('label.ram', { ram: s.ramGb }) : null, s.storageGb !== undefined ? en('label.storage', { storage: s.storageGb }) : null]
      .filter(Boolean)
      .join(' · ');
    return { tag: device.assetTag, badge: en('label.grade', { grade: device.grade }), lines: [s.cpu ?? `${device.make} ${device.model}`, memory, s.os ?? ''] };
  }

  async function render(draw: RenderLabelDocument, t: LabelTemplate, contents: LabelContent[], format: LabelFormat, name: string, startAt?: number): Promise<Rendered> {
    if (format === 'zpl') return { body: await draw({ kind: 'labels-zpl', template: t, contents }), contentType: 'application/zpl; charset=utf-8', filename: `${name}.zpl` };
    if (format === 'png') {
      if (contents.length !== 1) throw new AppError('request.invalid', 'PNG previews one label; use pdf or zpl for several.', { errors: [{ field: 'format', message: 'png previews one label' }], location: null });
      return { body: await draw({ kind: 'label-png', template: t, content: contents[0]! }), contentType: 'image/png', filename: `${name}.png` };
    }
    const options = { createdAt: clock.now(), title: name, ...(startAt === undefined ? {} : { startAt }) };
    return { body: await draw({ kind: 'labels-pdf', template: t, contents, options }), contentType: 'application/pdf', filename: `${name}.pdf` };
  }

  async function certificate(data: CertificateData, name: string): Promise<Rendered> {
    const sha256 = createHash('sha256').update(canonicalJson(data)).digest('hex');
    return { body: await deps.documents.render({ kind: 'certificate', data, sha256, printedAt: clock.now() }), contentType: 'application/pdf', filename: `${name}.pdf` };
  }

  /**
   * One device as a certificate shows it (docs/domain.md §2 invariant 7): a drive is
   * shown as erased only when the same rule that lets the device be issued
   * holds for it; otherwise the certificate says it is not erased and why.
   */
  function certificateDevice(device: DeviceRow, custodyCycle: number): CertificateDevice {
    const drives = loadState(device).drives;
    const records = certificateRecords(db, device.id, custodyCycle);
    // The same fold that lets a device be issued (drive-state.ts), for the cycle the certificate covers.
    const states = driveStates(device.id, custodyCycle);
    const failedChecks = failedChecksOf(db, device.id);
    const shown = (r: CertificateRecord): CertificateRecordView => ({
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
      destination: DESTINATION[device.status],
      noStorageConfirmed: device.noStorageConfirmed,
      drives: drives.map((d) => {
        const own = records.filter((r) => r.driveId === d.id);
        const st = states.get(d.id);
        const media = { serialNumber: d.serialNumber, kind: d.kind, model: d.model, capacityGb: d.capacityGb };
        if (st?.state === 'passed') return { ...media, erased: true, missing: null, record: shown(own.find((r) => r.id === st.passedRecordId)!) };
        if (st?.state === 'failed_check') {
          // The check that voided it: the drive's failed check reaching furthest (possibly drawn in another cycle).
          const failed = failedChecks.filter((f) => f.driveId === d.id).sort((a, b) => (a.voidsThrough ?? a.id) - (b.voidsThrough ?? b.id)).at(-1)!;
          const lastPass = [...own].reverse().find((r) => r.result === 'passed')!;
          return {
            ...media,
            erased: false,
            missing: `second-person check failed${failed.verifiedAt ? ` on ${failed.verifiedAt.slice(0, 10)}` : ''}${failed.verifier ? ` (${failed.verifier})` : ''}; the drive must be sanitized again and pass`,
            record: shown(lastPass),
          };
        }
        if (st?.state === 'failed') return { ...media, erased: false, missing: 'every sanitization attempt in this custody cycle failed; no passing record', record: null };
        return { ...media, erased: false, missing: 'no sanitization record in this custody cycle', record: null };
      }),
    };
  }

  return {
    templates: () => [...deps.templates.values()],

    /** Barcodes and PDFs are drawn after the reads, outside any transaction. */
    async deviceLabel(ref: string, templateId: string, format: LabelFormat, kind: LabelKind): Promise<Rendered> {
      const t = template(templateId);
      const device = deps.devices.resolve(ref);
      return render(deps.documents.render, t, [content(device, kind)], format, `label-${device.assetTag}`);
    },

    async batch(actor: Actor, req: { template: string; format: LabelFormat; kind: LabelKind; assetTags?: string[] | undefined; reserve?: number | undefined; startAt?: number | undefined }): Promise<Rendered & { tags: string[] }> {
      const t = template(req.template);
      if (req.startAt !== undefined && req.startAt > 1) {
        const positions = t.sheet ? t.sheet.columns * t.sheet.rows : 1;
        if (req.startAt > positions) {
          throw new AppError('request.invalid', `${t.id} has ${positions} position${positions === 1 ? '' : 's'}; startAt ${req.startAt} is past the last.`, {
            errors: [{ field: 'startAt', message: `at most ${positions}` }],
          });
        }
      }
      // The render slot is taken before tags are reserved: a print refused as too many at once must not use up tags.
      return deps.documents.admitted(async (draw) => {
        let contents: LabelContent[];
        const site = siteLine();
        if (req.reserve !== undefined) {
          if (req.kind === 'spec') throw new AppError('request.invalid', 'Reserved tags have no specs yet.', { errors: [{ field: 'kind', message: 'use asset for reserved tags' }] });
          // Check the text before reserving: a refused print must not use up tags.
          assertDrawable({ SITE_NAME: site }, null);
          contents = deps.assetTags.reserve(actor, req.reserve).map((tag) => ({ tag, lines: [site] }));
        } else {
          contents = (req.assetTags ?? []).map((raw, i) => {
            const parsed = parseTag(raw);
            if (parsed.kind !== 'valid') {
              throw new AppError('devices.invalid_asset_tag', `${raw} is not a valid asset tag.`, { errors: [{ field: `assetTags.${i}`, message: 'invalid asset tag' }] });
            }
            const device = lookups.byTag(parsed.tag);
            if (device) return content(device, req.kind, site);
            // A tag reserved but not yet on a device can be printed again (a spoiled sheet).
            if (findAssetTag(db, parsed.tag) && req.kind === 'asset') return { tag: parsed.tag, lines: [site] };
            throw new AppError('devices.not_found', `No device carries the tag ${parsed.tag}.`, { errors: [{ field: `assetTags.${i}`, message: 'no such device' }] });
          });
        }
        const rendered = await render(draw, t, contents, req.format, `labels-${t.id}`, req.startAt);
        return { ...rendered, tags: contents.map((c) => c.tag) };
      });
    },

    /** Refused while any drive lacks a valid passing record: a device certificate never certifies less than all of it. */
    async deviceCertificate(ref: string): Promise<Rendered> {
      const device = deps.devices.resolve(ref);
      const state = loadState(device);
      if (!state.facts.sanitized) {
        const { detail, drives } = drivesAtFault(device.assetTag, state.facts);
        throw new AppError('certificates.not_sanitized', detail, { extra: { drives } });
      }
      const donation = device.donationId === null ? undefined : findDonation(db, device.donationId);
      return certificate(
        {
          certificateId: `CDS-${device.assetTag}-C${device.custodyCycle}`,
          organization: { ...deps.organization, location: deps.siteName },
          donor: donation ? { name: donation.donorName, type: donation.donorType, receivedAt: donation.receivedAt } : null,
          devices: [certificateDevice(device, device.custodyCycle)],
        },
        `certificate-${device.assetTag}`,
      );
    },

    /** One document for a donation: each device's drives as wiped in the donor's custody cycle (the first). */
    async donationCertificate(id: number): Promise<Rendered> {
      const donation = findDonation(db, id);
      if (!donation) throw new AppError('donations.not_found', `No donation with id ${id}.`);
      const devices = listDevices(db, { donationId: id }, 0, 100_000);
      return certificate(
        {
          certificateId: `CDS-D${id}`,
          organization: { ...deps.organization, location: deps.siteName },
          donor: { name: donation.donorName, type: donation.donorType, receivedAt: donation.receivedAt },
          devices: devices.map((d) => certificateDevice(d, 1)),
        },
        `certificate-donation-${id}`,
      );
    },
  };
}

export type LabelsService = ReturnType<typeof createLabelsService>;
