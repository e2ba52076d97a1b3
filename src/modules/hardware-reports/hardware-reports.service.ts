/**
 * A hardware report read into an intake draft (dry run), or taken in through
 * the devices service like a typed intake: one transaction, the same history.
 */
import { AppError } from '../../core/errors.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { Device } from '../devices/devices.schemas.js';
import type { Actor } from '../users/users.service.js';
import { serialMatch, type ReadDrive, type ReadReport, type ReportFormat } from './draft.js';
import type { HardwareDraft } from './hardware-reports.schemas.js';
import { readReport } from './read-report.js';
import { unreadable } from './report-text.js';

const GIB = 2 ** 30;
/** The most drives one intake registers (the intake schema's limit). */
const MAX_DRIVES = 32;

/** Sizes in the service's units: RAM in GiB to one decimal, drives in decimal GB as printed on them. */
export function toDraft(read: ReadReport): { format: ReportFormat; draft: HardwareDraft; warnings: string[] } {
  const warnings = [...read.warnings];
  const m = read.machine;
  const ramGb = m.ramBytes === undefined ? undefined : Math.round((m.ramBytes / GIB) * 10) / 10;
  if (ramGb !== undefined && ramGb > 4096) throw unreadable(`The memory size (${ramGb} GiB) is not plausible.`);
  const seen = new Set<string>();
  const storage: HardwareDraft['storage'] = [];
  read.drives.forEach((d: ReadDrive, i) => {
    if (d.serialNumber === undefined) {
      warnings.push(`Drive ${d.model ?? i + 1} has no serial number: register it by hand.`);
      return;
    }
    const key = serialMatch(d.serialNumber);
    if (seen.has(key)) return;
    seen.add(key);
    const capacityGb = d.capacityBytes === undefined ? null : Math.round(d.capacityBytes / 1e9);
    if (capacityGb !== null && capacityGb > 1_000_000) throw unreadable(`The capacity of drive ${d.serialNumber} (${capacityGb} GB) is not plausible.`);
    if (capacityGb === null) warnings.push(`The report gives no capacity for drive ${d.serialNumber}.`);
    if (d.kind === undefined) warnings.push(`The report does not say whether drive ${d.serialNumber} is a hard disk or an SSD: choose its kind.`);
    storage.push({ serialNumber: d.serialNumber, kind: d.kind ?? 'other', capacityGb, model: d.model ?? null });
  });
  if (storage.length > MAX_DRIVES) throw unreadable(`The report lists ${storage.length} drives; an intake registers at most ${MAX_DRIVES}.`);
  const storageGb = storage.some((s) => s.capacityGb !== null) ? storage.reduce((a, s) => a + (s.capacityGb ?? 0), 0) : undefined;
  if (m.serialNumber === undefined && read.format !== 'smartctl') warnings.push('The report gives no serial number for the machine (or a placeholder): read it from the label.');
  if (m.category === undefined && read.format !== 'smartctl') warnings.push(m.chassis ? `The chassis type "${m.chassis}" names no category: choose one.` : 'The report names no chassis type: choose a category.');
  return {
    format: read.format,
    draft: {
      category: m.category ?? null,
      make: m.make ?? null,
      model: m.model ?? null,
      serialNumber: m.serialNumber ?? null,
      specs: { ...(m.cpu !== undefined ? { cpu: m.cpu } : {}), ...(ramGb !== undefined ? { ramGb } : {}), ...(storageGb !== undefined ? { storageGb } : {}) },
      storage: storage.map((s) => ({ ...s })),
    },
    warnings,
  };
}

export function createHardwareReportsService(deps: { devices: DevicesService }) {
  return {
    draft: (body: Buffer | string) => toDraft(readReport(body)),

    intake(actor: Actor, body: Buffer | string, options: { assetTag?: string | undefined; donationId?: number | undefined }): Promise<Device> {
      const { draft } = toDraft(readReport(body));
      if (draft.serialNumber === null) {
        throw new AppError('devices.incomplete_intake', 'The report gives no serial number for the machine: use the intake form.', {
          errors: [{ field: 'serialNumber', message: 'not in the report' }],
        });
      }
      return deps.devices.intake(actor, {
        serialNumber: draft.serialNumber,
        ...(draft.category !== null ? { category: draft.category } : {}),
        ...(draft.make !== null ? { make: draft.make } : {}),
        ...(draft.model !== null ? { model: draft.model } : {}),
        ...(options.assetTag !== undefined ? { assetTag: options.assetTag } : {}),
        ...(options.donationId !== undefined ? { donationId: options.donationId } : {}),
        specs: draft.specs,
        storage: draft.storage.map((s) => ({
          serialNumber: s.serialNumber,
          kind: s.kind,
          ...(s.capacityGb !== null ? { capacityGb: s.capacityGb } : {}),
          ...(s.model !== null ? { model: s.model } : {}),
        })),
      });
    },
  };
}

export type HardwareReportsService = ReturnType<typeof createHardwareReportsService>;
