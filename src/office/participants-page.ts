/** Participants (coordinators, staff, admins): found by code or community, a page at a time; a form to register one for those who may. */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { subPathOf } from '../client/office-pages.js';
import { communityText, findParticipant, languageName, listPath, type ParticipantPage, type ParticipantSummary } from '../client/participants.js';
import { formatDate, t, type MessageKey } from '../client/i18n.js';
import { can } from '../modules/auth/permissions.js';
import { ParticipantCreate } from './participant-create.js';
import { ParticipantView } from './participant-view.js';
import { get, route, session } from './state.js';
import { Message, TextField, reasonOf } from './ui.js';

const COLUMNS: readonly MessageKey[] = [
  'office.participants.code',
  'office.participants.community',
  'office.participants.program',
  'office.participants.consent',
  'office.participants.registered',
];

export function ParticipantsPage() {
  const code = subPathOf(route.value);
  return code ? h(ParticipantView, { code }) : h(ParticipantList, null);
}

interface Search {
  code: string;
  community: string;
}

function ParticipantList() {
  const [draft, setDraft] = useState<Search>({ code: '', community: '' });
  const [items, setItems] = useState<ParticipantSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [communities, setCommunities] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const role = session.value?.user.role;

  const load = async (search: Search, cursor: string | null) => {
    setError(null);
    try {
      if (search.code.trim()) {
        const found = await findParticipant(get, search.code);
        setItems(found ? [found] : []);
        setNext(null);
        return;
      }
      const page = await get<ParticipantPage>(listPath(search.community, cursor));
      setItems((list) => (cursor ? [...(list ?? []), ...page.items] : page.items));
      setNext(page.nextCursor);
    } catch (err) {
      setError(reasonOf(err));
    }
  };
  useEffect(() => {
    void load(draft, null);
    get<{ items: Array<{ name: string }> }>('/communities').then(
      ({ items: list }) => setCommunities(list.map((c) => c.name)),
      () => setCommunities([]),
    );
  }, []);
  const search = (e: Event) => {
    e.preventDefault();
    void load(draft, null);
  };

  return h(
    'section',
    { class: 'participants', 'aria-labelledby': 'participants-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'participants-title' }, t('office.page.participants'))),
    h('p', { class: 'hint' }, t('office.participants.intro')),
    h(
      'div',
      { class: role && can(role, 'participants:register') ? 'columns' : '' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'participants-list-title', 'aria-busy': items ? 'false' : 'true' },
        h('h2', { id: 'participants-list-title' }, t('office.participants.list')),
        h(
          'form',
          { class: 'search-form', role: 'search', 'data-testid': 'participant-search', onSubmit: search },
          h(TextField, { form: 'search', name: 'code', label: t('office.participants.searchCode'), value: draft.code, onInput: (v) => setDraft({ ...draft, code: v }), autocomplete: 'off' }),
          h(TextField, {
            form: 'search',
            name: 'community',
            label: t('office.participants.searchCommunity'),
            value: draft.community,
            onInput: (v) => setDraft({ ...draft, community: v }),
            autocomplete: 'off',
            list: 'community-names',
          }),
          h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary' }, t('office.participants.search'))),
        ),
        h(CommunityNames, { names: communities }),
        h(Message, { kind: 'refused', text: error }),
        items ? h(ResultTable, { items }) : error ? null : h('p', { class: 'hint' }, t('office.loading')),
        next ? h('button', { type: 'button', class: 'secondary', onClick: () => void load(draft, next) }, t('office.participants.more')) : null,
      ),
      role && can(role, 'participants:register') ? h(ParticipantCreate, null) : null,
    ),
  );
}

/** The community names the search and the form offer as the user types. */
function CommunityNames(p: { names: string[] }) {
  return h(
    'datalist',
    { id: 'community-names' },
    p.names.map((n) => h('option', { key: n, value: n })),
  );
}

function ResultTable(p: { items: ParticipantSummary[] }) {
  if (p.items.length === 0) return h('p', { class: 'hint', 'data-testid': 'no-participants' }, t('office.participants.none'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'participants' },
    h('thead', null, h('tr', null, COLUMNS.map((k) => h('th', { key: k, scope: 'col' }, t(k))))),
    h(
      'tbody',
      null,
      p.items.map((x) =>
        h(
          'tr',
          { key: x.code, 'data-code': x.code },
          h('th', { scope: 'row' }, h('a', { href: `#/participants/${encodeURIComponent(x.code)}` }, x.code)),
          h('td', null, communityText(x.community)),
          h('td', null, [x.program, x.cohort].filter(Boolean).join(' · ')),
          h('td', null, t('office.participants.consentGiven', { language: languageName(x.consent.language), date: formatDate(x.consent.date) })),
          h('td', null, formatDate(x.createdAt)),
        ),
      ),
    ),
  );
}
