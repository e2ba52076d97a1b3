/** A shipment's forms: a bulk line (weight typed in kilograms, kept in grams) while open, and the recycler's confirmation once shipped. */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { workshopToday } from '../client/format.js';
import { t } from '../client/i18n.js';
import { formProblem, type FormProblem } from '../client/problems.js';
import { BULK_FIELDS, bulkBody, CONFIRM_FIELDS, confirmBody, type BulkDraft, type ConfirmDraft, type Shipment } from '../client/recycling.js';
import { call } from './state.js';
import { Message, TextField, reasonOf } from './ui.js';

const NONE: FormProblem = { fields: {}, general: null };

export function BulkLineForm(p: { shipment: Shipment; onShipment: (s: Shipment) => void }) {
  const empty: BulkDraft = { category: '', weightKg: '', units: '' };
  const [draft, setDraft] = useState(empty);
  const [problem, setProblem] = useState<FormProblem>(NONE);
  const [done, setDone] = useState<string | null>(null);
  const set = (name: keyof BulkDraft) => (value: string) => setDraft({ ...draft, [name]: value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    try {
      const r = await call<{ shipment: Shipment }>('POST', `/shipments/${p.shipment.id}/bulk-lines`, { body: bulkBody(draft) });
      setProblem(NONE);
      setDraft(empty);
      setDone(t('office.recycling.bulkAdded', { category: draft.category.trim() }));
      p.onShipment(r.shipment);
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(err.problem, BULK_FIELDS) : { fields: {}, general: reasonOf(err) });
    }
  };
  return h(
    'form',
    { class: 'panel user-form', 'data-testid': 'bulk-line', 'aria-labelledby': 'bulk-title', noValidate: true, onSubmit: (e: Event) => void submit(e) },
    h('h2', { id: 'bulk-title' }, t('office.recycling.bulkTitle')),
    h(Message, { kind: 'refused', text: problem.general }),
    h(Message, { kind: 'success', text: done }),
    h(
      'div',
      { class: 'row3' },
      h(TextField, { form: 'bulk', name: 'category', label: t('office.recycling.bulkCategory'), hint: t('office.recycling.bulkCategoryHint'), error: problem.fields['category'], value: draft.category, onInput: set('category'), autocomplete: 'off' }),
      h(TextField, { form: 'bulk', name: 'units', label: t('office.recycling.units'), error: problem.fields['units'], value: draft.units, onInput: set('units'), autocomplete: 'off' }),
      h(TextField, { form: 'bulk', name: 'weightGrams', label: t('office.recycling.weightKg'), error: problem.fields['weightGrams'], value: draft.weightKg, onInput: set('weightKg'), autocomplete: 'off' }),
    ),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, t('office.recycling.bulkAdd'))),
  );
}

/** receivedAt is a date on the workshop's calendar (shipment-dates.ts): the form starts on the workshop's today. */
export function ConfirmForm(p: { shipment: Shipment; onShipment: (s: Shipment) => void }) {
  const [draft, setDraft] = useState<ConfirmDraft>(() => ({ certificateNumber: '', receivedAt: workshopToday(new Date()), receivedWeightKg: '' }));
  const [problem, setProblem] = useState<FormProblem>(NONE);
  const set = (name: keyof ConfirmDraft) => (value: string) => setDraft({ ...draft, [name]: value });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await call<{ shipment: Shipment }>('POST', `/shipments/${p.shipment.id}/confirm`, { body: confirmBody(draft) });
      setProblem(NONE);
      p.onShipment(r.shipment);
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(err.problem, CONFIRM_FIELDS) : { fields: {}, general: reasonOf(err) });
    }
  };
  return h(
    'form',
    { class: 'panel user-form', 'data-testid': 'confirm', 'aria-labelledby': 'confirm-title', noValidate: true, onSubmit: (e: Event) => void submit(e) },
    h('h2', { id: 'confirm-title' }, t('office.recycling.confirmTitle')),
    h('p', { class: 'hint' }, t('office.recycling.confirmHint')),
    h(Message, { kind: 'refused', text: problem.general }),
    h(TextField, {
      form: 'confirm',
      name: 'certificateNumber',
      label: t('office.recycling.certificateNumber'),
      error: problem.fields['certificateNumber'],
      value: draft.certificateNumber,
      onInput: set('certificateNumber'),
      autocomplete: 'off',
      required: true,
    }),
    h(TextField, { form: 'confirm', name: 'receivedAt', label: t('office.recycling.receivedAt'), error: problem.fields['receivedAt'], value: draft.receivedAt, onInput: set('receivedAt'), type: 'date', required: true }),
    h(TextField, {
      form: 'confirm',
      name: 'receivedWeightGrams',
      label: t('office.recycling.receivedWeightKg'),
      hint: t('office.recycling.receivedWeightHint'),
      error: problem.fields['receivedWeightGrams'],
      value: draft.receivedWeightKg,
      onInput: set('receivedWeightKg'),
      autocomplete: 'off',
    }),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, t('office.recycling.confirm'))),
  );
}
