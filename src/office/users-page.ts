/** Users (admin): every account, a form to create one, and per account its role, its language, whether it may sign in, and a new password. */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../client/i18n.js';
import type { User } from '../client/session.js';
import { readAll } from '../client/today.js';
import { get, session } from './state.js';
import { Message, reasonOf } from './ui.js';
import { UserCreate } from './user-create.js';
import { UserRow } from './user-row.js';

const COLUMNS: readonly MessageKey[] = ['office.users.username', 'office.users.displayName', 'office.users.role', 'office.users.language', 'office.users.status', 'office.users.actions'];

export function UsersPage() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    readAll<User>(get, '/users').then(
      ({ items }) => live && setUsers(items),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    return () => {
      live = false;
    };
  }, []);
  const me = session.value?.user.id;
  const replace = (user: User, text: string) => {
    setUsers((list) => (list ?? []).map((x) => (x.id === user.id ? user : x)));
    setSaid(text);
  };
  return h(
    'section',
    { class: 'users', 'aria-labelledby': 'users-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'users-title' }, t('office.page.users'))),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'users-list-title', 'aria-busy': users ? 'false' : 'true' },
        h('h2', { id: 'users-list-title' }, t('office.users.list')),
        h(Message, { kind: 'refused', text: error }),
        h(Message, { kind: 'success', text: said }),
        users
          ? h(
              'table',
              { class: 'table', 'data-testid': 'users' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  COLUMNS.map((k) => h('th', { key: k, scope: 'col' }, t(k))),
                ),
              ),
              h('tbody', null, users.map((u) => h(UserRow, { key: u.id, user: u, self: u.id === me, onChanged: replace }))),
            )
          : error
            ? null
            : h('p', { class: 'hint' }, t('office.loading')),
      ),
      h(UserCreate, { onCreated: (user) => setUsers((list) => [...(list ?? []), user]) }),
    ),
  );
}
