/** The pieces the action forms are built from, and the reading of what was entered. Input names are the body's field paths. */
import { h, type Child } from './dom.js';
import { t, tOr } from './i18n.js';
import { DRIVE_KINDS } from './choices.js';

// ---- field helpers --------------------------------------------------------

let fieldCounter = 0;

export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
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

export function input(name: string, options: { value?: string | number | undefined; type?: string; required?: boolean; min?: number; max?: number; step?: string; maxlength?: number; placeholder?: string } = {}) {
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

export function select(name: string, options: Array<[value: string, label: string]>, value?: string, required = true) {
  return h(
    'select',
    { attrs: { name, required } },
    options.map(([v, label]) => h('option', { attrs: { value: v, selected: v === value }, text: label })),
  );
}

export function textarea(name: string, options: { required?: boolean; maxlength?: number; value?: string } = {}) {
  const el = h('textarea', { attrs: { name, rows: 2, required: options.required ?? false, maxlength: options.maxlength } });
  if (options.value) el.value = options.value;
  return el;
}

export function checkbox(name: string, label: string, checked = false, required = false): HTMLElement {
  return h(
    'label',
    { class: 'check', attrs: { 'data-field': name } },
    h('input', { attrs: { type: 'checkbox', name, checked, required } }),
    h('span', { text: label }),
    h('span', { class: 'field-error' }),
  );
}

/** Big buttons for a choice made many times a day (grade, outcome). */
export function choice(name: string, options: Array<[value: string, label: string]>, value?: string): HTMLElement {
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
export function more(summary: string, ...fields: Child[]): HTMLElement {
  return h('details', { class: 'more' }, h('summary', { text: summary }), h('div', { class: 'more-fields' }, fields));
}

export function choiceField(label: string, name: string, options: Array<[value: string, label: string]>, value?: string): HTMLElement {
  return h('div', { class: 'field' }, h('span', { class: 'label', text: label }), choice(name, options, value));
}

export const opt = (prefix: string, values: readonly string[]): Array<[string, string]> => values.map((v) => [v, tOr(`${prefix}.${v}`, v)]);

// ---- reading the form -----------------------------------------------------

export function value(form: HTMLFormElement, name: string): string | undefined {
  const el = form.elements.namedItem(name);
  if (el instanceof RadioNodeList) return el.value === '' ? undefined : el.value;
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
    const v = el.value.trim();
    return v === '' ? undefined : v;
  }
  return undefined;
}

export function numberOf(form: HTMLFormElement, name: string): number | undefined {
  const v = value(form, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  // Sent as typed when it is not a number: the service names the field.
  return Number.isFinite(n) ? n : (v as unknown as number);
}

export function checked(form: HTMLFormElement, name: string): boolean {
  const el = form.elements.namedItem(name);
  return el instanceof HTMLInputElement && el.checked;
}

/** Only the keys that have a value: optional fields left empty are not sent. */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---- repeated rows (drives at intake, parts in a repair) --------------------

export function rows(kind: 'storage' | 'partsUsed', build: (i: number) => Child[], initial: number, addLabel: string): HTMLElement {
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

export function rowIndexes(form: HTMLFormElement, kind: string): number[] {
  return Array.from(form.querySelectorAll<HTMLElement>(`[data-rows="${kind}"] > [data-row]`), (el) => Number(el.dataset['row']));
}

export const driveRow = (i: number): Child[] => [
  field(t('station.drive.serial'), input(`storage.${i}.serialNumber`, { required: true, maxlength: 100 })),
  field(t('station.drive.kind'), select(`storage.${i}.kind`, opt('station.driveKind', DRIVE_KINDS), 'ssd')),
  field(t('station.drive.capacity'), input(`storage.${i}.capacityGb`, { type: 'number', min: 0, step: '1' })),
];

export const partRow = (i: number): Child[] => [
  field(t('station.part.name'), input(`partsUsed.${i}.name`, { required: true, maxlength: 200 })),
  field(t('station.part.quantity'), input(`partsUsed.${i}.quantity`, { type: 'number', min: 1, value: 1, step: '1' })),
  field(t('station.part.source'), input(`partsUsed.${i}.sourceAssetTag`, { maxlength: 20 })),
];

export function parts(form: HTMLFormElement) {
  const list = rowIndexes(form, 'partsUsed').map((i) =>
    compact({ name: value(form, `partsUsed.${i}.name`), quantity: numberOf(form, `partsUsed.${i}.quantity`), sourceAssetTag: value(form, `partsUsed.${i}.sourceAssetTag`)?.toUpperCase() }),
  );
  return list.length > 0 ? list : undefined;
}
