/** Signing in: the same accounts and the same per-tab session as the scan station. */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { t } from '../client/i18n.js';
import { problemSummary } from '../client/problems.js';
import { login } from '../client/session.js';
import { LanguagePicker } from './language-picker.js';
import { config, notice, signIn } from './state.js';
import { Message, TextField } from './ui.js';

export function SignIn() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      signIn(await login(username.trim(), password));
    } catch (err) {
      setError(err instanceof Refused ? problemSummary(err.problem) : t('station.unreachable.login'));
      setBusy(false);
    }
  };
  return h(
    'main',
    { id: 'main' },
    h(
      'form',
      { class: 'login', 'data-testid': 'office-sign-in', onSubmit: (e: Event) => void submit(e) },
      h('h1', null, config.siteName, ' · ', t('office.title')),
      h('p', { class: 'hint' }, t('office.signIn.intro')),
      h(Message, { kind: 'info', text: notice.value }),
      h(TextField, { form: 'sign-in', name: 'username', label: t('station.login.username'), value: username, onInput: setUsername, autocomplete: 'username', required: true }),
      h(TextField, { form: 'sign-in', name: 'password', label: t('station.login.password'), value: password, onInput: setPassword, type: 'password', autocomplete: 'current-password', required: true }),
      h('div', { class: 'field' }, h('label', { for: 'sign-in-locale' }, t('station.settings.language')), h(LanguagePicker, { id: 'sign-in-locale' })),
      h('button', { type: 'submit', class: 'primary', disabled: busy }, t('station.login.submit')),
      h(Message, { kind: 'refused', text: error }),
    ),
  );
}
