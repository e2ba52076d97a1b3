/**
 * Issuing a device at the desk (coordinators, admins): the device by asset
 * tag (a device that is not ready is refused in words before anything is
 * sent), the participant picked by search, loan or gift, the due date of a
 * loan (proposed 90 days on), accessories, the agreement and its language.
 * On success the handover form is saved for printing, and the page says what
 * was done. Refusals sit beside the field they name.
 */
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { newKey, Refused } from '../client/api.js';
import { formatDate, t } from '../client/i18n.js';
import { calendarDate, DEFAULT_LOAN_DAYS, emptyIssueDraft, issueBody, type Issuance, type IssueDraft } from '../client/loans.js';
import { hashFor } from '../client/office-pages.js';
import type { ParticipantSummary } from '../client/participants.js';
import { formProblem, type FormProblem } from '../client/problems.js';
import { can } from '../modules/auth/permissions.js';
import { DeviceField, useDeviceLookup, statusInText, type Device } from './device-lookup.js';
import { openHandover, saveHandover } from './handover.js';
import { ParticipantPicker } from './participant-picker.js';
import { call, session } from './state.js';
import { CheckboxField, Message, SelectField, TextField, reasonOf } from './ui.js';

/** Body fields as the refusals name them; `tag` is the device (the path, not the body). */
const FIELDS = ['participantCode', 'kind', 'dueDate', 'accessories', 'agreementAccepted', 'agreementLanguage', 'overrideReason', 'overrideNote', 'tag'] as const;
/** Languages an agreement may be read in (participants.schemas.ts LANGUAGES). */
const LANGUAGES = ['iu', 'ikt', 'en', 'fr'] as const;
const OVERRIDE_REASONS = ['second_device_household', 'replacement', 'other'] as const;
const NO_PROBLEM: FormProblem = { fields: {}, general: null };

/** Why the device cannot go out, in words, before anything is sent; null when it can. */
function notIssuable(d: Device): string | null {
  if (d.status !== 'ready') return t('office.loans.device.notReady', { tag: d.assetTag, status: statusInText(d.status) });
  if (!d.allowedActions.includes('issue')) return t('office.loans.device.notIssuable', { tag: d.assetTag });
  return null;
}

export function LoanIssue(p: { tag: string; participant: string }) {
  const role = session.value?.user.role;
  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', { id: 'loans-title' }, t('office.loans.issue.title')),
    h('a', { href: hashFor('loans') }, t('office.loans.back')),
  );
  if (!role || !can(role, 'devices:issue')) {
    return h('section', { 'aria-labelledby': 'loans-title' }, head, h(Message, { kind: 'refused', text: t('office.loans.mayNotIssue') }));
  }
  return h('section', { class: 'loan-form', 'aria-labelledby': 'loans-title' }, head, h(IssueForm, p));
}

interface Done {
  issuance: Issuance;
  handover: { file: string } | { failed: string };
}

