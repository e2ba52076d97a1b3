/**
 * Taking a device back at the desk (coordinators, admins): the device by
 * asset tag, who holds it (from its history, which names the holder to those
 * who may see holders), its condition, whether the participant's own files
 * were removed, notes; then what became of it (received: to be wiped again).
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { newKey, Refused } from '../client/api.js';
import { formatDate, t, tOr } from '../client/i18n.js';
import { holderOf, type Holder } from '../client/loans.js';
import { hashFor } from '../client/office-pages.js';
import { formProblem, type FormProblem } from '../client/problems.js';
import { can } from '../modules/auth/permissions.js';
import { DeviceField, statusInText, useDeviceLookup, type Device } from './device-lookup.js';
import { useFocusOnMount } from './loan-issue.js';
import { call, get, session } from './state.js';
import { CheckboxField, Message, SelectField, TextField, reasonOf } from './ui.js';

const FIELDS = ['condition', 'personalDataRemoved', 'notes', 'tag'] as const;
const CONDITIONS = ['good', 'fair', 'poor', 'damaged'] as const;
const NO_PROBLEM: FormProblem = { fields: {}, general: null };

interface Draft {
  condition: string;
  personalDataRemoved: boolean;
  notes: string;
}

export function LoanReturn(p: { tag: string }) {
  const role = session.value?.user.role;
  const head = h('div', { class: 'page-head' }, h('h1', { id: 'loans-title' }, t('office.loans.return.title')), h('a', { href: hashFor('loans') }, t('office.loans.back')));
  if (!role || !can(role, 'devices:return')) {
    return h('section', { 'aria-labelledby': 'loans-title' }, head, h(Message, { kind: 'refused', text: t('office.loans.mayNotReturn') }));
  }
  return h('section', { class: 'loan-form', 'aria-labelledby': 'loans-title' }, head, h(ReturnForm, p));
}

function ReturnForm(p: { tag: string }) {
  const lookup = useDeviceLookup(p.tag);
  const [holder, setHolder] = useState<Holder | null>(null);
  const [draft, setDraft] = useState<Draft>({ condition: '', personalDataRemoved: false, notes: '' });
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ device: Device; holder: Holder | null } | null>(null);
  const device = lookup.device;

  useEffect(() => {
    setHolder(null);
    if (!device || device.status !== 'issued') return;
    let live = true;
    get<{ events: Array<{ action: string; at: string; details: Record<string, unknown> }> }>(`/devices/${encodeURIComponent(device.assetTag)}/history`).then(
      ({ events }) => live && setHolder(holderOf(events)),
      () => live && setHolder(null),
    );
    return () => {
      live = false;
    };
  }, [device?.assetTag, device?.version]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const d = device ?? (await lookup.lookUp());
    if (!d) return;
    if (d.status !== 'issued') return setProblem({ fields: { tag: t('office.loans.device.notIssued', { tag: d.assetTag, status: statusInText(d.status) }) }, general: null });
    setBusy(true);
    try {
      const body = { condition: draft.condition || undefined, personalDataRemoved: draft.personalDataRemoved, notes: draft.notes.trim() || undefined };
      const out = await call<{ device: Device }>('POST', `/devices/${encodeURIComponent(d.assetTag)}/return`, { body, idempotencyKey: newKey() });
      setProblem(NO_PROBLEM);
      setDone({ device: out.device, holder });
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(err.problem, FIELDS) : { fields: {}, general: reasonOf(err) });
    } finally {
      setBusy(false);
    }
  };

  if (done) return h(ReturnDone, done);

  const field = (name: (typeof FIELDS)[number]) => ({ form: 'return', name, error: problem.fields[name] });
  const notOut = device && device.status !== 'issued' ? t('office.loans.device.notIssued', { tag: device.assetTag, status: statusInText(device.status) }) : null;
  return h(
    'form',
    { class: 'panel issue-form', 'data-testid': 'return-form', 'aria-labelledby': 'return-form-title', onSubmit: (e: Event) => void submit(e), noValidate: true },
    h('h2', { id: 'return-form-title', class: 'visually-hidden' }, t('office.loans.return.title')),
    h('p', { class: 'hint' }, t('office.loans.return.intro')),
    h(Message, { kind: 'refused', text: problem.general }),
    h('div', { class: 'form-grid' }, h(DeviceField, { form: 'return', lookup, problem: problem.fields['tag'] ?? notOut })),
    holder ? h(HolderFacts, { holder }) : null,
    h(
      'div',
      { class: 'form-grid' },
      h(SelectField, {
        ...field('condition'),
        label: t('office.loans.condition'),
        value: draft.condition,
        onChange: (v) => setDraft({ ...draft, condition: v }),
        options: [{ value: '', label: t('office.loans.condition.none') }, ...CONDITIONS.map((c) => ({ value: c, label: t(`office.loans.condition.${c}`) }))],
      }),
      h(TextField, { ...field('notes'), label: t('office.loans.notes'), hint: t('office.loans.notesHint'), value: draft.notes, onInput: (v) => setDraft({ ...draft, notes: v }), autocomplete: 'off' }),
    ),
    h(CheckboxField, { ...field('personalDataRemoved'), label: t('office.loans.personalDataRemoved'), checked: draft.personalDataRemoved, onChange: (v) => setDraft({ ...draft, personalDataRemoved: v }) }),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary', disabled: busy }, t('office.loans.returnSubmit'))),
  );
}

function HolderFacts(p: { holder: Holder }) {
  const x = p.holder;
  const row = (label: string, value: string | ReturnType<typeof h>, name: string) => [h('dt', { key: `${name}-t` }, label), h('dd', { key: `${name}-d`, 'data-item': name }, value)];
  return h(
    'dl',
    { class: 'facts holder', 'data-testid': 'holder' },
    row(t('office.loans.col.participant'), h('a', { href: hashFor('participants', x.participantCode) }, x.participantCode), 'participant'),
    x.community ? row(t('office.loans.col.community'), x.community, 'community') : null,
    x.kind ? row(t('office.loans.col.kind'), tOr(`office.loans.kind.${x.kind}`, x.kind), 'kind') : null,
    row(t('office.loans.col.issued'), formatDate(x.at), 'issued'),
    x.dueDate ? row(t('office.loans.col.due'), formatDate(x.dueDate), 'due') : null,
  );
}

function ReturnDone(p: { device: Device; holder: Holder | null }) {
  const d = p.device;
  const title = useFocusOnMount<HTMLHeadingElement>();
  const text = p.holder
    ? t('office.loans.returned', { tag: d.assetTag, code: p.holder.participantCode, status: statusInText(d.status) })
    : t('office.loans.returnedNoHolder', { tag: d.assetTag, status: statusInText(d.status) });
  return h(
    'section',
    { class: 'panel issue-done', 'data-testid': 'returned', 'data-status': d.status, 'aria-labelledby': 'returned-title' },
    h('h2', { id: 'returned-title', tabIndex: -1, ref: title }, text),
    h('p', null, t('office.loans.returnedNext')),
    h(
      'ul',
      { class: 'after-links' },
      h('li', null, h('a', { href: hashFor('devices', d.assetTag) }, t('office.loans.toDevice', { tag: d.assetTag }))),
      p.holder ? h('li', null, h('a', { href: hashFor('participants', p.holder.participantCode) }, t('office.loans.toParticipant', { code: p.holder.participantCode }))) : null,
      h('li', null, h('a', { href: hashFor('loans') }, t('office.loans.toLoans'))),
    ),
  );
}
