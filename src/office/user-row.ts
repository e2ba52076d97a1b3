/** One account in the users table (admin): change its role or its language, disable or enable it, set a new password. */
import { h, Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { isLocale, languageName, t, tOr } from '../client/i18n.js';
import { formProblem, type FormProblem } from '../client/problems.js';
import type { User } from '../client/session.js';
import { call } from './state.js';
import { Message, TextField, reasonOf } from './ui.js';
import { languageOptions, roleOptions } from './users-roles.js';

const NONE: FormProblem = { fields: {}, general: null };

export function UserRow(p: { user: User; self: boolean; onChanged: (user: User, said: string) => void }) {
  const u = p.user;
  const [role, setRole] = useState<string>(u.role);
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<FormProblem>(NONE);
  const id = `user-${u.id}`;

  const attempt = async (fields: readonly string[], run: () => Promise<string>) => {
    try {
      const said = await run();
      setProblem(NONE);
      return said;
    } catch (err) {
      setProblem(err instanceof Refused ? formProblem(err.problem, fields) : { fields: {}, general: reasonOf(err) });
      return null;
    }
  };
  const patch = (body: Record<string, unknown>, said: (user: User) => string) =>
    attempt(Object.keys(body), async () => {
      const { user } = await call<{ user: User }>('PATCH', `/users/${u.id}`, { body });
      const text = said(user);
      p.onChanged(user, text);
      return text;
    });
  const changeRole = () => void patch({ role }, (user) => t('office.users.roleChanged', { username: user.username, role: tOr(`station.role.${user.role}`, user.role) }));
  const changeLanguage = (value: string) =>
    void patch({ language: value === '' ? null : value }, (user) =>
      isLocale(user.language) ? t('office.users.languageChanged', { username: user.username, language: languageName(user.language) }) : t('office.users.languageCleared', { username: user.username }),
    );
  const toggle = () => void patch({ disabled: !u.disabled }, (user) => t(user.disabled ? 'office.users.disabledDone' : 'office.users.enabledDone', { username: user.username }));
  const setNewPassword = async (e: Event) => {
    e.preventDefault();
    const said = await attempt(['password'], async () => {
      await call('POST', `/users/${u.id}/password`, { body: { password } });
      return t('office.users.passwordSet', { username: u.username });
    });
    if (said) {
      setResetting(false);
      setPassword('');
      p.onChanged(u, said);
    }
  };

  return h(
    Fragment,
    null,
    h(
      'tr',
      { 'data-username': u.username, class: u.disabled ? 'disabled' : undefined },
      h('th', { scope: 'row' }, u.username, p.self ? h('span', { class: 'hint' }, ' ', t('office.users.you')) : null),
      h('td', null, u.displayName),
      h(
        'td',
        { class: problem.fields['role'] ? 'invalid' : undefined },
        h(
          'div',
          // The select and its button stack when the column is narrow (longer languages), rather than push the table out of its panel.
          { class: 'inline' },
          h(
            'select',
            { id: `${id}-role`, 'aria-label': t('office.users.roleOf', { username: u.username }), value: role, onChange: (e: Event) => setRole((e.currentTarget as HTMLSelectElement).value) },
            roleOptions().map((o) => h('option', { key: o.value, value: o.value }, o.label)),
          ),
          h('button', { type: 'button', class: 'secondary', disabled: role === u.role, onClick: changeRole, 'data-action': 'role' }, t('office.users.saveRole')),
        ),
        h('span', { class: 'field-error' }, problem.fields['role'] ?? ''),
      ),
      h(
        'td',
        { class: problem.fields['language'] ? 'invalid' : undefined },
        h(
          'select',
          {
            id: `${id}-language`,
            'aria-label': t('office.users.languageOf', { username: u.username }),
            value: u.language ?? '',
            onChange: (e: Event) => changeLanguage((e.currentTarget as HTMLSelectElement).value),
          },
          languageOptions().map((o) => h('option', { key: o.value, value: o.value }, o.label)),
        ),
        h('span', { class: 'field-error' }, problem.fields['language'] ?? ''),
      ),
      h('td', null, u.disabled ? t('office.users.disabled') : t('office.users.active')),
      h(
        'td',
        null,
        h(
          'div',
          { class: 'inline' },
          h('button', { type: 'button', class: 'secondary', onClick: toggle, 'data-action': 'toggle' }, u.disabled ? t('office.users.enable') : t('office.users.disable')),
          h('button', { type: 'button', class: 'secondary', 'aria-expanded': resetting, onClick: () => setResetting(!resetting), 'data-action': 'reset' }, t('office.users.resetPassword')),
        ),
      ),
    ),
    problem.general ? h('tr', null, h('td', { colSpan: 6 }, h(Message, { kind: 'refused', text: problem.general }))) : null,
    resetting
      ? h(
          'tr',
          { class: 'reset-row' },
          h(
            'td',
            { colSpan: 6 },
            h(
              'form',
              { class: 'inline-form', 'data-testid': `reset-${u.username}`, onSubmit: (e: Event) => void setNewPassword(e) },
              h(TextField, { form: id, name: 'password', label: t('office.users.newPassword', { username: u.username }), hint: t('office.users.passwordHint'), value: password, onInput: setPassword, type: 'password', autocomplete: 'new-password', required: true, error: problem.fields['password'] }),
              h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, t('office.users.setPassword')), h('button', { type: 'button', class: 'link', onClick: () => setResetting(false) }, t('office.users.cancel'))),
            ),
          ),
        )
      : null,
  );
}