function IssueForm(p: { tag: string; participant: string }) {
  const lookup = useDeviceLookup(p.tag);
  const [chosen, setChosen] = useState<ParticipantSummary | null>(null);
  const [draft, setDraft] = useState<IssueDraft>(() => emptyIssueDraft(calendarDate(new Date())));
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  const set = <K extends keyof IssueDraft>(name: K) => (value: IssueDraft[K]) => setDraft({ ...draft, [name]: value });

  const submit = async (e: Event) => {
    e.preventDefault();
    const device = lookup.device ?? (await lookup.lookUp());
    if (!device) return;
    const early = notIssuable(device);
    if (early) return setProblem({ fields: { tag: early }, general: null });
    if (!chosen) return setProblem({ fields: { participantCode: t('office.loans.participant.required') }, general: null });
    setBusy(true);
    try {
      const { issuance } = await call<{ issuance: Issuance; device: Device }>('POST', `/devices/${encodeURIComponent(device.assetTag)}/issue`, {
        body: issueBody({ ...draft, participantCode: chosen.code }),
        idempotencyKey: newKey(),
      });
      setProblem(NO_PROBLEM);
      let handover: Done['handover'];
      try {
        handover = { file: await saveHandover(issuance.id) };
      } catch (err) {
        handover = { failed: reasonOf(err) };
      }
      setDone({ issuance, handover });
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(err.problem, FIELDS) : { fields: {}, general: reasonOf(err) });
    } finally {
      setBusy(false);
    }
  };

  if (done) return h(IssueDone, { done });

  const field = (name: (typeof FIELDS)[number]) => ({ form: 'issue', name, error: problem.fields[name] });
  const early = lookup.device ? notIssuable(lookup.device) : null;
  // The override fields are asked for only when the service says the participant already holds a device.
  const override = problem.fields['overrideReason'] !== undefined || draft.overrideReason !== '';
  return h(
    'form',
    { class: 'panel issue-form', 'data-testid': 'issue-form', 'aria-labelledby': 'issue-form-title', onSubmit: (e: Event) => void submit(e), noValidate: true },
    h('h2', { id: 'issue-form-title', class: 'visually-hidden' }, t('office.loans.issue.title')),
    h('p', { class: 'hint' }, t('office.loans.issue.intro')),
    h(Message, { kind: 'refused', text: problem.general }),
    h('div', { class: 'form-grid' }, h(DeviceField, { form: 'issue', lookup, problem: problem.fields['tag'] ?? early })),
    h(ParticipantPicker, {
      form: 'issue',
      preset: p.participant,
      chosen,
      onChoose: (x) => {
        setChosen(x);
        if (x && problem.fields['participantCode']) setProblem({ ...problem, fields: { ...problem.fields, participantCode: '' } });
      },
      error: problem.fields['participantCode'] || undefined,
    }),
    h(
      'div',
      { class: 'form-grid' },
      h(SelectField, {
        ...field('kind'),
        label: t('office.loans.kind'),
        value: draft.kind,
        onChange: (v) => set('kind')(v === 'gift' ? 'gift' : 'loan'),
        options: [
          { value: 'loan', label: t('office.loans.kindLoan') },
          { value: 'gift', label: t('office.loans.kindGift') },
        ],
      }),
      draft.kind === 'loan'
        ? h(TextField, { ...field('dueDate'), label: t('office.loans.dueDate'), hint: t('office.loans.dueDateHint', { days: DEFAULT_LOAN_DAYS }), type: 'date', value: draft.dueDate, onInput: set('dueDate') })
        : null,
      h(TextField, { ...field('accessories'), label: t('office.loans.accessories'), hint: t('office.loans.accessoriesHint'), value: draft.accessories, onInput: set('accessories'), autocomplete: 'off' }),
      h(SelectField, {
        ...field('agreementLanguage'),
        label: t('office.loans.agreementLanguage'),
        value: draft.agreementLanguage,
        onChange: set('agreementLanguage'),
        options: LANGUAGES.map((l) => ({ value: l, label: t(`office.participants.language.${l}`) })),
      }),
    ),
    override
      ? h(
          'div',
          { class: 'form-grid' },
          h(SelectField, {
            ...field('overrideReason'),
            label: t('office.loans.overrideReason'),
            value: draft.overrideReason,
            onChange: set('overrideReason'),
            options: [{ value: '', label: t('office.loans.override.none') }, ...OVERRIDE_REASONS.map((r) => ({ value: r, label: t(`office.loans.override.${r}`) }))],
          }),
          h(TextField, { ...field('overrideNote'), label: t('office.loans.overrideNote'), hint: t('office.loans.overrideNoteHint'), value: draft.overrideNote, onInput: set('overrideNote'), autocomplete: 'off' }),
        )
      : null,
    h(CheckboxField, { ...field('agreementAccepted'), label: t('office.loans.agreement'), checked: draft.agreementAccepted, onChange: set('agreementAccepted') }),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary', disabled: busy }, t('office.loans.issueSubmit'))),
  );
}

/** A ref that takes the focus once, when its element appears: what was done is read out first, and the keyboard goes on from there. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function IssueDone(p: { done: Done }) {
  const i = p.done.issuance;
  const title = useFocusOnMount<HTMLHeadingElement>();
  const [openError, setOpenError] = useState<string | null>(null);
  const h2 = i.kind === 'loan' && i.dueDate ? t('office.loans.issued.loan', { tag: i.assetTag, code: i.participantCode, date: formatDate(i.dueDate) }) : t('office.loans.issued.gift', { tag: i.assetTag, code: i.participantCode });
  const handover = p.done.handover;
  return h(
    'section',
    { class: 'panel issue-done', 'data-testid': 'issued', 'data-issuance': i.id, 'aria-labelledby': 'issued-title' },
    h('h2', { id: 'issued-title', tabIndex: -1, ref: title }, h2),
    'file' in handover ? h(Message, { kind: 'success', text: t('office.loans.handoverSaved', { file: handover.file }) }) : h(Message, { kind: 'refused', text: t('office.loans.handoverFailed', { reason: handover.failed }) }),
    h(Message, { kind: 'refused', text: openError }),
    h(
      'ul',
      { class: 'after-links' },
      h('li', null, h('button', { type: 'button', class: 'secondary', 'data-action': 'open-handover', onClick: () => openHandover(i.id).catch((err: unknown) => setOpenError(reasonOf(err))) }, t('office.loans.handoverOpen'))),
      h('li', null, h('a', { href: hashFor('devices', i.assetTag) }, t('office.loans.toDevice', { tag: i.assetTag }))),
      h('li', null, h('a', { href: hashFor('participants', i.participantCode) }, t('office.loans.toParticipant', { code: i.participantCode }))),
      h('li', null, h('a', { href: hashFor('loans') }, t('office.loans.toLoans'))),
    ),
  );
}
