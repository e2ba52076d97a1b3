/**
 * Donations (`#/donations`, a donation at `#/donations/<id>`): the intake lots
 * a page at a time with received against expected, and a form to record one
 * with the devices announced and a contact at the donor.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { donationsPath, type Donation, type DonationPage } from '../client/donations.js';
import { formatDate, t, tOr, type MessageKey } from '../client/i18n.js';
import { subPathOf } from '../client/office-pages.js';
import { can } from '../modules/auth/permissions.js';
import { DonationCreate } from './donation-create.js';
import { DonationView, receivedText } from './donation-view.js';
import { get, route, session } from './state.js';
import { Message, reasonOf } from './ui.js';

const COLUMNS: readonly MessageKey[] = ['office.donations.donor', 'office.donations.donorType', 'office.donations.receivedAt', 'office.donations.devices'];

export function DonationsPage() {
  const sub = subPathOf(route.value);
  return /^\d+$/.test(sub) ? h(DonationView, { id: Number(sub) }) : h(DonationList, null);
}

function DonationList() {
  const [items, setItems] = useState<Donation[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const role = session.value?.user.role;
  const load = async (cursor: string | null) => {
    setError(null);
    try {
      const page = await get<DonationPage>(donationsPath(cursor));
      setItems((list) => (cursor ? [...(list ?? []), ...page.items] : page.items));
      setNext(page.nextCursor);
    } catch (err) {
      setError(reasonOf(err));
    }
  };
  useEffect(() => {
    void load(null);
  }, []);
  const mayRecord = role !== undefined && can(role, 'donations:record');
  return h(
    'section',
    { class: 'donations', 'aria-labelledby': 'donations-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'donations-title' }, t('office.page.donations'))),
    h(
      'div',
      { class: mayRecord ? 'columns' : '' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'donations-list-title', 'aria-busy': items || error ? 'false' : 'true' },
        h('h2', { id: 'donations-list-title' }, t('office.donations.list')),
        h(Message, { kind: 'refused', text: error }),
        items ? h(DonationTable, { items }) : error ? null : h('p', { class: 'hint' }, t('office.loading')),
        next ? h('button', { type: 'button', class: 'secondary', onClick: () => void load(next) }, t('office.donations.more')) : null,
      ),
      mayRecord ? h(DonationCreate, null) : null,
    ),
  );
}

function DonationTable(p: { items: Donation[] }) {
  if (p.items.length === 0) return h('p', { class: 'hint', 'data-testid': 'no-donations' }, t('office.donations.none'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'donations' },
    h('caption', { class: 'visually-hidden' }, t('office.donations.list')),
    h('thead', null, h('tr', null, COLUMNS.map((k) => h('th', { key: k, scope: 'col', class: k === 'office.donations.devices' ? 'num' : undefined }, t(k))))),
    h(
      'tbody',
      null,
      p.items.map((d) =>
        h(
          'tr',
          { key: d.id, 'data-donation': d.id },
          h('th', { scope: 'row' }, h('a', { href: `#/donations/${d.id}` }, d.donorName)),
          h('td', null, tOr(`office.donations.type.${d.donorType}`, d.donorType)),
          h('td', { class: 'when' }, formatDate(d.receivedAt)),
          h('td', { class: 'num' }, receivedText(d)),
        ),
      ),
    ),
  );
}
