/** Registering a participant (coordinators, admins): consent is required and recorded with its language; refusals sit beside their field. */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { t } from '../client/i18n.js';
import { withConsentFields, type ParticipantSummary } from '../client/participants.js';
import { formProblem, type FormProblem } from '../client/problems.js';
import { call, route } from './state.js';
import { CheckboxField, Message, SelectField, TextField, reasonOf } from './ui.js';

/** Languages a consent may be given in (participants.schemas.ts LANGUAGES). */
const LANGUAGES = ['iu', 'ikt', 'en', 'fr'] as const;
/** Body fields, as the refusals name them (`body.consent.given` is shown beside the consent box). */
const FIELDS = ['community', 'program', 'cohort', 'displayName', 'contact', 'consent', 'language', 'consentDate'] as const;

interface Draft {
  community: string;
  program: string;
  cohort: string;
  displayName: string;
  contact: string;
  consentGiven: boolean;
  language: string;
  consentDate: string;
}
const EMPTY: Draft = { community: '', program: '', cohort: '', displayName: '', contact: '', consentGiven: false, language: 'iu', consentDate: '' };

/** Empty optional fields are left out rather than sent as '' (the schema wants at least one character). */
function bodyOf(d: Draft): Record<string, unknown> {
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    community: d.community.trim(),
    program: optional(d.program),
    cohort: optional(d.cohort),
    displayName: optional(d.displayName),
    contact: optional(d.contact),
    consent: { given: d.consentGiven, language: d.language, date: optional(d.consentDate) },
  };
}

export function ParticipantCreate() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problem, setProblem] = useState<FormProblem>({ fields: {}, general: null });
  const set = (name: keyof Draft) => (value: string) => setDraft({ ...draft, [name]: value });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const { participant } = await call<{ participant: ParticipantSummary }>('POST', '/participants', { body: bodyOf(draft) });
      setProblem({ fields: {}, general: null });
      setDraft(EMPTY);
      location.hash = `#/participants/${encodeURIComponent(participant.code)}`;
      route.value = location.hash;
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(withConsentFields(err.problem), FIELDS) : { fields: {}, general: reasonOf(err) });
    }
  };
  const field = (name: (typeof FIELDS)[number]) => ({ form: 'new-participant', name, error: problem.fields[name] });
  const text = (name: 'community' | 'program' | 'cohort' | 'displayName' | 'contact') => ({ ...field(name), value: draft[name], onInput: set(name), autocomplete: 'off' });
  return h(
    'form',
    { class: 'panel user-form', 'data-testid': 'create-participant', 'aria-labelledby': 'new-participant-title', onSubmit: (e: Event) => void submit(e) },
    h('h2', { id: 'new-participant-title' }, t('office.participants.create')),
    h(Message, { kind: 'refused', text: problem.general }),
    h(TextField, { ...text('community'), label: t('office.participants.community'), list: 'community-names', required: true }),
    h(TextField, { ...text('program'), label: t('office.participants.program') }),
    h(TextField, { ...text('cohort'), label: t('office.participants.cohort') }),
    h('p', { class: 'hint' }, t('office.participants.personalHint')),
    h(TextField, { ...text('displayName'), label: t('office.participants.displayName') }),
    h(TextField, { ...text('contact'), label: t('office.participants.contact') }),
    h(
      'fieldset',
      { class: 'consent' },
      h('legend', null, t('office.participants.consent')),
      h(CheckboxField, { ...field('consent'), label: t('office.participants.consentBox'), checked: draft.consentGiven, onChange: (v) => setDraft({ ...draft, consentGiven: v }) }),
      h(SelectField, {
        ...field('language'),
        label: t('office.participants.consentLanguage'),
        value: draft.language,
        onChange: set('language'),
        options: LANGUAGES.map((l) => ({ value: l, label: t(`office.participants.language.${l}`) })),
      }),
      h(TextField, { ...field('consentDate'), label: t('office.participants.consentDate'), hint: t('office.participants.consentDateHint'), value: draft.consentDate, onInput: set('consentDate'), type: 'date' }),
    ),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, t('office.participants.createSubmit'))),
  );
}
