/** Devices (coordinators, staff, admins): the list under filters kept in the hash, a page at a time, its CSV; a device at `#/devices/<tag>`. */
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { csvFileName, csvPath, filtersFromHash, listPath, type Device, type DeviceFilters } from '../client/devices.js';
import { formatDate, formatNumber, formatWeight, t, tOr, type MessageKey } from '../client/i18n.js';
import { subPathOf } from '../client/office-pages.js';
import { can, seesEverySite } from '../modules/auth/permissions.js';
import { DeviceFiltersForm } from './device-filters.js';
import { DevicePage } from './device-page.js';
import { saveApiFile } from './download.js';
import { offersSitePick } from '../client/sites.js';
import { get, nameOfSite, route, session, sites } from './state.js';
import { Message, reasonOf } from './ui.js';

export function DevicesPage() {
  const tag = subPathOf(route.value);
  return tag ? h(DevicePage, { key: tag, tag }) : h(DeviceList, null);
}

const localDate = () => new Date().toLocaleDateString('en-CA');

function DeviceList() {
  const hash = route.value;
  const role = session.value?.user.role;
  // A site named in a link counts only for those who see every site: anyone else's list is their own site's.
  const parsed = filtersFromHash(hash);
  const filters = role !== undefined && seesEverySite(role) ? parsed : { ...parsed, site: '' };
  const key = JSON.stringify(filters);
  const [items, setItems] = useState<Device[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [loads, setLoads] = useState(0);
  // The filters the list now shows: a page asked under other filters is dropped when it arrives.
  const shown = useRef(key);
  shown.current = key;

  const load = async (f: DeviceFilters, cursor: string | null, live: () => boolean = () => shown.current === JSON.stringify(f)) => {
    setError(null);
    try {
      const page = await get<{ items: Device[]; nextCursor: string | null }>(listPath(f, cursor));
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
    setSaved(null);
    void load(filters, null, () => live);
    return () => {
      live = false;
    };
  }, [key, loads]);

  const exportCsv = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      setSaved(t('office.devices.downloaded', { file: await saveApiFile(csvPath(filters), 'devices.csv', csvFileName(filters, localDate())) }));
    } catch (err) {
      setError(reasonOf(err));
    } finally {
      setBusy(false);
    }
  };

  const order = t(`office.devices.sort.${filters.sort}` as MessageKey).toLowerCase();
  return h(
    'section',
    { class: 'devices', 'aria-labelledby': 'devices-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'devices-title' }, t('office.page.devices'))),
    h('p', { class: 'hint' }, t('office.devices.intro')),
    h(DeviceFiltersForm, { key: hash, filters, onRefresh: () => setLoads((n) => n + 1) }),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'devices-list-title', 'aria-busy': items || error ? 'false' : 'true' },
      h(
        'div',
        { class: 'page-head' },
        h('h2', { id: 'devices-list-title' }, t('office.devices.list')),
        role && can(role, 'devices:export')
          ? h(
              'div',
              { class: 'inline' },
              h('span', { id: 'export-hint', class: 'hint' }, t('office.devices.exportHint')),
              h('button', { type: 'button', class: 'secondary', 'data-action': 'export-csv', 'aria-describedby': 'export-hint', disabled: busy, onClick: () => void exportCsv() }, t('office.devices.export')),
            )
          : null,
      ),
      h(Message, { kind: 'success', text: saved }),
      h(Message, { kind: 'refused', text: error }),
      items ? h(DeviceTable, { items, more: next !== null, order, siteColumn: role !== undefined && offersSitePick(role, sites.value) && !filters.site }) : error ? null : h('p', { class: 'hint' }, t('office.loading')),
      next ? h('button', { type: 'button', class: 'secondary', 'data-action': 'more', onClick: () => void load(filters, next) }, t('office.devices.more')) : null,
    ),
  );
}

const COLUMNS: ReadonlyArray<{ key: MessageKey; num?: boolean }> = [
  { key: 'office.devices.assetTag' },
  { key: 'office.devices.category' },
  { key: 'office.devices.makeModel' },
  { key: 'office.devices.status' },
  { key: 'office.devices.grade' },
  { key: 'office.devices.donation' },
  { key: 'office.devices.weight', num: true },
  { key: 'office.devices.flags' },
  { key: 'office.devices.lastChange' },
];

/** `siteColumn`: a list of every site's devices names each one's site. */
function DeviceTable(p: { items: Device[]; more: boolean; order: string; siteColumn: boolean }) {
  if (p.items.length === 0) return h('p', { class: 'hint', 'data-testid': 'no-devices' }, t('office.devices.none'));
  const count = formatNumber(p.items.length);
  return h(
    'table',
    { class: 'table devices-table', 'data-testid': 'devices' },
    h('caption', { class: 'count' }, p.more ? t('office.devices.shownMore', { count, order: p.order }) : t('office.devices.shown', { count, order: p.order })),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        COLUMNS.map((c) => h('th', { key: c.key, scope: 'col', class: c.num ? 'num' : undefined }, t(c.key))),
        p.siteColumn ? h('th', { key: 'site', scope: 'col' }, t('office.site.column')) : null,
      ),
    ),
    h(
      'tbody',
      null,
      p.items.map((d) =>
        h(
          'tr',
          { key: d.assetTag, 'data-tag': d.assetTag, 'data-status': d.status },
          h('th', { scope: 'row', class: 'tag' }, h('a', { href: `#/devices/${encodeURIComponent(d.assetTag)}` }, d.assetTag)),
          h('td', null, tOr(`category.${d.category}`, d.category)),
          h('td', null, `${d.make} ${d.model}`),
          h('td', null, tOr(`station.status.${d.status}`, d.status)),
          h('td', null, d.grade ?? '—'),
          h('td', null, d.donationId === null ? '—' : h('a', { href: `#/donations/${d.donationId}` }, t('office.devices.donationShort', { id: d.donationId }))),
          h('td', { class: 'num' }, formatWeight(d.weightGrams), d.weightSource === 'category_default' ? h('span', { class: 'hint' }, ` (${t('office.devices.estimated')})`) : null),
          h('td', null, d.flags.length === 0 ? '—' : d.flags.map((f) => h('span', { key: f, class: `flag flag-${f}` }, tOr(`office.devices.flag.${f}`, f)))),
          h('td', { class: 'when' }, formatDate(d.statusChangedAt)),
          p.siteColumn ? h('td', { 'data-site': d.site }, nameOfSite(d.site)) : null,
        ),
      ),
    ),
  );
}
