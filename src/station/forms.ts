/**
 * The action forms: one per lifecycle action the card offers, plus intake for
 * an unknown code. A form knows its fields, the request it makes and how to
 * describe it in words; main.ts sends it (or queues it).
 */
import { h, type Child } from './dom.js';
import { t, tOr, type MessageKey } from './i18n.js';
import type { Settings } from './settings.js';
import { ACCESSORIES, CATEGORIES, CHECKLIST, CHOICES, DRIVE_KINDS, LANGUAGES, METHODS, VERIFICATIONS } from './choices.js';
import type { Device } from './types.js';
import { allowedTechniques, mediaRule, usualChoice, type MethodClass } from '../modules/sanitization/media-techniques.js';

export interface FormSpec {
  /** The lifecycle action (or "intake"), also the form's data-action. */
  action: string;
  title: string;
  /** Fields, in order. Input names are the body's field paths, so problem+json errors land on them. */
  fields: Child[];
  submitLabel: string;
  path: string;
  /** The request body from what was entered. */
  body(form: HTMLFormElement): unknown;
  /** In words, for feedback and the queue list. */
  what: string;
  /** The asset tag the request is about (null for intake with an assigned tag). */
  assetTag: string | null;
  /** The device the form is about, shown under the title. */
  subject?: string;
  /** Nothing to send: the form explains why (e.g. the open repair could not be found). */
  blocked?: boolean;
  /** Called after a successful answer, e.g. to remember station defaults. */
  remember?(form: HTMLFormElement): void;
}

// ---- field helpers --------------------------------------------------------

let fieldCounter = 0;

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = `f${++fieldCounter}`;
  control.id = id;
  const name = control.getAttribute('name') ?? '';
  return h(
    'div',
    { class: 'field', attrs: { 'data-field': name } },
    h('label', { attrs: { for: id }, text: label }),
    control,
    hint ? h('small', { class: 'hint', text: hint }) : null,
    h('span', { class: 'field-error', attrs: { 'aria-live': 'polite' } }),
  );
}

function input(name: string, options: { value?: string | number | undefined; type?: string; required?: boolean; min?: number; max?: number; step?: string; maxlength?: number; placeholder?: string } = {}) {
  return h('input', {
    attrs: {
      name,
      type: options.type ?? 'text',
      value: options.value === undefined ? null : String(options.value),
      required: options.required ?? false,
      min: options.min,
      max: options.max,
      step: options.step,
      maxlength: options.maxlength,
      placeholder: options.placeholder,
      autocomplete: 'off',
    },
  });
}

function select(name: string, options: Array<[value: string, label: string]>, value?: string, required = true) {
  return h(
    'select',
    { attrs: { name, required } },
    options.map(([v, label]) => h('option', { attrs: { value: v, selected: v === value }, text: label })),
  );
}

function textarea(name: string, options: { required?: boolean; maxlength?: number; value?: string } = {}) {
  const el = h('textarea', { attrs: { name, rows: 2, required: options.required ?? false, maxlength: options.maxlength } });
  if (options.value) el.value = options.value;
  return el;
}

function checkbox(name: string, label: string, checked = false, required = false): HTMLElement {
  return h(
    'label',
    { class: 'check', attrs: { 'data-field': name } },
    h('input', { attrs: { type: 'checkbox', name, checked, required } }),
    h('span', { text: label }),
    h('span', { class: 'field-error' }),
  );
}

/** Big buttons for a choice made many times a day (grade, outcome). */
function choice(name: string, options: Array<[value: string, label: string]>, value?: string): HTMLElement {
  return h(
    'fieldset',
    { class: 'choice', attrs: { 'data-field': name } },
    options.map(([v, label]) =>
      h('label', {}, h('input', { attrs: { type: 'radio', name, value: v, required: true, checked: v === value } }), h('span', { text: label })),
    ),
    h('span', { class: 'field-error' }),
  );
}

