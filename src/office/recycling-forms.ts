/** The Recycling page's forms: open a shipment for a recycler, register a recycler. The service's refusals sit beside the field they name. */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { t } from '../client/i18n.js';
import { hashFor } from '../client/office-pages.js';
import { formProblem, type FormProblem } from '../client/problems.js';
import { CERTIFICATIONS, RECYCLER_FIELDS, SHIPMENT_FIELDS, SHIPMENT_MODES, type Recycler, type Shipment } from '../client/recycling.js';
import { call, route } from './state.js';
import { Message, SelectField, TextField, reasonOf } from './ui.js';

const NONE: FormProblem = { fields: {}, general: null };
const optional = (v: string) => (v.trim() ? v.trim() : undefined);

export function ShipmentCreate(p: { recyclers: Recycler[] }) {
  const empty = { recyclerId: '', mode: 'sealift', carrier: '', containerNumber: '', sealNumber: '', billOfLading: '' };
  const [draft, setDraft] = useState(empty);
  const [problem, setProblem] = useState<FormProblem>(NONE);
  const set = (name: keyof typeof empty) => (value: string) => setDraft({ ...draft, [name]: value });
  const recyclerId = draft.recyclerId || String(p.recyclers[0]?.id ?? '');
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const body = {
        recyclerId: Number(recyclerId),
        mode: draft.mode,
        carrier: optional(draft.carrier),
        containerNumber: optional(draft.containerNumber),
        sealNumber: optional(draft.sealNumber),
        billOfLading: optional(draft.billOfLading),
      };
      const { shipment } = await call<{ shipment: Shipment }>('POST', '/shipments', { body });
      location.hash = hashFor('recycling', `shipments/${shipment.id}`);
      route.value = location.hash;
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(err.problem, SHIPMENT_FIELDS) : { fields: {}, general: reasonOf(err) });
    }
  };
  const field = (name: keyof typeof empty) => ({ form: 'new-shipment', name, error: problem.fields[name], value: draft[name], onInput: set(name), autocomplete: 'off' });
  if (p.recyclers.length === 0) {
    return h('section', { class: 'panel', 'aria-labelledby': 'new-shipment-title' }, h('h2', { id: 'new-shipment-title' }, t('office.recycling.createShipment')), h('p', { class: 'hint' }, t('office.recycling.needRecycler')));
  }
  return h(
    'form',
    { class: 'panel user-form', 'data-testid': 'create-shipment', 'aria-labelledby': 'new-shipment-title', noValidate: true, onSubmit: (e: Event) => void submit(e) },
    h('h2', { id: 'new-shipment-title' }, t('office.recycling.createShipment')),
    h(Message, { kind: 'refused', text: problem.general }),
    h(SelectField, {
      ...field('recyclerId'),
      value: recyclerId,
      label: t('office.recycling.recycler'),
      onChange: set('recyclerId'),
      options: p.recyclers.map((r) => ({ value: String(r.id), label: r.name })),
    }),
    h(SelectField, { ...field('mode'), label: t('office.recycling.mode'), onChange: set('mode'), options: SHIPMENT_MODES.map((m) => ({ value: m, label: t(`office.recycling.mode.${m}`) })) }),
    h(TextField, { ...field('carrier'), label: t('office.recycling.carrier') }),
    h(TextField, { ...field('containerNumber'), label: t('office.recycling.container') }),
    h(TextField, { ...field('sealNumber'), label: t('office.recycling.seal') }),
    h(TextField, { ...field('billOfLading'), label: t('office.recycling.billOfLading') }),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, t('office.recycling.createShipmentSubmit'))),
  );
}

export function RecyclerCreate(p: { onCreated: (r: Recycler) => void }) {
  const empty = { name: '', certification: 'R2', certificateExpiry: '', address: '' };
  const [draft, setDraft] = useState(empty);
  const [problem, setProblem] = useState<FormProblem>(NONE);
  const [done, setDone] = useState<string | null>(null);
  const set = (name: keyof typeof empty) => (value: string) => setDraft({ ...draft, [name]: value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    try {
      const body = { name: draft.name, certification: draft.certification, certificateExpiry: optional(draft.certificateExpiry), address: optional(draft.address) };
      const { recycler } = await call<{ recycler: Recycler }>('POST', '/recyclers', { body });
      setProblem(NONE);
      setDraft(empty);
      setDone(t('office.recycling.recyclerCreated', { name: recycler.name }));
      p.onCreated(recycler);
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(err.problem, RECYCLER_FIELDS) : { fields: {}, general: reasonOf(err) });
    }
  };
  const field = (name: keyof typeof empty) => ({ form: 'new-recycler', name, error: problem.fields[name], value: draft[name], onInput: set(name), autocomplete: 'off' });
  return h(
    'form',
    { class: 'panel user-form', 'data-testid': 'create-recycler', 'aria-labelledby': 'new-recycler-title', noValidate: true, onSubmit: (e: Event) => void submit(e) },
    h('h2', { id: 'new-recycler-title' }, t('office.recycling.createRecycler')),
    h(Message, { kind: 'refused', text: problem.general }),
    h(Message, { kind: 'success', text: done }),
    h(TextField, { ...field('name'), label: t('office.recycling.recyclerName'), required: true }),
    h(SelectField, {
      ...field('certification'),
      label: t('office.recycling.certification'),
      onChange: set('certification'),
      options: CERTIFICATIONS.map((c) => ({ value: c, label: t(`office.recycling.certification.${c}`) })),
    }),
    h(TextField, { ...field('certificateExpiry'), label: t('office.recycling.expiry'), type: 'date' }),
    h(TextField, { ...field('address'), label: t('office.recycling.address') }),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, t('office.recycling.createRecyclerSubmit'))),
  );
}
