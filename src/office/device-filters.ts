/** The Devices list's filters: a form whose values go to the hash (so a link or a reload keeps them); the list reads them back from there. */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { filtersHash, GRADES, NO_FILTERS, SORTS, type DeviceFilters, type Sort } from '../client/devices.js';
import { formatDate, t, tOr, type MessageKey } from '../client/i18n.js';
import { readAll } from '../client/today.js';
import { DEVICE_CATEGORIES } from '../modules/devices/category-weights.js';
import { DEVICE_FLAGS, DEVICE_STATUSES } from '../modules/devices/device-lifecycle.js';
import { offersSitePick } from '../client/sites.js';
import { SiteFilter } from './site-filter.js';
import { get, session, sites } from './state.js';
import { SelectField, TextField } from './ui.js';

interface DonationOption {
  id: number;
  donorName: string;
  receivedAt: string;
}

const any = () => ({ value: '', label: t('office.devices.any') });

export function DeviceFiltersForm(p: { filters: DeviceFilters; onRefresh: () => void }) {
  const [draft, setDraft] = useState<DeviceFilters>(p.filters);
  const [donations, setDonations] = useState<DonationOption[]>([]);
  useEffect(() => {
    let live = true;
    // Newest first: the lot being worked on is usually a recent one.
    readAll<DonationOption>(get, '/donations').then(
      ({ items }) => live && setDonations([...items].reverse()),
      () => live && setDonations([]),
    );
    return () => {
      live = false;
    };
  }, []);
  const role = session.value?.user.role;
  const set = (k: keyof DeviceFilters) => (v: string) => setDraft({ ...draft, [k]: v });
  const submit = (e: Event) => {
    e.preventDefault();
    // The same filters again: the hash would not change, so the list is read again here.
    if (filtersHash(draft) === filtersHash(p.filters)) p.onRefresh();
    else location.hash = filtersHash(draft);
  };
  const donationOptions = [
    any(),
    ...donations.map((d) => ({ value: String(d.id), label: t('office.devices.donationOption', { id: d.id, donor: d.donorName, date: formatDate(d.receivedAt.slice(0, 10)) }) })),
  ];
  // A donation named by a link but not (yet) in the list still shows as chosen.
  if (draft.donation && !donations.some((d) => String(d.id) === draft.donation)) donationOptions.push({ value: draft.donation, label: t('office.devices.donationShort', { id: draft.donation }) });

  return h(
    'form',
    { class: 'panel device-filters', role: 'search', 'aria-labelledby': 'device-filters-title', 'data-testid': 'device-filters', onSubmit: submit },
    h('h2', { id: 'device-filters-title', class: 'visually-hidden' }, t('office.devices.filters')),
    role && offersSitePick(role, sites.value) ? h(SiteFilter, { form: 'filter', value: draft.site, onChange: set('site') }) : null,
    h(TextField, { form: 'filter', name: 'q', label: t('office.devices.q'), hint: t('office.devices.qHint'), value: draft.q, onInput: set('q'), type: 'search', autocomplete: 'off' }),
    h(SelectField, {
      form: 'filter',
      name: 'status',
      label: t('office.devices.status'),
      value: draft.status,
      onChange: set('status'),
      options: [any(), ...DEVICE_STATUSES.map((s) => ({ value: s, label: tOr(`station.status.${s}`, s) }))],
    }),
    h(SelectField, { form: 'filter', name: 'grade', label: t('office.devices.grade'), value: draft.grade, onChange: set('grade'), options: [any(), ...GRADES.map((g) => ({ value: g, label: tOr(`station.grade.${g}`, g) }))] }),
    h(SelectField, {
      form: 'filter',
      name: 'category',
      label: t('office.devices.category'),
      value: draft.category,
      onChange: set('category'),
      options: [any(), ...DEVICE_CATEGORIES.map((c) => ({ value: c, label: tOr(`category.${c}`, c) }))],
    }),
    h(SelectField, { form: 'filter', name: 'donation', label: t('office.devices.donation'), value: draft.donation, onChange: set('donation'), options: donationOptions }),
    h(SelectField, { form: 'filter', name: 'flag', label: t('office.devices.flag'), value: draft.flag, onChange: set('flag'), options: [any(), ...DEVICE_FLAGS.map((f) => ({ value: f, label: tOr(`office.devices.flag.${f}`, f) }))] }),
    h(SelectField, {
      form: 'filter',
      name: 'sort',
      label: t('office.devices.sort'),
      value: draft.sort,
      onChange: (v) => setDraft({ ...draft, sort: v as Sort }),
      options: SORTS.map((s) => ({ value: s, label: t(`office.devices.sort.${s}` as MessageKey) })),
    }),
    h(
      'div',
      { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('office.devices.apply')),
      h('a', { href: filtersHash({ ...NO_FILTERS }), class: 'clear' }, t('office.devices.clear')),
    ),
  );
}
