/**
 * A participant's personal data (coordinators, admins): shown only on a
 * click, because the service logs every read; the access log, the JSON
 * export and the erasure, which needs the code typed first.
 */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import * as api from '../client/api.js';
import { formatDate, t, tOr } from '../client/i18n.js';
import { eraseConfirmed, exportFileName, type ParticipantSummary } from '../client/participants.js';
import { can } from '../modules/auth/permissions.js';
import { call, session } from './state.js';
import { Message, TextField, reasonOf } from './ui.js';

interface PersonalData {
  displayName: string | null;
  contact: string | null;
  notes: Array<{ issuanceId: number | null; note: string; at: string; by: string }>;
}
interface AccessEntry {
  at: string;
  by: string;
  action: string;
  purpose: string;
}

const path = (code: string) => `/participants/${encodeURIComponent(code)}`;

export function ParticipantPersonal(p: { participant: ParticipantSummary; onErased: () => void }) {
  const { code, personalDataErased: erased } = p.participant;
  const role = session.value?.user.role;
  const [purpose, setPurpose] = useState('');
  const [personal, setPersonal] = useState<PersonalData | null | undefined>(undefined);
  const [log, setLog] = useState<AccessEntry[] | null>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const purposeQuery = () => (purpose.trim() ? `?purpose=${encodeURIComponent(purpose.trim())}` : '');

  const attempt = (act: () => Promise<void>) => () => {
    setError(null);
    setSaid(null);
    act().catch((err: unknown) => setError(reasonOf(err)));
  };
  const show = attempt(async () => {
    const { participant } = await call<{ participant: { personalData?: PersonalData | null } }>('GET', `${path(code)}${purposeQuery()}`);
    setPersonal(participant.personalData ?? null);
  });
  const showLog = attempt(async () => {
    const { accessLog } = await call<{ accessLog: AccessEntry[] }>('GET', `${path(code)}/export${purposeQuery()}`);
    setLog(accessLog);
  });
  const download = attempt(async () => {
    // A plain link cannot send the bearer token: fetch, then hand the bytes to the browser as a file.
    const res = await api.send('GET', `/api/v1${path(code)}/export${purposeQuery()}`, { token: session.value?.token ?? null, timeoutMs: 30_000 });
    const text = await res.text();
    const { exportedAt, accessLog } = JSON.parse(text) as { exportedAt: string; accessLog: AccessEntry[] };
    // The export is logged and its answer holds the log with that entry: a log on screen stays current.
    setLog((shown) => (shown ? accessLog : shown));
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName(code, exportedAt);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setSaid(t('office.participants.exported', { file: a.download }));
  });
  const erase = (e: Event) => {
    e.preventDefault();
    attempt(async () => {
      await call('DELETE', `${path(code)}/personal-data`);
      setPersonal(null);
      setLog(null);
      setTyped('');
      p.onErased();
      setSaid(t('office.participants.erasedNow', { code }));
    })();
  };

  return h(
    'section',
    { class: 'panel stack', 'aria-labelledby': 'personal-title', 'data-testid': 'personal' },
    h('h2', { id: 'personal-title' }, t('office.participants.personalData')),
    h(Message, { kind: 'refused', text: error }),
    h(Message, { kind: 'success', text: said }),
    erased
      ? h('p', { class: 'message message-info', 'data-testid': 'erased' }, t('office.participants.erasedNote'))
      : h(
          'div',
          { class: 'stack' },
          h('p', { class: 'hint', id: 'personal-logged' }, t('office.participants.loggedNote')),
          h(TextField, { form: 'personal', name: 'purpose', label: t('office.participants.purpose'), hint: t('office.participants.purposeHint'), value: purpose, onInput: setPurpose, autocomplete: 'off' }),
          h('div', { class: 'inline' }, h('button', { type: 'button', class: 'primary', 'data-action': 'show-personal', 'aria-describedby': 'personal-logged', onClick: show }, t('office.participants.show'))),
          personal === undefined ? null : h(PersonalFacts, { personal }),
        ),
    can(role ?? 'trainee', 'participants:export')
      ? h(
          'div',
          { class: 'inline' },
          h('button', { type: 'button', class: 'secondary', 'data-action': 'access-log', onClick: showLog }, t('office.participants.showLog')),
          h('button', { type: 'button', class: 'secondary', 'data-action': 'export', onClick: download }, t('office.participants.export')),
        )
      : null,
    can(role ?? 'trainee', 'participants:export') ? h('p', { class: 'hint' }, t('office.participants.exportNote')) : null,
    log ? h(AccessLog, { log }) : null,
    !erased && can(role ?? 'trainee', 'participants:erase')
      ? h(
          'form',
          { class: 'erase', 'data-testid': 'erase', 'aria-labelledby': 'erase-title', onSubmit: erase },
          h('h3', { id: 'erase-title' }, t('office.participants.erase')),
          h('p', { class: 'hint' }, t('office.participants.eraseNote')),
          h(TextField, { form: 'erase', name: 'confirm', label: t('office.participants.eraseConfirm', { code }), value: typed, onInput: setTyped, autocomplete: 'off' }),
          h('button', { type: 'submit', class: 'danger', disabled: !eraseConfirmed(typed, code) }, t('office.participants.eraseSubmit')),
        )
      : null,
  );
}

function PersonalFacts(p: { personal: PersonalData | null }) {
  if (!p.personal) return h('p', { class: 'hint', 'data-testid': 'no-personal' }, t('office.participants.noPersonal'));
  const x = p.personal;
  return h(
    'div',
    { 'data-testid': 'personal-data' },
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, t('office.participants.displayName')),
      h('dd', { 'data-item': 'displayName' }, x.displayName ?? '—'),
      h('dt', null, t('office.participants.contact')),
      h('dd', { 'data-item': 'contact' }, x.contact ?? '—'),
    ),
    x.notes.length === 0
      ? h('p', { class: 'hint' }, t('office.participants.noNotes'))
      : h(
          'ul',
          { class: 'notes' },
          x.notes.map((n, i) => h('li', { key: i }, n.note, ' — ', n.by, ', ', formatDate(n.at))),
        ),
  );
}

function AccessLog(p: { log: AccessEntry[] }) {
  return h(
    'table',
    { class: 'table', 'data-testid': 'access-log' },
    h('caption', null, t('office.participants.accessLog')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, t('office.participants.logAt')),
        h('th', { scope: 'col' }, t('office.participants.logBy')),
        h('th', { scope: 'col' }, t('office.participants.logAction')),
        h('th', { scope: 'col' }, t('office.participants.logPurpose')),
      ),
    ),
    h(
      'tbody',
      null,
      p.log.map((e, i) =>
        h('tr', { key: i, 'data-action': e.action }, h('td', { class: 'when' }, formatDate(e.at)), h('td', null, e.by), h('td', null, tOr(`office.participants.action.${e.action}`, e.action)), h('td', null, e.purpose)),
      ),
    ),
  );
}
