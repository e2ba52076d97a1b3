/** The forms for work at the bench: drives and their sanitization, repairs, grading. */
import { h } from './dom.js';
import { t, tOr } from './i18n.js';
import type { Settings } from './settings.js';
import { CHECKLIST, CHOICES, DRIVE_KINDS, METHODS, VERIFICATIONS } from './choices.js';
import type { Device } from './types.js';
import { allowedTechniques, mediaRule, usualChoice, type MethodClass } from '../modules/sanitization/media-techniques.js';
import { checkbox, checked, choiceField, compact, field, input, more, numberOf, opt, partRow, parts, rows, select, textarea, value } from './form-fields.js';
import { deviceForm, type FormSpec } from './form-spec.js';

export function registerStorageForm(device: Device): FormSpec {
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

export function sanitizeForm(device: Device, settings: Settings, now: () => string): FormSpec {
  const d = settings.sanitize;
  // The first drive still to pass is the one most likely on the bench.
  const drives = [...device.storage].sort((a, b) => Number(a.sanitizationState === 'passed') - Number(b.sanitizationState === 'passed'));
  const kindOf = (serial: string | undefined) => (drives.find((x) => x.serialNumber === serial) ?? drives[0])?.kind ?? 'other';
  const driveSelect = select(
    'storageSerial',
    drives.map((s): [string, string] => [s.serialNumber, `${s.serialNumber} · ${tOr(`station.driveKind.${s.kind}`, s.kind)}${s.capacityGb ? ` ${t('unit.gb', { gb: s.capacityGb })}` : ''} · ${tOr(`station.state.${s.sanitizationState}`, s.sanitizationState)}`]),
    drives[0]?.serialNumber,
  );
  // docs/domain.md §3: only the techniques valid for this kind of drive at this method, from the service's own table.
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

export function noStorageForm(device: Device): FormSpec {
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

export function openRepairForm(device: Device): FormSpec {
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

export function completeRepairForm(device: Device, repairId: number | null): FormSpec {
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

export function gradeForm(device: Device): FormSpec {
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
      // A ticked box says the item works; an unticked one was not checked (docs/domain.md §3), so it contradicts no grade.
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
