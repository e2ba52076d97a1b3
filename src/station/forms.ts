/**
 * The action forms: one per lifecycle action the card offers, plus intake for
 * an unknown code. A form knows its fields, the request it makes and how to
 * describe it in words; form-flow.ts sends it (or queues it).
 */
import { h } from './dom.js';
import { t } from './i18n.js';
import type { Settings } from './settings.js';
import { CATEGORIES } from './choices.js';
import type { Device } from './types.js';
import { compact, field, input, numberOf, opt, rowIndexes, rows, driveRow, select, textarea, value } from './form-fields.js';
import { STATION_ACTIONS, type FormSpec, type StationAction } from './form-spec.js';
import { completeRepairForm, gradeForm, noStorageForm, openRepairForm, registerStorageForm, sanitizeForm } from './forms-bench.js';
import { issueForm, recycleForm, returnForm, writeOffForm } from './forms-custody.js';
import { reportDrop, type HardwareDraft } from './report-drop.js';

export { STATION_ACTIONS, type FormSpec, type StationAction };

/** An unknown code: register a device carrying it, as its asset tag (pre-printed label) or its serial number. */
export function intakeForm(code: { assetTag?: string; serialNumber?: string }, settings: Settings, donations: Array<{ id: number; donorName: string; receivedAt: string }>): FormSpec {
  // What a dropped hardware report says that the form has no field for.
  let specs: HardwareDraft['specs'] | undefined;
  return {
    action: 'intake',
    title: t('station.intake.title'),
    submitLabel: t('station.intake.submit'),
    path: '/api/v1/devices',
    what: t('station.intake.what', { code: code.assetTag ?? code.serialNumber ?? '' }),
    assetTag: code.assetTag ?? null,
    fields: [
      reportDrop((draft) => (specs = Object.keys(draft.specs).length > 0 ? draft.specs : undefined)),
      code.assetTag ? field(t('station.device.assetTag'), input('assetTag', { value: code.assetTag, maxlength: 20 })) : null,
      field(t('station.device.category'), select('category', opt('category', CATEGORIES), settings.category)),
      field(t('station.device.make'), input('make', { required: true, maxlength: 100 })),
      field(t('station.device.model'), input('model', { required: true, maxlength: 100 })),
      field(t('station.device.serial'), input('serialNumber', { required: true, maxlength: 100, value: code.serialNumber })),
      h('h3', { text: t('station.intake.drives') }),
      h('p', { class: 'hint', text: t('station.intake.drivesHint') }),
      rows('storage', driveRow, 1, t('station.intake.addDrive')),
      field(t('station.device.weight'), input('weightGrams', { type: 'number', min: 1, step: '1' }), t('station.intake.weightHint')),
      donations.length > 0
        ? field(
            t('station.device.donation'),
            select('donationId', [['', t('station.intake.noDonation')], ...donations.map((d): [string, string] => [String(d.id), `${d.donorName} (${d.receivedAt.slice(0, 10)})`])], '', false),
          )
        : null,
      field(t('station.device.location'), input('location', { maxlength: 200 })),
      field(t('station.device.notes'), textarea('notes', { maxlength: 4000 })),
    ],
    body: (form) =>
      compact({
        assetTag: value(form, 'assetTag'),
        category: value(form, 'category'),
        make: value(form, 'make'),
        model: value(form, 'model'),
        serialNumber: value(form, 'serialNumber'),
        storage: rowIndexes(form, 'storage').map((i) =>
          compact({ serialNumber: value(form, `storage.${i}.serialNumber`), kind: value(form, `storage.${i}.kind`), capacityGb: numberOf(form, `storage.${i}.capacityGb`), model: value(form, `storage.${i}.model`) }),
        ),
        specs,
        weightGrams: numberOf(form, 'weightGrams'),
        donationId: numberOf(form, 'donationId'),
        location: value(form, 'location'),
        notes: value(form, 'notes'),
      }),
    remember: (form) => {
      settings.category = value(form, 'category') ?? settings.category;
    },
  };
}


export function actionForm(action: StationAction, device: Device, context: { settings: Settings; openRepairId: number | null; now: () => string }): FormSpec {
  switch (action) {
    case 'register_storage':
      return registerStorageForm(device);
    case 'sanitize':
      return sanitizeForm(device, context.settings, context.now);
    case 'confirm_no_storage':
      return noStorageForm(device);
    case 'open_repair':
      return openRepairForm(device);
    case 'complete_repair':
      return completeRepairForm(device, context.openRepairId);
    case 'grade':
      return gradeForm(device);
    case 'issue':
      return issueForm(device);
    case 'return':
      return returnForm(device);
    case 'recycle':
      return recycleForm(device);
    case 'write_off':
      return writeOffForm(device);
  }
}
