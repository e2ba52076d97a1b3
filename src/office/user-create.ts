/** Creating an account (admin): the server's refusals appear beside the field they name. */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { t } from '../client/i18n.js';
import { formProblem, type FormProblem } from '../client/problems.js';
import type { User } from '../client/session.js';
import { call } from './state.js';
import { Message, SelectField, TextField, reasonOf } from './ui.js';
import { languageOptions, roleOptions } from './users-roles.js';

const FIELDS = ['username', 'displayName', 'role', 'language', 'password'] as const;
type Draft = Record<(typeof FIELDS)[number], string>;
const EMPTY: Draft = { username: '', displayName: '', role: 'trainee', language: '', password: '' };

export function UserCreate(p: { onCreated: (user: User) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problem, setProblem] = useState<FormProblem>({ fields: {}, general: null });
  const [done, setDone] = useState<string | null>(null);
  const set = (name: keyof Draft) => (value: string) => setDraft({ ...draft, [name]: value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    try {
      const { user } = await call<{ user: User }>('POST', '/users', { body: { ...draft, username: draft.username.trim(), language: draft.language || null } });
      setProblem({ fields: {}, general: null });
      setDraft(EMPTY);
      setDone(t('office.users.created', { username: user.username }));
      p.onCreated(user);
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(err.problem, FIELDS) : { fields: {}, general: reasonOf(err) });
    }
  };
  const field = (name: keyof Draft) => ({ form: 'new-user', name, value: draft[name], error: problem.fields[name] });
  return h(
    'form',
    { class: 'panel user-form', 'data-testid': 'create-user', 'aria-labelledby': 'new-user-title', onSubmit: (e: Event) => void submit(e) },
    h('h2', { id: 'new-user-title' }, t('office.users.create')),
    h(Message, { kind: 'refused', text: problem.general }),
    h(TextField, { ...field('username'), label: t('station.login.username'), onInput: set('username'), autocomplete: 'off', required: true }),
    h(TextField, { ...field('displayName'), label: t('office.users.displayName'), onInput: set('displayName'), autocomplete: 'off', required: true }),
    h(SelectField, { ...field('role'), label: t('office.users.role'), onChange: set('role'), options: roleOptions() }),
    h(SelectField, { ...field('language'), label: t('office.users.language'), hint: t('office.users.languageHint'), onChange: set('language'), options: languageOptions() }),
    h(TextField, { ...field('password'), label: t('station.login.password'), hint: t('office.users.passwordHint'), onInput: set('password'), type: 'password', autocomplete: 'new-password', required: true }),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, t('office.users.createSubmit'))),
    h(Message, { kind: 'success', text: done }),
  );
}
