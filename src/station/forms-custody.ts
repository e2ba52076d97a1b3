/** The forms that change who holds a device or where it goes: issue, return, recycle, write off. */
import { h } from './dom.js';
import { currentLocale, t, tOr, type MessageKey } from './i18n.js';
import { ACCESSORIES, CHOICES, LANGUAGES } from './choices.js';
import type { Device } from './types.js';
import { checkbox, checked, choiceField, compact, field, input, more, opt, select, textarea, value } from './form-fields.js';
import { deviceForm, type FormSpec } from './form-spec.js';

export function recycleForm(device: Device): FormSpec {
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

export function writeOffForm(device: Device): FormSpec {
  return deviceForm(device, 'write_off', {
    submitLabel: t('station.writeOff.submit'),
    path: '/write-off',
    fields: [h('p', { class: 'warning', text: t('station.writeOff.explain') }), field(t('station.recycle.reason'), textarea('reason', { required: true, maxlength: 1000 }))],
    body: (form) => ({ reason: value(form, 'reason') }),
  });
}

export function issueForm(device: Device): FormSpec {
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
      field(t('station.issue.language'), select('agreementLanguage', LANGUAGES.map((l): [string, string] => [l, tOr(`language.${l}`, l)]), currentLocale() === 'fr' ? 'fr' : 'iu')),
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

export function returnForm(device: Device): FormSpec {
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
