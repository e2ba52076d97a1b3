/**
 * Donations (`#/donations`, a donation at `#/donations/<id>`): the intake lots
 * a page at a time with received against expected, and a form to record one
 * with the devices announced and a contact at the donor.
 */
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { donationsPath, type Donation, type DonationPage } from '../client/donations.js';
import { formatDate, t, tOr, type MessageKey } from '../client/i18n.js';
import { hashFor, queryOf, subPathOf } from '../client/office-pages.js';
import { offersSitePick, siteFromQuery } from '../client/sites.js';
import { can, seesEverySite } from '../modules/auth/permissions.js';
import { DonationCreate } from './donation-create.js';
import { DonationView, receivedText } from './donation-view.js';
import { SiteFilter } from './site-filter.js';
import { get, nameOfSite, route, session, sites } from './state.js';
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
  // A site named in a link counts only for those who see every site: anyone else's list is their own site's.
  const site = role !== undefined && seesEverySite(role) ? siteFromQuery(queryOf(route.value).get('site'), sites.value) : '';
  const pick = role !== undefined && offersSitePick(role, sites.value);
  // The site the list now shows: a page asked for another is dropped when it arrives.
  const shown = useRef(site);
  shown.current = site;
  const load = async (cursor: string | null, live: () => boolean = () => shown.current === site) => {
    setError(null);
    try {
      const page = await get<DonationPage>(donationsPath(cursor, site));
      if (!live()) return;
      setItems((list) => (cursor ? [...(list ?? []), ...page.items] : page.items));
      setNext(page.nextCursor);
    } catch (err) {
      if (live()) setError(reasonOf(err));
    }
  };
  useEffect(() => {
    let live = true;
    setItems(null);
    setNext(null);
    void load(null, () => live);
    return () => {
      live = false;
    };
  }, [site]);
  const chooseSite = (code: string) => {
    location.hash = hashFor('donations', '', { site: code });
    route.value = location.hash;
  };
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
        pick ? h('div', { class: 'filter' }, h(SiteFilter, { form: 'donations', value: site, onChange: chooseSite })) : null,
        h(Message, { kind: 'refused', text: error }),
        items ? h(DonationTable, { items, siteColumn: pick && !site }) : error ? null : h('p', { class: 'hint' }, t('office.loading')),
        next ? h('button', { type: 'button', class: 'secondary', onClick: () => void load(next) }, t('office.donations.more')) : null,
      ),
      mayRecord ? h(DonationCreate, null) : null,
    ),
  );
}

/** `siteColumn`: a list of every site's donations names the site that took each in. */
function DonationTable(p: { items: Donation[]; siteColumn: boolean }) {
  if (p.items.length === 0) return h('p', { class: 'hint', 'data-testid': 'no-donations' }, t('office.donations.none'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'donations' },
    h('caption', { class: 'visually-hidden' }, t('office.donations.list')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        COLUMNS.map((k) => h('th', { key: k, scope: 'col', class: k === 'office.donations.devices' ? 'num' : undefined }, t(k))),
        p.siteColumn ? h('th', { key: 'site', scope: 'col' }, t('office.site.column')) : null,
      ),
    ),
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
          p.siteColumn ? h('td', { 'data-site': d.site }, nameOfSite(d.site)) : null,
        ),
      ),
    ),
  );
}
