/** Recording a donation: donor, type, date, the devices announced and a contact at the donor (optional, personal data); refusals beside their field. */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { DONATION_FIELDS, DONOR_TYPES, donationBody, emptyDonation, withContactFields, type Donation, type DonationDraft } from '../client/donations.js';
import { workshopToday } from '../client/format.js';
import { t } from '../client/i18n.js';
import { hashFor } from '../client/office-pages.js';
import { formProblem, type FormProblem } from '../client/problems.js';
import { call, route } from './state.js';
import { Message, SelectField, TextField, reasonOf } from './ui.js';

const NONE: FormProblem = { fields: {}, general: null };

export function DonationCreate() {
  const [draft, setDraft] = useState<DonationDraft>(() => emptyDonation(workshopToday(new Date())));
  const [problem, setProblem] = useState<FormProblem>(NONE);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof DonationDraft) => (value: string) => setDraft({ ...draft, [name]: value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const { donation } = await call<{ donation: Donation }>('POST', '/donations', { body: donationBody(draft) });
      setProblem(NONE);
      location.hash = hashFor('donations', String(donation.id));
      route.value = location.hash;
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(withContactFields(err.problem), DONATION_FIELDS) : { fields: {}, general: reasonOf(err) });
    } finally {
      setBusy(false);
    }
  };
  const field = (name: keyof DonationDraft) => ({ form: 'new-donation', name, error: problem.fields[name], value: draft[name], onInput: set(name), autocomplete: 'off' });
  return h(
    'form',
    { class: 'panel user-form', 'data-testid': 'create-donation', noValidate: true, 'aria-labelledby': 'new-donation-title', onSubmit: (e: Event) => void submit(e) },
    h('h2', { id: 'new-donation-title' }, t('office.donations.create')),
    h(Message, { kind: 'refused', text: problem.general }),
    h(TextField, { ...field('donorName'), label: t('office.donations.donor'), required: true }),
    h(SelectField, {
      ...field('donorType'),
      label: t('office.donations.donorType'),
      onChange: set('donorType'),
      options: DONOR_TYPES.map((d) => ({ value: d, label: t(`office.donations.type.${d}`) })),
    }),
    h(TextField, { ...field('receivedAt'), label: t('office.donations.receivedAt'), type: 'date', required: true }),
    h(TextField, { ...field('expectedDevices'), label: t('office.donations.expected'), hint: t('office.donations.expectedHint'), type: 'text' }),
    h(TextField, { ...field('notes'), label: t('office.donations.notes') }),
    h(
      'fieldset',
      { class: 'consent', 'data-field': 'contact' },
      h('legend', null, t('office.donations.contact')),
      h('p', { class: 'hint', id: 'new-donation-contact-hint' }, t('office.donations.contactHint')),
      problem.fields['contact'] ? h('p', { class: 'field-error' }, problem.fields['contact']) : null,
      h(TextField, { ...field('contactName'), label: t('office.donations.contactName') }),
      h(TextField, { ...field('contactEmail'), label: t('office.donations.contactEmail'), type: 'email' }),
      h(TextField, { ...field('contactPhone'), label: t('office.donations.contactPhone'), type: 'tel' }),
    ),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary', disabled: busy }, t('office.donations.createSubmit'))),
  );
}
