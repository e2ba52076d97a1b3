/**
 * A hardware report dropped on the intake form (or chosen with the file
 * picker): sent to POST /hardware-reports?dryRun=true, which writes nothing,
 * and its draft written into the form's fields. The trainee checks them and
 * registers as usual.
 */
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';
import { state } from './state.js';

export interface HardwareDraft {
  category: string | null;
  make: string | null;
  model: string | null;
  serialNumber: string | null;
  specs: { cpu?: string; ramGb?: number; storageGb?: number };
  storage: Array<{ serialNumber: string; kind: string; capacityGb: number | null; model: string | null }>;
}

interface DraftAnswer {
  format: string;
  draft: HardwareDraft;
  warnings: string[];
}

function setField(form: HTMLFormElement, name: string, value: string | number | null | undefined): void {
  if (value === null || value === undefined) return;
  const el = form.elements.namedItem(name);
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
    el.value = String(value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

/** The drive rows replaced by the report's drives; each row keeps the drive's model in a hidden field. */
function fillDrives(form: HTMLFormElement, drives: HardwareDraft['storage']): void {
  const list = form.querySelector<HTMLElement>('[data-rows="storage"]');
  const add = list?.parentElement?.querySelector<HTMLButtonElement>(':scope > button');
  if (!list || !add) return;
  list.replaceChildren();
  for (const drive of drives) {
    add.click();
    const row = list.lastElementChild as HTMLElement;
    const i = row.dataset['row']!;
    row.appendChild(h('input', { attrs: { type: 'hidden', name: `storage.${i}.model`, value: drive.model ?? '' } }));
    setField(form, `storage.${i}.serialNumber`, drive.serialNumber);
    setField(form, `storage.${i}.kind`, drive.kind);
    setField(form, `storage.${i}.capacityGb`, drive.capacityGb);
  }
}

async function readDraft(file: Blob): Promise<DraftAnswer | { problem: string }> {
  const res = await fetch('/api/v1/hardware-reports?dryRun=true', {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', accept: 'application/json, application/problem+json', ...(state.session ? { authorization: `Bearer ${state.session.token}` } : {}) },
    body: file,
    cache: 'no-store',
  }).catch(() => null);
  if (!res) return { problem: t('station.intake.reportOffline') };
  const body = (await res.json().catch(() => null)) as (DraftAnswer & { detail?: string }) | null;
  if (!res.ok || !body) return { problem: body?.detail ?? `${res.status} ${res.statusText}` };
  return body;
}

/**
 * The drop zone at the top of the intake form. `onDraft` keeps what the form
 * has no field for (the specs) for the request body.
 */
export function reportDrop(onDraft: (draft: HardwareDraft) => void): HTMLElement {
  const status = h('div', { class: 'report-status', attrs: { 'aria-live': 'polite', 'data-testid': 'report-status' } });
  const picker = h('input', { attrs: { type: 'file', accept: '.json,.txt,.log,application/json,text/plain', 'data-testid': 'report-file' } });
  const zone = h(
    'div',
    { class: 'report-drop', attrs: { 'data-testid': 'report-drop' } },
    h('strong', { text: t('station.intake.report') }),
    h('p', { class: 'hint', text: t('station.intake.reportHint') }),
    h('label', { class: 'secondary' }, h('span', { text: t('station.intake.reportChoose') }), picker),
    status,
  );

  async function take(file: File): Promise<void> {
    const form = zone.closest('form');
    if (!form) return;
    replaceChildren(status, h('p', { text: t('station.intake.reportReading', { name: file.name }) }));
    const answer = await readDraft(file);
    if ('problem' in answer) {
      zone.dataset['state'] = 'refused';
      replaceChildren(status, h('p', { class: 'field-error', text: t('station.intake.reportRefused', { reason: answer.problem }) }));
      return;
    }
    const d = answer.draft;
    setField(form, 'category', d.category);
    setField(form, 'make', d.make);
    setField(form, 'model', d.model);
    // A serial already there came from the scanned label: the report's goes in only where none was.
    const serial = form.elements.namedItem('serialNumber');
    if (serial instanceof HTMLInputElement && serial.value.trim() === '') setField(form, 'serialNumber', d.serialNumber);
    const warnings = [...answer.warnings];
    if (serial instanceof HTMLInputElement && d.serialNumber && serial.value.trim().toUpperCase() !== d.serialNumber.toUpperCase()) {
      warnings.unshift(t('station.intake.reportOtherSerial', { scanned: serial.value.trim(), report: d.serialNumber }));
    }
    if (d.storage.length > 0) fillDrives(form, d.storage);
    onDraft(d);
    zone.dataset['state'] = 'filled';
    replaceChildren(
      status,
      h('p', { text: t('station.intake.reportFilled', { format: answer.format }) }),
      d.specs.cpu || d.specs.ramGb !== undefined ? h('p', { class: 'hint', text: t('station.intake.reportSpecs', { cpu: d.specs.cpu ?? '—', ramGb: d.specs.ramGb ?? '—', storageGb: d.specs.storageGb ?? '—' }) }) : null,
      warnings.length > 0 ? h('ul', { class: 'report-warnings', attrs: { 'data-testid': 'report-warnings' } }, warnings.map((w) => h('li', { text: w }))) : null,
    );
  }

  picker.addEventListener('change', () => {
    const file = picker.files?.[0];
    if (file) void take(file);
    picker.value = '';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) void take(file);
  });
  return zone;
}