/** Fields filled now and then, folded away so that the usual ones and the save button fit the screen. */
function more(summary: string, ...fields: Child[]): HTMLElement {
  return h('details', { class: 'more' }, h('summary', { text: summary }), h('div', { class: 'more-fields' }, fields));
}

function choiceField(label: string, name: string, options: Array<[value: string, label: string]>, value?: string): HTMLElement {
  return h('div', { class: 'field' }, h('span', { class: 'label', text: label }), choice(name, options, value));
}

const opt = (prefix: string, values: readonly string[]): Array<[string, string]> => values.map((v) => [v, tOr(`${prefix}.${v}`, v)]);

// ---- reading the form -----------------------------------------------------

function value(form: HTMLFormElement, name: string): string | undefined {
  const el = form.elements.namedItem(name);
  if (el instanceof RadioNodeList) return el.value === '' ? undefined : el.value;
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
    const v = el.value.trim();
    return v === '' ? undefined : v;
  }
  return undefined;
}

function numberOf(form: HTMLFormElement, name: string): number | undefined {
  const v = value(form, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  // Sent as typed when it is not a number: the service names the field.
  return Number.isFinite(n) ? n : (v as unknown as number);
}

function checked(form: HTMLFormElement, name: string): boolean {
  const el = form.elements.namedItem(name);
  return el instanceof HTMLInputElement && el.checked;
}

/** Only the keys that have a value: optional fields left empty are not sent. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---- repeated rows (drives at intake, parts in a repair) --------------------

function rows(kind: 'storage' | 'partsUsed', build: (i: number) => Child[], initial: number, addLabel: string): HTMLElement {
  const list = h('div', { class: 'rows', attrs: { 'data-rows': kind } });
  let next = 0;
  const add = () => {
    const i = next++;
    const row = h(
      'div',
      { class: 'row', attrs: { 'data-row': i } },
      build(i),
      h('button', { class: 'link', attrs: { type: 'button', 'aria-label': t('station.form.removeRow') }, text: '✕', on: { click: () => row.remove() } }),
    );
    list.appendChild(row);
  };
  for (let i = 0; i < initial; i++) add();
  return h('div', {}, list, h('button', { class: 'secondary', attrs: { type: 'button' }, text: addLabel, on: { click: add } }));
}

function rowIndexes(form: HTMLFormElement, kind: string): number[] {
  return Array.from(form.querySelectorAll<HTMLElement>(`[data-rows="${kind}"] > [data-row]`), (el) => Number(el.dataset['row']));
}

const driveRow = (i: number): Child[] => [
  field(t('station.drive.serial'), input(`storage.${i}.serialNumber`, { required: true, maxlength: 100 })),
  field(t('station.drive.kind'), select(`storage.${i}.kind`, opt('station.driveKind', DRIVE_KINDS), 'ssd')),
  field(t('station.drive.capacity'), input(`storage.${i}.capacityGb`, { type: 'number', min: 0, step: '1' })),
];

const partRow = (i: number): Child[] => [
  field(t('station.part.name'), input(`partsUsed.${i}.name`, { required: true, maxlength: 200 })),
  field(t('station.part.quantity'), input(`partsUsed.${i}.quantity`, { type: 'number', min: 1, value: 1, step: '1' })),
  field(t('station.part.source'), input(`partsUsed.${i}.sourceAssetTag`, { maxlength: 20 })),
];

function parts(form: HTMLFormElement) {
  const list = rowIndexes(form, 'partsUsed').map((i) =>
    compact({ name: value(form, `partsUsed.${i}.name`), quantity: numberOf(form, `partsUsed.${i}.quantity`), sourceAssetTag: value(form, `partsUsed.${i}.sourceAssetTag`)?.toUpperCase() }),
  );
  return list.length > 0 ? list : undefined;
}

// ---- the forms ------------------------------------------------------------

const base = (device: Device) => `/api/v1/devices/${encodeURIComponent(device.assetTag)}`;
const who = (device: Device) => `${device.assetTag} · ${device.make} ${device.model}`;

/** The parts every form about one device shares: its title from the action, the device named, the path below the device. */
function deviceForm(
  device: Device,
  action: StationAction,
  spec: Pick<FormSpec, 'fields' | 'body'> & Partial<Pick<FormSpec, 'submitLabel' | 'remember' | 'blocked'>> & { path: string },
): FormSpec {
  const title = t(`station.action.${action}`);
  return {
    ...spec,
    action,
    title,
    submitLabel: spec.submitLabel ?? t('station.form.save'),
    path: `${base(device)}${spec.path}`,
    what: `${who(device)} · ${title}`,
    assetTag: device.assetTag,
    subject: who(device),
  };
}

/** An unknown code: register a device carrying it, as its asset tag (pre-printed label) or its serial number. */
export function intakeForm(code: { assetTag?: string; serialNumber?: string }, settings: Settings, donations: Array<{ id: number; donorName: string; receivedAt: string }>): FormSpec {
  return {
    action: 'intake',
    title: t('station.intake.title'),
    submitLabel: t('station.intake.submit'),
    path: '/api/v1/devices',
    what: t('station.intake.what', { code: code.assetTag ?? code.serialNumber ?? '' }),
    assetTag: code.assetTag ?? null,
    fields: [
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
          compact({ serialNumber: value(form, `storage.${i}.serialNumber`), kind: value(form, `storage.${i}.kind`), capacityGb: numberOf(form, `storage.${i}.capacityGb`) }),
        ),
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

function registerStorageForm(device: Device): FormSpec {
  return deviceForm(device, 'register_storage', {
    path: '/storage',
    fields: [
      h('p', { class: 'hint', text: t('station.storage.hint') }),
      field(t('station.drive.serial'), input('serialNumber', { required: true, maxlength: 100 })),
      field(t('station.drive.kind'), select('kind', opt('station.driveKind', DRIVE_KINDS), 'ssd')),
      field(t('station.drive.capacity'), input('capacityGb', { type: 'number', min: 0, step: '1' })),
      field(t('station.drive.model'), input('model', { maxlength: 200 })),
    ],
    body: (form) => compact({ serialNumber: value(form, 'serialNumber'), kind: value(form, 'kind'), capacityGb: numberOf(form, 'capacityGb'), model: value(form, 'model') }),
  });
}

function sanitizeForm(device: Device, settings: Settings, now: () => string): FormSpec {
  const d = settings.sanitize;
  // The first drive still to pass is the one most likely on the bench.
  const drives = [...device.storage].sort((a, b) => Number(a.sanitizationState === 'passed') - Number(b.sanitizationState === 'passed'));
  const kindOf = (serial: string | undefined) => (drives.find((x) => x.serialNumber === serial) ?? drives[0])?.kind ?? 'other';
  const driveSelect = select(
    'storageSerial',
    drives.map((s): [string, string] => [s.serialNumber, `${s.serialNumber} · ${tOr(`station.driveKind.${s.kind}`, s.kind)}${s.capacityGb ? ` ${s.capacityGb} GB` : ''} · ${tOr(`station.state.${s.sanitizationState}`, s.sanitizationState)}`]),
    drives[0]?.serialNumber,
  );
  // SPEC §3: only the techniques valid for this kind of drive at this method, from the service's own table.
  // The remembered method and technique are kept where they fit the drive; otherwise its usual choice.
  const first = kindOf(drives[0]?.serialNumber);
  const usual = usualChoice(first);
  const startMethod = d.method && (METHODS as readonly string[]).includes(d.method) ? (d.method as MethodClass) : usual.method;
  const methodSelect = select('method', opt('station.method', METHODS), startMethod);
  const techniqueSelect = select('technique', [], undefined);
  const fillTechniques = (preferred: string | undefined) => {
    const kind = kindOf(driveSelect.value);
    const method = methodSelect.value as MethodClass;
    const allowed = allowedTechniques(kind, method);
    const chosen = preferred && (allowed as readonly string[]).includes(preferred) ? preferred : mediaRule(kind, method).usual;
    techniqueSelect.replaceChildren(...opt('station.technique', allowed).map(([v, label]) => h('option', { attrs: { value: v, selected: v === chosen }, text: label })));
    techniqueSelect.value = chosen;
  };
  fillTechniques(d.technique);
  driveSelect.addEventListener('change', () => {
    const u = usualChoice(kindOf(driveSelect.value));
    methodSelect.value = u.method;
    fillTechniques(u.technique);
  });
  methodSelect.addEventListener('change', () => fillTechniques(techniqueSelect.value));
  return deviceForm(device, 'sanitize', {
    path: '/sanitizations',
    fields: [
      field(t('station.sanitize.drive'), driveSelect),
      field(t('station.sanitize.method'), methodSelect),
      field(t('station.sanitize.technique'), techniqueSelect),
      field(t('station.sanitize.tool'), input('tool', { required: true, maxlength: 200, value: d.tool })),
      field(t('station.sanitize.verification'), select('verification', opt('station.verification', VERIFICATIONS), d.verification ?? 'full')),
      choiceField(t('station.sanitize.result'), 'result', opt('station.result', CHOICES['station.result'])),
      more(
        t('station.form.more'),
        field(t('station.sanitize.toolVersion'), input('toolVersion', { maxlength: 100, value: d.toolVersion })),
        field(t('station.sanitize.standard'), input('standard', { maxlength: 100, value: d.standard }), t('station.sanitize.standardHint')),
        field(t('station.sanitize.reportSha256'), input('reportSha256', { maxlength: 64 }), t('station.sanitize.reportHint')),
        field(t('station.device.notes'), textarea('notes', { maxlength: 2000 })),
      ),
    ],
    body: (form) =>
      compact({
        storageSerial: value(form, 'storageSerial'),
        method: value(form, 'method'),
        technique: value(form, 'technique'),
        tool: value(form, 'tool'),
        toolVersion: value(form, 'toolVersion'),
        verification: value(form, 'verification'),
        standard: value(form, 'standard'),
        result: value(form, 'result'),
        reportSha256: value(form, 'reportSha256'),
        notes: value(form, 'notes'),
        // When the wipe finished, as the server's clock would say: a record queued offline keeps its time.
        completedAt: now(),
      }),
    remember: (form) => {
      settings.sanitize = compact({
        method: value(form, 'method'),
        technique: value(form, 'technique'),
        tool: value(form, 'tool'),
        toolVersion: value(form, 'toolVersion'),
        verification: value(form, 'verification'),
        standard: value(form, 'standard'),
      });
    },
  });
}

function noStorageForm(device: Device): FormSpec {
  return deviceForm(device, 'confirm_no_storage', {
    submitLabel: t('station.noStorage.submit'),
    path: '/sanitizations',
    fields: [
      h('p', { text: t('station.noStorage.explain') }),
      checkbox('checked', t('station.noStorage.checked'), false, true),
      field(t('station.device.notes'), textarea('notes', { maxlength: 2000 })),
    ],
    body: (form) => compact({ noStorage: true, notes: value(form, 'notes') }),
  });
}

function openRepairForm(device: Device): FormSpec {
  return deviceForm(device, 'open_repair', {
    path: '/repairs',
    fields: [
      field(t('station.repair.description'), textarea('description', { required: true, maxlength: 2000 })),
      field(t('station.repair.minutes'), input('minutes', { type: 'number', min: 0, step: '1' })),
      h('h3', { text: t('station.repair.parts') }),
      rows('partsUsed', partRow, 0, t('station.repair.addPart')),
    ],
    body: (form) => compact({ description: value(form, 'description'), minutes: numberOf(form, 'minutes'), partsUsed: parts(form) }),
  });
}

function completeRepairForm(device: Device, repairId: number | null): FormSpec {
  return deviceForm(device, 'complete_repair', {
    path: `/repairs/${repairId ?? 0}/complete`,
    blocked: repairId === null,
    fields: [
      repairId === null ? h('p', { class: 'warning', text: t('station.repair.unknownOpen') }) : null,
      choiceField(t('station.repair.outcome'), 'outcome', opt('station.outcome', CHOICES['station.outcome'])),
      field(t('station.repair.minutes'), input('minutes', { type: 'number', min: 0, step: '1' })),
      h('h3', { text: t('station.repair.parts') }),
      rows('partsUsed', partRow, 0, t('station.repair.addPart')),
      field(t('station.device.notes'), textarea('notes', { maxlength: 2000 })),
    ],
    body: (form) => compact({ outcome: value(form, 'outcome'), minutes: numberOf(form, 'minutes'), partsUsed: parts(form), notes: value(form, 'notes') }),
  });
}

function gradeForm(device: Device): FormSpec {
  const s = device.specs;
  return deviceForm(device, 'grade', {
    path: '/grade',
    fields: [
      choiceField(t('station.grade.grade'), 'grade', CHOICES['station.grade'].map((g): [string, string] => [g, t(`station.grade.${g}`)])),
      h('h3', { text: t('station.grade.checklist') }),
      h('div', { class: 'checklist' }, CHECKLIST.map((c) => checkbox(`checklist.${c}`, t(`station.check.${c}`)))),
      field(t('station.check.batteryHealthPercent'), input('checklist.batteryHealthPercent', { type: 'number', min: 0, max: 100, step: '1' })),
      more(
        t('station.grade.specs'),
        field(t('station.spec.cpu'), input('specs.cpu', { value: s.cpu, maxlength: 200 })),
        field(t('station.spec.ramGb'), input('specs.ramGb', { type: 'number', min: 0, step: 'any', value: s.ramGb })),
        field(t('station.spec.storageGb'), input('specs.storageGb', { type: 'number', min: 0, step: '1', value: s.storageGb })),
        field(t('station.spec.screenInches'), input('specs.screenInches', { type: 'number', min: 0, step: 'any', value: s.screenInches })),
        field(t('station.spec.os'), input('specs.os', { value: s.os, maxlength: 100 })),
      ),
    ],
    body: (form) => {
      const checklist: Record<string, boolean | number> = {};
      // A ticked box says the item works; an unticked one was not checked (SPEC §3), so it contradicts no grade.
      for (const c of CHECKLIST) if (checked(form, `checklist.${c}`)) checklist[c] = true;
      const battery = numberOf(form, 'checklist.batteryHealthPercent');
      if (battery !== undefined) checklist['batteryHealthPercent'] = battery;
      const specs = compact({
        cpu: value(form, 'specs.cpu'),
        ramGb: numberOf(form, 'specs.ramGb'),
        storageGb: numberOf(form, 'specs.storageGb'),
        screenInches: numberOf(form, 'specs.screenInches'),
        os: value(form, 'specs.os'),
      });
      return compact({ grade: value(form, 'grade'), checklist, specs: Object.keys(specs).length > 0 ? specs : undefined });
    },
  });
}

function recycleForm(device: Device): FormSpec {
  const reasons: MessageKey[] = ['station.recycle.reason.beyondRepair', 'station.recycle.reason.obsolete', 'station.recycle.reason.partsHarvested', 'station.recycle.reason.hazard'];
  const reason = textarea('reason', { required: true, maxlength: 1000 });
  return deviceForm(device, 'recycle', {
    submitLabel: t('station.recycle.submit'),
    path: '/recycle',
    fields: [
      h(
        'div',
        { class: 'quick' },
        reasons.map((key) => h('button', { class: 'secondary', attrs: { type: 'button' }, text: t(key), on: { click: () => (reason.value = t(key)) } })),
      ),
      field(t('station.recycle.reason'), reason),
    ],
    body: (form) => ({ reason: value(form, 'reason') }),
  });
}

function writeOffForm(device: Device): FormSpec {
  return deviceForm(device, 'write_off', {
    submitLabel: t('station.writeOff.submit'),
    path: '/write-off',
    fields: [h('p', { class: 'warning', text: t('station.writeOff.explain') }), field(t('station.recycle.reason'), textarea('reason', { required: true, maxlength: 1000 }))],
    body: (form) => ({ reason: value(form, 'reason') }),
  });
}

function issueForm(device: Device, settings: Settings): FormSpec {
  const due = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
  return deviceForm(device, 'issue', {
    submitLabel: t('station.issue.submit'),
    path: '/issue',
    fields: [
      field(t('station.issue.participant'), input('participantCode', { required: true, maxlength: 20 }), t('station.issue.participantHint')),
      choiceField(t('station.issue.kind'), 'kind', opt('station.issueKind', CHOICES['station.issueKind']), 'gift'),
      field(t('station.issue.dueDate'), input('dueDate', { type: 'date', value: due }), t('station.issue.dueHint')),
      h('h3', { text: t('station.issue.accessories') }),
      h('div', { class: 'checklist' }, ACCESSORIES.map((a) => checkbox(`accessory.${a}`, t(`station.accessory.${a}`), a === 'charger'))),
      field(t('station.issue.otherAccessories'), input('otherAccessories', { maxlength: 300 }), t('station.issue.otherHint')),
      field(t('station.issue.language'), select('agreementLanguage', LANGUAGES.map((l): [string, string] => [l, tOr(`language.${l}`, l)]), settings.locale === 'fr' ? 'fr' : 'iu')),
      checkbox('agreementAccepted', t('station.issue.agreement'), false, true),
      more(
        t('station.issue.override'),
        field(t('station.issue.overrideReason'), select('overrideReason', [['', t('station.issue.overrideNone')], ...opt('station.overrideReason', CHOICES['station.overrideReason'])], '', false), t('station.issue.overrideHint')),
        field(t('station.issue.overrideNote'), textarea('overrideNote', { maxlength: 500 }), t('station.issue.overrideNoteHint')),
      ),
    ],
    body: (form) => {
      const kind = value(form, 'kind');
      const accessories = [
        ...ACCESSORIES.filter((a) => checked(form, `accessory.${a}`)).map((a) => t(`station.accessory.${a}`)),
        ...(value(form, 'otherAccessories') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ];
      return compact({
        participantCode: value(form, 'participantCode')?.toUpperCase(),
        kind,
        dueDate: kind === 'loan' ? value(form, 'dueDate') : undefined,
        accessories,
        agreementLanguage: value(form, 'agreementLanguage'),
        agreementAccepted: checked(form, 'agreementAccepted') ? true : undefined,
        overrideReason: value(form, 'overrideReason'),
        overrideNote: value(form, 'overrideNote'),
      });
    },
  });
}

function returnForm(device: Device): FormSpec {
  return deviceForm(device, 'return', {
    submitLabel: t('station.return.submit'),
    path: '/return',
    fields: [
      choiceField(t('station.return.condition'), 'condition', opt('station.condition', CHOICES['station.condition'])),
      checkbox('personalDataRemoved', t('station.return.personalDataRemoved')),
      field(t('station.device.notes'), textarea('notes', { maxlength: 2000 })),
      h('p', { class: 'hint', text: t('station.return.hint') }),
    ],
    // Unticked means "not said", not "not removed": only a tick is sent.
    body: (form) => compact({ condition: value(form, 'condition'), personalDataRemoved: checked(form, 'personalDataRemoved') ? true : undefined, notes: value(form, 'notes') }),
  });
}

/** The actions the station offers as buttons, in the order a device meets them. ("update" and "ship" live elsewhere.) */
export const STATION_ACTIONS = ['register_storage', 'sanitize', 'confirm_no_storage', 'open_repair', 'complete_repair', 'grade', 'issue', 'return', 'recycle', 'write_off'] as const;
export type StationAction = (typeof STATION_ACTIONS)[number];

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
      return issueForm(device, context.settings);
    case 'return':
      return returnForm(device);
    case 'recycle':
      return recycleForm(device);
    case 'write_off':
      return writeOffForm(device);
  }
}
