/**
 * Recycling (`#/recycling`, a shipment at `#/recycling/shipments/<id>`):
 * shipments with a status filter kept in the hash (`?status=shipped`, linked
 * from Today), a form to open one for a recycler, and the recyclers with a
 * form to register one (for roles holding `recyclers:create`).
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { workshopToday } from '../client/format.js';
import { formatDate, formatNumber, formatWeight, t, type MessageKey } from '../client/i18n.js';
import { hashFor, queryOf, subPathOf } from '../client/office-pages.js';
import { isShipmentStatus, SHIPMENT_STATUSES, shipmentsPath, type Recycler, type Shipment } from '../client/recycling.js';
import { offersSitePick, siteFromQuery } from '../client/sites.js';
import { can, seesEverySite } from '../modules/auth/permissions.js';
import { SiteFilter } from './site-filter.js';
import { RecyclerCreate, ShipmentCreate } from './recycling-forms.js';
import { ShipmentView } from './shipment-view.js';
import { get, nameOfSite, route, session, sites } from './state.js';
import { Message, SelectField, reasonOf } from './ui.js';

export function RecyclingPage() {
  const sub = subPathOf(route.value);
  const shipment = /^shipments\/(\d+)$/.exec(sub);
  return shipment ? h(ShipmentView, { id: Number(shipment[1]) }) : h(RecyclingHome, null);
}

function RecyclingHome() {
  const query = queryOf(route.value);
  const status = query.get('status');
  const filter = isShipmentStatus(status) ? status : '';
  const role = session.value?.user.role;
  // A site named in a link counts only for those who see every site: anyone else's list is their own site's.
  const site = role !== undefined && seesEverySite(role) ? siteFromQuery(query.get('site'), sites.value) : '';
  const [shipments, setShipments] = useState<Shipment[] | null>(null);
  const [recyclers, setRecyclers] = useState<Recycler[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRecyclers = () =>
    get<{ items: Recycler[] }>('/recyclers').then(
      (r) => setRecyclers(r.items),
      (err: unknown) => setError(reasonOf(err)),
    );
  useEffect(() => {
    let live = true;
    setShipments(null);
    get<{ items: Shipment[] }>(shipmentsPath(filter || null, site)).then(
      (r) => live && setShipments(r.items),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    return () => {
      live = false;
    };
  }, [filter, site]);
  const pick = role !== undefined && offersSitePick(role, sites.value);
  useEffect(() => {
    void loadRecyclers();
  }, []);
  const choose = (value: string) => {
    location.hash = hashFor('recycling', '', { status: value, site });
    route.value = location.hash;
  };
  return h(
    'section',
    { class: 'recycling', 'aria-labelledby': 'recycling-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'recycling-title' }, t('office.page.recycling'))),
    h(Message, { kind: 'refused', text: error }),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'stack' },
        h(
        'section',
        { class: 'panel', 'aria-labelledby': 'shipments-title', 'aria-busy': shipments || error ? 'false' : 'true' },
        h('h2', { id: 'shipments-title' }, t('office.recycling.shipments')),
        pick
          ? h(
              'div',
              { class: 'filter' },
              h(SiteFilter, {
                form: 'shipments',
                value: site,
                onChange: (code: string) => {
                  location.hash = hashFor('recycling', '', { status: filter, site: code });
                  route.value = location.hash;
                },
              }),
            )
          : null,
        h(
          'div',
          { class: 'filter' },
          h(SelectField, {
            form: 'shipments',
            name: 'status',
            label: t('office.recycling.statusFilter'),
            value: filter,
            onChange: choose,
            options: [{ value: '', label: t('office.recycling.statusAll') }, ...SHIPMENT_STATUSES.map((s) => ({ value: s, label: t(`office.recycling.status.${s}`) }))],
          }),
        ),
        shipments ? h(ShipmentTable, { items: shipments, siteColumn: pick && !site }) : error ? null : h('p', { class: 'hint' }, t('office.loading')),
      ),
        h(RecyclerList, { recyclers }),
      ),
      h(
        'div',
        { class: 'stack' },
        role && can(role, 'shipments:prepare') && recyclers ? h(ShipmentCreate, { recyclers }) : null,
        role && can(role, 'recyclers:create') ? h(RecyclerCreate, { onCreated: () => void loadRecyclers() }) : null,
      ),
    ),
  );
}

const SHIPMENT_COLUMNS: readonly MessageKey[] = [
  'office.recycling.shipment',
  'office.recycling.recycler',
  'office.recycling.mode',
  'office.recycling.statusColumn',
  'office.recycling.opened',
  'office.recycling.shippedAt',
  'office.recycling.lines',
  'office.recycling.weight',
];

/** `siteColumn`: a list of every site's shipments names the site each leaves from. */
function ShipmentTable(p: { items: Shipment[]; siteColumn: boolean }) {
  if (p.items.length === 0) return h('p', { class: 'hint', 'data-testid': 'no-shipments' }, t('office.recycling.noShipments'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'shipments' },
    h('caption', { class: 'visually-hidden' }, t('office.recycling.shipments')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        SHIPMENT_COLUMNS.map((k, i) => h('th', { key: k, scope: 'col', class: i >= 6 ? 'num' : undefined }, t(k))),
        p.siteColumn ? h('th', { key: 'site', scope: 'col' }, t('office.site.column')) : null,
      ),
    ),
    h(
      'tbody',
      null,
      [...p.items].reverse().map((s) =>
        h(
          'tr',
          { key: s.id, 'data-shipment': s.id, 'data-status': s.status },
          h('th', { scope: 'row', class: 'nowrap-cell' }, h('a', { href: hashFor('recycling', `shipments/${s.id}`) }, t('office.recycling.shipmentNo', { id: s.id }))),
          h('td', null, s.recycler.name),
          h('td', null, t(`office.recycling.mode.${s.mode}`)),
          h('td', null, t(`office.recycling.status.${s.status}`)),
          // Days on the workshop's calendar: the times are on the shipment's page.
          h('td', { class: 'when' }, formatDate(workshopToday(new Date(s.createdAt)))),
          h('td', { class: 'when' }, s.shippedAt ? formatDate(workshopToday(new Date(s.shippedAt))) : '—'),
          h('td', { class: 'num' }, formatNumber(s.totals.deviceUnits + s.bulkLines.length)),
          h('td', { class: 'num' }, formatWeight(s.totals.grams)),
          p.siteColumn ? h('td', { 'data-site': s.site }, nameOfSite(s.site)) : null,
        ),
      ),
    ),
  );
}

function RecyclerList(p: { recyclers: Recycler[] | null }) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'recyclers-title', 'aria-busy': p.recyclers ? 'false' : 'true' },
    h('h2', { id: 'recyclers-title' }, t('office.recycling.recyclers')),
    !p.recyclers
      ? h('p', { class: 'hint' }, t('office.loading'))
      : p.recyclers.length === 0
        ? h('p', { class: 'hint', 'data-testid': 'no-recyclers' }, t('office.recycling.noRecyclers'))
        : h(
            'table',
            { class: 'table', 'data-testid': 'recyclers' },
            h('caption', { class: 'visually-hidden' }, t('office.recycling.recyclers')),
            h(
              'thead',
              null,
              h('tr', null, h('th', { scope: 'col' }, t('office.recycling.recyclerName')), h('th', { scope: 'col' }, t('office.recycling.certification')), h('th', { scope: 'col' }, t('office.recycling.expiry'))),
            ),
            h(
              'tbody',
              null,
              p.recyclers.map((r) =>
                h(
                  'tr',
                  { key: r.id, 'data-recycler': r.id },
                  h('th', { scope: 'row' }, r.name, r.address ? h('span', { class: 'hint block' }, r.address) : null),
                  h('td', null, t(`office.recycling.certification.${r.certification}`)),
                  h('td', { class: 'when' }, r.certificateExpiry ? formatDate(r.certificateExpiry) : '—'),
                ),
              ),
            ),
          ),
  );
}
